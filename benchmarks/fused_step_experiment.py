"""Experiment (not used by the package): can a hand-written training step reach 0.6x PyTorch?

    python benchmarks/fused_step_experiment.py

Builds, beside the package's default graph, a training step with the
BasicLSTMCell's backward pass written by hand (one batched weight-gradient
matmul instead of one per time step, no work for the zero initial state), with
and without XLA (`jit_scope`). It checks that the gradients and 200 steps of
losses match the default's, then times each step against the NumPy floor of the
same matmuls. Findings, on a 2-core x86_64 machine (see README, "Speed"):
- default 2.9-3.0 ms; hand-written 2.7 ms; hand-written under XLA 2.3 ms (one
  XLA cluster of ~1.7 ms); the matmuls alone in NumPy 0.74 ms; PyTorch ~1.95 ms.
- So the 0.6x PyTorch target (~1.2 ms) is not reached; the hand-written step is
  not adopted by the package.
"""

import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import data_loader  # noqa: E402
from series_predictor import SeriesPredictor  # noqa: E402
from series_predictor.tf_compat import tf  # noqa: E402


def fused_grads(p):
    """Manual BPTT for BasicLSTMCell (gates i,j,f,o; forget_bias 1) + tiled output layer."""
    g = p.graph
    kernel = [v for v in g.get_collection('trainable_variables') if v.name.endswith('kernel:0')][0]
    bias = [v for v in g.get_collection('trainable_variables') if v.name.endswith('bias:0')][0]
    H, T, I = p.hidden_dim, p.seq_size, p.input_dim
    x, y = p.x, p.y
    B = tf.shape(x)[0]
    kx, kh = kernel[:I], kernel[I:]
    xp = tf.reshape(tf.matmul(tf.reshape(x, [-1, I]), kx), [B, T, 4 * H]) + bias
    hs, cs, acts = [], [], []
    h = c = None
    for t in range(T):
        gates = xp[:, t] if h is None else xp[:, t] + tf.matmul(h, kh)
        i, j, f, o = tf.split(gates, 4, axis=1)
        si, tj, sf, so = tf.sigmoid(i), tf.tanh(j), tf.sigmoid(f + 1.0), tf.sigmoid(o)
        c = si * tj if c is None else c * sf + si * tj
        tc = tf.tanh(c)
        h = tc * so
        hs.append(h); cs.append(c); acts.append((si, tj, sf, so, tc))
    Hs = tf.stack(hs, axis=1)                     # [B,T,H]
    out = tf.squeeze(tf.matmul(tf.reshape(Hs, [-1, H]), p.W_out), 1)
    out = tf.reshape(out, [B, T]) + p.b_out
    diff = out - y
    cost = tf.reduce_mean(tf.square(diff))
    dout = diff * (2.0 / tf.cast(B * T, tf.float32))   # [B,T]
    dW_out = tf.matmul(tf.reshape(Hs, [-1, H]), tf.reshape(dout, [-1, 1]), transpose_a=True)
    db_out = tf.reshape(tf.reduce_sum(dout), [1])
    dH = dout[:, :, None] * tf.reshape(p.W_out, [1, 1, H])
    dgs = [None] * T
    dh_next = dc_next = None
    for t in reversed(range(T)):
        si, tj, sf, so, tc = acts[t]
        dh = dH[:, t] if dh_next is None else dH[:, t] + dh_next
        dc = dh * so * (1.0 - tc * tc)
        if dc_next is not None:
            dc = dc + dc_next
        do = dh * tc * so * (1.0 - so)
        di = dc * tj * si * (1.0 - si)
        dj = dc * si * (1.0 - tj * tj)
        if t > 0:
            df = dc * cs[t - 1] * sf * (1.0 - sf)
        else:
            df = tf.zeros_like(dc)
        dg = tf.concat([di, dj, df, do], axis=1)
        dgs[t] = dg
        if t > 0:
            dh_next = tf.matmul(dg, kh, transpose_b=True)
            dc_next = dc * sf
    dG = tf.stack(dgs, axis=1)                     # [B,T,4H]
    Hprev = tf.reshape(Hs[:, :-1], [-1, H])        # h_{t-1} for t=1..T-1
    dkh = tf.matmul(Hprev, tf.reshape(dG[:, 1:], [-1, 4 * H]), transpose_a=True)
    dkx = tf.matmul(tf.reshape(x, [-1, I]), tf.reshape(dG, [-1, 4 * H]), transpose_a=True)
    dbias = tf.reduce_sum(dG, axis=[0, 1])
    dkernel = tf.concat([dkx, dkh], axis=0)
    return cost, [(dkernel, kernel), (dbias, bias), (dW_out, p.W_out), (db_out, p.b_out)]



