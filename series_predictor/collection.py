"""A collection of series: one single-series run per series, in parallel, one table out.

Each series is the unit of work: ``run_series`` runs ``chapter.run_chapter`` with the
collection's settings and ``out=OUT/ID``, so every series gets a run folder laid out as
a single run's (``metrics.json``, ``forecast.csv``, ``run.json``, figures, checkpoints)
and the single run's own checks. Series from a long or wide table, or from Python, are
written to ``OUT/ID/series.csv`` first, an input the run reads (and keeps beside its
outputs); a folder's CSV files are read where they are.

Series run in separate processes: a ``concurrent.futures.ProcessPoolExecutor`` with a
*spawn* context (TensorFlow does not survive fork), ``workers`` of them (default: all
cores), or on a Dask ``distributed`` cluster (``collection_cluster.py``). A worker that
dies loses only its series: the series that were running when it died are retried once,
each alone in a fresh process, and then reported. A re-run skips the series whose run
folders are complete (``run.json`` valid, same settings, input not newer).
"""

import dataclasses
import json
import os
import time

from . import collection_io as cio
from .collection_cluster import check_address
from .collection_messages import in_source, told_in_source
from .collection_result import CollectionIncomplete  # noqa: F401 (its old import path)
from .collection_result import SeriesResult, one_line as _one_line, stopped_at
from .config import check_config, settings, with_recipe
from .errors import RunFolderError, SeriesPredictorError, SettingError

STATE = ".collection"  # OUT/.collection/ID.running: the series a worker has started
# Test hook: a worker given this series id in the environment dies (os._exit) at its
# start, as a killed process would.
CRASH_HOOK = "SERIES_PREDICTOR_TEST_KILL_SERIES"


def run_series(task):
    """Run one series (in a worker process) -> SeriesResult; never raises for the series'
    own errors (they come back as ``failed``). ``task``: ``(id, folder, ChapterConfig,
    state folder)``."""
    series_id, folder, config, state = task
    start = time.perf_counter()
    if state is not None:
        write_small(os.path.join(state, folder + ".running"), str(os.getpid()))
    if os.environ.get(CRASH_HOOK) == series_id:
        os._exit(3)
    from .chapter import run_chapter
    try:
        run_chapter(config, log=lambda *_, **__: None)
    except (SeriesPredictorError, OSError, FloatingPointError, ValueError) as exc:
        return SeriesResult(series_id, folder, "failed", _one_line(exc),
                            time.perf_counter() - start)
    return SeriesResult(series_id, folder, "done", None, time.perf_counter() - start)


def write_small(path, text):
    """Write a small state file whole (a temporary file, then a rename)."""
    from .run_folder import write_text
    write_text(path, text)


def series_config(base, item, out, overrides=None):
    """The checked ChapterConfig of series ``item`` (a ``SeriesInput``): ``base`` with
    its data, column and ``out=OUT/ID``, plus the series' own ``overrides``."""
    folder = os.path.join(out, item.folder)
    data = item.path or os.path.join(folder, cio.SERIES_CSV)
    column = base.column if item.path else item.column
    values = {f.name: getattr(base, f.name) for f in settings()}
    values.update(overrides or {}, data=data, column=column, out=folder, quiet=True)
    return check_config(type(base)(**values))


def write_inputs(items, out):
    """Write each table series' ``OUT/ID/series.csv`` (only when its text changed, so a
    re-run can tell an unchanged input)."""
    for item in items:
        if item.path is not None:
            continue
        folder = os.path.join(out, item.folder)
        os.makedirs(folder, exist_ok=True)
        path, text = os.path.join(folder, cio.SERIES_CSV), item.csv_text()
        try:
            with open(path, encoding="utf-8") as handle:
                if handle.read() == text:
                    continue
        except OSError:
            pass
        from .collection_claim import record_series_csv
        record_series_csv(folder, cio.SERIES_CSV)
        write_small(path, text)


def precheck(config):
    """The series' file as its run will read it (format, dates, numbers), before any
    training: None when it reads, else the one-line reason."""
    from . import data_loader
    try:
        data_loader.read_series(config.data, config.column, encoding=config.encoding)
    except (SeriesPredictorError, OSError, ValueError) as exc:
        return _one_line(exc)
    return None


