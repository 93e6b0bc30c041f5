"""The training step at each framework's best thread count (issue 18's parity check).

    pip install '.[bench]'    # PyTorch, for the comparison only
    python benchmarks/thread_parity.py [--rounds 5]

Both CPUs are left to every worker (no pinning); each worker is a fresh process that
sets its framework's threads: TensorFlow's intra- and inter-op threads through
``tf.config.threading`` (``tf.compat.v1.Session`` takes its default config from
there), PyTorch's with ``torch.set_num_threads``. Variants run interleaved, round after
round. Shapes as ``bench.py``: the chapter's batch (110 windows of 5, hidden 100, full
batch) and an auto-like one (400 windows of 12, hidden 32); float32, Adam 0.001; the
package with ``fast_training=True``, 200 timed steps after 20 of warm-up.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import bench  # noqa: E402

VARIANTS = ("tf 1", "tf 2", "torch 1", "torch 2")   # framework, threads
SHAPES = (("chapter", bench.SEQ, bench.HIDDEN), ("auto-like", bench.AUTO_SEQ, bench.AUTO_HIDDEN))


def _windows(shape):
    import numpy as np
    if shape == "chapter":
        (x, y), _ = bench.chapter_windows()
        return x.astype(np.float32), y.astype(np.float32)
    return bench.auto_windows()


def worker_tf(threads):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    from series_predictor import SeriesPredictor
    out = {}
    for shape, seq, hidden in SHAPES:
        x, y = _windows(shape)
        with SeriesPredictor(1, seq, hidden, seed=0, fast_training=True) as p:
            p.train(x, y, iterations=bench.WARMUP, verbose=False)
            out[shape] = bench.package_step_ms(p, x, y, bench.STEPS)
    return out


def worker_torch(threads):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    for shape, _, hidden in SHAPES:
        x, y = (torch.tensor(a, dtype=torch.float32) for a in _windows(shape))
        _, step = bench.torch_model(hidden)
        for _ in range(bench.WARMUP):
            step(x, y)
        out[shape] = 1e3 * bench.timed(lambda: step(x, y), bench.STEPS)
    return out


def _run(variant):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, __file__, "--worker", variant], env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{variant} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        framework, threads = args.worker.split()
        work = worker_tf if framework == "tf" else worker_torch
        print(json.dumps(work(int(threads))))
        return
    runs = {v: [] for v in VARIANTS}
    for round_ in range(args.rounds):
        for variant in VARIANTS:
            runs[variant].append(_run(variant))
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    print(f"ms per training step, median of {args.rounds} interleaved rounds, fresh "
          f"processes, both of {os.cpu_count()} CPUs available, load {os.getloadavg()[0]:.2f}")
    print(f"{'':12s}" + "".join(f"{v:>12s}" for v in VARIANTS) + "   best tf / best torch")
    for shape, _, _ in SHAPES:
        med = {v: statistics.median(r[shape] for r in runs[v]) for v in VARIANTS}
        best_tf = min(med["tf 1"], med["tf 2"])
        best_torch = min(med["torch 1"], med["torch 2"])
        print(f"{shape:12s}" + "".join(f"{med[v]:12.3f}" for v in VARIANTS)
              + f"   {best_tf / best_torch:.2f}")


if __name__ == "__main__":
    main()
