"""Members trained side by side: K of the chapter's networks in one graph and one session.

Each member has its own variables (``member_i/``: the LSTM kernel and bias, ``W_out``,
``b_out``), its own Adam with its own slots, and its own windows; one ``session.run``
takes a chunk of steps for every member at once, in one in-graph ``while_loop`` whose
body holds each member's step as the ``fast_training`` route writes it
(``fast_training._lstm_cost_and_gradients``, the optimizer's ``apply_gradients``).
A member's step reads only its own variables and windows, so its losses are the
ones it has trained alone with ``fast_training`` (within float tolerance).

A member starts from exactly the weights it would get alone with its seed
(``lone_initial_weights`` builds the lone predictor's initializers in a throwaway
graph), and saves checkpoints under the lone predictor's variable names, so that a
member's checkpoint restores into a ``SeriesPredictor`` (and ``load_run`` reads it).
The graph is built once and finalized. The training loop is ``side_by_side_training``.
"""

import os
import uuid
import weakref

import numpy as np

from . import checkpoints, process_guard
from .fast_training import _lstm_cost_and_gradients, _lstm_forward
from .lstm_numpy import NAMES, SCOPE
from .model import _python_random_seeded, output_layer
from .sessions import _ctrl_c_deferred
from .tf_compat import basic_lstm_cell_class, quiet_deprecations, quiet_known_tf_lines, tf
from .validation import check_positive_float, check_positive_int, check_seed, MAX_HIDDEN_DIM, \
    MAX_SEQ_SIZE

WEIGHTS = ("kernel", "bias", "W_out", "b_out")  # the order of every weight list here


def lone_initial_weights(seed, input_dim, hidden_dim):
    """The initial weights of ``SeriesPredictor(input_dim, _, hidden_dim, seed=seed)``.

    The lone predictor's first ops (``model.output_layer``, then BasicLSTMCell's
    variables) are built in a throwaway graph with the same graph seed and the same
    seeded Python ``random``, and evaluated once. Returns ``{"kernel": [input_dim +
    hidden_dim, 4 * hidden_dim], "bias": [4 * hidden_dim], "W_out": [hidden_dim, 1],
    "b_out": [1]}`` float32.
    """
    graph = tf.Graph()
    with graph.as_default(), quiet_deprecations(), _python_random_seeded(seed):
        tf.compat.v1.set_random_seed(seed)
        with tf.compat.v1.variable_scope("series_predictor"):
            W_out, b_out = output_layer(hidden_dim)
            cell = basic_lstm_cell_class()(hidden_dim)
            cell.build(tf.TensorShape([None, input_dim]))
        tensors = [v.initial_value for v in list(cell.weights) + [W_out, b_out]]
    with tf.compat.v1.Session(graph=graph) as sess:
        values = sess.run(tensors)
    return {name: np.asarray(value, dtype=np.float32) for name, value in zip(WEIGHTS, values)}


def lone_variable_names():
    """``{weight: (name, Adam m slot's name, Adam v slot's name)}`` in a lone predictor's
    checkpoint, and the names of its two Adam beta powers."""
    slots = {k: (name, f"{SCOPE}{name}/Adam", f"{SCOPE}{name}/Adam_1")
             for k, name in NAMES.items()}
    return slots, (f"{SCOPE}beta1_power", f"{SCOPE}beta2_power")


