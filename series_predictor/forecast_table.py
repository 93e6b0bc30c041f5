"""The results a user holds: the forecast table and the backtest's scores. NumPy only;
pandas is imported only by ``to_frame``.

``ForecastTable`` is the one thing called a forecast: the points past the end of the
data, with their dates and bands. A run writes it as ``forecast.csv``,
``load_run(path).forecast(h)`` and ``Forecaster.forecast(h)`` return it, and
``series-predictor forecast`` prints or writes it.
"""

import dataclasses

import numpy as np

MAX_SHOWN = 30  # rows printed in full; a longer table shows its head and tail


def _decimals(values):
    """Decimals that give about four significant digits to the largest magnitude."""
    finite = np.abs(np.asarray(values, dtype=np.float64))
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if not finite.size:
        return 2
    return int(min(6, max(0, 3 - np.floor(np.log10(finite.max())))))


def _text_table(header, rows):
    """Right-aligned columns (the first left-aligned), one line per row."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = []
    for row in [header, *rows]:
        cells = [str(row[0]).ljust(widths[0])] + [str(c).rjust(w)
                                                  for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return lines


def _shown_rows(rows):
    if len(rows) <= MAX_SHOWN:
        return rows
    return rows[:10] + [["..."] * len(rows[0])] + rows[-5:]


def _percent(level):
    """0.8 -> "80"; 0.975 -> "97.5"."""
    return f"{level * 100:.10g}"


def no_bands_note(settings):
    """Why a forecast has no 80%/95% bands (one sentence), fitted to the run's settings.

    The one source of this sentence: the forecast figures' legend and the printed
    ``ForecastTable`` (the ``forecast`` command, ``Forecaster.forecast``) show it.

    Args:
        settings: the run's settings, a ``ChapterConfig`` or ``run.json``'s "settings"
            (a dict): ``recipe``, ``validation``, ``season``, ``seq_size`` are read.
    """
    from .option_names import option
    get = settings.get if isinstance(settings, dict) else \
        (lambda name: getattr(settings, name, None))
    validation, season = get("validation") or 0, get("season") or 1
    seq_size = get("seq_size") or 1
    example = max(2 * season, 2 * seq_size)  # --validation must be at least seq_size
    if get("recipe") in ("auto", "global"):
        why = "the validation origins' forecasts could not calibrate them"
    elif validation == 0:
        why = ("they are calibrated on a validation tail, and this run has none: "
               f"add {option('validation', 'N')} (e.g. {option('validation', example)}), "
               f"or use {option('recipe', 'auto')}")
    elif validation == 1:
        why = ("a validation tail of 1 point leaves no origin inside it to calibrate them "
               f"on: use {option('validation', 2)} or more")
    else:
        why = ("the forecasts from inside the validation tail could not calibrate them "
               f"(they left the plausible range, or were not positive under "
               f"{option('log', True)})")
    return f"No 80%/95% bands: {why}."


def as_levels(level):
    """``(80, 95)`` or ``(0.8, 0.95)`` or ``95`` -> ``(0.8, 0.95)``; ValueError otherwise."""
    levels = (level,) if np.ndim(level) == 0 else tuple(level)
    out = []
    for value in levels:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                or not 0 < value < 100:
            raise ValueError(f"level must be percentages such as (80, 95); found {level!r}")
        out.append(round(float(value) / 100 if value >= 1 else float(value), 6))
    return tuple(out)


def _time_index(times, utc=False):
    import pandas as pd
    times = np.asarray(times)
    if np.issubdtype(times.dtype, np.datetime64):
        unit = np.datetime_data(times.dtype)[0]
        if unit in ("Y", "M"):
            return pd.PeriodIndex(times.astype(str), freq=unit, name="time")
        return pd.DatetimeIndex(times, name="time", tz="UTC" if utc else None)
    return pd.Index(times, name="time")


@dataclasses.dataclass
class ForecastTable:
    """Points past the end of the data, in the series' units.

    Attributes:
        times: ``[h]`` dates (``datetime64``) or time steps of the forecast points.
        point: ``[h]`` the forecast: the median of the kept members (None if none kept).
        bands: ``{level: (low [h], high [h])}`` prediction intervals, ``level`` a
            fraction (0.8, 0.95); empty when the run calibrated none.
        members: seed -> ``[h]`` each kept member's forecast.
        dropped: seed -> why that member was left out.
        units: label of the values' units.
        note: why there are no bands, when there are none (one line), else "".
        utc: ``times`` are UTC times (``LoadedSeries.utc``): written with a ``Z``,
            printed with "UTC", a tz-aware (UTC) index in ``to_frame``.
        notation: the quarters' notation printed times keep (``1990Q1``;
            ``LoadedSeries.notation``), or None; ``to_csv`` writes ISO dates.
    """

    times: np.ndarray
    point: np.ndarray
    bands: dict
    members: dict
    dropped: dict
    units: str = "value"
    note: str = ""
    utc: bool = False
    notation: str = None

    def with_levels(self, level):
        """The same table with the bands of ``level`` only (percentages, e.g. ``(80, 95)``).

        Raises:
            ValueError: a level the run did not calibrate (names those it did).
        """
        wanted = as_levels(level)
        if not self.bands:
            return self
        missing = [k for k in wanted if k not in self.bands]
        if missing:
            raise ValueError(
                f"level {_percent(missing[0])} has no calibrated band; this run has "
                + ", ".join(_percent(k) for k in sorted(self.bands)))
        return dataclasses.replace(self, bands={k: self.bands[k] for k in wanted})

    def __len__(self):
        return len(self.times)

    def columns(self):
        """``{name: [h] values}``: "forecast", then "lo-80", "hi-80", "lo-95", "hi-95"."""
        out = {"forecast": self.point}
        for level, (low, high) in sorted(self.bands.items()):
            out[f"lo-{_percent(level)}"], out[f"hi-{_percent(level)}"] = low, high
        return out

    def __str__(self):
        columns = self.columns()
        if self.point is None:
            return f"No forecast: every member was left out ({self.dropped})"
        decimals = _decimals(self.point)
        from .time_axis import shown_time
        rows = [[shown_time(t, self.utc, self.notation)] + [f"{float(c[i]):.{decimals}f}"
                                                            for c in columns.values()]
                for i, t in enumerate(self.times)]
        title = (f"Forecast of {self.units}, {len(self)} points"
                 + (f" ({', '.join(_percent(k) + '%' for k in sorted(self.bands))} bands)"
                    if self.bands else ""))
        lines = [title, *_text_table(["time", *columns], _shown_rows(rows))]
        return "\n".join(lines + ([self.note] if self.note else []))

    def __repr__(self):
        return f"<ForecastTable: {len(self)} points>\n{self}"

    def to_frame(self):
        """A pandas DataFrame: the dates as the index ("time"), the forecast as the first
        column, then the bands ``lo-80, hi-80, lo-95, hi-95`` (needs pandas)."""
        import pandas as pd
        return pd.DataFrame({name: np.asarray(values, dtype=np.float64)
                             for name, values in self.columns().items()},
                            index=_time_index(self.times, self.utc))

    def to_csv(self, path=None):
        """The table as the run's ``forecast.csv`` writes it: ``time, forecast,
        lower_80, upper_80, lower_95, upper_95``, then one column per member of an
        ensemble. Returns the text, or writes it to ``path`` (whole, via a temporary
        file) and returns ``path``."""
        from .time_axis import written_time
        header = ["time", "forecast"]
        columns = [self.point]
        for level, (low, high) in sorted(self.bands.items()):
            header += [f"lower_{level * 100:.0f}", f"upper_{level * 100:.0f}"]
            columns += [low, high]
        if len(self.members) > 1:
            for seed, path_ in self.members.items():
                header.append(f"member_seed_{seed}")
                columns.append(path_)
        lines = [",".join(header)]
        for i, time in enumerate(self.times):
            cells = ["" if c is None else format(float(c[i]), ".10g") for c in columns]
            lines.append(",".join([written_time(time, self.utc), *cells]))
        text = "\n".join(lines) + "\n"
        if path is None:
            return text
        from .run_folder import write_text
        from .safe_io import check_replaceable, write_error
        check_replaceable(path, "to_csv's path")  # no link, FIFO or device is replaced
        try:
            write_text(path, text)
        except OSError as exc:
            raise write_error(path, exc) from None
        return path


@dataclasses.dataclass(frozen=True)
class BacktestResult:
    """A rolling-origin backtest: scores by method, overall and by steps ahead.

    Attributes:
        report: the backtest's record (what ``metrics.json`` holds under "backtest").
        units: label of the errors' units (RMSE and MAE; MASE has none).
        season: the run's season (None: none), which names the baselines.
        auto: the run's ``--recipe auto`` record (metrics.json "auto"), or None.
        notation: the quarters' notation the origins are printed in, or None.
    """

    report: dict
    units: str = "value"
    season: int = None
    auto: dict = None
    notation: str = None

    def plot(self, path=None):
        """The run's ``backtest.png`` as a matplotlib Figure: mean absolute error against
        steps ahead for the forecast and the baselines it is judged against. Nothing is
        written unless ``path`` is given (then the figure is written there too)."""
        from .plots import plot_backtest
        from .report import backtest_names
        return plot_backtest(self.report, units=self.units, path=path,
                             names=backtest_names(self.report, self.auto, self.season))

    @property
    def origins(self):
        """The forecast origins' times (the first forecast point of each)."""
        return list(self.report["origins"])

    @property
    def horizon(self):
        """Points forecast from each origin."""
        return self.report["horizon"]

    @property
    def scores(self):
        """``{method: {"rmse", "mae", "mase"}}``, averaged over the origins: RMSE and MAE
        in the series' units (``units``), MASE a ratio to the in-sample naive error.
        "lstm" is the run's forecast (for ``recipe="auto"``, what auto forecast)."""
        return {m: dict(row) for m, row in self.report["overall"].items()}

    @property
    def coverage(self):
        """``{level: share}``: how often the truth fell inside each band (empty without
        bands), over every origin and step."""
        return {float(k): v for k, v in self.report.get("interval_coverage", {}).items()}

    def by_horizon(self, method="lstm"):
        """``{"rmse", "mae", "mase"}`` -> ``[horizon]`` arrays of ``method``'s errors at
        1, 2, ... steps ahead, averaged over the origins (None if no origin scored)."""
        row = self.report["by_horizon"][method]
        return None if row is None else {k: np.asarray(row[k]) for k in ("rmse", "mae", "mase")}

    def to_frame(self):
        """A pandas DataFrame, one row per step ahead (index "step", from 1), columns
        ``(method, score)``, e.g. ``("lstm", "rmse")``."""
        import pandas as pd
        data = {}
        for method in self.report["by_horizon"]:
            row = self.by_horizon(method)
            for score in ("rmse", "mae", "mase"):
                data[(method, score)] = (row[score] if row is not None
                                         else np.full(self.horizon, np.nan))
        frame = pd.DataFrame(data, index=pd.RangeIndex(1, self.horizon + 1, name="step"))
        frame.columns.names = ["method", "score"]
        return frame

    def __str__(self):
        from .report import backtest_name, format_backtest
        lstm = self.by_horizon("lstm")
        lines = [format_backtest(self.report, self.units, notation=self.notation)]
        if lstm is not None:
            decimals = _decimals(lstm["rmse"])
            rows = [[str(k + 1), f"{lstm['rmse'][k]:.{decimals}f}",
                     f"{lstm['mae'][k]:.{decimals}f}", f"{lstm['mase'][k]:.2f}"]
                    for k in range(self.horizon)]
            name = backtest_name(self.report, "network_kept" in self.report)
            lines += [f"{name} by steps ahead:",
                      *_text_table(["step", "RMSE", "MAE", "MASE"], _shown_rows(rows))]
        return "\n".join(lines)

    def __repr__(self):
        return f"<BacktestResult: {len(self.origins)} origins, {self.horizon} steps>\n{self}"
