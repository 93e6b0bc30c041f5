"""Whole ``--recipe auto`` runs (season inferred, seed 0) on the study sets
(``study_sets.py``): the hallucination RMSE over seasonal naive's (persistence's without a
season), what the network's correction did on its validation tail, band coverage, and
seconds per run (TensorFlow imported once, not counted).

    python benchmarks/auto_study.py DATA_DIR CSV_DIR OUT.json [GROUP,GROUP...]

DATA_DIR: the CSV files of ``series_study.py data DIR``. Every series is written to
CSV_DIR with labels of its frequency (months ``2000-01``, quarters ``1960Q1``, ISO weeks,
daily dates, trading days) so that the season is inferred as a user's run would infer
it. Groups: those of ``pool_study.py`` (e.g. "holdout / other kinds"); default all.
"""

import json
import math
import os
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pool_study import _groups  # noqa: E402
from series_predictor.errors import SeriesTooShortError  # noqa: E402


def _labels(season, group, count):
    if season == 12:
        return [f"{2000 + i // 12:04d}-{i % 12 + 1:02d}" for i in range(count)]
    if season == 4:
        return [f"{1960 + i // 4}Q{i % 4 + 1}" for i in range(count)]
    if season == 52:
        return [str(np.datetime64("2010-01-04") + 7 * i) for i in range(count)]
    if season == 7:
        return [str(np.datetime64("2013-01-01") + i) for i in range(count)]
    days = np.busday_offset("2015-01-01", np.arange(count), roll="forward")
    return [str(day) for day in days]


def csv_path(folder, name, season, group, values):
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    path = os.path.join(folder, safe + ".csv")
    rows = ["time,value"] + [f"{t},{v:.10g}" for t, v in
                             zip(_labels(season, group, len(values)), values)]
    with open(path, "w") as handle:
        handle.write("\n".join(rows) + "\n")
    return path


def run_one(path):
    from series_predictor.chapter import run_chapter
    from series_predictor.config import with_recipe
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        run = run_chapter(with_recipe("auto", data=path, out=out, quiet=True, seed=0),
                          log=lambda *_: None)
        seconds = time.perf_counter() - start
    m = run.metrics
    h = m["hallucination"]
    return {"season": run.config.season, "seconds": seconds,
            "ratio": h["lstm"]["rmse"] / h["seasonal_naive"]["rmse"],
            "network": m["auto"].get("network"), "chosen": m["auto"]["chosen"],
            "coverage": (m.get("intervals") or {}).get("test_coverage")}


def main():
    folder, csv_dir, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
    groups = _groups(folder)
    wanted = sys.argv[4].split(",") if len(sys.argv) > 4 else list(groups)
    results = json.load(open(out_path)) if os.path.exists(out_path) else {}
    os.makedirs(csv_dir, exist_ok=True)
    for group in wanted:
        season, series = groups[group]
        for name, values in series.items():
            if name not in results:  # resumes
                try:
                    row = run_one(csv_path(csv_dir, name, season, group, values))
                except SeriesTooShortError as exc:  # reported, not scored
                    print(name, "refused:", exc, flush=True)
                    continue
                results[name] = dict(row, group=group)
                print(name, json.dumps(results[name]), flush=True)
                with open(out_path, "w") as handle:
                    json.dump(results, handle, indent=1)
    for group in wanted:
        rows = [r for r in results.values() if r["group"] == group]
        geo = math.exp(np.mean([math.log(r["ratio"]) for r in rows]))
        kept = sum(1 for r in rows if r["network"] and r["network"]["kept"])
        cover = {level: np.mean([r["coverage"][level] for r in rows if r["coverage"]])
                 for level in ("0.8", "0.95")}
        print(f"{group}: {len(rows)} series, geomean {geo:.3f}, "
              f"{sum(r['ratio'] < 1 for r in rows)} below 1, network kept on {kept}, "
              f"bands hold {cover['0.8']:.1%} (80%) and {cover['0.95']:.1%} (95%), "
              f"median {np.median([r['seconds'] for r in rows]):.1f} s")


if __name__ == "__main__":
    main()