def is_complete(config):
    """Whether ``config.out`` holds a complete run of these settings on this input."""
    from .json_values import json_ready
    from .run_folder import MANIFEST, read_manifest
    from .safe_io import read_regular
    try:
        manifest = read_manifest(config.out)
        if not {"metrics.json", "forecast.csv"} <= set(manifest["files"]):
            return False  # their digests were not checked: not a run this package wrote
        metrics = json.loads(read_regular(os.path.join(config.out, "metrics.json"), "metrics",
                                          RunFolderError, follow=False))
    except (RunFolderError, OSError, ValueError):
        return False
    recorded = metrics.get("settings") or {}
    expected = json_ready(dataclasses.asdict(config))
    if config.season is None:  # left to inference: the run recorded the season it settled
        expected["season"] = recorded.get("season")
    expected.update({name: recorded.get(name) for name in _chosen_by_recipe(config)})
    if config.recipe == "seasonal" and isinstance(expected["season"], int):
        from .season import recipe_lags  # its lags follow the season: (1, 4) on quarters
        settled = recipe_lags(dataclasses.replace(config, season=expected["season"]))[0]
        expected["diff"] = json_ready(settled.diff)
    same = recorded == expected
    try:  # ctime too: a file moved or copied in with its old mtime (mv, cp -p) is new
        given = os.stat(config.data)
        fresh = max(given.st_mtime, given.st_ctime) <= os.path.getmtime(
            os.path.join(config.out, MANIFEST))
    except OSError:
        return False
    return same and fresh and same_method(config.recipe, metrics)


def same_method(recipe, metrics):
    """Whether a run's ``metrics`` (a dict) were made by this version's ``--recipe auto``
    (or ``global``): the structures of ``auto.pool`` at its season, combined the same
    way, the network judged by the same margin. A folder an earlier version wrote
    (another pool, no margin) is run again, not mixed into this one's table. Only the
    pool structures the run's validation origins could fit (the record's candidates)
    are looked for, by auto's own rule (``auto.screened_pool``)."""
    if recipe not in ("auto", "global"):
        return True
    from .auto import screened_pool
    from .network_verdict import NETWORK_MARGIN
    record = metrics.get("auto") or {}
    kinds, how, _ = screened_pool((metrics.get("settings") or {}).get("season") or 1,
                                  record.get("candidates") or ())
    return (sorted(record.get("chosen") or ()) == sorted(kinds)
            and record.get("combine") == how
            and (record.get("network") or {}).get("margin") == NETWORK_MARGIN)


def _chosen_by_recipe(config):
    """The settings ``--recipe auto`` (and ``global``, which plans as auto) settles per
    series and records in place of the ones asked for (``auto._settings``,
    ``auto.window_for``): its validation tail always, mini-batches when none were asked
    for, and the window when it is the recipe's."""
    from .recipes import RECIPES
    if config.recipe not in ("auto", "global"):
        return ()
    return ("validation",) + (("batch_size",) if config.batch_size is None else ()) + (
        ("seq_size",) if config.seq_size == RECIPES[config.recipe]["seq_size"] else ())


@dataclasses.dataclass
class Progress:
    """Progress lines: series done, failed, and the estimated time left."""

    total: int
    log: object = print
    quiet: bool = False
    started: float = dataclasses.field(default_factory=time.perf_counter)
    done: int = 0
    failed: int = 0
    ran: int = 0

    def record(self, result):
        """Count ``result`` and say so; the time left is the time per series so far
        (series kept from an earlier run or refused before running left out) times the
        series left."""
        self.done += result.status != "failed"
        self.failed += result.status == "failed"
        self.ran += result.seconds > 0
        if self.quiet:
            return
        finished = self.done + self.failed
        elapsed = time.perf_counter() - self.started
        left = (f"about {_duration(elapsed / self.ran * (self.total - finished))} left"
                if self.ran else "time left not known yet")
        what = {"failed": f"failed: {result.error}", "kept": "complete from an earlier run, "
                "kept"}.get(result.status, f"done in {result.seconds:.1f} s")
        self.log(f"[{finished}/{self.total}] {result.id} {what} ({self.done} done, "
                 f"{self.failed} failed, {left})")


