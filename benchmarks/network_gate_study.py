"""Would a residual-autocorrelation gate let ``--recipe auto`` skip TensorFlow? (issue 18)

For each series of the study sets: the Ljung-Box statistic of the series the network
trains on (the structures' in-sample one-step errors, normalized, training part before
the network's validation tail, first season dropped) at 10 lags and at two seasons,
its chi-square p-value, beside what the network did in the recorded auto study
(``auto-study-*.json``: kept or not, validation RMSE ratio, test ratio). No TensorFlow.

    python benchmarks/network_gate_study.py DATA_DIR   (DATA_DIR: series_study.py data DIR)

Finding (2026-12-04): most monthly series have p < 0.05 (wine: p = 0.000), and the
series with p > 0.05 include ones where the network was kept (nottem, co2, austres,
visnights NSWNthCo 0.919 and VICMetro 0.977): the test neither skips TensorFlow where
the time goes nor predicts where the network helps, so it was not made a gate.
"""

import json
import os
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from auto_study import csv_path  # noqa: E402
from structure_study import series_sets  # noqa: E402


def ljung_box(z, lags):
    """The Ljung-Box statistic of ``z`` ``[n]`` over lags 1..``lags``."""
    z = z - z.mean()
    n, total = len(z), float(np.dot(z, z))
    r = np.array([np.dot(z[k:], z[:-k]) / total for k in range(1, lags + 1)])
    return n * (n + 2) * np.sum(r ** 2 / (n - np.arange(1, lags + 1)))


def network_series(path):
    """The normalized series the auto run's network trains on, and the season."""
    from series_predictor import stages
    from series_predictor.config import with_recipe
    from series_predictor.fitting import plan_chapter
    config = with_recipe("auto", data=path, out=os.path.join(tempfile.gettempdir(), "unused"),
                         quiet=True, seed=0)
    loaded = stages.read_stage(config)
    run = plan_chapter(loaded, config, stages.Progress(lambda *_: None, True))
    split = run.prepared.split
    return run.prepared.preprocessing.encode(loaded.values)[:split.fit_end], run.config.season


def main():
    from scipy.stats import chi2
    recorded = {}
    for name in ("development", "holdout"):
        with open(os.path.join(ROOT, "benchmarks", f"auto-study-{name}.json")) as handle:
            recorded.update(json.load(handle))
    folder = tempfile.mkdtemp()
    for set_name, items in series_sets(sys.argv[1]).items():
        for name, group, _season, values in items:
            z, season = network_series(csv_path(folder if group != "monthly" else sys.argv[1],
                                                name, group, values))
            s = max(season, 1)
            tests = []
            for lags in (min(10, len(z) // 5), min(2 * s if s > 1 else 10, len(z) // 5)):
                q = ljung_box(z[s:], lags)
                tests.append(f"lags {lags:2d}: Q {q:7.1f} p {chi2.sf(q, lags):.3f}")
            net = recorded[name]["network"]
            print(f"{set_name[:3]} {name:22s} season {s:2d}  " + "  ".join(tests)
                  + f"  kept {net['kept']!s:5}  validation ratio {net['ratio'] or 0:.3f}"
                  f"  test ratio {recorded[name]['ratio']:.3f}", flush=True)


if __name__ == "__main__":
    main()