class _Member:
    """One member's ops: variables, Adam, feeds (built in ``MemberGroup._build_member``)."""

    def __init__(self, index, input_dim, seq_size, hidden_dim, learning_rate):
        shapes = {"kernel": [input_dim + hidden_dim, 4 * hidden_dim],
                  "bias": [4 * hidden_dim], "W_out": [hidden_dim, 1], "b_out": [1]}
        self.initial = {k: tf.compat.v1.placeholder(tf.float32, shapes[k], name=f"initial_{k}")
                        for k in WEIGHTS}
        self.variables = [tf.Variable(self.initial[k], name=k) for k in WEIGHTS]
        self.optimizer = tf.compat.v1.train.AdamOptimizer(learning_rate)
        self.chunk_x = tf.compat.v1.placeholder(tf.float32, [None, seq_size, None, input_dim],
                                                name="chunk_x")
        self.chunk_y = tf.compat.v1.placeholder(tf.float32, [None, seq_size, None],
                                                name="chunk_y")
        self.monitor_x = tf.compat.v1.placeholder(tf.float32, [seq_size, None, input_dim],
                                                  name="monitor_x")
        self.monitor_y = tf.compat.v1.placeholder(tf.float32, [seq_size, None], name="monitor_y")
        self.monitor_cost = _lstm_cost(self.monitor_x, self.monitor_y, *self.variables)
        self.index = index

    def step(self, k):
        """Step ``k`` of the loop: ``(cost before the update, the update op)``."""
        batches = tf.shape(self.chunk_x)[0]
        with tf.control_dependencies([k]):
            weights = [v.read_value() for v in self.variables]
            x_tm, y_tm = self.chunk_x[k % batches], self.chunk_y[k % batches]
        cost, grads = _lstm_cost_and_gradients(x_tm, y_tm, *weights)
        with tf.control_dependencies([k]):  # Adam's own reads: after the last update
            update = self.optimizer.apply_gradients(list(zip(grads, self.variables)))
        return cost, update

    def saver(self):
        """A Saver writing this member's variables under a lone predictor's names."""
        slots, (beta1, beta2) = lone_variable_names()
        names = {}
        for key, variable in zip(WEIGHTS, self.variables):
            name, m_name, v_name = slots[key]
            names[name] = variable
            names[m_name] = self.optimizer.get_slot(variable, "m")
            names[v_name] = self.optimizer.get_slot(variable, "v")
        names[beta1], names[beta2] = self.optimizer._get_beta_accumulators()
        return tf.compat.v1.train.Saver(names, max_to_keep=None)


def _lstm_cost(x_tm, y_tm, kernel, bias, W_out, b_out):
    """The model's MSE on time-major windows ``x_tm`` ``[seq_size, batch, input_dim]``,
    targets ``y_tm`` ``[seq_size, batch]`` (the forward half of the fast route)."""
    seq_size, input_dim, hidden = x_tm.shape[0], x_tm.shape[2], W_out.shape[0]
    rows = tf.shape(x_tm)[1]
    tape = _lstm_forward(tf.reshape(x_tm, [-1, input_dim]), rows, kernel, bias, seq_size)
    h_flat = tf.reshape(tf.stack(tape.h), [-1, hidden])
    return tf.reduce_mean(tf.square(tf.matmul(h_flat, W_out) + b_out - tf.reshape(y_tm, [-1, 1])))


def _steps_loop(members, steps):
    """``steps`` Adam steps of every member in one ``while_loop`` -> ``[K, steps]`` losses.

    Each iteration reads the weights after the previous iteration's updates (the
    reads depend on the loop counter, which depends on every update). A member whose
    loss is not finite goes on with NaN weights; its later losses are not used.
    """
    def body(k, *losses):
        costs, updates = zip(*(m.step(k) for m in members))
        with tf.control_dependencies(updates):
            return (k + 1,) + tuple(a.write(k, c) for a, c in zip(losses, costs))

    arrays = tuple(tf.TensorArray(tf.float32, size=steps, element_shape=[]) for _ in members)
    out = tf.compat.v1.while_loop(lambda k, *_: k < steps, body, (tf.constant(0),) + arrays,
                                  parallel_iterations=1)
    return tf.stack([a.stack() for a in out[1:]])


