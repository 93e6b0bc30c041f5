"""The session and checkpoints of a ``SeriesPredictor``: which checkpoint the
session holds, ``save`` and ``restore`` through ``checkpoints``, a Ctrl-C held
while a save is recorded, and closing (the session, the owner token, the
temporary folder).
"""

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import weakref

from . import checkpoints, process_guard
from .errors import CheckpointNotFoundError, NotTrainedError, PredictorClosedError


@contextlib.contextmanager
def _ctrl_c_deferred():
    """Hold a Ctrl-C that arrives inside the block until the block is done.

    A save and the record of what it saved then happen both or neither. Only
    Python's default handler in the main thread is replaced; anything else runs as is.
    """
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    caught = []
    signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if caught:
        raise KeyboardInterrupt


def _remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)


class CheckpointedSession:
    """The session's lifecycle and checkpoint bookkeeping of a ``SeriesPredictor``:
    which checkpoint the session holds, save and restore, closing."""

    # ------------------------------------------------------------ checkpoints
    @property
    def checkpoint_dir(self):
        """The folder ``train`` saves into (a private temporary one unless given)."""
        if self._user_checkpoint_dir is not None:
            return self._user_checkpoint_dir
        if self._temp_checkpoint_dir is None:
            self._temp_checkpoint_dir = tempfile.mkdtemp(prefix="series-predictor-")
            self._finalizer.detach()
            self._finalizer = weakref.finalize(self, self._release, self.sess,
                                               self._temp_checkpoint_dir, self._owner)
        return self._temp_checkpoint_dir

    @property
    def checkpoint(self):
        """Prefix of the checkpoint whose weights the session holds, or None."""
        return self._checkpoint

    def _set_checkpoint(self, prefix):
        self._checkpoint = prefix
        self._weights_version += 1

    def save(self, checkpoint_dir=None):
        """Save the current weights as a new checkpoint; return its prefix.

        The previous checkpoint in that folder stays current until the new one is
        completely written, so a failed save never damages it. Older checkpoints
        of this predictor in that folder are then removed; other predictors' stay.

        Raises:
            OutputDirError: the checkpoint cannot be written (names the folder and why).
            TrainingDiverged: the weights hold NaN or infinity; they are not saved.
        """
        self._require_ready()
        return self._save_finite(checkpoint_dir, self._last_step)

    def _save_finite(self, checkpoint_dir, step):
        """Save into ``checkpoint_dir`` (None: ``self.checkpoint_dir``) unless a weight
        is not finite; then restore the last saved weights and raise TrainingDiverged."""
        if not self._weights_finite():
            raise self._diverged(step)
        directory = (self.checkpoint_dir if checkpoint_dir is None
                     else checkpoints.as_path(checkpoint_dir))
        with _ctrl_c_deferred():
            prefix = checkpoints.save(self.sess, self.saver.saver_def, directory,
                                      owner=self._owner, model_args=self.model_args,
                                      step=step)
            self._last_saved = prefix
            self._set_checkpoint(prefix)
        return prefix

    def restore(self, path=None):
        """Load weights from a checkpoint folder or prefix; return the prefix restored.

        With no ``path``: this predictor's own newest checkpoint once it has saved
        one; before it ever trained, the checkpoint that ``checkpoint_dir``'s state
        file names. A folder gives the checkpoint its state file names.

        Raises:
            CheckpointNotFoundError: nothing to restore at ``path``, or (no ``path``)
                this predictor trained but saved no checkpoint.
            CheckpointError: the checkpoint was made with another input_dim,
                seq_size or hidden_dim (the message names both values), or a file
                is missing or damaged (the message names it).
        """
        self._check_open()
        prefix = self._prefix_to_restore(path)
        self._restore_into(self.sess, prefix, own=path is None and self._last_saved is not None)
        self._ready = True
        return prefix

    def _prefix_to_restore(self, path):
        if path is not None:
            return checkpoints.resolve(path)
        if self._last_saved is not None:
            return self._last_saved
        if self._started_training:
            raise CheckpointNotFoundError(
                f"no checkpoint of this run in {self.checkpoint_dir!r}: this predictor "
                "saved none yet (restore(folder) takes the folder's current checkpoint)")
        return checkpoints.resolve(self.checkpoint_dir)

    def _restore_into(self, sess, prefix, own=False):
        """Load ``prefix`` into ``sess``; ``own``: it must be one this predictor saved."""
        checkpoints.restore(sess, self.saver.saver_def, prefix, self.model_args,
                            self._owner if own else None)
        if sess is self.sess:
            self._set_checkpoint(prefix)

    def _back_to_last_saved(self):
        """Restore this predictor's newest checkpoint; return its prefix, or None."""
        if self._last_saved is None:
            self._ready = False
            self._set_checkpoint(None)
            return None
        self._restore_into(self.sess, self._last_saved, own=True)
        self._ready = True
        return self._last_saved

    def _saved_message(self, prefix):
        if self._user_checkpoint_dir is None:
            return ("Model saved to a temporary folder, removed when the predictor is closed "
                    f"(pass checkpoint_dir= to keep it): {prefix}")
        return f"Model saved to {prefix}"

    # ------------------------------------------------------- session checks
    def _check_open(self):
        process_guard.check_process(self._pid)
        if not self._finalizer.alive:
            raise PredictorClosedError(
                "this SeriesPredictor was closed (close() or the end of its with block); "
                "build a new one, or restore its checkpoint into a new one")

    def _require_ready(self):
        self._check_open()
        if self._ready:
            return
        if not self._started_training and self._user_checkpoint_dir is not None \
                and os.path.isdir(self._user_checkpoint_dir):
            with contextlib.suppress(CheckpointNotFoundError):
                self.restore(self._user_checkpoint_dir)
                return
        raise NotTrainedError(
            "this SeriesPredictor has not been trained or restored yet; call "
            "train(train_x, train_y) or restore(checkpoint_dir) first")

    def _session_for(self, sess):
        self._require_ready()
        if sess is None or sess is self.sess or sess.graph is not self.graph:
            # A session the caller opened on the default graph (the book's
            # `with tf.Session() as sess`) cannot run this predictor's graph;
            # this predictor's own session holds the checkpoint's weights.
            return self.sess
        if self._session_versions.get(sess) != self._weights_version:
            self._restore_into(sess, self._checkpoint)
            self._session_versions[sess] = self._weights_version
        return sess

    # ---------------------------------------------------------------- cleanup
    @staticmethod
    def _release(sess, temp_dir, owner):
        sess.close()
        checkpoints.release_owner(owner)
        if temp_dir is not None:
            _remove_tree(temp_dir)

    def close(self):
        """Close the session and remove the temporary checkpoint folder, if any."""
        self._finalizer()

    @contextlib.contextmanager
    def _closed_as_error(self):
        """A run cut short by ``close()`` in another thread -> PredictorClosedError."""
        from .tf_compat import tf
        try:
            yield
            return
        except (tf.errors.CancelledError, RuntimeError):
            if self._finalizer.alive:
                raise
        self._check_open()  # closed: raises PredictorClosedError

    def __reduce_ex__(self, protocol):
        raise process_guard.refuse_pickle(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