def _duration(seconds):
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


def fit_collection(data, *, out, recipe=None, workers=None, keep_going=False, cluster=None,
                   log=print, layout="auto", per_series=None, **options):
    """Forecast every series of ``data``; write ``OUT/ID/`` per series and the collection's
    ``forecast.csv``, ``metrics.json`` and ``summary.png`` -> ``{id: SeriesResult}``.

    A script needs no ``if __name__ == "__main__":`` around the call: the spawned
    workers do not import it (``collection_pool._script_not_rerun``).

    Args:
        data: a dict ``{id: values}`` (values a sequence, or a pandas Series with dates
            in its index), a long pandas DataFrame (id, date, value columns), or a path
            (a long or wide CSV, or a folder of CSV files; see ``collection_io``).
        out: the collection's folder (required: nothing is written where you work
            unless you say so).
        recipe, options: the settings of every series, as for a single run
            (``ChapterConfig`` fields; ``quiet=True`` silences the progress lines).
        workers: processes (default and cap: ``os.cpu_count()`` and the number of
            series; a larger number is capped, saying so); cluster: a Dask scheduler
            address, or ``"local"`` for a LocalCluster on 127.0.0.1.
        keep_going: go on past a failed series (it is reported); without it the first
            failure stops the collection, naming the series.
        per_series: ``{id: {setting: value}}`` overrides for single series.

    Raises:
        SettingError, DataFormatError: before any training (a bad id, a bad series
            without ``keep_going``). CollectionIncomplete: some series failed (the
            collection's outputs are still written, naming them).
    """
    from .option_names import python_caller
    from .process_guard import sigterm_unwinds
    with python_caller():  # messages name settings as keywords (workers=), not options
        _check_settings(options, per_series)
        base = with_recipe(recipe, **dict(options, out=out))
        with sigterm_unwinds():  # SIGTERM stops the workers, then ends the program
            return run_collection(data, base, workers=workers, keep_going=keep_going,
                                  cluster=cluster, log=log, layout=layout,
                                  per_series=per_series)


# Settings the collection sets for each series itself; no override may name them.
PER_SERIES_SET = ("data", "out", "column")


def _check_settings(options, per_series):
    """Unknown settings, and ``per_series`` overrides that are not dicts of settings a
    series may change, are refused by name (they were TypeErrors from ChapterConfig,
    or an ``out`` silently replaced by ``OUT/ID``)."""
    known = {f.name for f in settings()}
    unknown = sorted(set(options) - known)
    if unknown:
        raise SettingError(f"fit_collection got unknown settings: {', '.join(unknown)}; see "
                           "ChapterConfig for the settings")
    if per_series is not None and not isinstance(per_series, dict):
        raise SettingError("per_series must be a dict {id: {setting: value}}; found "
                           f"{type(per_series).__name__}")
    for series_id, given in (per_series or {}).items():
        if not isinstance(given, dict):
            raise SettingError(f"per_series[{series_id!r}] must be a dict of settings such as "
                               f"{{'iterations': 200}}; found {given!r}")
        wrong = sorted((set(given) - known) | (set(given) & set(PER_SERIES_SET)))
        if wrong:
            raise SettingError(f"per_series[{series_id!r}] names {', '.join(wrong)}: not a "
                               "setting a series can override (the collection sets each "
                               "series' data, column and out)")


def run_collection(data, base, *, workers=None, keep_going=False, cluster=None, log=print,
                   layout="auto", per_series=None):
    """``fit_collection`` with the settings already a ChapterConfig ``base`` (its ``out``
    is the collection's folder; its ``data`` and ``column`` are set per series)."""
    from .collection_pool import capped_workers, check_workers
    base, workers = check_config(base), check_workers(workers)
    if cluster is not None:
        check_address(cluster)  # before anything is read: no other host is a target
    if base.recipe == "global":
        from .collection_global import check_global
        check_global(base, cluster)
    items = _read(data, layout, base, log)
    if base.recipe == "global":
        from .collection_global import check_ids
        check_ids(items)
    unknown = set(per_series or {}) - {item.id for item in items}
    if unknown:
        raise SettingError(f"per_series names series not in the collection: "
                           f"{', '.join(sorted(unknown))}")
    configs = {item.id: series_config(base, item, base.out, (per_series or {}).get(item.id))
               for item in items}
    workers, note = capped_workers(workers, len(items), cluster in (None, "local"))
    if note and base.recipe != "global":  # global: one process, workers do not apply
        log(note)
    from .collection_claim import claim
    from .run_folder import locked_folder
    with locked_folder(base.out):  # a second collection on OUT is refused
        claim(base.out, items, base.force, configs)
        return _run_claimed(items, base, configs, workers=workers, keep_going=keep_going,
                            cluster=cluster, log=log)


