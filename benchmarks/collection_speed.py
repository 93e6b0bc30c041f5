"""How a collection's wall time grows with the number of series and of worker processes.

    python benchmarks/collection_speed.py [--series 4,8] [--workers 1,2] [--recipe book]
        [--iterations 100] [--points 120] [--out DIR] [--figure PATH]

Each configuration runs ``fit_collection`` on synthetic monthly series (a season, a
trend and a deterministic wiggle; no randomness) into a fresh folder and reports the
wall time, the time per series and the speed-up over one worker; the load average
before and after each configuration is printed beside it (on a shared machine it
matters). Draws the times against the number of series, one line per worker count
(default ``benchmarks/collection_speed.png``). Writes nothing else outside ``--out``
(default: a temporary folder, removed after).
"""

import argparse
import math
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from series_predictor.collection import fit_collection  # noqa: E402


def series(count, points):
    """``{id: [points] values}``: monthly, seasonal, trending, each a little different."""
    return {f"s{k:03d}": [100 + 10 * math.sin(math.pi * i / 6 + k) + 0.1 * (k + 1) * i
                          + math.sin(1.3 * i * (k + 2)) for i in range(points)]
            for k in range(count)}


def _numbers(text):
    return [int(part) for part in text.split(",")]


def _load():
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def measure(count, workers, args, root):
    """Wall seconds of one collection of ``count`` series on ``workers`` processes."""
    out = os.path.join(root, f"n{count}-w{workers}")
    start = time.perf_counter()
    fit_collection(series(count, args.points), out=out, recipe=args.recipe,
                   iterations=args.iterations, workers=workers, quiet=True,
                   log=lambda *_: None)
    return time.perf_counter() - start


def draw(times, path, recipe="auto"):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    for workers in sorted({w for _, w in times}):
        counts = sorted(n for n, w in times if w == workers)
        ax.plot(counts, [times[n, workers] for n in counts], marker="o",
                label=f"{workers} worker{'s' if workers > 1 else ''}")
    ax.set_xlabel("series in the collection")
    ax.set_ylabel("wall time (s)")
    ax.set_title(f"Collection wall time, --recipe {recipe}\n({os.cpu_count()} cores; "
                 f"load average at the end {_load()})", fontsize=10)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=_numbers, default=[4, 8])
    parser.add_argument("--workers", type=_numbers, default=[1, 2])
    parser.add_argument("--recipe", default="book")
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--points", type=int, default=120)
    parser.add_argument("--out", default=None)
    parser.add_argument("--figure", default=os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "collection_speed.png"))
    args = parser.parse_args()
    root = args.out or tempfile.mkdtemp(prefix="collection-speed-")
    print(f"{os.cpu_count()} cores; recipe {args.recipe}, {args.iterations} iterations, "
          f"{args.points} points per series; load average (1/5/15 min) shown per row")
    print(f"{'series':>6} {'workers':>7} {'wall s':>8} {'s/series':>8} {'speed-up':>8}  load")
    times = {}
    try:
        for count in args.series:
            for workers in args.workers:
                before = _load()
                times[count, workers] = measure(count, workers, args, root)
                speedup = times[count, args.workers[0]] / times[count, workers]
                print(f"{count:>6} {workers:>7} {times[count, workers]:>8.1f} "
                      f"{times[count, workers] / count:>8.2f} {speedup:>8.2f}  "
                      f"{before} -> {_load()}", flush=True)
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    draw(times, args.figure, args.recipe)
    print(f"Wrote {args.figure}")


if __name__ == "__main__":
    main()
