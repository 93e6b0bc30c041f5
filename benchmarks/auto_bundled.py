"""`--recipe auto` on the two bundled series, three seeds each: the table in docs/recipes.md.

    python benchmarks/auto_bundled.py > benchmarks/AUTO_BUNDLED.txt

Runs ``series_predictor.chapter.run_chapter`` with ``with_recipe("auto", seed=S)`` (what
``series-predictor --recipe auto --seed S`` runs) into temporary folders, and prints a
Markdown table: one-step and hallucination RMSE over the test period, whether the
network's correction was kept, and the baselines; then the wall time of each run in this
process (TensorFlow imported once, by the first run).
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from series_predictor.chapter import run_chapter  # noqa: E402
from series_predictor.config import with_recipe  # noqa: E402
from series_predictor.data_loader import bundled_data_path  # noqa: E402

SERIES = (("airline", "international-airline-passengers.csv"),
          ("wine", "australian-wine-sales.csv"))
SEEDS = (0, 100, 200)


def run(name, seed, folder):
    config = with_recipe("auto", seed=seed, quiet=True, data=bundled_data_path(name),
                         out=folder)
    start = time.perf_counter()
    result = run_chapter(config, log=lambda *_: None)
    return result, time.perf_counter() - start


def rows_for(label, name, work):
    rows, seconds, metrics = [], [], None
    for seed in SEEDS:
        result, took = run(name, seed, os.path.join(work, f"{label}-{seed}"))
        metrics, seconds = result.metrics, seconds + [took]
        kept = (metrics.get("auto") or {}).get("network", {}).get("kept")
        rows.append(f"| {label if seed == SEEDS[0] else ''} | {seed} | "
                    f"{metrics['one_step']['lstm']['rmse']:.1f} | "
                    f"{metrics['hallucination']['lstm']['rmse']:.1f} | "
                    f"{'kept' if kept else 'left out'} |")
    period = "..".join(metrics["test_period"])
    rows[0] = rows[0].replace(f"| {label} |", f"| {label}, {period} |", 1)
    for base in ("seasonal_naive", "climatology"):
        rows.append(f"| | {base.replace('_', ' ')} | {metrics['one_step'][base]['rmse']:.1f} | "
                    f"{metrics['hallucination'][base]['rmse']:.1f} | |")
    return rows, seconds


def main():
    lines = ["| series, test period | seed | one-step RMSE | hallucination RMSE | network |",
             "|---|---|---:|---:|---|"]
    times = []
    with tempfile.TemporaryDirectory() as work:
        for label, name in SERIES:
            rows, seconds = rows_for(label, name, work)
            lines += rows
            times += [f"{label} seed {s}: {t:.1f} s" for s, t in zip(SEEDS, seconds)]
    print("\n".join(lines))
    print("\nWall time of each run in one process (the first includes TensorFlow's start): "
          + "; ".join(times) + f"; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
