"""A collection's outputs: the long ``forecast.csv``, one ``metrics.json`` with every
series beside the baselines, and the summary (printed, and drawn as ``summary.png``:
each series' hallucination RMSE over seasonal naive's, sorted).

Everything is read back from the series' run folders (``OUT/ID/metrics.json`` and
``forecast.csv``), so series kept from an earlier run and series run now are treated
alike.
"""

import csv
import io
import json
import math
import os

OUTPUTS = ("forecast.csv", "metrics.json", "summary.png")


def _read_series(out, result):
    """``(metrics, forecast rows)`` of a finished series' run folder."""
    from .errors import RunFolderError
    from .safe_io import read_regular
    folder = os.path.join(out, result.folder)
    texts = {}
    for name in ("metrics.json", "forecast.csv"):  # regular files only: no FIFO, no link
        path = os.path.join(folder, name)
        try:
            texts[name] = read_regular(path, name, RunFolderError, follow=False).decode("utf-8")
        except (OSError, ValueError) as exc:
            raise RunFolderError(f"{path!r} cannot be read: {exc}") from None
    rows = list(csv.DictReader(io.StringIO(texts["forecast.csv"], newline="")))
    return json.loads(texts["metrics.json"]), rows


def ratio(metrics, part="hallucination"):
    """The forecast's RMSE over seasonal naive's (at the series' season: persistence's
    without one) in ``part`` (None when either is missing)."""
    scores = metrics.get(part) or {}
    lstm = (scores.get("lstm") or {}).get("rmse")
    naive = (scores.get("seasonal_naive") or {}).get("rmse")
    return lstm / naive if lstm is not None and naive else None


def _entry(result, metrics):
    entry = {"folder": result.folder, "status": result.status,
             "seconds": round(result.seconds, 3)}
    if metrics is None:
        return dict(entry, error=result.error)
    return dict(entry, units=metrics.get("units"), test_period=metrics.get("test_period"),
                one_step=metrics.get("one_step"), hallucination=metrics.get("hallucination"),
                ratio_one_step=ratio(metrics, "one_step"), ratio_hallucination=ratio(metrics),
                naive=naive_name((metrics.get("settings") or {}).get("season")),
                network_kept=((metrics.get("auto") or {}).get("network") or {}).get("kept"),
                data_warnings=metrics.get("data_warnings") or [])


def _geomean(values):
    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else None


def _summary(entries):
    ratios = [e.get("ratio_hallucination") for e in entries.values()]
    scored = [r for r in ratios if r is not None]
    failed = sorted(i for i, e in entries.items() if e["status"] == "failed")
    return {"series": len(entries), "finished": len(entries) - len(failed),
            "failed": failed,
            "geomean_ratio_hallucination": _geomean(scored),
            "geomean_ratio_one_step": _geomean([e.get("ratio_one_step")
                                                for e in entries.values()]),
            "beat_seasonal_naive": sum(r < 1 for r in scored)}


def _long_csv(forecasts):
    """``id`` then each run's forecast columns (their union, in order of appearance)."""
    columns = []
    for rows in forecasts.values():
        for name in (rows[0].keys() if rows else ()):
            if name not in columns:
                columns.append(name)
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["id"] + columns)
    for series_id, rows in forecasts.items():
        for row in rows:
            writer.writerow([series_id] + [row.get(name, "") for name in columns])
    return stream.getvalue()


def _number(value):
    return "n/a" if value is None else f"{value:.4g}"


def naive_name(season):
    """The baseline a series' ratio is over: seasonal naive at its season, which is
    persistence for a series without one (``seasonal_naive`` at lag 1;
    ``metrics.seasonal``'s rule)."""
    from .metrics import seasonal
    from .report import row_name
    if not seasonal(season):
        return "persistence (no season)"
    return row_name("seasonal_naive", season or 12)


