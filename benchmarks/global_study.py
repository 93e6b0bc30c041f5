"""The global recipe's accuracy study: ``--recipe global`` beside per-series ``--recipe
auto``, auto's structures alone (no network) and statsforecast's Comb (the mean of
AutoARIMA, AutoETS and AutoTheta, season 12), on a development and a holdout collection
(``global_study_data.py``; chosen by seed before any scoring).

Split as the chapter: the first 80% of each series trains, the whole rest is
hallucinated (forecast from the end of training). Score: RMSE / seasonal naive's (lag
12) on that test period; per collection the geometric mean over the series and the
count below 1.

    python benchmarks/global_study_data.py WORK     # the two collections, as long CSVs
    python benchmarks/global_study.py WORK [RESULTS [development,holdout]]

runs ``series-predictor --data WORK/NAME.csv --recipe global --out WORK/global-NAME``
(the collection command, in this process) unless that folder has its ``metrics.json``,
and reads per-series auto from ``WORK/auto-NAME/`` when it is there (made by
``series-predictor --data WORK/NAME.csv --recipe auto --workers 1 --keep-going --out
WORK/auto-NAME``); writes RESULTS (default ``benchmarks/GLOBAL_STUDY.txt``) and a JSON
beside it.
"""

import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

NAMES = ("development", "holdout")
METHODS = ("global", "auto", "structures", "comb")
SEASON = 12


def read_long(path):
    """{id: (dates datetime64[M], values)} of a long id,date,value CSV."""
    import pandas as pd
    frame = pd.read_csv(path, dtype={"id": str})
    return {i: (np.array(rows["date"].values, dtype="datetime64[M]"),
                rows["value"].to_numpy(dtype=float))
            for i, rows in frame.groupby("id", sort=False)}


def split_of(values):
    from series_predictor import data_loader
    return data_loader.train_size(len(values), 0.8)


def seasonal_naive_rmse(values):
    from series_predictor import metrics
    n_train = split_of(values)
    actual = values[n_train:]
    path = metrics.multi_step_baselines(values, n_train, len(actual), SEASON)["seasonal_naive"]
    return metrics.rmse(path, actual)


def structures_alone(series):
    """{id: hallucination of auto's structures alone}, planned as ``--recipe auto`` plans
    (the season inferred from the months), from the training part only."""
    from series_predictor import fitting, network_verdict, stages
    from series_predictor.config import check_config, with_recipe
    config = check_config(with_recipe("auto", out="unused"))
    quiet = stages.Progress(print, True)
    out = {}
    for series_id, (dates, values) in series.items():
        loaded = stages.LoadedSeries(values, dates, tuple(range(2, len(values) + 2)),
                                     series_id, "value")
        run = fitting.plan_chapter(loaded, config, quiet)
        out[series_id] = network_verdict.structure_forecasts(run)["hallucination"][:len(values)
                                                                       - split_of(values)]
    return out


def comb(series):
    """{id: the mean of AutoARIMA, AutoETS and AutoTheta (season 12)} over the test period."""
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta
    rows = [pd.DataFrame({"unique_id": series_id, "ds": dates[:split_of(values)]
                          .astype("datetime64[ns]"), "y": values[:split_of(values)]})
            for series_id, (dates, values) in series.items()]
    horizon = max(len(v) - split_of(v) for _, v in series.values())
    models = [AutoARIMA(season_length=SEASON), AutoETS(season_length=SEASON),
              AutoTheta(season_length=SEASON)]
    forecast = StatsForecast(models=models, freq="MS", n_jobs=1).forecast(
        df=pd.concat(rows), h=horizon)
    if "unique_id" not in forecast.columns:
        forecast = forecast.reset_index()
    names = [c for c in forecast.columns if c not in ("unique_id", "ds")]
    out = {}
    for series_id, (_, values) in series.items():
        mean = forecast[forecast["unique_id"] == series_id][names].mean(axis=1).to_numpy()
        out[series_id] = mean[:len(values) - split_of(values)]
    return out


