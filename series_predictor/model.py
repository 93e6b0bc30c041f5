"""The chapter's ``SeriesPredictor`` (listings 10.2-10.5 and 10.8) on ``tf.compat.v1``.

Each predictor owns one ``tf.Graph`` and one ``tf.compat.v1.Session``. The whole
graph is built in ``__init__`` and then finalized, so training, testing and any
number of predictions add no op (TensorFlow raises if anything tries).
"""

import contextlib
import dataclasses
import math
import os
import random
import shutil
import signal
import tempfile
import threading
import uuid
import weakref

import numpy as np

from . import checkpoints, process_guard
from .errors import (CheckpointNotFoundError, NotTrainedError, PredictorClosedError,
                     SettingError, TrainingDiverged, TrainingInterrupted)
from .tf_compat import basic_lstm_cell_class, quiet_deprecations, quiet_known_tf_lines, tf
from .validation import (MAX_HIDDEN_DIM, MAX_SEQ_SIZE, MAX_STEPS, as_float_array, check_flag,
                         check_positive_float, check_positive_int, check_seed, check_windows_x,
                         check_windows_y)

BOOK_ITERATIONS = 1000
BOOK_REPORT_EVERY = 100
# fast_training: at most this many steps per session.run, and at most this many
# window elements (rows * seq_size, summed over the steps), so that a Ctrl-C, which
# waits for the run, is taken within a fraction of a second.
MAX_STEPS_PER_RUN = 100
MAX_WINDOW_VALUES_PER_RUN = 150_000


@dataclasses.dataclass
class TrainingHistory:
    """What ``SeriesPredictor.train`` did. Losses are MSE in the units of ``y``.

    The monitored data is what ``train`` got as ``test_x, test_y``: the book's test
    windows, or a validation tail carved from the training data.

    Attributes:
        loss: training MSE at every step, measured before that step's update
            (as the book's ``sess.run([train_op, cost])`` does).
        report_steps: the steps at which progress was printed (0, 100, ...).
        report_train_loss: training MSE at those steps.
        report_monitor_loss: MSE on the monitored data after those steps' updates;
            empty without it.
        best_step: the report step with the lowest monitored MSE, or None without
            monitored data.
        stopped_early: True when ``patience`` ended training before ``iterations``.
        checkpoint: prefix of the checkpoint that holds the weights now in the session.
    """

    loss: list = dataclasses.field(default_factory=list)
    report_steps: list = dataclasses.field(default_factory=list)
    report_train_loss: list = dataclasses.field(default_factory=list)
    report_monitor_loss: list = dataclasses.field(default_factory=list)
    best_step: int = None
    stopped_early: bool = False
    checkpoint: str = None

    @property
    def final_loss(self):
        """Training MSE of the last step run."""
        return self.loss[-1]

    @property
    def best_monitor_loss(self):
        """Lowest monitored MSE seen at a report step, or None without monitored data."""
        return min(self.report_monitor_loss) if self.report_monitor_loss else None


@dataclasses.dataclass
class _TrainingRun:
    """One ``train`` call: its checked arrays and settings, and the step it is at."""

    x: np.ndarray
    y: np.ndarray
    monitor_x: np.ndarray
    monitor_y: np.ndarray
    iterations: int
    report_every: int
    stopping: "_EarlyStopping"
    batches: "_BatchOrder"
    verbose: bool
    monitor_name: str
    step: int = 0


class _EarlyStopping:
    """When to save and when to stop, decided at each report step.

    Without ``patience``: save at every report, never stop. With it: save at each
    new best monitored loss, stop after ``patience`` reports without one.
    """

    def __init__(self, patience):
        self.patience = patience
        self.reports_without_improvement = 0

    def decide(self, improved):
        """Return ``(save, stop)`` for a report whose monitored loss ``improved``."""
        if self.patience is None:
            return True, False
        if improved:
            self.reports_without_improvement = 0
            return True, False
        self.reports_without_improvement += 1
        return False, self.reports_without_improvement >= self.patience


@contextlib.contextmanager
def _python_random_seeded(seed):
    # The legacy cell's kernel initializer draws its op seed from Python's
    # `random`; seed it for the build only and give the caller's state back.
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


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


