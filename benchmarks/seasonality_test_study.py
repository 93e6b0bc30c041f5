"""Tried and not adopted: a seasonal-strength test in place of the M4 autocorrelation test.

The M4 test (autocorrelation at the seasonal lag) finds a season in almost every
trending series (consumer prices, GDP, commodity prices), since a trend alone makes
that autocorrelation large. The seasonal strength of a classical decomposition,
``max(0, 1 - var(remainder) / var(seasonal + remainder))`` (of logs for a positive
series), with the threshold 0.64 of Wang, Smith & Hyndman (2006, as R's
``forecast::nsdiffs``), tells them apart. This script scores, on the development
series only (``study_sets.py``: monthly, monthly of other kinds, quarterly, daily,
weekly), auto's pool as it is against rules that treat a series below the threshold
as having no season (its structures fitted without adjustment) with several pools.

    python benchmarks/seasonality_test_study.py DATA_DIR [--thresholds 0.3,0.5,0.64]
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import study_sets  # noqa: E402
from pool_study import _naive, _rmse  # noqa: E402
from series_predictor.structures import fit_all  # noqa: E402

NON_SEASONAL_POOLS = (("theta", "drift"), ("ets", "damped", "holt", "drift"),
                      ("ets", "damped", "theta", "drift"), ("damped", "theta", "drift"))


def strength(values, season):
    """Seasonal strength of the classical decomposition of ``values`` ``[n]`` (0..1)."""
    x = np.asarray(values, float)
    if season <= 1 or len(x) < 3 * season:
        return 0.0
    weights = (np.r_[0.5, np.ones(season - 1), 0.5] / season if season % 2 == 0
               else np.ones(season) / season)
    trend = np.convolve(x, weights, mode="valid")
    offset = (len(weights) - 1) // 2
    inner = x[offset:offset + len(trend)]
    if np.all(x > 0):
        inner, trend = np.log(inner), np.log(trend)
    detrended = inner - trend
    positions = (offset + np.arange(len(trend))) % season
    index = np.array([detrended[positions == p].mean() for p in range(season)])
    remainder = detrended - (index - index.mean())[positions]
    return max(0.0, 1 - np.var(remainder) / np.var(detrended)) if np.var(detrended) > 0 else 0.0


def _series(folder):
    development, _ = study_sets.monthly(folder)
    out = {"monthly": (12, development), "monthly, other kinds":
           (12, study_sets.other_kinds_development())}
    out.update({g: pair for g, pair in study_sets.other_development().items() if g != "prices"})
    return out


def _earlier_pool(fits):
    """The pool this study was run with (before 2026-12-05): Holt-Winters (when the test
    found the season), ETS, damped, Holt, drift, seasonal naive."""
    return [k for k in ("hw", "ets", "damped", "holt", "drift", "snaive") if k in fits]


def _rows(folder):
    rows = []
    for group, (season, series) in _series(folder).items():
        for values in series.values():
            n_train = int(len(values) * 0.8)
            train, test = values[:n_train], values[n_train:]
            seasonal_fits = fit_all(train, season)[0]
            plain_fits = fit_all(train, 1)[0]
            paths = {"as is": {k: m.path(len(test)) for k, m in seasonal_fits.items()
                               if k in _earlier_pool(seasonal_fits)},
                     "plain": {k: m.path(len(test)) for k, m in plain_fits.items()}}
            rows.append({"group": group, "strength": strength(train, season), "test": test,
                         "base": _rmse(_naive(train, len(test), season), test),
                         "paths": paths})
    return rows


def _score(rows, threshold, pool):
    ratios = []
    for row in rows:
        chosen = (row["paths"]["as is"] if pool is None or row["strength"] >= threshold
                  else {k: row["paths"]["plain"][k] for k in pool})
        path = np.median(list(chosen.values()), axis=0)
        ratios.append(_rmse(path, row["test"]) / row["base"])
    return np.array(ratios)


def _line(label, rows, ratios):
    groups = dict.fromkeys(row["group"] for row in rows)
    parts = []
    for group in groups:
        mine = np.array([r for r, row in zip(ratios, rows) if row["group"] == group])
        parts.append(f"{group} {np.exp(np.mean(np.log(mine))):.3f} ({np.sum(mine < 1)}/{len(mine)})")
    return (f"{label:52s} all {np.exp(np.mean(np.log(ratios))):.3f} "
            f"({np.sum(ratios < 1)}/{len(ratios)}); " + "; ".join(parts))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir")
    parser.add_argument("--thresholds", default="0.3,0.5,0.64")
    args = parser.parse_args()
    rows = _rows(args.data_dir)
    print("geometric mean of RMSE / seasonal naive's (below 1), development series only")
    print(_line("auto's pool as it is (M4 test)", rows, _score(rows, 0, None)))
    for threshold in (float(t) for t in args.thresholds.split(",")):
        below = sum(row["strength"] < threshold for row in rows)
        for pool in NON_SEASONAL_POOLS:
            print(_line(f"strength < {threshold} ({below} series): {', '.join(pool)}", rows,
                        _score(rows, threshold, pool)))


if __name__ == "__main__":
    main()