def run_global(data, out):
    """The collection command with ``--recipe global`` -> its wall seconds (None: kept)."""
    if os.path.exists(os.path.join(out, "metrics.json")):
        return None
    from series_predictor.cli import main
    start = time.perf_counter()
    main(["--data", data, "--recipe", "global", "--out", out, "--keep-going", "--quiet"])
    return time.perf_counter() - start


def from_folder(out, series_id):
    """RMSE of a collection run's hallucination for one series, or None (missing/failed)."""
    path = os.path.join(out, series_id, "metrics.json")
    if not os.path.exists(path):
        return None, None
    with open(path, encoding="utf-8") as handle:
        metrics = json.load(handle)
    network = (metrics.get("auto") or {}).get("network") or {}
    return metrics["hallucination"]["lstm"]["rmse"], network.get("kept")


def score(work, name):
    """Per-series ratios of every method on collection ``name`` -> (rows, seconds)."""
    from series_predictor import metrics
    data = os.path.join(work, name + ".csv")
    series = read_long(data)
    seconds = run_global(data, os.path.join(work, "global-" + name))
    alone, combined = structures_alone(series), comb(series)
    rows = []
    for series_id, (_, values) in series.items():
        actual, naive = values[split_of(values):], seasonal_naive_rmse(values)
        global_rmse, kept = from_folder(os.path.join(work, "global-" + name), series_id)
        auto_rmse, auto_kept = from_folder(os.path.join(work, "auto-" + name), series_id)
        ratios = {"global": global_rmse, "auto": auto_rmse,
                  "structures": metrics.rmse(alone[series_id], actual),
                  "comb": metrics.rmse(combined[series_id], actual)}
        rows.append({"id": series_id, "points": len(values), "kept": kept,
                     "auto_kept": auto_kept,
                     **{k: (None if v is None else v / naive) for k, v in ratios.items()}})
    return rows, seconds


def geomean(values):
    values = [v for v in values if v is not None]
    return (float(np.exp(np.mean(np.log(values)))), sum(v < 1 for v in values), len(values)) \
        if values else (None, 0, 0)


def _cell(value):
    return "     -" if value is None else f"{value:6.3f}"


def table(name, rows, seconds):
    """The printed rows of one collection, then its geometric means."""
    lines = [f"## {name}: {len(rows)} series" + (f"; the global command ran {seconds:.0f} s"
                                                 if seconds else ""),
             f"{'series':<16} {'n':>4}  {'global':>6} {'auto':>6} {'struct':>6} "
             f"{'comb':>6}  global's network kept"]
    for row in rows:
        lines.append(f"{row['id']:<16} {row['points']:>4}  "
                     + " ".join(_cell(row[m]) for m in METHODS)
                     + f"  {'-' if row['kept'] is None else 'yes' if row['kept'] else 'no'}")
    for method in METHODS:
        mean, below, count = geomean([row[method] for row in rows])
        lines.append(f"{name} {method:<10}: geomean {_cell(mean).strip()} over {count} series, "
                     f"{below} below seasonal naive")
    kept = [row["kept"] for row in rows if row["kept"] is not None]
    lines.append(f"{name}: the global network's correction kept on {sum(kept)} of {len(kept)}")
    return lines


def main(work, results, names=NAMES):
    load = os.getloadavg()
    lines = [f"# python benchmarks/global_study.py WORK {os.path.relpath(results)}",
             f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} cores; "
             f"load average at the start {load[0]:.2f}; seed 0; ratio = hallucination RMSE / "
             "seasonal naive's (lag 12) over the test period (the last 20%)"]
    record = {}
    for name in names:
        rows, seconds = score(work, name)
        record[name] = rows
        lines += [""] + table(name, rows, seconds)
        print("\n".join(table(name, rows, seconds)), flush=True)
    lines.append(f"# load average at the end {os.getloadavg()[0]:.2f}")
    with open(results, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    with open(os.path.splitext(results)[0].lower().replace("global_study", "global-study")
              + ".json", "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=1)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else
         os.path.join(here, "GLOBAL_STUDY.txt"),
         tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 else NAMES)
