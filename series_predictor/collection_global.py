"""A collection run with ``--recipe global``: one process, one network for every series.

The series are read and their structures chosen one after another (NumPy), then one
network is trained on all of them (``global_network``), then every series' run folder
``OUT/ID/`` is written as a single run's, and the collection's ``forecast.csv``,
``metrics.json`` and ``summary.png`` as for the other recipes (``collection_report``).
The network's own checkpoint lives in ``OUT/global-network/``; each series folder's
``checkpoint/`` holds a copy, so ``series-predictor forecast OUT/ID`` works as for any
run folder.

Differences from the per-series recipes: ``--workers`` and ``--cluster`` do not apply
(one network, one process); a re-run trains again and rewrites every series (the network
depends on all of them), unless every series is complete from an earlier run of the
same settings; a series that fails (bad data, too short) is left out of the network and
reported, the others go on with ``--keep-going``.
"""

import os
import time

from .collection_messages import in_source
from .collection_result import SeriesResult, one_line as _one_line, stopped_at
from .errors import SeriesPredictorError, SettingError
from .global_network import NETWORK_FOLDER
from .option_names import option

# What a series may raise while it is read, planned or written: reported by name.
SERIES_ERRORS = (SeriesPredictorError, OSError, FloatingPointError, ValueError)


def claim_network_folder(out, force):
    """Check ``OUT/global-network`` (no link, no user's folder) and record it as ours."""
    from . import ownership
    from .collection_claim import _check_folder
    _check_folder(os.path.join(out, NETWORK_FOLDER), "the global network's folder",
                  ownership.owned_names(out), force)
    ownership.record_owned(out, (NETWORK_FOLDER,))


def plan_all(items, configs, progress_of, fail, say=None):
    """Read and plan every series -> {id: ChapterResult}; a series that cannot be planned
    goes to ``fail(id, folder, reason)`` (which may raise to stop the collection).
    ``say``: gets one line per series planned (which, how many, how long), or None."""
    from . import stages
    from .global_network import plan_series
    runs = {}
    for k, item in enumerate(items, 1):
        config, began = configs[item.id], time.perf_counter()
        try:
            loaded = stages.read_stage(config)
            runs[item.id] = plan_series(loaded, config, progress_of(item.id))
        except SERIES_ERRORS as exc:
            fail(item.id, item.folder, _one_line(exc))
            continue
        if say is not None:
            say(f"[planned {k}/{len(items)}] {item.id}: read, season and structures chosen "
                f"in {time.perf_counter() - began:.1f} s")
    return runs


def run_global(items, base, configs, progress, log, keep_going, complete=False):
    """Run the global recipe on ``items`` -> {id: SeriesResult} (the caller writes the
    collection's outputs). ``configs``: each series' checked ChapterConfig; ``complete``:
    every series' run folder is complete from an earlier run of these settings (then
    nothing is trained again)."""
    from . import stages
    from .global_network import check_windows, finish_series, train_network
    results = {}
    if complete:
        for item in items:
            results[item.id] = SeriesResult(item.id, item.folder, "kept")
            progress.record(results[item.id])
        return results

    by_id = {item.id: item for item in items}

    def fail(series_id, folder, reason):
        reason = in_source(by_id[series_id], configs[series_id].data, reason)
        results[series_id] = SeriesResult(series_id, folder, "failed", reason)
        progress.record(results[series_id])
        if not keep_going:
            raise stopped_at(series_id, reason)

    quiet = stages.Progress(log, True)
    start = time.perf_counter()
    # Planning's lines (each series' "Season: ...", naming no series) are not shown, as
    # a spawned series' lines are not; the summary names each series' baseline.
    silent = stages.Progress(lambda _line: None, True)
    runs = plan_all(items, configs, lambda _: silent, fail, None if base.quiet else log)
    if not runs:
        return results
    check_windows(runs)
    predictor, history = train_network(runs, base, os.path.join(base.out, NETWORK_FOLDER),
                                       stages.Progress(log, base.quiet))
    shared = (time.perf_counter() - start) / len(runs)
    progress.started = time.perf_counter()  # time left: the series' own writing only
    with predictor:
        for item in items:
            if item.id not in runs:
                continue
            began = time.perf_counter()
            try:
                finish_series(runs[item.id], predictor, history, configs[item.id].out, quiet)
            except SERIES_ERRORS as exc:
                fail(item.id, item.folder, _one_line(exc))
                continue
            results[item.id] = SeriesResult(item.id, item.folder, "done", None,
                                            shared + time.perf_counter() - began)
            progress.record(results[item.id])
    return results


def check_ids(items):
    """No series may take the network's folder ``OUT/global-network`` (compared ignoring
    case, as folders are): it was made for the series, then refused as a folder 'not
    written by series-predictor'."""
    for item in items:
        if item.folder.lower() == NETWORK_FOLDER:
            raise SettingError(f"series id {item.id!r} would take the folder {NETWORK_FOLDER!r} "
                               "that --recipe global keeps its network in; rename the series")


def check_global(base, cluster):
    """Refuse what the global recipe cannot do, before anything is read or written (each
    setting named in the caller's terms: ``--ensemble``, or ``ensemble=`` from Python)."""
    recipe = option("recipe", "global")
    if cluster is not None:
        raise SettingError(f"{recipe} trains one network in one process; "
                           f"{option('cluster')} applies to the per-series recipes")
    if base.ensemble != 1:
        raise SettingError(f"{recipe} trains one network for the collection; leave "
                           f"out {option('ensemble')} (found {base.ensemble})")
    if base.backtest:
        raise SettingError(f"{recipe} has no backtest (each origin would train the "
                           f"network on every series again); leave out {option('backtest')}")
