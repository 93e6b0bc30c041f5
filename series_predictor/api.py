"""The Python entry point: ``fit(y) -> Forecaster``, whose methods are a forecaster's verbs.

    import series_predictor as sp
    model = sp.fit(values, recipe="book")   # a list, array, pandas Series or CSV path
    model.forecast(12)            # a ForecastTable: dates, point, bands
    model.backtest(3)             # a BacktestResult: scores by steps ahead
    model.save("my-run")          # a run folder; sp.load_run("my-run") gives it back

``fit`` runs the command line's own pipeline (``chapter.run_chapter``) on the same
settings (``ChapterConfig``), so the same settings give the same numbers. It writes
nothing where you work: the run folder lives in a temporary folder, removed when the
Forecaster goes, unless you ``save`` it (or pass ``out=``).
"""

import dataclasses
import os
import shutil
import tempfile
import weakref

import numpy as np

from .api_values import as_values as _as_values, pandas_series as _pandas_series, save_path
from .config import ChapterConfig, check_config
from .errors import DataFormatError, SettingError
from .forecast_table import BacktestResult, ForecastTable
from .pandas_times import as_times as _as_times, index_times as _index_times


def _check_no_gap(times):
    """Dates ``[n]`` (datetime64) miss no period, by the rules a CSV's dates follow
    (``time_axis._check_time_gaps``): a missing month, week or day is refused, naming
    it, as ``--data`` refuses it (the run would take its neighbours for consecutive)."""
    import collections

    from .time_axis import _check_time_gaps
    row = collections.namedtuple("Position", "line")
    try:
        _check_time_gaps("y", [row(i) for i in range(len(times))], [str(t) for t in times],
                         times)
    except DataFormatError as exc:  # the rule speaks of a file's lines: here, positions
        raise DataFormatError(str(exc).replace("y, lines ", "y, positions ", 1)) from None


def series_from(y, times=None, units=None):
    """A list, array or pandas Series (and optional ``times``) -> ``stages.LoadedSeries``.

    Args:
        y: ``[n]`` numbers. A pandas Series gives its index as the times and its name as
            the units, unless ``times``/``units`` are given.
        times: ``[n]`` dates (datetime64, pandas, ISO texts) or numbers; default
            ``0..n-1`` (or the Series' index).

    Raises:
        DataFormatError, SettingError: not numbers, not 1-D, not finite, times of
            another length or not increasing, dates that miss a period (a month,
            a week or a day, as in a CSV file); values beyond 1e300.
    """
    from .stages import MAX_MAGNITUDE, LoadedSeries
    series = _pandas_series(y)
    values = _as_values(y)
    if times is None:
        times = _index_times(series.index) if series is not None else np.arange(len(values))
    else:
        times = _as_times(times)
    if times.dtype.kind == "M" and np.any(np.isnat(times)):
        raise SettingError("times must all be dates; found NaT (a missing date) at position "
                           f"{int(np.argmax(np.isnat(times)))}")
    if times.shape != values.shape:
        raise SettingError(f"times must have one entry per value ({len(values)}); "
                           f"found {len(times)}")
    if len(times) > 1 and not np.all(times[1:] > times[:-1]):
        where = int(np.argmin(times[1:] > times[:-1]))
        raise SettingError(f"times must increase; position {where + 1} ({times[where + 1]}) "
                           f"is not after {times[where]}")
    if times.dtype.kind == "M":
        _check_no_gap(times)
    huge = np.flatnonzero(np.abs(values) > MAX_MAGNITUDE)
    if huge.size:
        raise DataFormatError(f"y at position {huge[0]} is beyond {MAX_MAGNITUDE:g} in "
                              "magnitude: rescale the series")
    name = series.name if series is not None and isinstance(series.name, str) else None
    return LoadedSeries(values, times, tuple(range(len(values))), "y (line = position)",
                        units or name or "value")


