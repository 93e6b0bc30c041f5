"""The run's outputs: figures, ``metrics.json``, ``forecast.csv`` and ``run.json``.

The forecast past the end of the data is a ``ForecastTable`` (``forecast_table.py``),
as the run writes it and as ``load_run(path).forecast()`` recomputes it; both write
it with ``to_csv``.

The figures are ``figure_workers.FigureJob``s, drawn by ``figure_workers.draw_all``:
in this process, or in the console command's worker processes (so that the command
never imports matplotlib itself).
"""

import dataclasses
import json
import os

import numpy as np

from . import figure_workers, metrics, report
from .forecast_table import ForecastTable, no_bands_note
from .intervals import ahead
from .json_values import json_ready
from .run_folder import MANIFEST, digest, write_manifest, write_text  # noqa: F401
from .time_axis import points_to_go_on

PNG_FILES = ("predictions.png", "hallucinations.png", "loss.png", "forecast.png")


def forecast_table(run):
    """The run's forecast past the data (the "forecast" task) as a ForecastTable."""
    combined, times = run.combined, run.times["forecast"]
    point = combined.forecasts["forecast"]
    intervals = ahead(run.intervals, run.loaded.values)  # volatility at the data's end
    bands = (intervals.bands(point, float(np.min(run.loaded.values)))
             if intervals is not None and point is not None else {})
    members = {m.seed: m.forecasts["forecast"] for m in run.members
               if m.seed in combined.kept["forecast"]}
    return ForecastTable(times, point, bands, members, dict(combined.dropped), run.loaded.units,
                         "" if bands else no_bands_note(run.config), run.loaded.utc,
                         run.loaded.notation)


def _title_suffix(run, task):
    kept, total = len(run.combined.kept[task]), len(run.members)
    if len(run.candidates) > 1:
        return (f" (mean of {len(run.candidates)} candidates' medians, "
                f"{kept} of {total} members)")
    return "" if total == 1 else f" (median of {kept} of {total} members)"


def _path_names(run):
    """``(predictions.png's legend name, hallucinations.png's, the latter's title
    words)``: the book's, or for ``--recipe auto`` the forecast's name
    (``report.forecast_name``: the structures alone when the network was left out,
    whose path no network fed back)."""
    if not run.auto:
        return ("predicted (one step ahead)", "hallucinated (own predictions fed back)",
                "steps fed back from the end of training")
    name = report.forecast_name(run.auto)
    return (f"{name} (one step ahead)", f"{name} (from the end of training)",
            "steps from the end of training")


def _no_forecast(loaded, path):
    return figure_workers.job("plot_series", loaded.times, loaded.values, units=loaded.units,
                              path=path, utc=loaded.utc, title="No LSTM forecast: every member diverged")


def write_figures(folder, run):
    """predictions.png, hallucinations.png, loss.png, forecast.png (and backtest.png)
    into ``folder``, all written when it returns -> {name: path}."""
    paths, jobs = figure_jobs(folder, run)
    figure_workers.draw_all(jobs)
    return paths


