"""Benchmark: this package against the book's pattern, Keras 3 and PyTorch.

    python benchmarks/bench.py [--rounds 3] [--core 0 | --core all] [--json FILE]

Every figure is measured in a fresh subprocess per (variant, round), pinned to one
core (``--core N``, by ``sched_setaffinity``), so each contender gets one thread:
TensorFlow's sessions and eager runtime default to the schedulable CPUs (1), and
PyTorch is set to as many threads as CPUs it may use. ``--core all`` leaves every
worker on all the machine's CPUs (each framework then uses all of them). Variants run interleaved, round
after round, so that machine noise hits all alike. The script prints medians over
the rounds, each row with its settings, and the ratios asked for.
Sizes are the chapter's: airline windows (110 windows of 5, full batch), hidden
100, float32, Adam 0.001; a larger case of 3000 windows; and a shape like the
members of ``--recipe auto`` (400 windows of 12, hidden 32, full batch). The
package runs three ways: the default graph (``dynamic_rnn``), ``unroll=True``
and ``fast_training=True`` (several Adam steps per session.run). PyTorch runs
only when installed (`pip install '.[bench]'`).
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
AUTO_SEQ, AUTO_HIDDEN, AUTO_WINDOWS = 12, 32, 400  # like a member of --recipe auto
TRAIN_ITERATIONS, TRAIN_REPORT_EVERY = 1000, 100    # the chapter's train() call


def chapter_windows():
    import data_loader
    data = data_loader.load_series(data_loader.bundled_data_path())
    train, _ = data_loader.split_data(data)
    return data_loader.make_windows(train, SEQ), train


def sine_windows(count, seq_size):
    """``count`` windows of ``seq_size`` of a seasonal sine with a trend, float32."""
    import numpy as np
    import data_loader
    t = np.arange(count + seq_size)
    series = np.sin(2 * np.pi * t / 12) + 0.001 * t
    return tuple(a.astype(np.float32) for a in data_loader.make_windows(series, seq_size))


def large_windows():
    return sine_windows(LARGE_WINDOWS, SEQ)


def auto_windows():
    return sine_windows(AUTO_WINDOWS, AUTO_SEQ)


def timed(fn, repeat):
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------- workers
def package_step_ms(p, x, y, steps):
    """ms per training step of predictor ``p`` on the full batch ``x, y``: one step per
    session.run on the default graph, ``MAX_STEPS_PER_RUN`` per run with fast_training
    (the time-major feed made per run, as ``train`` does)."""
    from series_predictor.fast_training import MAX_STEPS_PER_RUN, _time_major_batches
    if not p.fast_training:
        return 1e3 * timed(lambda: p._train_step(x, y), steps)
    chunk = min(steps, MAX_STEPS_PER_RUN)
    return 1e3 * timed(lambda: p._train_steps(*_time_major_batches(x, y, [None]), chunk),
                       steps // chunk) / chunk


def package_train_s(x, y, **options):
    """Seconds for the chapter's ``train`` call, reports and checkpoints included."""
    from series_predictor import SeriesPredictor
    with SeriesPredictor(1, SEQ, HIDDEN, seed=0, **options) as p:
        p.train(x, y, iterations=WARMUP, verbose=False)
        start = time.perf_counter()
        p.train(x, y, iterations=TRAIN_ITERATIONS, report_every=TRAIN_REPORT_EVERY,
                verbose=False)
        return time.perf_counter() - start


def worker_package(**options):
    import numpy as np
    from series_predictor import SeriesPredictor
    (x, y), train = chapter_windows()
    x, y = x.astype(np.float32), y.astype(np.float32)
    out = {}
    with SeriesPredictor(1, SEQ, HIDDEN, seed=0, **options) as p:
        p.train(x, y, iterations=WARMUP, verbose=False)
        out["step_ms"] = package_step_ms(p, x, y, STEPS)
        for n in POINTS:
            p.hallucinate(train[-SEQ:], 5)
            out[f"point_ms_{n}"] = 1e3 * timed(lambda: p.hallucinate(train[-SEQ:], n), 1) / n
    out["train_s"] = package_train_s(x, y, **options)
    for key, (wx, wy), seq, hidden, steps in (
            ("large_step_ms", large_windows(), SEQ, HIDDEN, STEPS // 4),
            ("auto_step_ms", auto_windows(), AUTO_SEQ, AUTO_HIDDEN, STEPS)):
        with SeriesPredictor(1, seq, hidden, seed=0, **options) as p:
            p.train(wx, wy, iterations=5, verbose=False)
            out[key] = package_step_ms(p, wx, wy, steps)
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
    import tensorflow as tf
    (x, y), train = chapter_windows()
    x, y = tf.constant(x, tf.float32), tf.constant(y, tf.float32)
    model, steps = keras_model_and_steps(SEQ, HIDDEN)
    out = {f"step_ms_{mode}": ms for mode, ms in keras_step_ms(steps, x, y).items()}
    out["step_ms"] = min(out["step_ms_xla"], out["step_ms_graph"])
    step = steps["xla"]
    lx, ly = (tf.constant(a, tf.float32) for a in large_windows())
    for _ in range(3):
        step(lx, ly)
    out["large_step_ms"] = 1e3 * timed(lambda: step(lx, ly), STEPS // 4)
    ax, ay = (tf.constant(a, tf.float32) for a in auto_windows())
    out["auto_step_ms"] = min(keras_step_ms(keras_model_and_steps(AUTO_SEQ, AUTO_HIDDEN)[1],
                                            ax, ay).values())

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


def keras_model_and_steps(seq_size, hidden):
    """Keras 3 ``LSTM(hidden, return_sequences=True)`` + ``Dense(1)`` with Adam: the
    model and its custom train step compiled two ways, ``{"graph": .., "xla": ..}``."""
    import keras
    import tensorflow as tf
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((seq_size, 1)),
                              keras.layers.LSTM(hidden, return_sequences=True),
                              keras.layers.Dense(1)])
    optimizer = keras.optimizers.Adam(LR)

    def compiled_step(jit):
        @tf.function(jit_compile=jit)
        def step(bx, by):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(bx, training=True)[..., 0] - by))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        return step
    return model, {"graph": compiled_step(False), "xla": compiled_step(True)}


