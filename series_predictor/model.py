"""The chapter's ``SeriesPredictor`` (listings 10.2-10.5 and 10.8) on ``tf.compat.v1``.

Each predictor owns one ``tf.Graph`` and one ``tf.compat.v1.Session``. The whole
graph is built in ``__init__`` and then finalized, so training, testing and any
number of predictions add no op (TensorFlow raises if anything tries).

This module is the book's listings, top to bottom: the graph (``__init__``,
``model``), ``train``, ``predict``/``test`` and ``hallucinate``. What the package
added beyond the book lives in the mixins ``SeriesPredictor`` is made of: the
training loop (``training.py``: reports, early stopping, divergence, Ctrl-C),
the ``fast_training`` route (``fast_training.py``) and the session with its
checkpoints (``sessions.py``: save, restore, close).
"""

import contextlib
import os
import random
import uuid
import weakref

import numpy as np

from . import checkpoints, process_guard
from .errors import SettingError
from .fast_training import FastTraining
from .sessions import CheckpointedSession
from .tf_compat import basic_lstm_cell_class, quiet_deprecations, quiet_known_tf_lines, tf
from .training import TrainingHistory, TrainingLoop
from .validation import (as_float_array, check_flag, check_positive_float, check_positive_int,
                         check_seed, check_windows_x, MAX_HIDDEN_DIM, MAX_SEQ_SIZE, MAX_STEPS)

# Moved names, re-exported so that old import paths keep working.
from .fast_training import (_chunk_last_step, MAX_STEPS_PER_RUN,  # noqa: F401
                            MAX_WINDOW_VALUES_PER_RUN)

BOOK_ITERATIONS = 1000
BOOK_REPORT_EVERY = 100


def _keras_seed_generator():
    """tf-keras's thread-local holder of the generator its op seeds come from, or None."""
    try:
        from tf_keras.src import backend
    except ImportError:
        return None
    return getattr(backend, "_SEED_GENERATOR", None)


@contextlib.contextmanager
def _python_random_seeded(seed):
    # The legacy cell's kernel initializer draws its op seed from Python's
    # `random`; seed it for the build only and give the caller's state back.
    # tf-keras draws from its thread-local generator first when one is set: set one
    # seeded alike (the same draws), so that another thread using `random` meanwhile
    # (a Dask worker's event loop does) cannot change the weights.
    state = random.getstate()
    holder = _keras_seed_generator()
    before = getattr(holder, "generator", None)
    random.seed(seed)
    if holder is not None:
        holder.generator = random.Random(seed)
    try:
        yield
    finally:
        random.setstate(state)
        if holder is not None:
            holder.generator = before


def output_layer(hidden_dim):
    """The output layer's variables (listing 10.3): ``W_out`` ``[hidden_dim, 1]`` and
    ``b_out`` ``[1]``, drawn from the default graph's seed. The first ops of a
    predictor's graph: ``side_by_side.lone_initial_weights`` builds them alike."""
    W_out = tf.Variable(tf.compat.v1.random_normal([hidden_dim, 1]), name="W_out")
    b_out = tf.Variable(tf.compat.v1.random_normal([1]), name="b_out")
    return W_out, b_out


class SeriesPredictor(TrainingLoop, FastTraining, CheckpointedSession):
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
                self.W_out, self.b_out = output_layer(self.hidden_dim)
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

    @property
    def model_args(self):
        """The arguments that rebuild this model; stored beside each checkpoint."""
        return {"input_dim": self.input_dim, "seq_size": self.seq_size,
                "hidden_dim": self.hidden_dim}

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

    # -------------------------------------------------------------- prediction
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

    def __repr__(self):
        return (f"SeriesPredictor(input_dim={self.input_dim}, seq_size={self.seq_size}, "
                f"hidden_dim={self.hidden_dim}, learning_rate={self.learning_rate}, "
                f"seed={self.seed})")
