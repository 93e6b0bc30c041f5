"""Running a collection's series on a Dask ``distributed`` cluster (``--cluster``).

Why Dask rather than Ray: its futures API (``client.submit``, ``as_completed``) mirrors
``concurrent.futures``, so the local pool and the cluster run the same per-series
function the same way; it is a pure-Python install (``pip install
'series-predictor[cluster]'``); and ``LocalCluster`` gives a real multi-process cluster
on one machine for tests. Dask is imported only here, only when ``--cluster`` is used.

``--cluster local`` starts a LocalCluster on 127.0.0.1 (worker processes, one thread
each, no dashboard) and closes it after; any other value is the address of a running
scheduler (``tcp://host:8786``), whose workers must see OUT at the same path. When a
worker dies, the scheduler moves its series to another worker (up to its
``allowed-failures``, 3 by default) and then reports it (``KilledWorker``).
"""

import uuid

from .errors import SettingError

# How long to try to reach a scheduler given by address before refusing (Dask's own
# default, 30 s, kept a mistyped address waiting); a reachable one answers in well under.
CONNECT_TIMEOUT_S = 5
MISSING = ("--cluster needs Dask's distributed package, which is not installed: "
           "pip install 'series-predictor[cluster]'")


def _distributed():
    try:
        import distributed
    except ImportError:
        raise SettingError(MISSING) from None
    return distributed


def _client(distributed, address, workers):
    """A Client (and the LocalCluster it owns, or None)."""
    if address == "local":
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=True, host="127.0.0.1",
                                           dashboard_address=None)
        return distributed.Client(cluster), cluster
    try:
        return distributed.Client(address, timeout=f"{CONNECT_TIMEOUT_S}s"), None
    except (OSError, TimeoutError, ValueError) as exc:
        raise SettingError(f"cannot reach the Dask scheduler at {address!r}: {exc}") \
            from None


def runner(address):
    """``run(work, tasks, workers, take)`` submitting ``work(task)`` to the cluster."""
    distributed = _distributed()

    def run(work, tasks, workers, take):
        from .collection_pool import clear_marker
        from .collection_result import failed_result
        client, cluster = _client(distributed, address, workers)
        batch = uuid.uuid4().hex[:8]
        futures = {}
        try:
            for task in tasks:
                futures[client.submit(work, task, key=f"series-{batch}-{task[1]}",
                                      pure=False)] = task
            for future in distributed.as_completed(list(futures)):
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker and the like
                    result = failed_result(futures[future], f"{type(exc).__name__}: {exc}")
                clear_marker(futures[future])
                take(result)
        finally:
            client.cancel(list(futures))
            client.close()
            if cluster is not None:
                cluster.close()
    return run