def keras_step_ms(steps, bx, by):
    """ms per step of each compiled step, after WARMUP steps each -> {mode: ms}."""
    out = {}
    for mode, step in steps.items():
        for _ in range(WARMUP):
            step(bx, by)
        out[mode] = 1e3 * timed(lambda: step(bx, by), STEPS)
    return out


def worker_torch():
    import numpy as np
    import torch
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    torch.manual_seed(0)
    (x, y), train = chapter_windows()
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32)

    net, step = torch_model(HIDDEN)
    for _ in range(WARMUP):
        step(x, y)
    out = {"step_ms": 1e3 * timed(lambda: step(x, y), STEPS),
           "torch_threads": torch.get_num_threads()}
    lx, ly = (torch.tensor(a, dtype=torch.float32) for a in large_windows())
    out["large_step_ms"] = 1e3 * timed(lambda: step(lx, ly), STEPS // 4)
    ax, ay = (torch.tensor(a, dtype=torch.float32) for a in auto_windows())
    _, auto_step = torch_model(AUTO_HIDDEN)
    for _ in range(WARMUP):
        auto_step(ax, ay)
    out["auto_step_ms"] = 1e3 * timed(lambda: auto_step(ax, ay), STEPS)
    with torch.inference_mode():
        for n in POINTS:
            window = torch.tensor(np.asarray(train[-SEQ:], np.float32).reshape(1, SEQ, 1))
            start = time.perf_counter()
            for _ in range(n):
                value = net(window)[0, -1]
                window = torch.cat([window[:, 1:], value.reshape(1, 1, 1)], dim=1)
            out[f"point_ms_{n}"] = 1e3 * (time.perf_counter() - start) / n
    return out


def torch_model(hidden):
    """PyTorch's ``LSTM(1, hidden)`` + ``Linear(hidden, 1)`` and its Adam step."""
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(1, hidden, batch_first=True)
            self.out = torch.nn.Linear(hidden, 1)

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
    return net, step


def worker_chapter():
    """The chapter script end to end (import included), as a user runs it."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(ROOT, "simple_regression.py"),
                        "--out", out], check=True, capture_output=True)
        return {"wall_s": time.perf_counter() - start}


def worker_scaling():
    """Time per epoch with mini-batches of 256 as the series grows (flat memory),
    on the default route and with fast_training."""
    import numpy as np
    import data_loader
    from series_predictor import SeriesPredictor
    out = {}
    for n in SCALING_POINTS:
        t = np.arange(n)
        x, y = data_loader.make_windows(np.sin(2 * np.pi * t / 12), SEQ)
        steps = -(-len(x) // 256)
        for route, fast in (("", False), ("fast_", True)):
            with SeriesPredictor(1, SEQ, HIDDEN, seed=0, fast_training=fast) as p:
                p.train(x, y, iterations=5, batch_size=256, verbose=False)
                start = time.perf_counter()
                p.train(x, y, iterations=steps, batch_size=256, report_every=10**9,
                        verbose=False)
                out[f"{route}epoch_s_{n}"] = time.perf_counter() - start
        out[f"rss_mb_{n}"] = peak_rss_mb()
    return out


SCALING_POINTS = (1_000, 10_000, 100_000)
WORKERS = {
    "package": worker_package,
    "package_unrolled": lambda: worker_package(unroll=True),
    "package_fast": lambda: worker_package(fast_training=True),
    "book": worker_book,
    "keras3": worker_keras,
    "torch": worker_torch,
    "chapter": worker_chapter,
}
ROWS = [
    ("training step, chapter (ms)", "step_ms",
     f"110 windows of {SEQ}, hidden {HIDDEN}, full batch; {STEPS} steps after {WARMUP}"),
    ("training step, 3000 windows (ms)", "large_step_ms",
     f"{LARGE_WINDOWS} windows of {SEQ}, hidden {HIDDEN}, full batch; {STEPS // 4} steps "
     "after 5 (Keras, PyTorch: 3)"),
    ("training step, auto-like (ms)", "auto_step_ms",
     f"{AUTO_WINDOWS} windows of {AUTO_SEQ}, hidden {AUTO_HIDDEN}, full batch; {STEPS} "
     f"steps after 5 (Keras, PyTorch: {WARMUP} per compiled step)"),
    ("chapter train() call (s)", "train_s",
     f"{TRAIN_ITERATIONS} steps, report and checkpoint every {TRAIN_REPORT_EVERY}, "
     f"after a {WARMUP}-step train()"),
    ("hallucination per point, 10 (ms)", "point_ms_10", "chapter model, one run"),
    ("hallucination per point, 100 (ms)", "point_ms_100", "chapter model, one run"),
    ("hallucination per point, 1000 (ms)", "point_ms_1000", "chapter model, one run"),
    ("peak memory (MB)", "peak_rss_mb", "of the worker process"),
]


def run_worker(name, core):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=ROOT)
    pin = None if core == "all" else (lambda: os.sched_setaffinity(0, {int(core)}))
    proc = subprocess.run([sys.executable, __file__, "--worker", name], env=env,
                          capture_output=True, text=True, preexec_fn=pin)
    if proc.returncode:
        raise RuntimeError(f"worker {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def torch_available():
    return subprocess.run([sys.executable, "-c", "import torch"],
                          capture_output=True).returncode == 0


def print_table(runs, names, med, rounds, core):
    """The medians, one row a figure, its settings beside it."""
    cols = [n for n in names if n != "chapter"]
    torch_threads = med("torch", "torch_threads")
    print(f"\nmedians over {rounds} interleaved rounds, a fresh process per variant and round,"
          f" float32, Adam {LR};\n"
          + (f"every worker on all {os.cpu_count()} CPUs: TensorFlow's default threads, "
             if core == "all" else
             f"every worker pinned to core {core} (1 CPU): TensorFlow sessions and eager ops "
             "default to 1 thread there, ")
          + f"PyTorch set to {torch_threads:.0f} thread(s)\n")
    print(f"{'':36s}" + "".join(f"{c:>17s}" for c in cols) + "   settings")
    for label, key, settings in ROWS:
        print(f"{label:36s}" + "".join(f"{med(c, key):17.3f}" for c in cols) + f"   {settings}")
    print(f"{'chapter script end to end (s)':36s}{med('chapter', 'wall_s'):17.2f}"
          "   simple_regression.py, import included")
    print(f"{'book graph ops after 100 points':36s}{med('book', 'graph_ops_after'):17.0f}")


def print_scaling(scaling):
    print("\nmini-batch 256, one epoch (s), default / fast_training, and peak memory (MB), "
          "one round:")
    for n in SCALING_POINTS:
        print(f"  {n:>7d} points: {scaling[f'epoch_s_{n}']:8.3f} s / "
              f"{scaling[f'fast_epoch_s_{n}']:8.3f} s  {scaling[f'rss_mb_{n}']:8.0f} MB")


def print_ratios(names, med, scaling):
    def ratio(label, a, b, key="step_ms"):
        if a in names and b in names:
            print(f"{label}: {med(a, key) / med(b, key):.2f}")
    print("\nratios (training step unless named):")
    for key, shape in (("step_ms", "chapter"), ("auto_step_ms", "auto-like"),
                       ("large_step_ms", "3000 windows")):
        ratio(f"{shape}, package fast_training / PyTorch", "package_fast", "torch", key)
        ratio(f"{shape}, package / PyTorch", "package", "torch", key)
        ratio(f"{shape}, package fast_training / package", "package_fast", "package", key)
        ratio(f"{shape}, package fast_training / Keras 3", "package_fast", "keras3", key)
    ratio("chapter train() call, fast_training / default", "package_fast", "package", "train_s")
    ratio("chapter, package unrolled / PyTorch", "package_unrolled", "torch")
    ratio("hallucination per point, package / PyTorch", "package", "torch", "point_ms_100")
    print(f"hallucination per point at 1000 / at 10: "
          f"{med('package', 'point_ms_1000') / med('package', 'point_ms_10'):.2f}")
    print(f"hallucination per point at 100, book pattern / package: "
          f"{med('book', 'point_ms_100') / med('package', 'point_ms_100'):.0f}")
    print(f"epoch time 100000 / 10000 points: "
          f"{scaling['epoch_s_100000'] / scaling['epoch_s_10000']:.1f} (linear: 10)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--core", default="0",
                        help="the CPU every worker runs on, or 'all' (default: 0)")
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
            runs[name].append(run_worker(name, args.core))
            print(f"round {round_ + 1}/{args.rounds}: {name} done", file=sys.stderr, flush=True)
    scaling = run_worker("scaling", args.core)

    def med(name, key):
        values = [r[key] for r in runs.get(name, []) if key in r]
        return statistics.median(values) if values else float("nan")

    print_table(runs, names, med, args.rounds, args.core)
    print_scaling(scaling)
    print_ratios(names, med, scaling)
    print(f"\ntotal benchmark time: {time.perf_counter() - began:.0f} s")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"runs": runs, "scaling": scaling}, handle, indent=1)


if __name__ == "__main__":
    main()