class MemberGroup:
    """K members of one run in one graph and one session.

    Args:
        seeds: one seed per member (each member's initial weights and batch order).
        folders: each member's checkpoint folder.
        seq_size, hidden_dim, learning_rate, input_dim: as ``SeriesPredictor``'s, shared.

    Use ``side_by_side_training.train_group`` to train; ``close()`` (or ``with``)
    releases the session.
    """

    def __init__(self, seeds, folders, seq_size, hidden_dim, *, learning_rate=0.001,
                 input_dim=1):
        self.seeds = [check_seed(seed) for seed in seeds]
        self.folders = [checkpoints.as_path(folder) for folder in folders]
        if not self.seeds or len(self.folders) != len(self.seeds):
            raise ValueError("give one checkpoint folder per seed, and at least one seed")
        self.input_dim = check_positive_int(input_dim, "input_dim", MAX_HIDDEN_DIM)
        self.seq_size = check_positive_int(seq_size, "seq_size", MAX_SEQ_SIZE)
        self.hidden_dim = check_positive_int(hidden_dim, "hidden_dim", MAX_HIDDEN_DIM)
        self.learning_rate = check_positive_float(learning_rate, "learning_rate")
        self._owner = uuid.uuid4().hex
        process_guard.check_process()
        self._pid = os.getpid()
        with quiet_known_tf_lines():
            initial = [lone_initial_weights(s, self.input_dim, self.hidden_dim)
                       for s in self.seeds]
            self._build_graph()
            self._start_session(initial)

    @property
    def model_args(self):
        """What each member's checkpoint records (a lone predictor's model arguments)."""
        return {"input_dim": self.input_dim, "seq_size": self.seq_size,
                "hidden_dim": self.hidden_dim}

    def _build_graph(self):
        """Every member's ops, the loop over all of them, the savers; then finalize."""
        self.graph = tf.Graph()
        with self.graph.as_default(), quiet_deprecations():
            self._members = []
            for i in range(len(self.seeds)):
                with tf.compat.v1.variable_scope(f"member_{i}"):
                    self._members.append(_Member(i, self.input_dim, self.seq_size,
                                                 self.hidden_dim, self.learning_rate))
            self._steps = tf.compat.v1.placeholder(tf.int32, [], name="steps")
            self._losses = _steps_loop(self._members, self._steps)
            self._savers = [m.saver() for m in self._members]
            self._finite = tf.stack([tf.reduce_all(tf.stack(
                [tf.reduce_all(tf.math.is_finite(v)) for v in m.variables]))
                for m in self._members])
            self._init_op = tf.compat.v1.global_variables_initializer()
        self.graph.finalize()

    def _start_session(self, initial):
        self.sess = tf.compat.v1.Session(graph=self.graph)
        process_guard.note_tf_started()
        checkpoints.register_owner(self._owner)
        self._finalizer = weakref.finalize(self, _release, self.sess, self._owner)
        self._initial_feed = {m.initial[k]: values[k]
                              for m, values in zip(self._members, initial) for k in WEIGHTS}
        feeds = [t for m in self._members for t in (m.chunk_x, m.chunk_y)]
        self._train_steps = self.sess.make_callable(self._losses,
                                                    feed_list=feeds + [self._steps])
        self._weights_finite = self.sess.make_callable(self._finite)
        self.sess.run(self._init_op, feed_dict=self._initial_feed)

    # ------------------------------------------------------------------ use
    def initial_weights(self):
        """``[K]`` dicts of each member's initial weights (as ``lone_initial_weights``)."""
        return [{k: self._initial_feed[m.initial[k]] for k in WEIGHTS} for m in self._members]

    def weights(self, i):
        """Member ``i``'s four weights now, ``{"kernel", "bias", "W_out", "b_out"}``."""
        values = self.sess.run(self._members[i].variables)
        return dict(zip(WEIGHTS, values))

    def train_steps(self, chunks, steps):
        """Run ``steps`` steps of every member -> ``[K, steps]`` float32 losses.

        ``chunks``: per member ``(x [batches, seq_size, rows, input_dim], y [batches,
        seq_size, rows])``, time-major; step k trains on batch ``k % batches``.
        """
        return self._train_steps(*[a for chunk in chunks for a in chunk], steps)

    def monitor_costs(self, members, data):
        """``[len(members)]`` MSEs of members ``members`` on their monitored windows
        ``data`` (per member ``(x [batch, seq_size, input_dim], y [batch, seq_size])``)."""
        feed = {}
        for i, (x, y) in zip(members, data):
            feed[self._members[i].monitor_x] = np.asarray(x).transpose(1, 0, 2)
            feed[self._members[i].monitor_y] = np.asarray(y).T
        fetches = [self._members[i].monitor_cost for i in members]
        return [float(c) for c in self.sess.run(fetches, feed_dict=feed)]

    def finite(self):
        """``[K]`` bools: every variable of member i is finite."""
        return self._weights_finite()

    def save(self, i, step):
        """Save member ``i``'s weights and Adam state into its folder -> checkpoint prefix
        (lone predictor variable names; the same files and metadata as its save)."""
        with _ctrl_c_deferred():  # a Ctrl-C waits for the save and its record
            return checkpoints.save(self.sess, self._savers[i].saver_def, self.folders[i],
                                    owner=self._owner, model_args=self.model_args, step=step)

    def restore(self, i, prefix):
        """Load the checkpoint ``prefix`` (one of member ``i``'s) into member ``i``."""
        checkpoints.restore(self.sess, self._savers[i].saver_def, prefix, self.model_args)

    def close(self):
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def _release(sess, owner):
    sess.close()
    checkpoints.release_owner(owner)
