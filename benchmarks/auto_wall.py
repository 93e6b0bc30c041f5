"""Wall time of a fresh ``series-predictor --recipe auto --quiet --seed 0`` (issue 18's
"Affordable": at most 8 s a monthly series of up to 500 points, TensorFlow's import
included), one new process per series, one at a time.

    python benchmarks/auto_wall.py DATA_DIR [GROUP] [--every K]

Writes the group's series (default "holdout / employment" and the rest of the monthly
holdout: every monthly holdout series) as CSV files with month labels, runs the
installed console command on each, and prints each run's wall time, the median, and
the machine's load before each run. Run it on a quiet machine.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from auto_study import csv_path  # noqa: E402
from pool_study import _groups  # noqa: E402

MONTHLY_HOLDOUT = ("holdout / earlier nine", "holdout / employment", "holdout / other kinds")


def _run(path, out):
    load = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(["series-predictor", "--recipe", "auto", "--quiet", "--seed", "0",
                           "--data", path, "--out", out], capture_output=True, text=True)
    return time.perf_counter() - start, load, done.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir")
    parser.add_argument("groups", nargs="*", default=list(MONTHLY_HOLDOUT))
    parser.add_argument("--every", type=int, default=1, help="time every K-th series only")
    args = parser.parse_args()
    groups = _groups(args.data_dir)
    walls = []
    with tempfile.TemporaryDirectory() as work:
        for group in args.groups:
            season, series = groups[group]
            for name, values in list(series.items())[::args.every]:
                path = csv_path(work, name, season, group, values)
                wall, load, code = _run(path, os.path.join(work, "out-" + str(len(walls))))
                status = "" if code == 0 else f" (exit {code})"
                print(f"{name[:34]:34s} {len(values):4d} points  wall {wall:5.2f} s  "
                      f"load before {load:.2f}{status}", flush=True)
                if code == 0:
                    walls.append(wall)
    if not walls:
        print("no run finished: nothing to time")
        return
    print(f"median wall {np.median(walls):.2f} s over {len(walls)} runs "
          f"(min {min(walls):.2f}, max {max(walls):.2f}); {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
