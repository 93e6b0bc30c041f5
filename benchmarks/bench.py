"""Benchmark: this package against the book's pattern, Keras 3 and PyTorch.

    python benchmarks/bench.py [--rounds 3] [--quick]

Every figure is measured in a fresh subprocess per (variant, round). Variants run
interleaved, round after round, so that machine noise hits all alike. The script
prints medians over the rounds and the ratios asked for, each on its own line.
Sizes are the chapter's: airline windows (110 windows of 5, full batch), hidden
100, float32, Adam 0.001; plus a larger case of 3000 windows. PyTorch runs only
when installed (`pip install '.[bench]'`).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

SEQ, HIDDEN, LR = 5, 100, 0.001
STEPS = 200            # timed training steps per measurement
WARMUP = 20
POINTS = (10, 100, 1000)  # hallucination lengths
LARGE_WINDOWS = 3000


def chapter_windows():
    import data_loader
    data = data_loader.load_series(data_loader.bundled_data_path())
    train, _ = data_loader.split_data(data)
    return data_loader.make_windows(train, SEQ), train


def large_windows():
    import numpy as np
    import data_loader
    t = np.arange(LARGE_WINDOWS + SEQ)
    series = np.sin(2 * np.pi * t / 12) + 0.001 * t
    return data_loader.make_windows(series, SEQ)


def timed(fn, repeat):
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------- workers
def worker_package(unroll):
    import numpy as np
    from series_predictor import SeriesPredictor
    (x, y), train = chapter_windows()
    x, y = x.astype(np.float32), y.astype(np.float32)
    out = {}
    with SeriesPredictor(1, SEQ, HIDDEN, seed=0, unroll=unroll) as p:
        p.train(x, y, iterations=WARMUP, verbose=False)
        out["step_ms"] = 1e3 * timed(lambda: p._train_step(x, y), STEPS)
        for n in POINTS:
            p.hallucinate(train[-SEQ:], 5)
            out[f"point_ms_{n}"] = 1e3 * timed(lambda: p.hallucinate(train[-SEQ:], n), 1) / n
    lx, ly = (a.astype(np.float32) for a in large_windows())
    with SeriesPredictor(1, SEQ, HIDDEN, seed=0, unroll=unroll) as p:
        p.train(lx, ly, iterations=5, verbose=False)
        out["large_step_ms"] = 1e3 * timed(lambda: p._train_step(lx, ly), STEPS // 4)
    return out


def worker_book():
    """The book's pattern, emulated: one global graph, `test()` that calls `model()`
    again and restores the checkpoint on every call (listing 10.8)."""
    import numpy as np
    from series_predictor.tf_compat import basic_lstm_cell_class, quiet_deprecations, tf
    (x, y), train = chapter_windows()
    graph = tf.Graph()
    with graph.as_default(), quiet_deprecations():
        tf.compat.v1.set_random_seed(0)
        W_out = tf.Variable(tf.compat.v1.random_normal([HIDDEN, 1]), name="W_out")
        b_out = tf.Variable(tf.compat.v1.random_normal([1]), name="b_out")
        px = tf.compat.v1.placeholder(tf.float32, [None, SEQ, 1])
        py = tf.compat.v1.placeholder(tf.float32, [None, SEQ])

        def model():
            cell = basic_lstm_cell_class()(HIDDEN, reuse=tf.compat.v1.AUTO_REUSE)
            outputs, _ = tf.compat.v1.nn.dynamic_rnn(cell, px, dtype=tf.float32)
            tiled = tf.tile(tf.expand_dims(W_out, 0), [tf.shape(px)[0], 1, 1])
            return tf.squeeze(tf.matmul(outputs, tiled) + b_out)

        with tf.compat.v1.variable_scope("m", reuse=tf.compat.v1.AUTO_REUSE):
            cost = tf.reduce_mean(tf.square(model() - py))
        train_op = tf.compat.v1.train.AdamOptimizer(LR).minimize(cost)
        saver = tf.compat.v1.train.Saver()
        sess = tf.compat.v1.Session()
        sess.run(tf.compat.v1.global_variables_initializer())
        feed = {px: x, py: y}
        for _ in range(WARMUP):
            sess.run([train_op, cost], feed_dict=feed)
        out = {"step_ms": 1e3 * timed(lambda: sess.run([train_op, cost], feed_dict=feed), STEPS)}
        ckpt = os.path.join(tempfile.mkdtemp(), "model.ckpt")
        saver.save(sess, ckpt)

        def test(seq):
            with tf.compat.v1.variable_scope("m", reuse=tf.compat.v1.AUTO_REUSE):
                op = model()
            saver.restore(sess, ckpt)
            return sess.run(op, feed_dict={px: [seq]})

        for n in (10, 100):
            prev = np.asarray(x[-1])
            start = time.perf_counter()
            for _ in range(n):
                nxt = test(prev)
                prev = np.vstack((prev[1:], nxt[-1]))
            out[f"point_ms_{n}"] = 1e3 * (time.perf_counter() - start) / n
        out["graph_ops_after"] = len(graph.get_operations())
    return out


def worker_keras():
    """Keras 3, same sizes: LSTM(100, return_sequences) + Dense(1), Adam; the fastest
    honest route found: a compiled (XLA) custom train step, a compiled predict step."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np
    import keras
    import tensorflow as tf
    (x, y), train = chapter_windows()
    x, y = tf.constant(x, tf.float32), tf.constant(y, tf.float32)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((SEQ, 1)),
                              keras.layers.LSTM(HIDDEN, return_sequences=True),
                              keras.layers.Dense(1)])
    optimizer = keras.optimizers.Adam(LR)
    out = {}
    for jit in (False, True):
        @tf.function(jit_compile=jit)
        def step(bx, by):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(bx, training=True)[..., 0] - by))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        for _ in range(WARMUP):
            step(x, y)
        out[f"step_ms_{'xla' if jit else 'graph'}"] = 1e3 * timed(lambda: step(x, y), STEPS)
    out["step_ms"] = min(out["step_ms_xla"], out["step_ms_graph"])
    lx, ly = (tf.constant(a, tf.float32) for a in large_windows())
    for _ in range(3):
        step(lx, ly)
    out["large_step_ms"] = 1e3 * timed(lambda: step(lx, ly), STEPS // 4)

    @tf.function(jit_compile=True)
    def predict(window):
        return model(window, training=False)[0, -1, 0]

    for n in POINTS:
        window = np.asarray(train[-SEQ:], np.float32).reshape(1, SEQ, 1)
        predict(tf.constant(window))
        start = time.perf_counter()
        for _ in range(n):
            value = float(predict(tf.constant(window)))
            window = np.concatenate([window[:, 1:], [[[value]]]], axis=1).astype(np.float32)
        out[f"point_ms_{n}"] = 1e3 * (time.perf_counter() - start) / n
    return out


def worker_torch():
    import numpy as np
    import torch
    torch.manual_seed(0)
    (x, y), train = chapter_windows()
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(1, HIDDEN, batch_first=True)
            self.out = torch.nn.Linear(HIDDEN, 1)

        def forward(self, bx):
            return self.out(self.lstm(bx)[0])[..., 0]

    net = Net()
    optimizer = torch.optim.Adam(net.parameters(), lr=LR)

    def step(bx, by):
        optimizer.zero_grad()
        loss = torch.mean((net(bx) - by) ** 2)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(WARMUP):
        step(x, y)
    out = {"step_ms": 1e3 * timed(lambda: step(x, y), STEPS)}
    lx, ly = (torch.tensor(a, dtype=torch.float32) for a in large_windows())
    out["large_step_ms"] = 1e3 * timed(lambda: step(lx, ly), STEPS // 4)
    with torch.inference_mode():
        for n in POINTS:
            window = torch.tensor(np.asarray(train[-SEQ:], np.float32).reshape(1, SEQ, 1))
            start = time.perf_counter()
            for _ in range(n):
                value = net(window)[0, -1]
                window = torch.cat([window[:, 1:], value.reshape(1, 1, 1)], dim=1)
            out[f"point_ms_{n}"] = 1e3 * (time.perf_counter() - start) / n
    return out


def worker_chapter():
    """The chapter script end to end (import included), as a user runs it."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(ROOT, "simple_regression.py"),
                        "--out", out], check=True, capture_output=True)
        return {"wall_s": time.perf_counter() - start}


def worker_scaling():
    """Time per epoch with mini-batches of 256 as the series grows (flat memory)."""
    import numpy as np
    import data_loader
    from series_predictor import SeriesPredictor
    out = {}
    for n in (1_000, 10_000, 100_000):
        t = np.arange(n)
        x, y = data_loader.make_windows(np.sin(2 * np.pi * t / 12), SEQ)
        steps = -(-len(x) // 256)
        with SeriesPredictor(1, SEQ, HIDDEN, seed=0) as p:
            p.train(x, y, iterations=5, batch_size=256, verbose=False)
            start = time.perf_counter()
            p.train(x, y, iterations=steps, batch_size=256, report_every=10**9, verbose=False)
            out[f"epoch_s_{n}"] = time.perf_counter() - start
        out[f"rss_mb_{n}"] = peak_rss_mb()
    return out


WORKERS = {
    "package": lambda: worker_package(False),
    "package_unrolled": lambda: worker_package(True),
    "book": worker_book,
    "keras3": worker_keras,
    "torch": worker_torch,
    "chapter": worker_chapter,
}


def run_worker(name):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, __file__, "--worker", name], env=env,
                          capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"worker {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def torch_available():
    return subprocess.run([sys.executable, "-c", "import torch"],
                          capture_output=True).returncode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="also write all measurements to this file")
    args = parser.parse_args()
    if args.worker:
        result = WORKERS.get(args.worker, worker_scaling if args.worker == "scaling" else None)()
        result["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return

    names = [n for n in WORKERS if n != "torch" or torch_available()]
    runs = {name: [] for name in names}
    began = time.perf_counter()
    for round_ in range(args.rounds):
        for name in names:
            runs[name].append(run_worker(name))
            print(f"round {round_ + 1}/{args.rounds}: {name} done", file=sys.stderr, flush=True)
    scaling = run_worker("scaling")

    def med(name, key):
        values = [r[key] for r in runs.get(name, []) if key in r]
        return statistics.median(values) if values else float("nan")

    rows = [("training step, chapter (ms)", "step_ms"),
            ("training step, 3000 windows (ms)", "large_step_ms"),
            ("hallucination per point, 10 (ms)", "point_ms_10"),
            ("hallucination per point, 100 (ms)", "point_ms_100"),
            ("hallucination per point, 1000 (ms)", "point_ms_1000"),
            ("peak memory (MB)", "peak_rss_mb")]
    cols = [n for n in names if n != "chapter"]
    print(f"\nmedians over {args.rounds} interleaved rounds, {STEPS} steps each "
          f"(seq {SEQ}, hidden {HIDDEN}, float32)\n")
    print(f"{'':36s}" + "".join(f"{c:>18s}" for c in cols))
    for label, key in rows:
        print(f"{label:36s}" + "".join(f"{med(c, key):18.3f}" for c in cols))
    print(f"{'chapter script end to end (s)':36s}{med('chapter', 'wall_s'):18.2f}")
    print(f"{'book graph ops after 100 points':36s}{med('book', 'graph_ops_after'):18.0f}")
    print("\nmini-batch 256, one epoch (s) and peak memory (MB) by series length:")
    for n in (1_000, 10_000, 100_000):
        print(f"  {n:>7d} points: {scaling[f'epoch_s_{n}']:8.3f} s  "
              f"{scaling[f'rss_mb_{n}']:8.0f} MB")

    print("\nratios:")
    best = "package_unrolled"
    if "torch" in names:
        print(f"training step, package / PyTorch: {med('package', 'step_ms') / med('torch', 'step_ms'):.2f}")
        print(f"training step, package unrolled / PyTorch: {med(best, 'step_ms') / med('torch', 'step_ms'):.2f}")
        print(f"hallucination per point, package / PyTorch: "
              f"{med('package', 'point_ms_100') / med('torch', 'point_ms_100'):.2f}")
    print(f"training step, package / Keras 3: {med('package', 'step_ms') / med('keras3', 'step_ms'):.2f}")
    print(f"hallucination per point at 1000 / at 10: "
          f"{med('package', 'point_ms_1000') / med('package', 'point_ms_10'):.2f}")
    print(f"hallucination per point at 100, book pattern / package: "
          f"{med('book', 'point_ms_100') / med('package', 'point_ms_100'):.0f}")
    print(f"epoch time 100000 / 10000 points: "
          f"{scaling['epoch_s_100000'] / scaling['epoch_s_10000']:.1f} (linear: 10)")
    print(f"\ntotal benchmark time: {time.perf_counter() - began:.0f} s")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"runs": runs, "scaling": scaling}, handle, indent=1)


if __name__ == "__main__":
    main()
