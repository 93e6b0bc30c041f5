"""The evaluation: scores in the series' units beside the naive baselines, as a dict
(``metrics.json``) and as the table the run prints. NumPy only.
"""

import dataclasses
import os

from . import metrics
from .choice_text import format_choice
from .interval_report import interval_lines, interval_report, too_narrow
from .tasks import is_calibration
from .time_axis import shown_time, written_time
from .verdicts import _below, dropped_lines, verdict, warnings  # noqa: F401 (re-exported)

NAMES = {"lstm": "LSTM", "persistence": "persistence (last value)",
         "seasonal_naive": "seasonal naive (lag {season})",
         "climatology": "climatology (season means)"}
AUTO_NAME = "auto: structures + LSTM"  # --recipe auto with the network's correction kept
AUTO_STRUCTURES = "auto: structures"     # ... with the network left out (network_verdict.judge_network)


def row_name(key, season):
    """The table's name of baseline ``key`` (``NAMES``); climatology without a season
    is the mean of the points before the period."""
    if key == "climatology" and not metrics.seasonal(season):
        return "climatology (the mean)"
    return NAMES[key].format(season=season)


def forecast_name(auto):
    """The name of the run's forecast in rows and legends: "LSTM", or for ``--recipe
    auto`` (``auto``: the run's auto record, metrics.json "auto") what was forecast:
    the chosen structures alone when ``auto["network"]["kept"]`` is False (the network
    was left out), else the structures with their networks' correction."""
    if not auto:
        return NAMES["lstm"]
    network = auto.get("network") if isinstance(auto, dict) else None
    return AUTO_STRUCTURES if network is not None and network.get("kept") is False \
        else AUTO_NAME


def backtest_name(backtest, auto):
    """The name of the backtest's forecast row: each origin of an auto run judged the
    network itself (``backtest["network_kept"]``, one flag per origin)."""
    kept = backtest.get("network_kept") if auto else None
    if not kept or None in kept:
        return forecast_name(auto)
    if all(kept) or not any(kept):
        return AUTO_NAME if all(kept) else AUTO_STRUCTURES
    return f"auto (LSTM kept at {sum(kept)} of {len(kept)})"


def backtest_names(backtest, auto, season):
    """The backtest figure's legend names (``plots.plot_backtest``'s ``names``): each
    baseline as the table names it at the run's ``season``, the forecast by
    ``backtest_name``."""
    return dict({key: row_name(key, season) for key in NAMES},
                lstm=backtest_name(backtest, auto))


def period_scores(lstm, baselines, actual):
    """``{"lstm": scores, baseline: scores, ...}`` of forecasts of ``actual``."""
    return {"lstm": metrics.scores(lstm, actual),
            **{name: metrics.scores(forecast, actual) for name, forecast in baselines.items()}}


def _head(path, n):
    return None if path is None else path[:n]


def period_report(values, origin, count, one_step, path, season):
    """One-step and hallucination scores for ``values[origin:origin+count]``."""
    actual = values[origin:origin + count]
    one = {k: v for k, v in metrics.one_step_baselines(values[:origin + count], origin,
                                                       season).items()}
    multi = metrics.multi_step_baselines(values, origin, count, season)
    return {"one_step": period_scores(one_step, one, actual),
            "hallucination": period_scores(_head(path, count), multi, actual)}


def _training_report(history, monitor_name):
    if history is None:
        return None
    return {"steps_run": len(history.loss),
            "final_train_mse_normalized": history.final_loss,
            "monitored_on": monitor_name,
            "best_step": history.best_step,
            "best_monitored_mse_normalized": history.best_monitor_loss,
            "stopped_early": history.stopped_early,
            "checkpoint": os.path.basename(history.checkpoint) if history.checkpoint else None}


def _ensemble_report(members, combined, values, split):
    actual = values[split.n_train:]
    return {"seeds": [m.seed for m in members], "combine": "median",
            "kept": {name: seeds for name, seeds in combined.kept.items()
                     if not is_calibration(name)},
            "dropped": {str(seed): {name: why for name, why in by_task.items()
                                    if not is_calibration(name)}
                        or {"calibration": next(iter(by_task.values()))}
                        for seed, by_task in combined.dropped.items()},
            "members": [{"seed": m.seed,
                         "one_step": metrics.scores(m.forecasts.get("test one-step"), actual),
                         "hallucination": metrics.scores(
                             _head(m.forecasts.get("hallucination"), split.n_test), actual)}
                        for m in members],
            "spread": {"one_step_std_mean": _mean(combined.spread.get("test one-step")),
                       "hallucination_std_mean": _mean(
                           _head(combined.spread.get("hallucination"), split.n_test))}}


def _mean(array):
    return None if array is None else float(array.mean())