def format_summary(entries, summary):
    """The printed summary: one line per series, sorted by the ratio, then the failures.
    Each line names its baseline: a collection of quarters, months and market prices
    compares each with its own (the header once said "seasonal naive" for all, and "LSTM"
    for the structures of an auto run)."""
    done = sorted((e["ratio_hallucination"], i) for i, e in entries.items()
                  if e.get("ratio_hallucination") is not None)
    width = max([len(i) for i in entries] + [6])
    lines = ["Hallucination RMSE over each series' test period, beside its naive baseline's:",
             f"{'series':<{width}}  forecast RMSE  naive RMSE  ratio  naive baseline"]
    for value, series_id in done:
        scores = entries[series_id]["hallucination"]
        lines.append(f"{series_id:<{width}}  {scores['lstm']['rmse']:13.4g}  "
                     f"{scores['seasonal_naive']['rmse']:10.4g}  {value:5.3f}  "
                     f"{entries[series_id].get('naive', '')}")
    for series_id, entry in entries.items():
        if entry["status"] != "failed" and entry.get("ratio_hallucination") is None:
            lstm = ((entry.get("hallucination") or {}).get("lstm") or {}).get("rmse")
            lines.append(f"{series_id:<{width}}  {_number(lstm):>13}  {'0 or none':>10}  "
                         f"{'n/a':>5}  {entry.get('naive', '')}")
    mean = summary["geomean_ratio_hallucination"]
    lines.append(f"{summary['finished']} of {summary['series']} series finished"
                 + (f"; geometric mean ratio {mean:.3f}, {summary['beat_seasonal_naive']} "
                    "below their naive baseline" if mean is not None else ""))
    for series_id in summary["failed"]:
        lines.append(f"FAILED {series_id}: {entries[series_id]['error']}")
    for series_id, entry in entries.items():  # a worker's own warnings reach no screen
        lines += [f"Warning: {series_id}: {text}" for text in entry.get("data_warnings", ())]
    return "\n".join(lines)


def draw_summary(entries, summary, path):
    """summary.png: a bar per series (ratio over seasonal naive, sorted), failures named."""
    from matplotlib.figure import Figure

    from .plots import _save
    done = sorted((e["ratio_hallucination"], i) for i, e in entries.items()
                  if e.get("ratio_hallucination") is not None)
    fig = Figure(figsize=(8, 1.5 + 0.25 * max(len(done), 1)))
    ax = fig.add_subplot()
    ax.barh(range(len(done)), [v for v, _ in done],
            color=["tab:green" if v < 1 else "tab:red" for v, _ in done])
    ax.set_yticks(range(len(done)), [i for _, i in done])
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xlabel("hallucination RMSE / naive RMSE (below 1 beats it)\nnaive: seasonal "
                  "naive at each series' season, persistence without one")
    failed = summary["failed"]
    ax.set_title(f"{len(done)} series" + (f"; failed: {', '.join(failed)}"[:120]
                                          if failed else ""))
    fig.tight_layout()
    _save(fig, path)


def finish(out, items, configs, results, log):
    """Write the collection's outputs into ``out``, print the summary -> results.

    Raises:
        CollectionIncomplete: some series failed (named), after the outputs are written.
    """
    from .collection_messages import told_in_source
    from .collection_result import CollectionIncomplete, SeriesResult
    from .errors import RunFolderError
    from .run_folder import write_text
    entries, forecasts = {}, {}
    for item in items:
        result = results.get(item.id) or SeriesResult(item.id, item.folder, "failed",
                                                       "not run")
        metrics = None
        if result.status != "failed":
            try:
                metrics, forecasts[item.id] = _read_series(out, result)
            except (RunFolderError, ValueError) as exc:  # changed since: reported, not read
                result = SeriesResult(item.id, item.folder, "failed", " ".join(str(exc).split()))
        entries[item.id] = told_in_source(_entry(result, metrics), item,
                                          configs[item.id].data)
    summary = _summary(entries)
    from .json_values import json_ready
    write_text(os.path.join(out, "forecast.csv"), _long_csv(forecasts))
    write_text(os.path.join(out, "metrics.json"), json.dumps(
        json_ready({"summary": summary, "series": entries}), indent=2, allow_nan=False) + "\n")
    draw_summary(entries, summary, os.path.join(out, "summary.png"))
    log(format_summary(entries, summary))
    log("Wrote " + ", ".join(os.path.join(out, name) for name in OUTPUTS))
    if summary["failed"]:
        others = "the others' outputs are written; " if summary["finished"] else ""
        raise CollectionIncomplete(f"{len(summary['failed'])} of {summary['series']} series "
                                   f"failed: {', '.join(summary['failed'])} ({others}"
                                   "a re-run completes only these)")
    return results
