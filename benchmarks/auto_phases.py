"""Where the seconds of one fresh ``series-predictor`` run go (issue 18's "Affordable").

Runs the command line in this process with timers around its phases: importing
TensorFlow (and tf-keras), reading and choosing (``--recipe auto``'s structures:
``fitting.plan_chapter``), building each predictor's or member group's graph,
training, the members' forecasts, evaluating, drawing and writing the figures, and
the rest of the outputs. Each figure is wall time (``time.perf_counter``); a phase
nested in another is counted in both. Print the machine's load beside it: the
figures are the machine's at that moment, not the code's alone.

Usage: python benchmarks/auto_phases.py [series-predictor options...]
       (default: --recipe auto --quiet --data data/international-airline-passengers.csv)
"""

import collections
import contextlib
import os
import sys
import tempfile
import time

START = time.perf_counter()
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
TOTALS = collections.defaultdict(float)
COUNTS = collections.Counter()


@contextlib.contextmanager
def phase(name):
    start = time.perf_counter()
    try:
        yield
    finally:
        TOTALS[name] += time.perf_counter() - start
        COUNTS[name] += 1


def timed(module, attribute, name):
    real = getattr(module, attribute)

    def wrapper(*args, **kwargs):
        with phase(name):
            return real(*args, **kwargs)
    setattr(module, attribute, wrapper)


def main():
    args = sys.argv[1:] or ["--recipe", "auto", "--quiet", "--data",
                            os.path.join(ROOT, "data", "international-airline-passengers.csv")]
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # as the console command sets it
    with phase("import the package (no TensorFlow)"):
        from series_predictor import chapter, cli, fitting, outputs, stages  # noqa: F401
    with phase("import TensorFlow, tf-keras"):
        from series_predictor import tf_compat
        tf_compat.basic_lstm_cell_class()
        from series_predictor import model, side_by_side_training  # noqa: F401
        from series_predictor import side_by_side
    timed(chapter, "plan_chapter", "plan: read, prepare, auto's choice (structures)")
    timed(chapter, "fit_run", "fit: train every member, forecast, combine")
    timed(model.SeriesPredictor, "_build_graph", "build a predictor's graph")
    timed(model.SeriesPredictor, "_start_session", "start a predictor's session")
    timed(model.SeriesPredictor, "train", "train (lone predictors)")
    timed(side_by_side.MemberGroup, "__init__", "build the member group")
    timed(side_by_side_training, "train_group", "train (side by side)")
    timed(stages, "forecast_member", "members' forecasts")
    timed(fitting.network_verdict, "judge_network", "network_verdict.judge_network")
    timed(chapter, "evaluate", "evaluate")
    timed(chapter, "write_outputs", "write the outputs (figures included)")
    timed(outputs, "write_figures", "draw and write the figures")
    with tempfile.TemporaryDirectory() as out:
        if "--out" not in args:
            args += ["--out", os.path.join(out, "run")]
        with phase("the command (after imports)"):
            code = cli.main(args)
    total = time.perf_counter() - START
    print(f"# load average {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs; args: "
          + " ".join(args[:-2] if args[-2] == "--out" else args))
    for name, seconds in TOTALS.items():
        print(f"{seconds:8.2f} s  {name}" + (f" ({COUNTS[name]}x)" if COUNTS[name] > 1 else ""))
    print(f"{total:8.2f} s  in all (this process, from its first line)")
    return code


if __name__ == "__main__":
    sys.exit(main())
