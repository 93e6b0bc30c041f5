"""The chapter's figures. Each function returns a matplotlib ``Figure`` (shown inline
in a notebook) and writes a file only when given a path.

Figures are made with ``matplotlib.figure.Figure`` rather than ``pyplot``, so they
need no display, hold no global state, and are freed with the object. A file is
written whole or not at all (a temporary file, then a rename). Text from a data
file (a header, units) is drawn literally: a ``$`` is not taken for mathtext.
"""

import os
import textwrap

import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .atomic import write_atomic

BAND_ALPHA = {0.8: 0.30, 0.95: 0.15}
TITLE_WIDTH = 80  # characters per title line: a 7-9 inch figure shows about 90
CHAR_WIDTH = 0.62  # a DejaVu Sans character's average width, in font sizes (generous)
LABEL_SIZE = 10.0  # points: matplotlib's default axis-label size
# Log-axis ticks per decade: the finest set that gives a few labels over the data's range.
LOG_SUBS = (tuple(np.arange(1.0, 10.0)), (1.0, 2.0, 3.0, 5.0, 7.0), (1.0, 2.0, 5.0), (1.0,))


def _literal(text):
    """``text`` as matplotlib should draw it: every ``$`` escaped (no mathtext)."""
    return None if text is None else str(text).replace("$", r"\$")


def _set_title(ax, title):
    """A literal title, wrapped at TITLE_WIDTH characters, fewer on a narrow figure (the
    7-inch loss.png shows about 68), so that none is cut off."""
    inches = ax.get_figure().get_figwidth()
    fits = int(inches * 72 / (ax.title.get_fontsize() * CHAR_WIDTH))
    ax.set_title(_literal(textwrap.fill(str(title), min(TITLE_WIDTH, fits))))


def _set_ylabel(ax, text):
    """A literal y label, wrapped to lines shorter than the axes are tall (a long header
    such as the wine sales' would otherwise run off both ends of the figure)."""
    fig = ax.get_figure()
    inches = fig.get_figheight() * 0.75  # the axes take about three quarters of it
    width = max(16, int(inches * 72 / (LABEL_SIZE * CHAR_WIDTH)))
    ax.set_ylabel(_literal(textwrap.fill(str(text), width)))


def _legend(ax, note=None):
    """The legend below the axes, outside them, so that it covers no curve; ``note``
    (a sentence such as why there are no bands) is its title."""
    handles, labels = ax.get_legend_handles_labels()
    fig = ax.get_figure()
    columns = max(1, min(len(labels), 3 if fig.get_figwidth() < 8.5 else 4))
    if note:
        note = textwrap.fill(note, int(fig.get_figwidth() * 72 / (LABEL_SIZE * CHAR_WIDTH)))
    return fig.legend(handles, [_literal(label) for label in labels], loc="outside lower center",
                      ncols=columns, title=_literal(note), title_fontsize="small",
                      fontsize="small", frameon=False)


def axis_label(name, units):
    """``"RMSE, passengers (thousands)"``: what is drawn, then its units, once."""
    return f"{name}, {units}" if units else name


def _save(fig, path):
    if path is None:
        return fig
    path = os.fspath(path)
    from .safe_io import check_replaceable, write_error
    check_replaceable(path, "figure path")  # a link, FIFO or device is never replaced
    extension = os.path.splitext(path)[1].lstrip(".").lower() or "png"
    try:
        write_atomic(path, lambda stream: fig.savefig(stream, dpi=100, format=extension))
    except OSError as exc:   # a missing folder, no permission: one line naming the path
        raise write_error(path, exc) from None
    return fig


def _axes(title, units, time_label, size=(9, 4.5)):
    """``time_label``: the x axis' words (``_time_label``)."""
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    _set_title(ax, title)
    ax.set_xlabel(time_label)
    if time_label != "time step":  # short labels (a year once, then months; a day once, then hours)
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    _set_ylabel(ax, units)
    ax.grid(alpha=0.3)
    ax.margins(x=0)  # the time axis ends at the data: dates up to 9999-12-31 can be drawn
    return fig, ax


def _time_label(times, utc=False):
    """The x axis' words: "date", "date and time" for times within a day (hours,
    minutes: they once read "date"; "date and time (UTC)" when ``utc``: UTC times,
    ``LoadedSeries.utc``), or "time step" for row numbers."""
    times = np.asarray(times)
    if not np.issubdtype(times.dtype, np.datetime64):
        return "time step"
    within_day = np.datetime_data(times.dtype)[0] in ("h", "m", "s", "ms", "us", "ns") \
        and np.any(times != times.astype("datetime64[D]"))
    return ("date and time" + (" (UTC)" if utc else "")) if within_day else "date"