def figure_jobs(folder, run):
    """The run's figures -> ({name: path}, [FigureJob]), in the order they were drawn."""
    loaded, split, combined = run.loaded, run.prepared.split, run.combined
    paths = {name: os.path.join(folder, name) for name in PNG_FILES}
    one_step, path = combined.forecasts["test one-step"], combined.forecasts["hallucination"]
    one_step_label, path_label, path_words = _path_names(run)
    jobs = []
    if one_step is None:
        jobs.append(_no_forecast(loaded, paths["predictions.png"]))
    else:
        jobs.append(figure_workers.job(
            "plot_predictions", loaded.times, loaded.values, split.n_train, one_step,
            units=loaded.units, path=paths["predictions.png"], utc=loaded.utc,
            baseline=naive_baseline(loaded.values, split.n_train, split.n_test,
                                    run.config.season, one_step=True),
            title="One-step predictions over the test period"
                  + _title_suffix(run, "test one-step"), label=one_step_label))
    if path is None:
        jobs.append(_no_forecast(loaded, paths["hallucinations.png"]))
    else:
        jobs.append(figure_workers.job(
            "plot_hallucinations",
            loaded.times, loaded.values, split.n_train, run.times["hallucination"], path,
            units=loaded.units, path=paths["hallucinations.png"], utc=loaded.utc,
            bands=run.intervals.bands(path) if run.intervals is not None else None,
            baseline=baseline_path(run, split.n_train, len(path)), note=band_note(run),
            label=path_label, title=f"Hallucination: {len(path)} {path_words}"
                                    + _title_suffix(run, "hallucination")))
    jobs += [forecast_figure(run, paths["forecast.png"]), loss_figure(run, paths["loss.png"])]
    if run.metrics.get("backtest"):
        paths["backtest.png"] = os.path.join(folder, "backtest.png")
        jobs.append(figure_workers.job(
            "plot_backtest", run.metrics["backtest"], units=loaded.units,
            path=paths["backtest.png"],
            names=report.backtest_names(run.metrics["backtest"], run.auto, run.config.season)))
    return paths, jobs


def forecast_figure(run, path):
    """forecast.png's FigureJob (``.draw()`` -> the Figure)."""
    forecast = forecast_table(run)
    if forecast.point is None:
        return _no_forecast(run.loaded, path)
    values = run.loaded.values
    return figure_workers.job(
        "plot_forecast", run.loaded.times, values, forecast.times, forecast.point,
        units=run.loaded.units, bands=forecast.bands, utc=forecast.utc,
        baseline=baseline_path(run, len(values), len(forecast.point)),
        note=band_note(run), path=path, label=forecast_label(run.auto),
        title=f"Forecast: {len(forecast.point)} points past the end of the data"
              + _title_suffix(run, "forecast"))


def forecast_label(auto):
    """forecast.png's legend name of the forecast: "forecast" (the book's), or for
    ``--recipe auto`` (``auto``: its record) what was forecast, as the hallucination's
    legend and the table's rows name it ("auto: structures (forecast)")."""
    return f"{report.forecast_name(auto)} (forecast)" if auto else "forecast"


def forecast_name(run):
    """What the run's forecast is, as its rows and legends name it."""
    return report.forecast_name(run.auto)


def baseline_path(run, origin, count):
    """``(label, [count])``: the naive forecast from ``origin`` that the table compares
    the LSTM with: seasonal naive, or persistence when there is no season (season 1)."""
    return naive_baseline(run.loaded.values, origin, count, run.config.season)


def naive_baseline(values, origin, count, season, one_step=False):
    """``(label, [count])``: seasonal naive at lag ``season`` (persistence when
    ``season`` is None or 1) forecasting ``values[origin:origin+count]``, knowing only
    ``values[:origin]`` (``one_step``: knowing every value before each point); None
    when fewer than a season of values lie before ``origin``.

    Args:
        values: ``[n]`` the series (or its last values), in its units.
    """
    season = season or 1
    name = "seasonal_naive" if season > 1 else "persistence"
    if origin < season:
        return None
    if one_step:
        path = metrics.one_step_baselines(values[:origin + count], origin, season)[name]
    else:
        path = metrics.multi_step_baselines(values, origin, count, season)[name]
    return report.NAMES[name].format(season=season), path


def band_note(run):
    """Why a forecast figure has no 80%/95% bands, fitted to the run's settings
    (``forecast_table.no_bands_note``), or None when it has them."""
    return None if run.intervals is not None else no_bands_note(run.config)


