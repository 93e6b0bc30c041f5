"""Whole ``--recipe auto`` runs (season inferred, seed 0) on the structure study's series:
the hallucination RMSE over seasonal naive's (persistence's without a season), what the
network's correction did on its validation tail, band coverage, and seconds per run.

    python benchmarks/auto_study.py DATA_DIR OUT.json [development,holdout]

DATA_DIR: the monthly CSV files of ``series_study.py data DIR``; the quarterly, daily
and price series are written beside them with their own labels (``1990Q1``, dates,
trading days) so that the season is inferred as a user's run would infer it.
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

from structure_study import series_sets  # noqa: E402


def _labels(group, count):
    if group == "quarterly":
        return [f"{1960 + i // 4}Q{i % 4 + 1}" for i in range(count)]
    if group == "daily":
        return [str(np.datetime64("2013-01-01") + i) for i in range(count)]
    days = np.busday_offset("2015-01-01", np.arange(count), roll="forward")
    return [str(day) for day in days]


def csv_path(folder, name, group, values):
    path = os.path.join(folder, name + ".csv")
    if group != "monthly":
        rows = ["time,value"] + [f"{t},{v:.6g}" for t, v in
                                 zip(_labels(group, len(values)), values)]
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
    folder, out_path = sys.argv[1], sys.argv[2]
    wanted = sys.argv[3].split(",") if len(sys.argv) > 3 else ["development", "holdout"]
    results = {}
    for set_name, series in series_sets(folder).items():
        if set_name not in wanted:
            continue
        for name, group, _, values in series:
            row = run_one(csv_path(folder, name, group, values))
            results[name] = dict(row, set=set_name, group=group)
            print(name, json.dumps(results[name]), flush=True)
            with open(out_path, "w") as handle:
                json.dump(results, handle, indent=1)
    for set_name in wanted:
        for group in sorted({r["group"] for r in results.values() if r["set"] == set_name}):
            rows = [r for r in results.values() if r["set"] == set_name and r["group"] == group]
            geo = math.exp(np.mean([math.log(r["ratio"]) for r in rows]))
            kept = sum(1 for r in rows if r["network"] and r["network"]["kept"])
            print(f"{set_name}/{group}: {len(rows)} series, geomean {geo:.3f}, "
                  f"{sum(r['ratio'] < 1 for r in rows)} below 1, network kept on {kept}, "
                  f"median {np.median([r['seconds'] for r in rows]):.1f} s")


if __name__ == "__main__":
    main()