class SeriesPredictor:
    """An LSTM that maps each window ``x[t-seq_size+1..t]`` to ``x[t-seq_size+2..t+1]``.

    Args:
        input_dim: size of each element of a sequence (1 for a scalar series).
        seq_size: length of each window.
        hidden_dim: size of the LSTM state (the book's default, 10).
        learning_rate: Adam's step size (the book uses Adam's default, 0.001).
        seed: seeds the weights and mini-batch order. None draws one from the OS;
            it is kept in ``self.seed`` so that any run can be repeated.
        checkpoint_dir: where ``train`` saves checkpoints and ``test`` restores from.
            None uses a private temporary folder, removed by ``close()``
            (the book writes ``model.ckpt`` into the current folder).
        unroll: build the RNN with ``static_rnn`` over the time axis instead of
            ``dynamic_rnn``. Same weights and losses, fewer ops per step, faster
            for short sequences. Off by default, as in the book.
        fast_training: also build a second training route, which ``train`` then
            takes: up to ``MAX_STEPS_PER_RUN`` Adam steps per ``session.run``, in one
            in-graph ``while_loop`` with BasicLSTMCell's backward pass written out
            (one batched weight-gradient matmul, no work for the zero initial
            state). Same variables, same Adam and slots, same losses within float
            tolerance (relative 1e-5 in the tests); 0.6x the time per step of
            the default on the chapter's batch (benchmarks/RESULTS.txt). Off by
            default: the default graph is the book's, op for op.
    """

    def __init__(self, input_dim, seq_size, hidden_dim=10, *, learning_rate=0.001,
                 seed=None, checkpoint_dir=None, unroll=False, fast_training=False):
        self.input_dim = check_positive_int(input_dim, "input_dim", MAX_HIDDEN_DIM)
        self.seq_size = check_positive_int(seq_size, "seq_size", MAX_SEQ_SIZE)
        self.hidden_dim = check_positive_int(hidden_dim, "hidden_dim", MAX_HIDDEN_DIM)
        self.learning_rate = check_positive_float(learning_rate, "learning_rate")
        if seed is None:
            seed = int.from_bytes(os.urandom(4), "little") >> 1
        self.seed = check_seed(seed)
        self.unroll = check_flag(unroll, "unroll")
        self.fast_training = check_flag(fast_training, "fast_training")
        self._user_checkpoint_dir = (None if checkpoint_dir is None
                                     else checkpoints.as_path(checkpoint_dir))
        self._temp_checkpoint_dir = None
        self._model_out = None
        # Marks this predictor's checkpoints: while it is open, no other removes them.
        self._owner = uuid.uuid4().hex
        process_guard.check_process()  # a forked child of a TensorFlow process: refuse
        self._pid = os.getpid()
        with quiet_known_tf_lines():
            self._build_graph()
            self._start_session()
        self._ready = False           # the session holds weights worth predicting with
        self._started_training = False
        self._checkpoint = None       # the checkpoint whose weights the session holds
        self._last_saved = None       # this predictor's newest checkpoint
        self._last_step = None        # the last training step run
        # Bumped whenever the weights of self._checkpoint change; a caller's session
        # on this graph is restored again when its version is behind.
        self._weights_version = 0
        self._session_versions = weakref.WeakKeyDictionary()

    def _build_graph(self):
        """Build every op once, then finalize the graph (listings 10.2-10.3)."""
        self.graph = tf.Graph()
        with self.graph.as_default(), quiet_deprecations(), _python_random_seeded(self.seed):
            tf.compat.v1.set_random_seed(self.seed)
            with tf.compat.v1.variable_scope("series_predictor"):
                self.W_out = tf.Variable(tf.compat.v1.random_normal([self.hidden_dim, 1]),
                                         name="W_out")
                self.b_out = tf.Variable(tf.compat.v1.random_normal([1]), name="b_out")
                self.x = tf.compat.v1.placeholder(
                    tf.float32, [None, self.seq_size, self.input_dim], name="x")
                self.y = tf.compat.v1.placeholder(tf.float32, [None, self.seq_size], name="y")
                self.cost = tf.reduce_mean(tf.square(self.model() - self.y))
                self._optimizer = tf.compat.v1.train.AdamOptimizer(self.learning_rate)
                self.train_op = self._optimizer.minimize(self.cost)
                if self.input_dim == 1:
                    self._build_hallucination()
                if self.fast_training:
                    self._build_fast_training()
            self.saver = tf.compat.v1.train.Saver(max_to_keep=None)
            variables = tf.compat.v1.global_variables()
            self._initial_values = [v.initial_value for v in variables]
            self._init_op = tf.compat.v1.global_variables_initializer()
            # One op says whether every variable (Adam's slots too) is finite.
            self._all_finite = tf.reduce_all(tf.stack(
                [tf.reduce_all(tf.math.is_finite(v)) for v in variables]))
        self.graph.finalize()

    def _start_session(self):
        """Open the session, draw the initial weights, make the callables."""
        self.sess = tf.compat.v1.Session(graph=self.graph)
        process_guard.note_tf_started()
        # Draw the initial weights once; every train() call starts from them, so
        # that training twice with one predictor gives the same result twice.
        self._initial_feed = dict(zip(self._initial_values,
                                      self.sess.run(self._initial_values)))
        checkpoints.register_owner(self._owner)
        self._finalizer = weakref.finalize(self, self._release, self.sess, None, self._owner)
        self._train_step = self.sess.make_callable([self.train_op, self.cost],
                                                   feed_list=[self.x, self.y])
        self._eval_cost = self.sess.make_callable(self.cost, feed_list=[self.x, self.y])
        self._predict_fn = self.sess.make_callable(self._model_out, feed_list=[self.x])
        self._weights_finite = self.sess.make_callable(self._all_finite)
        if self.fast_training:
            self._train_steps = self.sess.make_callable(
                [self._fast_losses, self._fast_steps_run],
                feed_list=[self._chunk_x, self._chunk_y, self._chunk_steps])
        if self.input_dim == 1:
            self._hallucinate_fn = self.sess.make_callable(
                self._hallucinated,
                feed_list=[self._hallucinate_window, self._hallucinate_steps])

    # ------------------------------------------------------------------ graph
    def model(self):
        """The output layer over the LSTM (listing 10.3): ``[batch, seq_size]``.

        Built on the first call, inside ``__init__``; later calls return the same
        tensor. The book's ``tf.squeeze(out)`` also drops the batch axis for a
        batch of one (and the time axis when ``seq_size == 1``); here only the
        unit output axis is dropped, so the cost is right for every shape.
        """
        if self._model_out is not None:
            return self._model_out
        cell = self._cell = basic_lstm_cell_class()(self.hidden_dim)
        if self.unroll:
            steps = tf.unstack(self.x, num=self.seq_size, axis=1)
            step_outputs, _ = tf.compat.v1.nn.static_rnn(cell, steps, dtype=tf.float32)
            outputs = tf.stack(step_outputs, axis=1)
        else:
            outputs, _ = tf.compat.v1.nn.dynamic_rnn(cell, self.x, dtype=tf.float32)
        num_examples = tf.shape(self.x)[0]
        W_repeated = tf.tile(tf.expand_dims(self.W_out, 0), [num_examples, 1, 1])
        out = tf.matmul(outputs, W_repeated) + self.b_out
        self._model_out = tf.squeeze(out, axis=2)
        return self._model_out

    def _build_hallucination(self):
        """Listing 10.9's feedback loop as one in-graph ``while_loop`` over the cell.

        Same cell, same weights, same arithmetic as ``predict`` on each window;
        one ``session.run`` returns every point instead of one run per point.
        """
        self._hallucinate_window = tf.compat.v1.placeholder(
            tf.float32, [self.seq_size], name="hallucinate_window")
        self._hallucinate_steps = tf.compat.v1.placeholder(tf.int32, [], name="hallucinate_steps")
        cell = self._cell

        def body(k, window, values):
            state = cell.zero_state(1, tf.float32)
            for t in range(self.seq_size):
                output, state = cell(tf.reshape(window[t], [1, 1]), state)
            value = tf.reshape(tf.matmul(output, self.W_out) + self.b_out, [1])
            return k + 1, tf.concat([window[1:], value], 0), values.write(k, value[0])

        values = tf.TensorArray(tf.float32, size=self._hallucinate_steps)
        _, _, values = tf.compat.v1.while_loop(
            lambda k, *_: k < self._hallucinate_steps, body,
            [tf.constant(0), self._hallucinate_window, values])
        self._hallucinated = values.stack()

    def _build_fast_training(self):
        """The ``fast_training`` route: ``steps`` Adam steps in one in-graph loop.

        Feeds: ``_chunk_x`` ``[batches, seq_size, rows, input_dim]`` and ``_chunk_y``
        ``[batches, seq_size, rows]``, time-major; step ``k`` trains on batch
        ``k % batches`` (one batch for full-batch training, one per step for
        mini-batches). ``_chunk_steps``: how many steps to run. Fetches:
        ``_fast_losses`` ``[steps]``, each step's MSE before its update (as the
        default route's), and ``_fast_steps_run``, fewer than ``steps`` when a
        loss was not finite (the loop stops after that step).

        The loop applies its gradients with the optimizer of ``train_op``: same
        variables, same Adam slots.
        """
        self._chunk_x = tf.compat.v1.placeholder(
            tf.float32, [None, self.seq_size, None, self.input_dim], name="chunk_x")
        self._chunk_y = tf.compat.v1.placeholder(tf.float32, [None, self.seq_size, None],
                                                 name="chunk_y")
        self._chunk_steps = tf.compat.v1.placeholder(tf.int32, [], name="chunk_steps")
        self._fast_losses, self._fast_steps_run = _adam_steps_loop(
            self._chunk_x, self._chunk_y, self._chunk_steps,
            list(self._cell.weights) + [self.W_out, self.b_out], self._optimizer)

    @property
    def model_args(self):
        """The arguments that rebuild this model; stored beside each checkpoint."""
        return {"input_dim": self.input_dim, "seq_size": self.seq_size,
                "hidden_dim": self.hidden_dim}

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

    # ---------------------------------------------------------------- training
    def train(self, train_x, train_y, test_x=None, test_y=None, *,
              iterations=BOOK_ITERATIONS, report_every=BOOK_REPORT_EVERY,
              patience=None, batch_size=None, verbose=True, monitor_name="test"):
        """Train from the initial weights with Adam (listing 10.4), save a checkpoint.

        ``train(train_x, train_y)`` is listing 10.4; ``train(train_x, train_y,
        test_x, test_y)`` is the call of listing 10.9, which also reports the error
        on those monitored windows at every report step.

        Args:
            train_x: ``[batch, seq_size, input_dim]`` windows.
            train_y: ``[batch, seq_size]`` targets.
            test_x, test_y: optional monitored windows and targets, same layout: the
                book's test windows, or a validation tail of the training data.
            iterations: optimizer steps (the book: 1000).
            report_every: print and record progress every this many steps (100).
            patience: stop when the monitored error has not improved for this many
                reports, and keep the weights with the best monitored error (the
                book's companion code uses 3). None trains all ``iterations``.
            batch_size: None for full-batch steps (the book); otherwise each step
                takes the next ``batch_size`` windows of a per-epoch shuffle drawn
                from ``seed``, and the printed training loss is that batch's.
            verbose: print progress lines and where the model was saved.
            monitor_name: what to call ``test_x`` in progress lines ("validation"
                when it is a tail of the training data).

        With ``fast_training``, several steps run per ``session.run`` (chunks end at
        report steps), with the default route's losses, reports, checkpoints and
        stops within float tolerance; a Ctrl-C waits for the chunk, names its first step.

        Returns:
            TrainingHistory.

        Raises:
            InputShapeError, SettingError: bad arrays or settings, before any step.
            TrainingInterrupted: Ctrl-C; the session then holds this predictor's
                newest checkpoint, whose prefix the exception carries (None if none).
            TrainingDiverged: the loss or the weights became NaN or infinite; the
                session then holds this predictor's newest (finite) checkpoint.
            OutputDirError: a checkpoint cannot be written.
        """
        self._check_open()
        run = self._training_run(
            train_x, train_y, test_x, test_y, iterations, report_every, patience,
            batch_size, verbose, monitor_name)
        self.sess.run(self._init_op, feed_dict=self._initial_feed)
        self._started_training = self._ready = True
        self._set_checkpoint(None)
        history = TrainingHistory()
        try:
            self._run_steps(run, history)
            self._keep_final_weights(run, history)
        except KeyboardInterrupt:
            raise self._interrupted(run.step) from None
        if verbose:
            if history.stopped_early:
                print(f"Stopped early at step {run.step}: no better {run.monitor_name} loss "
                      f"for {run.stopping.patience} reports; kept step {history.best_step}.")
            print(self._saved_message(history.checkpoint))
        return history

    def _training_run(self, train_x, train_y, test_x, test_y, iterations, report_every,
                      patience, batch_size, verbose, monitor_name):
        """Check ``train``'s arguments (before any step); return them as a _TrainingRun."""
        x = check_windows_x(train_x, self.seq_size, self.input_dim, "train_x")
        y = check_windows_y(train_y, x, "train_y")
        if (test_x is None) != (test_y is None):
            raise SettingError("give both test_x and test_y, or neither")
        monitor_x = monitor_y = None
        if test_x is not None:
            monitor_x = check_windows_x(test_x, self.seq_size, self.input_dim, "test_x")
            monitor_y = check_windows_y(test_y, monitor_x, "test_y")
        iterations = check_positive_int(iterations, "iterations")
        report_every = check_positive_int(report_every, "report_every")
        if patience is not None:
            patience = check_positive_int(patience, "patience")
            if monitor_x is None:
                raise SettingError("patience (early stopping) needs test_x and test_y")
        if batch_size is not None:
            batch_size = check_positive_int(batch_size, "batch_size")
        return _TrainingRun(x, y, monitor_x, monitor_y, iterations, report_every,
                            _EarlyStopping(patience), _BatchOrder(len(x), batch_size, self.seed),
                            bool(verbose), str(monitor_name))

    def _run_steps(self, run, history):
        """Run the optimizer steps, reporting (and saving) every ``report_every``."""
        if self.fast_training:
            self._run_chunks(run, history)
            return
        for step in range(run.iterations):
            run.step = step
            history.loss.append(self._one_step(run, step))
            if step % run.report_every == 0 and self._report(run, history, step):
                return

    def _one_step(self, run, step):
        """One Adam step on the full batch or the next mini-batch; return its MSE.

        Raises:
            TrainingDiverged: the MSE is NaN or infinite.
        """
        rows = run.batches.next()
        x, y = (run.x, run.y) if rows is None else (run.x[rows], run.y[rows])
        with quiet_known_tf_lines() if step == 0 else contextlib.nullcontext():
            _, mse = self._train_step(x, y)
        mse = float(mse)
        if not math.isfinite(mse):
            raise self._diverged(step, mse)
        self._last_step = step
        return mse

    def _run_chunks(self, run, history):
        """The ``fast_training`` route of ``_run_steps``: the same steps, reports and
        saves, a chunk of steps per ``session.run``; each chunk ends at a report
        step or after ``MAX_STEPS_PER_RUN`` steps or ``MAX_WINDOW_VALUES_PER_RUN``
        window values, whichever comes first."""
        rows_per_step = run.batches.batch_size or len(run.x)
        steps_per_run = max(1, min(MAX_STEPS_PER_RUN,
                                   MAX_WINDOW_VALUES_PER_RUN // (rows_per_step * self.seq_size)))
        first = 0
        while first < run.iterations:
            last = _chunk_last_step(first, run.iterations, run.report_every, steps_per_run)
            run.step = first  # a Ctrl-C during the chunk names its first step
            history.loss.extend(self._train_chunk(run, first, last))
            run.step = last
            if last % run.report_every == 0 and self._report(run, history, last):
                return
            first = last + 1

    def _train_chunk(self, run, first, last):
        """Steps ``first..last`` in one ``session.run``; return their MSEs.

        Raises:
            TrainingDiverged: a step's MSE is NaN or infinite (names the first such step).
        """
        rows = [run.batches.next() for _ in range(last - first + 1)]
        x_tm, y_tm = _time_major_batches(run.x, run.y, rows)
        with quiet_known_tf_lines() if first == 0 else contextlib.nullcontext():
            losses, steps_run = self._train_steps(x_tm, y_tm, len(rows))
        losses = [float(mse) for mse in losses[:steps_run]]
        for step, mse in enumerate(losses, start=first):
            if not math.isfinite(mse):
                raise self._diverged(step, mse)
        self._last_step = last
        return losses

    def _report(self, run, history, step):
        """Record, print and save at a report step; return True to stop early."""
        mse = history.loss[-1]
        history.report_steps.append(step)
        history.report_train_loss.append(mse)
        line = f"step {step}: train loss {mse:.4f}"
        improved = False
        if run.monitor_x is not None:
            monitor_mse = float(self._eval_cost(run.monitor_x, run.monitor_y))
            best = history.best_monitor_loss
            improved = best is None or monitor_mse < best
            history.report_monitor_loss.append(monitor_mse)
            if improved:
                history.best_step = step
            line += f", {run.monitor_name} loss {monitor_mse:.4f}"
        if run.verbose:
            print(line, flush=True)
        save, history.stopped_early = run.stopping.decide(improved)
        if save:
            history.checkpoint = self._save_finite(None, step)
        return history.stopped_early

    def _keep_final_weights(self, run, history):
        """Save the last weights, or with ``patience`` go back to the best ones."""
        if run.stopping.patience is None:
            history.checkpoint = self._save_finite(None, run.step)
        else:
            self._restore_into(self.sess, history.checkpoint, own=True)

    def _interrupted(self, step):
        """The TrainingInterrupted for a Ctrl-C at ``step``, with the weights restored."""
        checkpoint = self._back_to_last_saved()
        if checkpoint is None:
            return TrainingInterrupted(
                f"training interrupted at step {step}; no checkpoint of this run was saved "
                "yet", None)
        return TrainingInterrupted(
            f"training interrupted at step {step}; last good checkpoint: {checkpoint}",
            checkpoint)

    def _diverged(self, step, loss=None):
        """The TrainingDiverged for a non-finite ``loss`` (None: non-finite weights) at
        ``step``, with this predictor's last saved weights restored."""
        if loss is None:
            what, advice = ("the weights became NaN or infinite",
                            f"try a learning_rate below {self.learning_rate:g}")
        elif step == 0:  # before any update: the data's squared errors overflow
            what, advice = f"the loss is {loss}", "scale the data down (normalize it)"
        else:
            what, advice = (f"the loss is {loss}",
                            f"try a learning_rate below {self.learning_rate:g}")
        checkpoint = self._back_to_last_saved()
        where = (f"restored the last finite checkpoint: {checkpoint}" if checkpoint else
                 "no checkpoint of this run was saved before it, so the predictor is not "
                 "trained")
        return TrainingDiverged(f"training diverged at step {step}: {what}; {advice}; {where}",
                                step, checkpoint)

    # -------------------------------------------------------------- prediction
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

    def predict(self, x, sess=None):
        """One forward pass: ``[batch, seq_size, input_dim]`` -> ``[batch, seq_size]``.

        Output ``[:, t]`` is the prediction of the element after ``x[:, t]``.
        """
        x = check_windows_x(x, self.seq_size, self.input_dim, "x")
        sess = self._session_for(sess)
        if sess is self.sess:
            with self._closed_as_error():
                return self._predict_fn(x)
        return sess.run(self._model_out, feed_dict={self.x: x})

    def test(self, *args):
        """``test(test_x)`` (listing 10.5) or ``test(sess, test_x)`` (listing 10.8).

        Runs the model with the checkpoint's weights, restored once rather than on
        every call. Returns the predictions squeezed as the book's ``tf.squeeze``
        does: ``[batch, seq_size]``, or ``[seq_size]`` for a batch of one. The
        one-argument form also prints them, as listing 10.5 does. Use ``predict``
        for a shape that never changes.
        """
        if len(args) == 1:
            sess, test_x = None, args[0]
        elif len(args) == 2:
            sess, test_x = args
        else:
            raise TypeError("test() takes test_x (listing 10.5) or sess, test_x "
                            f"(listing 10.8); got {len(args)} arguments")
        output = np.squeeze(self.predict(test_x, sess))
        if len(args) == 1:
            print(output)
        return output

    def hallucinate(self, window, steps):
        """Feed the model its own predictions (listing 10.9).

        The loop runs inside the graph (built once in ``__init__``), so one
        ``session.run`` returns every point; each step is the same computation as
        ``predict`` on the current window, whose last output is appended.

        Args:
            window: ``[seq_size, 1]`` (or ``[seq_size]``) starting values.
            steps: how many points to generate.

        Returns:
            ``[steps]`` array: the prediction after the window, then after the
            window shifted by that prediction, and so on.
        """
        if self.input_dim != 1:
            raise SettingError("hallucinate needs input_dim=1: each prediction is fed "
                               f"back as the next input, but input_dim={self.input_dim}")
        steps = check_positive_int(steps, "steps", MAX_STEPS)
        window = as_float_array(window, "window")
        if window.ndim == 1:
            window = window[:, None]
        first = check_windows_x(window[None], self.seq_size, 1, "window")[0, :, 0]
        self._require_ready()
        with self._closed_as_error():
            return process_guard.hallucinate_in_slices(self._hallucinate_fn, first, steps,
                                                       self.seq_size, self.hidden_dim)

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

    def __repr__(self):
        return (f"SeriesPredictor(input_dim={self.input_dim}, seq_size={self.seq_size}, "
                f"hidden_dim={self.hidden_dim}, learning_rate={self.learning_rate}, "
                f"seed={self.seed})")


def _adam_steps_loop(chunk_x, chunk_y, steps, variables, optimizer):
    """``steps`` Adam steps as one ``while_loop`` -> ``(losses [steps], steps_run)``.

    Args:
        chunk_x: ``[batches, seq_size, rows, input_dim]``; step k trains on
            ``chunk_x[k % batches]`` (time-major windows).
        chunk_y: ``[batches, seq_size, rows]`` targets.
        steps: int32 scalar, how many steps to run.
        variables: ``[kernel, bias, W_out, b_out]``, updated in place.
        optimizer: the ``AdamOptimizer`` whose slots for ``variables`` exist already.

    Each iteration reads the weights afresh, ordered after the previous update
    (the reads and Adam's own reads depend on the loop counter, which depends on
    the update), so no step computes with stale weights. ``losses[k]`` is step
    k's MSE before its update; the loop stops after a non-finite loss, so
    ``steps_run`` is then less than ``steps`` and the rest of ``losses`` is unset.
    """
    batches = tf.shape(chunk_x)[0]

    def body(k, losses, _finite):
        with tf.control_dependencies([k]):
            weights = [v.read_value() for v in variables]
            x_tm, y_tm = chunk_x[k % batches], chunk_y[k % batches]
        cost, grads = _lstm_cost_and_gradients(x_tm, y_tm, *weights)
        with tf.control_dependencies([k]):  # Adam's own reads: after the last update
            update = optimizer.apply_gradients(list(zip(grads, variables)))
        with tf.control_dependencies([update]):
            return k + 1, losses.write(k, cost), tf.math.is_finite(cost)

    losses = tf.TensorArray(tf.float32, size=steps, element_shape=[])
    steps_run, losses, _ = tf.compat.v1.while_loop(
        lambda k, _losses, finite: tf.logical_and(k < steps, finite), body,
        [tf.constant(0), losses, tf.constant(True)], parallel_iterations=1)
    return losses.stack(), steps_run


def _lstm_cost_and_gradients(x_tm, y_tm, kernel, bias, W_out, b_out):
    """The model's MSE and its gradients, BasicLSTMCell's backward pass written out.

    Args:
        x_tm: ``[seq_size, batch, input_dim]`` windows, time-major.
        y_tm: ``[seq_size, batch]`` targets, time-major.
        kernel: ``[input_dim + hidden, 4 * hidden]``, gates i, j, f, o; bias ``[4 * hidden]``.
        W_out: ``[hidden, 1]``; b_out: ``[1]``.

    Returns:
        ``(cost, [d_kernel, d_bias, d_W_out, d_b_out])``, the gradients shaped as
        the weights.
    """
    seq_size, input_dim = x_tm.shape[0], x_tm.shape[2]
    hidden = W_out.shape[0]
    rows = tf.shape(x_tm)[1]
    x_flat = tf.reshape(x_tm, [-1, input_dim])                 # [seq_size * batch, input_dim]
    tape = _lstm_forward(x_flat, rows, kernel, bias, seq_size)
    h_flat = tf.reshape(tf.stack(tape.h), [-1, hidden])         # [seq_size * batch, hidden]
    error = tf.matmul(h_flat, W_out) + b_out - tf.reshape(y_tm, [-1, 1])
    cost = tf.reduce_mean(tf.square(error))
    d_out = error * (2.0 / tf.cast(rows * seq_size, tf.float32))  # [seq_size * batch, 1]
    d_h = tf.reshape(tf.matmul(d_out, W_out, transpose_b=True), [seq_size, rows, hidden])
    d_gates = tf.reshape(tf.stack(_lstm_backward(d_h, tape, kernel[input_dim:])),
                         [-1, 4 * hidden])                      # [seq_size * batch, 4 * hidden]
    # One matmul gives the input part of the kernel's gradient and, from a column
    # of ones, the bias gradient (the sum of d_gates over all rows and steps).
    x_and_ones = tf.concat([x_flat, tf.ones_like(x_flat[:, :1])], 1)
    d_input_and_bias = tf.matmul(x_and_ones, d_gates, transpose_a=True)  # [input_dim + 1, 4h]
    d_kernel = tf.concat([d_input_and_bias[:input_dim],
                          _recurrent_weight_gradient(h_flat, d_gates, rows, seq_size)], 0)
    return cost, [d_kernel, d_input_and_bias[input_dim],
                  tf.matmul(h_flat, d_out, transpose_a=True), tf.reduce_sum(d_out, axis=0)]


@dataclasses.dataclass
class _LSTMTape:
    """What the backward pass needs of each time step: lists of ``[batch, hidden]``.

    ``h``, ``c``: the state after each step; ``in_gate``, ``forget_gate``,
    ``out_gate``: the sigmoids of i, f + 1, o; ``candidate``: tanh(j);
    ``tanh_c``: tanh(c).
    """

    h: list = dataclasses.field(default_factory=list)
    c: list = dataclasses.field(default_factory=list)
    in_gate: list = dataclasses.field(default_factory=list)
    candidate: list = dataclasses.field(default_factory=list)
    forget_gate: list = dataclasses.field(default_factory=list)
    out_gate: list = dataclasses.field(default_factory=list)
    tanh_c: list = dataclasses.field(default_factory=list)


def _lstm_forward(x_flat, rows, kernel, bias, seq_size):
    """BasicLSTMCell over ``seq_size`` steps from the zero state -> _LSTMTape.

    ``x_flat`` is ``[seq_size * batch, input_dim]``, time-major. The input part
    of every step's gates is one matmul; the zero state costs no work.
    """
    input_dim, hidden = x_flat.shape[1], kernel.shape[1] // 4
    x_gates = tf.reshape(tf.matmul(x_flat, kernel[:input_dim]) + bias,
                         [seq_size, rows, 4 * hidden])
    tape = _LSTMTape()
    for t in range(seq_size):
        gates = x_gates[t] if t == 0 else x_gates[t] + tf.matmul(tape.h[-1], kernel[input_dim:])
        i, j, f, o = tf.split(gates, 4, axis=1)
        in_gate, candidate = tf.sigmoid(i), tf.tanh(j)
        forget_gate, out_gate = tf.sigmoid(f + 1.0), tf.sigmoid(o)
        c = in_gate * candidate if t == 0 else tape.c[-1] * forget_gate + in_gate * candidate
        tanh_c = tf.tanh(c)
        for name, value in (("h", tanh_c * out_gate), ("c", c), ("in_gate", in_gate),
                            ("candidate", candidate), ("forget_gate", forget_gate),
                            ("out_gate", out_gate), ("tanh_c", tanh_c)):
            getattr(tape, name).append(value)
    return tape


def _lstm_backward(d_h, tape, recurrent_kernel):
    """Back through time: ``d_h`` ``[seq_size, batch, hidden]`` (the loss's gradient
    w.r.t. each step's output) -> list of ``[batch, 4 * hidden]`` gate gradients."""
    seq_size = len(tape.h)
    d_gates = [None] * seq_size
    d_h_next = d_c_next = None
    for t in reversed(range(seq_size)):
        d_h_t = d_h[t] if d_h_next is None else d_h[t] + d_h_next
        tanh_c, out_gate = tape.tanh_c[t], tape.out_gate[t]
        in_gate, candidate, forget_gate = tape.in_gate[t], tape.candidate[t], tape.forget_gate[t]
        # SigmoidGrad(y, dy) = dy * y * (1 - y); TanhGrad(y, dy) = dy * (1 - y * y).
        d_c = tf.raw_ops.TanhGrad(y=tanh_c, dy=d_h_t * out_gate)
        if d_c_next is not None:
            d_c = d_c + d_c_next
        d_i = tf.raw_ops.SigmoidGrad(y=in_gate, dy=d_c * candidate)
        d_j = tf.raw_ops.TanhGrad(y=candidate, dy=d_c * in_gate)
        d_f = (tf.raw_ops.SigmoidGrad(y=forget_gate, dy=d_c * tape.c[t - 1]) if t > 0
               else tf.zeros_like(d_c))                       # c before step 0 is zero
        d_o = tf.raw_ops.SigmoidGrad(y=out_gate, dy=d_h_t * tanh_c)
        d_gates[t] = tf.concat([d_i, d_j, d_f, d_o], axis=1)
        if t > 0:
            d_h_next = tf.matmul(d_gates[t], recurrent_kernel, transpose_b=True)
            d_c_next = d_c * forget_gate
    return d_gates


def _recurrent_weight_gradient(h_flat, d_gates, rows, seq_size):
    """``[hidden, 4 * hidden]``: the sum over steps t >= 1 of ``h[t-1]^T d_gates[t]``,
    one matmul over all steps (the state before step 0 is zero: it adds nothing).

    ``h_flat`` ``[seq_size * batch, hidden]`` and ``d_gates`` ``[seq_size * batch,
    4 * hidden]`` are time-major.
    """
    hidden = h_flat.shape[1]
    if seq_size == 1:
        return tf.zeros([hidden, 4 * hidden])
    return tf.matmul(h_flat[:(seq_size - 1) * rows], d_gates[rows:], transpose_a=True)


def _chunk_last_step(first, iterations, report_every, steps_per_run):
    """The last step of the chunk that starts at ``first``: the next report step,
    at most ``steps_per_run - 1`` steps on, and never past the last step."""
    next_report = -(-first // report_every) * report_every
    return min(next_report, first + steps_per_run - 1, iterations - 1)


def _time_major_batches(x, y, rows):
    """The feeds of a chunk: ``[batches, seq_size, batch, input_dim]`` and
    ``[batches, seq_size, batch]``, one batch for full-batch steps (``rows`` all
    None), else ``x[rows[k]]`` for step k."""
    if rows[0] is None:
        return x.transpose(1, 0, 2)[None], y.T[None]
    rows = np.stack(rows)                                       # [steps, batch]
    return x[rows].transpose(0, 2, 1, 3), y[rows].transpose(0, 2, 1)


class _BatchOrder:
    """Row indices of each step: None (full batch) or a seeded per-epoch shuffle."""

    def __init__(self, n, batch_size, seed):
        self.n = n
        self.batch_size = None if batch_size is None or batch_size >= n else batch_size
        self.rng = np.random.default_rng(seed)
        self.order = None
        self.pos = n

    def next(self):
        if self.batch_size is None:
            return None
        if self.pos + self.batch_size > self.n:
            self.order = self.rng.permutation(self.n)
            self.pos = 0
        rows = self.order[self.pos:self.pos + self.batch_size]
        self.pos += self.batch_size
        return np.sort(rows)