def loss_figure(run, path):
    """loss.png's FigureJob (``.draw()`` -> the Figure)."""
    lead = next((m for m in run.members if m.history is not None), None)
    transform, norm = run.prepared.preprocessing.transform, run.prepared.preprocessing.normalization
    if lead is None:
        return figure_workers.job("plot_series", [0], [0], title="No training history",
                                  path=path)
    history = lead.history
    if transform.order or transform.log:
        # Losses are of the transformed series; keep them in its normalized units.
        scale, units = 1.0, "normalized units of the transformed series"
    else:
        scale, units = norm.std, run.loaded.units
    steps, train, monitor_steps, monitor = history.curves()
    return figure_workers.job("plot_loss", steps, np.sqrt(np.asarray(train)) * scale,
                              np.sqrt(np.asarray(monitor)) * scale,
                              monitor_steps=monitor_steps, units=units, title=loss_title(run),
                              monitor_label=run.prepared.monitor_name, path=path)


def loss_title(run):
    """loss.png's title: for ``--recipe auto``, what its network learned (the structures'
    one-step errors, not the series) and whether the forecast kept it; an auto run once
    showed a plain "Training progress" of a network its forecast had left out."""
    if not run.auto:
        return "Training progress"
    network = run.auto.get("network") or {}
    return ("Training progress of the network on the structures' one-step errors"
            + (" (left out of the forecast)" if network.get("kept") is False else ""))


def manifest_content(run):
    """What a kept run folder needs to forecast without the CSV (see run_folder)."""
    loaded, split = run.loaded, run.prepared.split
    tail = max([p.future.context for p in run.candidates] + [min(split.n, 60)]
               + [points_to_go_on(loaded.times)])  # a market's hours: its last weeks
    return {
        "settings": json_ready(dataclasses.asdict(run.config)),
        "units": loaded.units,
        "source": report.source_of(loaded),
        "n_points": split.n,
        "tail": {"values": loaded.values[-tail:].tolist(),
                 "times": [t.item() if not hasattr(t, "dtype") or t.dtype.kind != "M"
                           else str(t) for t in loaded.times[-tail:]],
                 "time_unit": str(loaded.times.dtype), "utc": loaded.utc,
                 "notation": loaded.notation,
                 # the whole series' lowest value: a floor at 0 (--recipe auto) is for a
                 # series never below 0, not a tail never below 0
                 "lowest": float(np.min(loaded.values))},
        "candidates": [{"name": p.candidate.name, "preprocessing": p.future.to_dict()}
                       for p in run.candidates],
        "members": [{"seed": m.seed, "candidate": m.candidate,
                     "folder": os.path.basename(m.folder),
                     "checkpoint": os.path.basename(m.history.checkpoint),
                     "model_args": {"input_dim": 1, "seq_size": run.config.seq_size,
                                    "hidden_dim": run.config.hidden_dim}}
                    for m in run.members if m.seed in run.combined.kept["forecast"]],
        "dropped": {str(seed): by_task for seed, by_task in run.combined.dropped.items()},
        "envelope": run.envelopes["forecast"].to_dict(),
        "intervals": None if run.intervals is None  # those of the forecast past the data
        else ahead(run.intervals, run.loaded.values).to_dict(),
        "horizon": run.config.horizon,
    }


def _checkpoint_files(folder, member):
    prefix = os.path.join(member["folder"], member["checkpoint"])
    return sorted(os.path.relpath(os.path.join(folder, os.path.dirname(prefix), name), folder)
                  for name in os.listdir(os.path.join(folder, member["folder"]))
                  if name.startswith(member["checkpoint"] + "."))


def write_outputs(folder, run):
    """Write every output into the claimed ``folder``; ``run.json`` last. -> {name: path}."""
    files = write_figures(folder, run)
    files["metrics.json"] = os.path.join(folder, "metrics.json")
    write_text(files["metrics.json"],
               json.dumps(json_ready(run.metrics), indent=2, allow_nan=False) + "\n")
    files["forecast.csv"] = os.path.join(folder, "forecast.csv")
    write_text(files["forecast.csv"], forecast_table(run).to_csv())
    content = manifest_content(run)
    listed = [os.path.basename(p) for p in files.values()]
    for member in content["members"]:
        listed += _checkpoint_files(folder, member)
    write_manifest(folder, content, listed)
    files[MANIFEST] = os.path.join(folder, MANIFEST)
    return files
