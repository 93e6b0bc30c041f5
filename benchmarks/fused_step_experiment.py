"""Experiment: the fast_training loop, with and without XLA over the whole loop.

    taskset -c 0 python benchmarks/fused_step_experiment.py [--rounds 7]

The package's ``fast_training`` route runs many Adam steps per ``session.run`` in
one ``while_loop`` whose body is BasicLSTMCell's backward pass written out (one
batched weight-gradient matmul, no work for the zero initial state). This script
adds, beside it in the same graph (an experiment: the package never unfinalizes
its graph), the same loop compiled by XLA as a whole (``tf.function(
jit_compile=True)`` around the package's own ``_adam_steps_loop``). It checks that
both give the default route's losses, then times, interleaved in one process and
on the CPUs the process is given: one step per run on the default graph, the
fast route, and the XLA loop; and the XLA loop's compile time (its first call).

Findings (core 0 only, one thread, 7 interleaved rounds of 200 steps; full
output in benchmarks/RESULTS.txt): all three give the default's losses within
5e-7 relative over 200 steps. On the chapter's batch the XLA loop takes 1.59 ms
a step against the fast route's 1.78 (default 3.38); on the auto-like shape
(400 windows of 12, hidden 32) it is slower, 3.45 against 3.32 (default 6.05).
Its compile costs ~2.3 s (chapter) and ~4 s (auto-like) per predictor, more than
it can save in a chapter run or an auto member (100-1000 steps): break-even
would take ~13,000 steps on the chapter's batch. So the package's route does not
use XLA. An XLA ``jit_scope`` over the loop body alone (XLA clusters inside an
uncompiled loop) was slower than no XLA in the prototype.
"""

import argparse
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

from bench import auto_windows, chapter_windows  # noqa: E402
from series_predictor import SeriesPredictor  # noqa: E402
from series_predictor.fast_training import _adam_steps_loop, _time_major_batches  # noqa: E402
from series_predictor.tf_compat import tf  # noqa: E402

STEPS = 200


def with_xla_loop(p):
    """Add the XLA-compiled loop to ``p``'s graph; return its callable
    ``(chunk_x, chunk_y, steps) -> (losses, steps_run)``."""
    p.graph._unsafe_unfinalize()  # an experiment: the package never does this
    variables = list(p._cell.weights) + [p.W_out, p.b_out]
    with p.graph.as_default():
        loop = tf.function(
            lambda cx, cy, n: _adam_steps_loop(cx, cy, n, variables, p._optimizer),
            jit_compile=True, autograph=False)
        fetches = loop(p._chunk_x, p._chunk_y, p._chunk_steps)
    p.graph.finalize()
    return p.sess.make_callable(list(fetches), feed_list=[p._chunk_x, p._chunk_y,
                                                          p._chunk_steps])


def per_step_ms(fn, steps):
    start = time.perf_counter()
    fn(steps)
    return 1e3 * (time.perf_counter() - start) / steps


def measure(name, x, y, seq_size, hidden, rounds):
    with SeriesPredictor(1, seq_size, hidden, seed=0, fast_training=True) as p:
        xla_loop = with_xla_loop(p)
        x_tm, y_tm = _time_major_batches(x, y, [None])
        routes = {
            "default graph, one step per run":
                lambda n: (np.array([p._train_step(x, y)[1] for _ in range(n)]), n),
            "fast_training loop": lambda n: p._train_steps(x_tm, y_tm, n),
            "the same loop under XLA": lambda n: xla_loop(x_tm, y_tm, n),
        }
        losses = {}
        for label, route in routes.items():
            p.sess.run(p._init_op, feed_dict=p._initial_feed)
            start = time.perf_counter()
            out = route(STEPS)
            first = time.perf_counter() - start
            losses[label] = out[0]
            print(f"{name}: {label}: first {STEPS} steps {first:.2f} s", flush=True)
        base = losses["default graph, one step per run"]
        for label, values in losses.items():
            print(f"{name}: {label}: max relative loss difference to the default "
                  f"{np.max(np.abs(values - base) / np.abs(base)):.1e}")
        times = {label: [] for label in routes}
        for _ in range(rounds):
            for label, route in routes.items():
                times[label].append(per_step_ms(route, STEPS))
        for label, values in times.items():
            print(f"{name}: {label}: {np.median(values):.3f} ms per step "
                  f"(median of {rounds} rounds of {STEPS} steps)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print(f"CPUs given: {sorted(os.sched_getaffinity(0))}; TensorFlow's default threads "
          "(one per CPU given)")
    (x, y), _ = chapter_windows()
    measure("chapter 110x5 h100", x.astype(np.float32), y.astype(np.float32), 5, 100,
            args.rounds)
    ax, ay = auto_windows()
    measure("auto-like 400x12 h32", ax, ay, 12, 32, args.rounds)


if __name__ == "__main__":
    main()
