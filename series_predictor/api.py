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

import contextlib
import dataclasses
import os
import shutil
import tempfile
import weakref

import numpy as np

from .api_values import save_path
from .config import ChapterConfig, check_config
from .errors import SeriesPredictorWarning, SettingError
from .forecast_table import BacktestResult, ForecastTable
from .option_names import speaks_python
from .python_series import series_from
from .run_log import RunLog


def _config(y, times, season, recipe, seed, settings):
    """The checked ChapterConfig of ``fit``'s arguments (``season=None``: not given)."""
    given = dict(settings, recipe=recipe, seed=seed)
    if season is not None:
        given["season"] = season
    if "quiet" in settings:  # it was overridden by verbose without a word
        raise SettingError("fit prints nothing unless verbose=True: give verbose=, not "
                           f"quiet={settings['quiet']!r}")
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


@speaks_python
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
        verbose: print the run's progress, report and warnings as the command line
            does (default: print nothing; warnings go to Python's ``warnings`` module
            as ``SeriesPredictorWarning`` when ``fit`` returns or fails).
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
    log = RunLog(verbose, None if keep else folder)
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
            with contextlib.suppress(SeriesPredictorWarning):  # raised as an error
                log.emit()  # what it warned of before it failed; its own error wins
            raise
    from .kept_run import load_run as open_run
    forecaster = Forecaster(open_run(folder), run, log.lines)
    if not keep:
        forecaster._cleanup = weakref.finalize(forecaster, shutil.rmtree, folder, True)
    log.emit()  # a quiet run's warnings, to the warnings module (verbose: printed)
    return forecaster


def _removed_folder_named(exc, folder):
    """``exc``'s message with each path inside fit's temporary ``folder`` (removed as the
    error left ``fit``) said to be gone: "restored the last finite checkpoint:
    /tmp/series-predictor-fit-x/checkpoint/model.ckpt-1" named a file that no longer
    existed; a ``checkpoint`` attribute there (TrainingDiverged's) becomes None, as when
    none was kept."""
    if str(getattr(exc, "checkpoint", None) or "").startswith(folder):
        exc.checkpoint = None
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
        """What ``metrics.json`` holds: errors in the series' units by task and method."""
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
        """Label of the units of the values, forecasts, bands and errors."""
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
        recipe = settings.get("recipe") or "book"  # None: the book's settings
        return (f"<Forecaster: recipe {recipe!r}, "
                f"{len(self._kept.manifest['members'])} member(s), "
                f"{self._kept.manifest['n_points']} points of {self.units}>")

    @speaks_python
    def forecast(self, h=None, level=(80, 95)):
        """``h`` points past the end of the data (default: the run's ``horizon``).

        Args:
            h: how many points (steps of the data's time axis: months, days, ...).
            level: the bands' coverage in percent, among those the run calibrated
                (80 and 95); a run without a validation tail has no bands.

        Returns:
            ForecastTable: prints as a table, ``.to_frame()``, ``.to_csv(path)``.
        """
        return self._kept.forecast(h).with_levels(level)

    @speaks_python
    def backtest(self, k=3):
        """Refit at ``k`` origins one season apart (a test length apart without a season;
        the last is this run's own split); score each forecast -> BacktestResult.

        The same numbers as ``--backtest k`` with these settings.

        Raises:
            SettingError: a loaded run (it kept only the series' last values), a ``k``
                that is no whole number of 1 or more, or one the series has no room for.
        """
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise SettingError(f"backtest needs a whole number k >= 1 of origins; found k={k!r}")
        if self._run is None:
            raise SettingError("backtest needs the whole series, and a run folder keeps only "
                               "its last values: call series_predictor.fit(y, ...).backtest(k)")
        from . import backtest, stages
        run = self._run
        if run.metrics.get("backtest") is not None and run.config.backtest == k:
            return BacktestResult(run.metrics["backtest"], run.loaded.units,
                                  run.config.season, run.auto, run.loaded.notation)
        config = check_config(dataclasses.replace(run.config, backtest=k))
        with_k = dataclasses.replace(run, config=config)
        points = backtest.plan_origins(with_k)
        log = RunLog(not config.quiet)
        report = backtest.run_backtest(with_k, points, stages.Progress(log, config.quiet))
        log.emit()
        return BacktestResult(report, run.loaded.units, run.config.season, run.auto,
                              run.loaded.notation)

    @speaks_python
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
                                   note=table.note or None, path=path, utc=table.utc)

    @speaks_python
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


@speaks_python
def load_run(path):
    """Open a kept run folder (``--out`` of a finished run, or ``Forecaster.save``),
    checking every file -> Forecaster.

    Raises:
        RunFolderError: missing, incomplete, or changed after the run (names the file).
    """
    from .kept_run import load_run as open_run
    return Forecaster(open_run(path))


__all__ = ["fit", "load_run", "Forecaster", "ForecastTable", "BacktestResult", "series_from"]