def _run_claimed(items, base, configs, *, workers, keep_going, cluster, log):
    """Run the series of a claimed (and locked) collection folder ``base.out``
    (``configs``: ``{id: ChapterConfig}``, ``series_config``'s)."""
    write_inputs(items, base.out)
    progress = Progress(len(items), log, base.quiet)
    if base.recipe == "global":  # one network for every series, in this process
        from .collection_global import claim_network_folder, run_global
        claim_network_folder(base.out, base.force)
        complete = all(is_complete(configs[item.id]) for item in items)
        results = run_global(items, base, configs, progress, log, keep_going, complete)
        from .collection_report import finish
        return finish(base.out, items, configs, results, log)
    results, todo = _sort_out(items, configs, progress, keep_going)
    if todo:
        runner = _run_local if cluster is None else _cluster_runner(cluster)
        by_id = {item.id: item for item in items}
        try:
            runner([(i.id, i.folder, configs[i.id], _state(base.out)) for i in todo],
                   workers, lambda result: _take(told_in_source(result, by_id[result.id],
                                                                configs[result.id].data),
                                                 results, progress, keep_going))
        except KeyboardInterrupt:
            raise interrupted(results, len(items), base.out) from None
    from .collection_report import finish
    return finish(base.out, items, configs, results, log)


def _read(data, layout, base, log=None):
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        if layout == "auto":
            layout = cio.detect_layout(path, base.encoding)
        if layout == "single":
            layout = "wide"  # from Python, a file is a collection: every column a series
        if layout == "folder" and os.path.realpath(path) == os.path.realpath(base.out):
            raise SettingError(f"the output folder {base.out!r} is the folder of input "
                               "series; the collection's forecast.csv would be read as a "
                               "series next time: choose another --out")
        return cio.read_collection(path, layout, base.encoding, log)
    return cio.from_python(data)


def _state(out):
    path = os.path.join(out, STATE)
    os.makedirs(path, exist_ok=True)
    return path


def _sort_out(items, configs, progress, keep_going):
    """Skip complete series, refuse unreadable ones -> ({id: result}, [items to run])."""
    results, todo = {}, []
    for item in items:
        config = configs[item.id]
        if is_complete(config):
            results[item.id] = SeriesResult(item.id, item.folder, "kept")
            progress.record(results[item.id])
            continue
        error = in_source(item, config.data, precheck(config))
        if error is None:
            todo.append(item)
            continue
        result = SeriesResult(item.id, item.folder, "failed", error)
        _take(result, results, progress, keep_going)
    return results, todo


def interrupted(results, total, out):
    """The TrainingInterrupted of a collection stopped by Ctrl-C (or SIGTERM): how many
    series are complete in ``out`` and that the same command completes the rest."""
    from .errors import TrainingInterrupted
    complete = sum(result.status != "failed" for result in results.values())
    return TrainingInterrupted(
        f"collection interrupted: {complete} of {total} series complete in {out!r}; run the "
        "same command again to complete the rest (complete series are kept, not run again)",
        None)


def _take(result, results, progress, keep_going):
    """Record ``result``; without ``keep_going`` a failure stops the collection."""
    results[result.id] = result
    progress.record(result)
    if result.status == "failed" and not keep_going:
        raise stopped_at(result.id, result.error)


def _run_local(tasks, workers, take):
    """Run ``tasks`` in a spawn process pool; retry the series a dead worker was running
    once, each alone, then report them."""
    from .collection_pool import run_pool
    run_pool(run_series, tasks, workers, take)


def _cluster_runner(cluster):
    from .collection_cluster import runner
    run = runner(cluster)
    return lambda tasks, workers, take: run(run_series, tasks, workers, take)