def plot_results(train_x, predictions, actual, filename=None):
    """Listing 10.9's ``plot_results``, with the book's signature and picture.

    The training data (blue) at steps ``0..len(train_x)-1``, then the actual test
    values (green) and the predictions (red) from step ``len(train_x)`` on, in
    whatever units they are given (the book's are normalized).

    Args:
        train_x: ``[n_train]`` training values.
        predictions: ``[k]`` predicted values after the training data.
        actual: ``[m]`` actual values after the training data.
        filename: where to save the figure (PNG, or the format its extension names);
            None only returns it.

    Returns:
        The matplotlib Figure.
    """
    train = np.ravel(np.asarray(train_x, dtype=np.float64))
    predicted = np.ravel(np.asarray(predictions, dtype=np.float64))
    real = np.ravel(np.asarray(actual, dtype=np.float64))
    n = len(train)
    fig = Figure(figsize=(6.4, 4.8), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(np.arange(n), train, color="b", label="training data")
    ax.plot(np.arange(n, n + len(predicted)), predicted, color="r", label="predicted")
    ax.plot(np.arange(n, n + len(real)), real, color="g", label="test data")
    ax.legend()
    return _save(fig, filename)


def _series(ax, times, values, n_train, start=0):
    ax.plot(times[start:n_train], values[start:n_train], color="tab:blue", label="training data")
    ax.plot(times[n_train - 1:], values[n_train - 1:], color="tab:green", label="actual")
    if n_train < len(times):
        ax.axvline(times[n_train], color="grey", linestyle=":", linewidth=1)


def _room_after(ax, times, earlier):
    """Half a step of room after the last of ``times`` (``[k]``, the marked points drawn
    last), so that its marker is drawn whole: the time axis has no margins (``_axes``),
    and the last forecast point's marker was cut in half by the frame. ``earlier``: the
    times before them, whose last gives the step of a single point (a 1-step forecast)."""
    times = np.concatenate((np.asarray(earlier)[-1:], np.asarray(times)))
    if len(times) < 2 or (np.issubdtype(times.dtype, np.datetime64)
                          and times[-1].astype("datetime64[Y]").astype(np.int64) >= 9999 - 1970):
        return  # matplotlib draws no date past 9999-12-31
    last, before = (float(ax.convert_xunits(t)) for t in times[-2:][::-1])
    left, right = ax.get_xlim()
    ax.set_xlim(left, max(right, last + (last - before) / 2))


def _bands(ax, times, bands):
    for level, (low, high) in sorted((bands or {}).items(), reverse=True):
        ax.fill_between(times, low, high, color="tab:red", alpha=BAND_ALPHA.get(level, 0.2),
                        linewidth=0, label=f"{level:.0%} interval")


def _baseline(ax, times, baseline):
    """``baseline``: ``(label, [h] path)`` the table compares with, drawn dashed, or None."""
    if baseline is not None:
        label, path = baseline
        ax.plot(times, path, color="tab:grey", linestyle="--", linewidth=1.2, label=label)


def plot_predictions(times, values, n_train, predictions, *, units="value",
                     title="One-step predictions over the test period", baseline=None,
                     label="predicted (one step ahead)", path=None, utc=False):
    """The series and the one-step predictions of ``values[n_train:]``.

    Args:
        times: ``[n]`` time of each value (dates or indices).
        values: ``[n]`` the series, in its own units.
        n_train: how many leading points were used for training.
        predictions: ``[n - n_train]``; ``predictions[i]`` predicts ``values[n_train + i]``
            and is drawn at that time.
        baseline: optional ``(label, [n - n_train] path)``: the one-step naive forecasts
            the table compares with.
        label: the legend's name of ``predictions``.
    """
    fig, ax = _axes(title, units, _time_label(times, utc))
    _series(ax, times, values, n_train)
    _baseline(ax, times[n_train:], baseline)
    ax.plot(times[n_train:], predictions, color="tab:red", marker=".", label=label)
    _room_after(ax, times[n_train:], times[:n_train])
    _legend(ax)
    return _save(fig, path)


def plot_hallucinations(times, values, n_train, future_times, hallucinated, *,
                        units="value", title=None, bands=None, baseline=None, note=None,
                        label="hallucinated (own predictions fed back)", path=None,
                        utc=False):
    """The series and the model fed its own predictions from the end of training.

    Args:
        future_times: ``[h]`` time of each hallucinated point (may run past the data).
        hallucinated: ``[h]`` values; ``hallucinated[0]`` predicts ``values[n_train]``.
        bands: optional ``{level: (low [h], high [h])}`` prediction intervals.
        baseline: optional ``(label, [h] path)``: the naive forecast the table compares with.
        note: optional sentence under the legend (e.g. why there are no bands).
        label: the legend's name of ``hallucinated``.
    """
    if title is None:
        title = f"Hallucination: {len(hallucinated)} steps fed back from the end of training"
    fig, ax = _axes(title, units, _time_label(times, utc))
    _series(ax, times, values, n_train)
    _bands(ax, future_times, bands)
    _baseline(ax, future_times, baseline)
    ax.plot(future_times, hallucinated, color="tab:red", marker=".", label=label)
    _room_after(ax, future_times, times[:n_train])
    _legend(ax, note)
    return _save(fig, path)


def plot_forecast(times, values, future_times, forecast, *, units="value", bands=None,
                  baseline=None, note=None, history=None, title=None, label="forecast",
                  path=None, utc=False):
    """The end of the series and the forecast past it, with its intervals.

    Args:
        future_times, forecast: ``[h]`` times and values past the data.
        baseline: optional ``(label, [h] path)``: the naive forecast the table compares with.
        note: optional sentence under the legend (e.g. why there are no bands).
        history: how many of the last values to draw (default: all, at most 4x h).
        label: the legend's name of ``forecast``.
    """
    if title is None:
        title = f"Forecast: {len(forecast)} points past the end of the data"
    history = history or min(len(values), max(4 * len(forecast), 24))
    fig, ax = _axes(title, units, _time_label(times, utc))
    ax.plot(times[-history:], values[-history:], color="tab:blue", label="data")
    _bands(ax, future_times, bands)
    _baseline(ax, future_times, baseline)
    ax.plot(future_times, forecast, color="tab:red", marker=".", label=label)
    _room_after(ax, future_times, times)
    _legend(ax, note)
    return _save(fig, path)


def log_ticks(low, high):
    """Ticks for a log axis over ``[low, high]`` (positive): the finest of LOG_SUBS that
    labels at most 8 values, from the tick at or below ``low`` to the one at or above
    ``high``, so that the data's whole range lies between labelled ticks."""
    for subs in LOG_SUBS:
        ticks = [s * 10.0 ** e for e in range(int(np.floor(np.log10(low))) - 1,
                                              int(np.ceil(np.log10(high))) + 2) for s in subs]
        below = max(t for t in ticks if t <= low * (1 + 1e-9))
        above = min(t for t in ticks if t >= high * (1 - 1e-9))
        inside = [t for t in ticks if below <= t <= above]
        if len(inside) <= 8 or subs == LOG_SUBS[-1]:
            return inside
    return inside


def plot_loss(steps, train_rmse, monitor_rmse=None, *, units="value", monitor_steps=None,
              title="Training progress", monitor_label="test", path=None):
    """Train (and test, or validation) RMSE by step, on a log axis labelled over the
    data's range.

    Args:
        steps: ``[k]`` steps of ``train_rmse`` (the report steps, and the last step run).
        monitor_rmse: ``[m]`` RMSE on the monitored data at ``monitor_steps``
            (default: ``steps``), or None.
    """
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.add_subplot()
    _set_title(ax, title)
    ax.plot(steps, train_rmse, marker=".", label="train")
    shown = list(np.ravel(train_rmse))
    if monitor_rmse is not None and len(monitor_rmse):
        ax.plot(steps if monitor_steps is None else monitor_steps, monitor_rmse, marker=".",
                label=monitor_label)
        shown += list(np.ravel(monitor_rmse))
    ax.set_xlabel("training step")
    _set_ylabel(ax, axis_label("RMSE", units))
    ax.set_yscale("log")
    positive = [v for v in shown if np.isfinite(v) and v > 0]
    if positive:
        ticks = log_ticks(min(positive), max(positive))
        ax.yaxis.set_major_locator(FixedLocator(ticks))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_ylim(ticks[0] / 1.05, ticks[-1] * 1.05)
    ax.grid(alpha=0.3)
    _legend(ax)
    return _save(fig, path)


def plot_backtest(report, *, units="value", names=None, path=None):
    """Mean absolute error against steps ahead, per method, from a backtest report:
    the forecast and the baselines the run is judged against at its season (the
    report's "season"; without a season, seasonal naive at lag 1 is persistence and is
    not drawn over it).

    ``names``: method -> legend label (default: the method with spaces, "lstm" as "LSTM").
    """
    from .metrics import backtest_season, judged_against
    names = {"lstm": "LSTM", **(names or {})}
    shown = ("lstm", *judged_against(backtest_season(report)))
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    _set_title(ax, f"Backtest: {len(report['origins'])} origins, error by steps ahead")
    for method, rows in report["by_horizon"].items():
        if rows is not None and method in shown:
            steps = np.arange(1, len(rows["mae"]) + 1)
            ax.plot(steps, rows["mae"], marker=".",
                    label=names.get(method, method.replace("_", " ")),
                    linewidth=2.5 if method == "lstm" else 1.2)
    ax.set_xlabel("steps ahead")
    _set_ylabel(ax, axis_label("mean absolute error", units))
    ax.grid(alpha=0.3)
    _legend(ax)
    return _save(fig, path)


def plot_series(times, values, *, units="value", title="The series", path=None, utc=False):
    """The whole series in its own units (``utc``: the times are UTC times, so the axis
    says so; the same in the other figures of a series)."""
    fig, ax = _axes(title, units, _time_label(times, utc))
    ax.plot(times, values, color="tab:blue")
    return _save(fig, path)
