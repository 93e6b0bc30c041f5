"""Running a collection's series on a Dask ``distributed`` cluster (``--cluster``).

Why Dask rather than Ray: its futures API (``client.submit``, ``as_completed``) mirrors
``concurrent.futures``, so the local pool and the cluster run the same per-series
function the same way; it is a pure-Python install (``pip install
'series-predictor[cluster]'``); and ``LocalCluster`` gives a real multi-process cluster
on one machine for tests. Dask is imported only here, only when ``--cluster`` is used.

``--cluster local`` starts a LocalCluster on 127.0.0.1 (worker processes, one thread
each, no dashboard) and closes it after; any other value is the address of a running
scheduler, ``tcp://127.0.0.1:PORT`` on this machine, whose workers must see OUT at the
same path. No other host is ever connected to (``check_address``, before anything is
read) unless named in ``SERIES_PREDICTOR_CLUSTER_HOSTS`` (comma-separated hosts the
user trusts: a scheduler runs whatever its clients submit, and receives the data). When a
worker dies, the scheduler moves its series to another worker (up to its
``allowed-failures``, 3 by default) and then reports it (``KilledWorker``).
"""

import os
import re
import threading
import uuid

from .errors import SettingError

# How long to try to reach a scheduler given by address before refusing (Dask's own
# default, 30 s, kept a mistyped address waiting); a reachable one answers in well under.
CONNECT_TIMEOUT_S = 5
ANSWER_GRACE_S = 3      # beyond it, what answers is no Dask scheduler (see ``_connect``)
LOOPBACK = "127.0.0.1"
TRUSTED_HOSTS = "SERIES_PREDICTOR_CLUSTER_HOSTS"  # more hosts, comma-separated, opt-in
_ADDRESS = re.compile(r"(?:tcp://)?([A-Za-z0-9.-]+):([0-9]{1,5})")
MISSING = ("--cluster needs Dask's distributed package, which is not installed: "
           "pip install 'series-predictor[cluster]'")


def _distributed():
    try:
        import distributed
    except ImportError:
        raise SettingError(MISSING) from None
    return distributed


def check_address(address):
    """Refuse a ``--cluster`` value other than ``local`` or ``[tcp://]HOST:PORT`` with HOST
    127.0.0.1 (or a host listed in ``SERIES_PREDICTOR_CLUSTER_HOSTS``) and PORT 1..65535,
    before anything is read or connected to: ``localhost``, other loopback spellings
    (``127.1``, ``[::1]``, ``0x7f000001``), other schemes (``tls://``, ``ws://``) and
    every other host are no target.

    Raises:
        SettingError: naming the address and the forms accepted.
    """
    if address == "local":
        return
    trusted = {LOOPBACK} | {h.strip() for h in os.environ.get(TRUSTED_HOSTS, "").split(",")
                            if h.strip()}
    match = _ADDRESS.fullmatch(address) if isinstance(address, str) else None
    if match and match.group(1) in trusted and 1 <= int(match.group(2)) <= 65535:
        return
    raise SettingError(f"--cluster {address!r} is refused (nothing was connected to): "
                       f"expected 'local' or a Dask scheduler on this machine, "
                       f"tcp://{LOOPBACK}:PORT with PORT 1..65535; another host is used "
                       f"only when listed in the environment variable {TRUSTED_HOSTS} "
                       "(a scheduler runs what it is sent and receives the data)")


def _client(distributed, address, workers):
    """A Client (and the LocalCluster it owns, or None)."""
    if address == "local":
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=True, host="127.0.0.1",
                                           dashboard_address=None)
        return distributed.Client(cluster), cluster
    return _connect(distributed, address), None


def _connect(distributed, address):
    """A Client of the scheduler at ``address``, or SettingError within about
    ``CONNECT_TIMEOUT_S + ANSWER_GRACE_S``: Dask's own timeout covers the connection but
    not the scheduler's answer, so a port where another program listens (a web server)
    kept the command waiting for ever. The Client is made in a daemon thread, left
    behind if it never answers."""
    box = {}

    def connect():
        try:
            box["client"] = distributed.Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
        except BaseException as exc:  # noqa: BLE001 - reported below, in the caller
            box["error"] = exc
    thread = threading.Thread(target=connect, name="series-predictor-dask-connect",
                              daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT_S + ANSWER_GRACE_S)
    if thread.is_alive():
        raise SettingError(f"cannot reach the Dask scheduler at {address!r}: nothing answered "
                           f"as a Dask scheduler within {CONNECT_TIMEOUT_S + ANSWER_GRACE_S} s "
                           "(is another program listening on that port?)")
    if "error" in box:
        exc = box["error"]
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise exc
        why = str(exc) if isinstance(exc, (OSError, TimeoutError, ValueError)) else \
            f"{type(exc).__name__}: {exc} (is another program listening on that port?)"
        raise SettingError(f"cannot reach the Dask scheduler at {address!r}: {why}")
    return box["client"]


def runner(address):
    """``run(work, tasks, workers, take)`` submitting ``work(task)`` to the cluster."""
    check_address(address)
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
