"""The ``fast_training`` route: many Adam steps per ``session.run``.

One in-graph ``while_loop`` runs up to ``MAX_STEPS_PER_RUN`` steps, each with
BasicLSTMCell's backward pass written out by hand (``_lstm_cost_and_gradients``)
and applied by the optimizer of ``train_op`` (same variables, same Adam slots).
The losses match the default route within float tolerance; ``train`` takes this
route when the predictor is built with ``fast_training=True``.
"""

import contextlib
import dataclasses
import math

import numpy as np

from . import process_guard
from .tf_compat import quiet_known_tf_lines, tf


# fast_training: at most this many steps per session.run, and at most this many
# window elements (rows * seq_size, summed over the steps), so that a Ctrl-C, which
# waits for the run, is taken within a fraction of a second.
MAX_STEPS_PER_RUN = 100
MAX_WINDOW_VALUES_PER_RUN = 150_000


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


class FastTraining:
    """The ``fast_training`` route of ``SeriesPredictor``: its ops and its chunks of steps."""

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
            process_guard.raise_if_terminated()  # a SIGTERM whose interrupt was lost
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