def source_of(loaded):
    """The absolute path of the file ``loaded`` was read from, or its label when the
    values came from Python (``fit(values)``: ``"y (line = position)"``, which once
    became a path in the working folder, ``/cwd/y (line = position)``)."""
    return os.path.abspath(loaded.path) if os.path.isfile(loaded.path) else loaded.path


def evaluate(run):
    """The whole evaluation of a finished run (a ``chapter.ChapterResult``-like object
    with ``loaded``, ``prepared``, ``members``, ``combined``, ``intervals``, ``config``)."""
    loaded, split, config = run.loaded, run.prepared.split, run.config
    values, times, combined = loaded.values, loaded.times, run.combined
    lead = next((m for m in run.members if m.history is not None), None)
    report = {
        "data": source_of(loaded), "column": config.column, "units": loaded.units,
        "n_points": split.n, "n_train": split.n_train, "n_test": split.n_test,
        "test_period": [written_time(times[split.n_train], loaded.utc),
                        written_time(times[-1], loaded.utc)],
        "settings": dataclasses.asdict(config),
        "transform": run.prepared.preprocessing.transform.describe(),
        "normalization": dataclasses.asdict(run.prepared.preprocessing.normalization),
        **period_report(values, split.n_train, split.n_test,
                         combined.forecasts["test one-step"],
                         combined.forecasts["hallucination"], config.season),
        "training": _training_report(lead and lead.history, run.prepared.monitor_name),
    }
    if loaded.notation:  # printed times follow the labels' notation of quarters
        report["time_notation"] = loaded.notation
    if split.validation:
        report["validation_period"] = [written_time(times[split.fit_end], loaded.utc),
                                       written_time(times[split.n_train - 1], loaded.utc)]
        report["validation"] = period_report(
            values, split.fit_end, split.validation, combined.forecasts["validation one-step"],
            combined.forecasts["validation hallucination"], config.season)
    if len(run.members) > 1:
        report["ensemble"] = _ensemble_report(run.members, combined, values, split)
    report["intervals"] = interval_report(
        run.intervals, combined, values, split,
        "the structures' errors at origins inside the training part" if run.auto else
        "paths hallucinated from inside the validation tail")
    if run.auto is not None:
        report["auto"] = run.auto
    report["verdict"] = verdict(report)
    report["warnings"] = warnings(report, config, combined)
    from .outliers import data_warnings  # said before training; kept for collections,
    from .season import diff_warning      # whose workers' warnings reach no screen
    report["data_warnings"] = data_warnings(loaded) + [w for w in [diff_warning(config)] if w]
    return report


COLUMNS = (("one_step", "rmse", "one-step RMSE", 14), ("one_step", "mae", "MAE", 8),
           ("hallucination", "rmse", "hallucination RMSE", 19),
           ("hallucination", "mae", "MAE", 8))  # (period key, score, heading, width)


def _widths(periods, decimals):
    """Each of ``COLUMNS``' widths, widened to its longest cell in ``periods`` (an error
    in scientific notation, 1.293e-08, takes 9 characters; the columns once ran together)."""
    return [max([width] + [len(metrics.format_error(row[score], decimals))
                           for period in periods for row in period[kind].values()])
            for kind, score, _, width in COLUMNS]


def _rows(period, names, season, decimals, auto=None, widths=None):
    widths = widths or [column[3] for column in COLUMNS]
    for key in names:
        label = forecast_name(auto) if key == "lstm" else row_name(key, season)
        yield f"{label:28s} " + " ".join(
            f"{metrics.format_error(period[kind][key][score], decimals):>{width}s}"
            for (kind, score, _, _), width in zip(COLUMNS, widths))


def format_report(report):
    """The evaluation as a plain-text table, then the warnings."""
    season = report["settings"]["season"]
    decimals = metrics.decimals_for([report[p][m][s] for p in ("one_step", "hallucination")
                             for m in NAMES for s in ("rmse", "mae")])
    notation = report.get("time_notation")
    start, end = (shown_time(t, notation=notation) for t in report["test_period"])
    widths = _widths([report] + ([report["validation"]] if report.get("validation") else []),
                     decimals)
    lines = [f"Test period {start} .. {end} ({report['n_test']} points), "
             f"errors in {report['units']}:",
             f"{'':28s} " + " ".join(f"{column[2]:>{width}s}"
                                     for column, width in zip(COLUMNS, widths)),
             *_rows(report, ("lstm", *metrics.judged_against(season)), season, decimals,
                    report.get("auto"), widths)]
    if report.get("verdict"):
        lines.append(report["verdict"])
    if report.get("validation"):
        start_v, end_v = (shown_time(t, notation=notation) for t in report["validation_period"])
        chose = "; chose early stopping" if report["settings"]["patience"] else ""
        lines.append(f"Validation tail {start_v} .. {end_v} (carved from training{chose}):")
        lines += _rows(report["validation"], ("lstm", metrics.reference(season)[0]), season,
                       decimals, report.get("auto"), widths)
    if report.get("auto"):
        lines.append(format_choice(report["auto"], season, notation))
    lines += _ensemble_lines(report.get("ensemble"), report.get("auto"), decimals)
    lines += interval_lines(report.get("intervals"))
    if report.get("backtest"):
        lines.append(format_backtest(report["backtest"], report["units"],
                                     backtest_name(report["backtest"], report.get("auto")),
                                     notation))
    lines += [f"Warning: {text}" for text in report["warnings"]]
    return "\n".join(lines)


