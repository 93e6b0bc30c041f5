"""Running a collection's series in local worker processes: a ProcessPoolExecutor with a
*spawn* context (TensorFlow does not survive fork), and what to do when a worker dies.

A worker that dies (killed, out of memory, a crash in native code) breaks the whole
pool: every series not yet finished comes back as ``BrokenProcessPool``. The series a
worker had started (it leaves ``OUT/.collection/FOLDER.running``) are the suspects:
each is retried once alone, in a fresh one-process pool, so that a series that kills its
worker again is reported by name and no other series is charged for it. The series that
had not started are run again in a fresh pool, uncharged.

A spawned worker imports ``__main__`` again (a script's top level runs as
``__mp_main__``), so a script calling ``fit_collection`` without
``if __name__ == "__main__":`` ran again in every worker, each starting a collection
of its own. The workers need nothing from it (the work and its tasks are the
package's): the script's path and spec are hidden while they start
(``_script_not_rerun``).
"""

import concurrent.futures
import contextlib
import multiprocessing
import os
import sys
import threading
from concurrent.futures.process import BrokenProcessPool

from .collection_result import failed_result
from .errors import SettingError

THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")


def check_workers(workers):
    """Refuse a ``workers`` that is not a whole number of at least 1 (None: the default)."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        from .option_names import option
        raise SettingError(f"{option('workers')} must be a whole number of at least 1; "
                           f"found {workers!r}")
    return workers


def capped_workers(workers, series, local):
    """The processes a collection of ``series`` series runs at once -> ``(count, note)``.

    ``workers`` (a checked whole number, or None: as many as there are CPUs) is capped
    at the number of series and, for processes on this machine (``local``: no
    cluster, or ``--cluster local``), at ``os.cpu_count()``. ``note`` is the one line
    that says a number asked for was capped, and why; else None."""
    cpus = os.cpu_count() or 1
    limits = [(max(1, series), f"the {series} series")]
    if local:
        limits.append((cpus, f"this machine's {cpus} CPUs (os.cpu_count())"))
    cap, why = min(limits)
    if workers is None or workers <= cap:
        return (cap if workers is None else workers), None
    from .option_names import option
    return cap, (f"Note: {option('workers', workers)} is more than {why}; running "
                 f"{cap} at once")


def _init_worker(threads):
    """Give each worker its share of the cores (unless the user set the variables), so
    that N workers do not each start a thread per core. Read by TensorFlow when its
    runtime starts, which is after this in a spawned worker."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))


def _marker(task):
    _, folder, _, state = task
    return os.path.join(state, folder + ".running")


def clear_marker(task):
    """Remove the mark a worker left when it started ``task``."""
    try:
        os.remove(_marker(task))
    except FileNotFoundError:
        pass


_MAIN_LOCK = threading.Lock()


@contextlib.contextmanager
def _script_not_rerun():
    """Around ``pool.submit`` (where a spawn pool starts its processes): ``__main__``
    without ``__file__`` and ``__spec__``, which multiprocessing reads to run it again."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    with _MAIN_LOCK:
        saved = {name: vars(main)[name] for name in ("__file__", "__spec__")
                 if name in vars(main)}
        vars(main).pop("__file__", None)
        if "__spec__" in saved:
            main.__spec__ = None
        try:
            yield
        finally:
            vars(main).update(saved)


def _pool(workers, threads):
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker, initargs=(threads,))


def _round(work, tasks, workers, take):
    """Run ``tasks`` in one pool; hand each result to ``take`` -> the tasks left unfinished
    because the pool broke."""
    threads = max(1, (os.cpu_count() or 1) // workers)
    broken = []
    pool = _pool(min(workers, len(tasks)), threads)
    try:
        with _script_not_rerun():
            futures = {pool.submit(work, task): task for task in tasks}
        for future in concurrent.futures.as_completed(futures):
            task = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                broken.append(task)
                continue
            except Exception as exc:  # noqa: BLE001 - a series' own failure, reported
                result = failed_result(task, f"{type(exc).__name__}: {exc}")
            clear_marker(task)
            take(result)
    except BaseException as exc:
        if not isinstance(exc, Exception):
            stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return broken


def stop_workers(pool):
    """End ``pool``'s worker processes now: Ctrl-C or SIGTERM reached this process alone
    (a SIGTERM, or an interrupt from Python), and waiting for the series they run would
    hold the interrupt for a whole training. Their series are left unfinished; a re-run
    runs them again."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.terminate()
        except (OSError, AttributeError, ValueError):
            pass


def _alone(work, task):
    """Run one suspect in a fresh one-process pool -> its result (failed if it dies)."""
    pool = _pool(1, max(1, os.cpu_count() or 1))
    try:
        with _script_not_rerun():
            future = pool.submit(work, task)
        return future.result()
    except BrokenProcessPool:
        return failed_result(task, "its worker process died twice while running it (killed, "
                             "out of memory, or a crash); retried once, then given up")
    except Exception as exc:  # noqa: BLE001
        return failed_result(task, f"{type(exc).__name__}: {exc}")
    except BaseException:
        stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True)
        clear_marker(task)


def run_pool(work, tasks, workers, take):
    """Run ``work(task)`` for every task on ``workers`` spawned processes; ``take`` gets
    each ``SeriesResult`` as it comes (and may raise to stop the collection)."""
    for task in tasks:
        clear_marker(task)
    pending = list(tasks)
    while pending:
        broken = _round(work, pending, workers, take)
        suspects = [task for task in broken if os.path.exists(_marker(task))]
        pending = [task for task in broken if task not in suspects]
        for task in suspects:
            clear_marker(task)
        with concurrent.futures.ThreadPoolExecutor(max(1, min(workers, len(suspects)))) \
                as threads:
            for result in threads.map(lambda task: _alone(work, task), suspects):
                take(result)