def _config(y, times, season, recipe, seed, settings):
    """The checked ChapterConfig of ``fit``'s arguments (``season=None``: not given)."""
    given = dict(settings, recipe=recipe, seed=seed)
    if season is not None:
        given["season"] = season
    if "data" in settings:  # the values would come from y, the record from data
        raise SettingError("give the series as y (values, or a CSV path), not as data=; "
                           f"found data={settings['data']!r}")
    read_only = sorted(set(settings) & {"column", "encoding"})
    if read_only and not isinstance(y, (str, os.PathLike)):  # they read a CSV file only
        raise SettingError(f"{' and '.join(read_only)} choose how a CSV file is read; y "
                           "holds the values themselves (give a CSV path as y, or leave "
                           f"{' and '.join(read_only)} out)")
    if given.get("out") is not None:  # a notebook's '~/runs/x', as pandas reads it
        given["out"] = os.path.expanduser(given["out"]) if isinstance(given["out"], str) \
            else given["out"]
    if isinstance(y, (str, os.PathLike)):
        given["data"] = os.path.expanduser(os.fspath(y))
        _check_one_series(given["data"], settings)
        if times is not None:
            raise SettingError("times are read from the CSV file's first column; give times "
                               "only with values (a list, an array or a pandas Series)")
    try:
        config = ChapterConfig(**given)
    except TypeError:
        known = {f.name for f in dataclasses.fields(ChapterConfig)}
        raise SettingError("fit got unknown settings: " + ", ".join(
            sorted(set(given) - known)) + "; see ChapterConfig for the settings") from None
    return config


def _check_one_series(path, settings):
    """Refuse a CSV path that the command line reads as a collection (a long or wide
    table, a folder): ``fit`` read a wide table's first value column alone, without a
    word, and a long table failed on its date column."""
    from .collection_io import detect_layout
    layout = detect_layout(path, settings.get("encoding"), column_typed="column" in settings)
    if layout != "single":
        what = "a folder of series" if layout == "folder" else f"a {layout} table of series"
        raise SettingError(f"{path!r} is {what}, and fit takes one series: use "
                           f"series_predictor.collection.fit_collection({path!r}, out=...)"
                           + (", or pick one column with column=N" if layout == "wide" else ""))


class _Log:
    """Keeps every line the run says; prints them when ``echo``, warnings always."""

    def __init__(self, echo):
        self.echo, self.lines = echo, []

    def __call__(self, line):
        self.lines.append(line)
        if self.echo or line.startswith("Warning: "):
            print(line)


def fit(y, *, times=None, season=None, recipe="auto", seed=0, verbose=False, **settings):
    """Fit the chapter's LSTM (or ensemble) to a series -> Forecaster.

    Args:
        y: ``[n]`` numbers (list, NumPy array, pandas Series: its index gives the times)
            or the path of a CSV file (read as ``--data`` is).
        times: ``[n]`` dates or numbers of the values (default: the Series' index, or
            ``0..n-1``); forecasts continue them.
        season: season length (None: inferred from the times as ``--season`` is: months
            12, quarters 4, days 7, hours 24 and the rest of its list; none without dates).
        recipe: "auto" (the default here, as ``--recipe auto``), "book" (the book's
            settings), "seasonal", or None.
        seed: the random seed; the same seed gives the same numbers.
        verbose: print the run's progress and report (default: warnings only).
        **settings: any other ``ChapterConfig`` setting, e.g. ``iterations=60``;
            ``out="folder"`` keeps the run folder there.

    Returns:
        Forecaster.

    Raises:
        SettingError, DataFormatError, SeriesTooShortError: before any training.
    """
    config = _config(y, times, season, recipe, seed, settings)
    loaded = None if isinstance(y, (str, os.PathLike)) else series_from(y, times, config.units)
    keep = settings.get("out") is not None  # out=None: a temporary folder, as left out
    folder = config.out if keep else tempfile.mkdtemp(prefix="series-predictor-fit-")
    log = _Log(verbose)
    from .process_guard import sigterm_unwinds
    with sigterm_unwinds():  # SIGTERM removes the temporary folder, then ends the program
        try:
            config = check_config(dataclasses.replace(config, out=folder, quiet=not verbose))
            from .chapter import run_chapter
            run = run_chapter(config, log=log, series=loaded)
        except BaseException as exc:
            if not keep:
                shutil.rmtree(folder, ignore_errors=True)
                _removed_folder_named(exc, folder)
            raise
    from .kept_run import load_run as open_run
    forecaster = Forecaster(open_run(folder), run, log.lines)
    if not keep:
        forecaster._cleanup = weakref.finalize(forecaster, shutil.rmtree, folder, True)
    return forecaster