def timed(fn, x, y, steps=300):
    for _ in range(30):
        fn(x, y)
    start = time.perf_counter()
    for _ in range(steps):
        fn(x, y)
    return (time.perf_counter() - start) / steps * 1e3


def numpy_floor(batch, hidden, seq):
    rng = np.random.default_rng(0)
    h = rng.random((batch, hidden), np.float32)
    kh = rng.random((hidden, 4 * hidden), np.float32)
    g = rng.random((batch, 4 * hidden), np.float32)
    hp = rng.random(((seq - 1) * batch, hidden), np.float32)
    gg = rng.random(((seq - 1) * batch, 4 * hidden), np.float32)

    def step(*_):
        for _ in range(seq - 1):
            h @ kh
            g @ kh.T
        hp.T @ gg
    return timed(step, None, None)


def main():
    data = data_loader.load_series(data_loader.bundled_data_path())
    train, _ = data_loader.split_data(data)
    x, y = (a.astype(np.float32) for a in data_loader.make_windows(train, 5))
    for jit in (False, True):
        p = SeriesPredictor(1, 5, 100, seed=0)
        graph = p.graph
        graph._unsafe_unfinalize()  # an experiment: the package never does this
        with graph.as_default():
            scope = (tf.compat.v1.xla.experimental.jit_scope(
                compile_ops=True, separate_compiled_gradients=False) if jit
                else tf.name_scope("fused"))
            with scope:
                cost, grads = fused_grads(p)
            auto = tf.gradients(p.cost, [v for _, v in grads])
            optimizer = tf.compat.v1.train.AdamOptimizer(0.001, name="FusedAdam")
            train_op = optimizer.apply_gradients(grads)
            init = tf.compat.v1.variables_initializer(optimizer.variables())
        config = tf.compat.v1.ConfigProto(inter_op_parallelism_threads=1,
                                          intra_op_parallelism_threads=1)
        sess = tf.compat.v1.Session(graph=graph, config=config)
        sess.run(p._init_op, feed_dict=p._initial_feed)
        sess.run(init)
        mine, theirs = sess.run([[g for g, _ in grads], auto], {p.x: x, p.y: y})
        worst = max(float(np.max(np.abs(a - b))) for a, b in zip(mine, theirs))
        fused_step = sess.make_callable([train_op, cost], feed_list=[p.x, p.y])
        default_step = sess.make_callable([p.train_op, p.cost], feed_list=[p.x, p.y])
        sess.run(p._init_op, feed_dict=p._initial_feed)
        sess.run(init)
        fused_losses = [float(fused_step(x, y)[1]) for _ in range(200)]
        sess.run(p._init_op, feed_dict=p._initial_feed)
        default_losses = [float(default_step(x, y)[1]) for _ in range(200)]
        loss_diff = float(np.max(np.abs(np.subtract(fused_losses, default_losses))))
        print(f"xla={jit}: default {timed(default_step, x, y):.2f} ms, hand-written "
              f"{timed(fused_step, x, y):.2f} ms; gradient max diff {worst:.1e}, "
              f"loss max diff over 200 steps {loss_diff:.1e}", flush=True)
        sess.close()
        p.close()
    print(f"NumPy, the same matmuls only: {numpy_floor(len(x), 100, 5):.2f} ms")


if __name__ == "__main__":
    main()