def _ensemble_lines(ensemble, auto=None, decimals=1):
    if not ensemble:
        return []
    kept = [m for m in ensemble["members"] if m["seed"] in ensemble["kept"]["hallucination"]
            and m["seed"] in ensemble["kept"]["test one-step"]]
    if not kept:
        return []
    one = [m["one_step"]["rmse"] for m in kept]
    multi = [m["hallucination"]["rmse"] for m in kept]
    spread = ensemble["spread"]
    shown = lambda value: metrics.format_error(value, decimals)  # noqa: E731
    # one candidate also with --recipe auto (its structures combined): the median of members
    how = f"the median of {len(kept)} of {len(ensemble['members'])} members"
    return [f"{forecast_name(auto)} is {how} (seeds {ensemble['seeds'][0]}..{ensemble['seeds'][-1]}): "
            f"member RMSE one-step {shown(min(one))}..{shown(max(one))}, hallucination "
            f"{shown(min(multi))}..{shown(max(multi))}; mean spread (std) "
            f"{shown(spread['one_step_std_mean'])} and {shown(spread['hallucination_std_mean'])}"]


def format_backtest(report, units, name=None, notation=None):
    """The backtest as a plain-text table; ``name`` labels the forecast's row (default:
    "LSTM", or what an auto run's origins forecast, from ``report["network_kept"]``);
    ``notation``: the quarters' notation its origins are printed in (``shown_time``)."""
    name = name or backtest_name(report, "network_kept" in report)
    origins = [shown_time(origin, notation=notation) for origin in report["origins"]]
    stride = report["stride"]
    where = (f"{len(origins)} origins ({origins[0]} .. {origins[-1]}, {stride} "
             f"point{'s' if stride != 1 else ''} apart)" if len(origins) > 1
             else f"1 origin ({origins[0]})")
    lines = [f"Backtest: {where}, {report['horizon']} points ahead each, errors in {units}:",
             f"{'':28s} {'mean RMSE':>10s} {'mean MAE':>10s} {'MASE':>7s}"]
    decimals = metrics.decimals_for([row[k] for row in report["overall"].values()
                                     for k in ("rmse", "mae")])
    shown = ("lstm", *metrics.judged_against(metrics.backtest_season(report)))
    for method, row in report["overall"].items():
        if method not in shown:
            continue
        cells = [metrics.format_error(row["rmse"], decimals),
                 metrics.format_error(row["mae"], decimals),
                 metrics.format_error(row["mase"], 2)]
        label = name if method == "lstm" else row_name(method, metrics.backtest_season(report))
        lines.append(f"{label:28s} {cells[0]:>10s} {cells[1]:>10s} "
                     f"{cells[2]:>7s}")
    lines.append(backtest_verdict(report))
    cover = report.get("interval_coverage")
    if cover:
        lines.append(f"Interval coverage {'over the' if len(origins) > 1 else 'at its'} "
                     f"{len(origins)} origin{'s' if len(origins) > 1 else ''}: " + ", ".join(
            f"{float(level):.0%} band holds {share:.0%}" for level, share in cover.items())
            + too_narrow(cover))
    return "\n".join(lines)


def backtest_verdict(report):
    """One plain sentence: the baselines with a lower mean RMSE than the forecast over
    the origins, or that it beats them all."""
    overall = report["overall"]
    own = overall["lstm"]["rmse"]
    shown = metrics.judged_against(metrics.backtest_season(report))
    better = [m.replace("_", " ") for m in shown if m in overall
              and (own is None or _below(overall[m]["rmse"], own))]
    count = len(report["origins"])
    where = f"over the {count} origins (mean RMSE)" if count > 1 else "at its 1 origin (RMSE)"
    if not better:
        return f"The forecast beats every baseline {where}."
    names = better[0] if len(better) == 1 else ", ".join(better[:-1]) + " and " + better[-1]
    return f"The forecast loses to {names} {where}."