def _removed_folder_named(exc, folder):
    """``exc``'s message with each path inside fit's temporary ``folder`` (removed as the
    error left ``fit``) said to be gone: "restored the last finite checkpoint:
    /tmp/series-predictor-fit-x/checkpoint/model.ckpt-1" named a file that no longer
    existed."""
    if not exc.args or not isinstance(exc.args[0], str) or folder not in exc.args[0]:
        return
    import re
    exc.args = (re.sub(re.escape(folder) + r"[^\s;,()']*", lambda found: (
        f"{os.path.basename(found.group(0))} in fit's temporary run folder (removed; "
        "pass out=PATH to keep the run folder)"), exc.args[0]),) + exc.args[1:]


class Forecaster:
    """A fitted run: ``forecast``, ``backtest``, ``plot``, ``save``.

    Made by ``fit`` (which keeps the whole series, so ``backtest`` works) or by
    ``load_run`` (a run folder keeps the series' last values only).

    Attributes:
        config: the run's settings (``ChapterConfig``).
        metrics: the run's evaluation (what ``metrics.json`` holds).
        report: the run's printed report (lines), when fitted here.
    """

    def __init__(self, kept=None, run=None, report=()):
        if not hasattr(kept, "folder"):  # Forecaster(), Forecaster(y): sklearn's habit
            raise TypeError("a Forecaster is not made directly: series_predictor.fit(y, ...) "
                            "fits one (then .forecast(h)), series_predictor.load_run(path) "
                            "opens a kept one")
        self._kept, self._run, self.report = kept, run, list(report)
        self._cleanup = None

    @property
    def config(self):
        """The run's settings, a ChapterConfig (``out``: where the run was written)."""
        if self._run is not None:
            return self._run.config
        settings = dict(self._kept.manifest["settings"])
        return ChapterConfig(**{**settings, "diff": tuple(settings.get("diff") or ())})

    @property
    def metrics(self):
        if self._run is not None:
            return self._run.metrics
        import json

        from .errors import RunFolderError
        from .safe_io import read_regular
        path = os.path.join(self._kept.folder, "metrics.json")
        try:  # a regular file only: run.json's digests cover only the files it lists
            return json.loads(read_regular(path, "metrics", RunFolderError, follow=False))
        except (OSError, ValueError) as exc:
            raise RunFolderError(f"{path!r} cannot be read: {exc}") from None

    @property
    def units(self):
        return self._kept.units

    @property
    def folder(self):
        """The run folder (a temporary one until ``save``, for a Forecaster of ``fit``)."""
        return self._kept.folder

    @property
    def manifest(self):
        """The checked contents of the run folder's ``run.json``."""
        return self._kept.manifest

    def __repr__(self):
        settings = self._kept.manifest["settings"]
        return (f"<Forecaster: recipe {settings.get('recipe')!r}, "
                f"{len(self._kept.manifest['members'])} member(s), "
                f"{self._kept.manifest['n_points']} points of {self.units}>")

    def forecast(self, h=None, level=(80, 95)):
        """``h`` points past the end of the data (default: the run's ``horizon``).

        Args:
            h: how many points.
            level: the bands' coverage in percent, among those the run calibrated
                (80 and 95); a run without a validation tail has no bands.

        Returns:
            ForecastTable: prints as a table, ``.to_frame()``, ``.to_csv(path)``.
        """
        return self._kept.forecast(h).with_levels(level)

    def backtest(self, k=3):
        """Refit at ``k`` origins one season apart (a test length apart without a season;
        the last is this run's own split); score each forecast -> BacktestResult.

        The same numbers as ``--backtest k`` with these settings.

        Raises:
            SettingError: a loaded run (it kept only the series' last values), a ``k``
                below 1, or one the series has no room for.
        """
        if isinstance(k, (int, np.integer)) and not isinstance(k, bool) and k < 1:
            raise SettingError(f"backtest needs at least 1 origin; found k={k}")
        if self._run is None:
            raise SettingError("backtest needs the whole series, and a run folder keeps only "
                               "its last values: call series_predictor.fit(y, ...).backtest(k)")
        from . import backtest, stages
        run = self._run
        if run.metrics.get("backtest") is not None and run.config.backtest == k:
            return BacktestResult(run.metrics["backtest"], run.loaded.units)
        config = check_config(dataclasses.replace(run.config, backtest=k))
        with_k = dataclasses.replace(run, config=config)
        points = backtest.plan_origins(with_k)
        progress = stages.Progress(_Log(not config.quiet), config.quiet)
        return BacktestResult(backtest.run_backtest(with_k, points, progress), run.loaded.units)

    def plot(self, h=None, level=(80, 95), path=None):
        """The end of the series and ``forecast(h, level)`` -> matplotlib Figure, as the
        run's ``forecast.png`` draws it: the baseline the run's table compares with
        (seasonal naive at the run's season, or persistence without one), and the bands,
        or a note saying why there are none. ``path``: also write it there."""
        from . import outputs, plots
        table = self.forecast(h, level)
        values, times = self._kept._tail()
        baseline = outputs.naive_baseline(values, len(values), len(table),
                                          self._kept.manifest["settings"].get("season"))
        return plots.plot_forecast(times, values, table.times, table.point, units=self.units,
                                   bands=table.bands, baseline=baseline,
                                   label=outputs.forecast_label(self.metrics.get("auto")),
                                   note=table.note or None, path=path)

    def save(self, path):
        """Write the run folder to ``path`` (a new or empty folder, not a link) -> ``path``.

        ``load_run(path)`` gives the same Forecaster back (without ``backtest``).

        Raises:
            SettingError: ``path`` exists and is not an empty folder, or is a link.
            OutputDirError: it cannot be written (names it; nothing is left there).
        """
        path = save_path(path)
        if os.path.islink(path):
            raise SettingError(f"save needs a new or empty folder; {path!r} is a symbolic "
                               "link, which is never written through")
        if os.path.exists(path) and (not os.path.isdir(path) or os.listdir(path)):
            raise SettingError(f"save needs a new or empty folder; {path!r} exists"
                               + (" and is not empty" if os.path.isdir(path) else ""))
        from .errors import OutputDirError
        made = False
        try:
            if os.path.isdir(path):
                os.rmdir(path)
            made = not os.path.lexists(path)
            shutil.copytree(self._kept.folder, path, symlinks=True,
                            ignore=shutil.ignore_patterns(".series-predictor.lock"))
        except (OSError, shutil.Error) as exc:
            if made and not isinstance(exc, FileExistsError) and os.path.isdir(path) \
                    and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)  # the copy it made, nothing else
            reason = getattr(exc, "strerror", None) or str(exc)
            raise OutputDirError(f"cannot save the run to {path!r}: {reason}") from None
        return path


def load_run(path):
    """Open a kept run folder (``--out`` of a finished run, or ``Forecaster.save``),
    checking every file -> Forecaster.

    Raises:
        RunFolderError: missing, incomplete, or changed after the run (names the file).
    """
    from .kept_run import load_run as open_run
    return Forecaster(open_run(path))


__all__ = ["fit", "load_run", "Forecaster", "ForecastTable", "BacktestResult", "series_from"]
