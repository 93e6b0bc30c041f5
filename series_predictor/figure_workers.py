"""The command's figures, drawn in worker processes off its critical path (issue 18).

The console command spends about 4.5 s importing TensorFlow on one core while the
other idles. For a single run, ``cli`` enters ``installed()`` before anything imports
TensorFlow: it starts ``WORKERS`` fresh interpreters (``subprocess``, never fork)
that import numpy, matplotlib and ``plots`` (never TensorFlow), one after the other,
on the idle core, then wait for jobs on their standard input. ``draw_all(jobs)``
(``outputs.write_figures``) sends each figure to the least busy worker, so that two
are drawn at a time, and returns once all are written; the parent never imports
matplotlib (about 0.5 s) and waits about 0.45 s instead of about 1.3 s.

The design: a figure is a ``FigureJob``, a ``plots`` function's name and its
arguments (arrays, strings, dicts: picklable), so that where it is drawn is decided
here alone. The only state is the pool that ``installed()`` sets for the length of
its block, and only the console command enters it: the library (``run_chapter``,
``fit``, notebooks, tests) draws in its own process, in order, exactly as before.

Failures: a job that raises in a worker raises here, same class and message (a
``FigureError``, a RuntimeError, naming the figure and the exception's class and
message when the exception does not pickle: the command says it in one line). A worker that
did not start, died (end of file on its pipe) or stalled is ended and reaped, and the
jobs it did not finish are drawn in this process: a figure is never skipped, nor
drawn twice, nor written by two processes at once. A worker stalls when it shows no
progress for ``STALL_S`` seconds: it takes no bytes of its jobs, and reports no job
started or done (so each figure has ``STALL_S`` seconds of its own, however many
jobs are queued before it; a shared limit once redrew figures slower than about 60 s).

Lifecycle: workers run in a session of their own and ignore SIGINT (the
parent handles Ctrl-C); they end at the end of their input (so the parent's exit,
``os._exit`` included, ends them) and at SIGTERM, removing a half-written figure.
Leaving ``installed()`` closes their input and reaps them (SIGTERM first to one that
still has jobs, after Ctrl-C; SIGKILL to one never sent a job: an error before the
figures does not wait for its imports).

Protocol: a message is an 8-byte big-endian length and a pickle: a job
``(id, plot, args, kwargs)`` in; ``(id, "start", None)`` out when the worker begins it
and ``(id, "done", exception or None)`` when it is written or failed.
"""

import contextlib
import dataclasses
import io
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import time

from .errors import FigureError

WORKERS = 2
STALL_S = 120.0  # seconds of no progress (one figure's drawing) before a worker is given up
_HEADER = struct.Struct("!Q")
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The worker's first lines: ignore Ctrl-C before any import; this package, not one in
# the current folder (``-c`` would put the current folder first on the path).
_BOOT = ("import signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
         "sys.path[0] = {root!r}; from series_predictor.figure_workers import serve; "
         "serve({after}, {ready})")
_pool = None  # the running workers, set only inside ``installed()``
_drawing = None  # in a worker: the path of the figure being drawn


@dataclasses.dataclass(frozen=True)
class FigureJob:
    """One figure: ``plots.<plot>(*args, **kwargs)``; ``kwargs["path"]`` names its file."""
    plot: str
    args: tuple
    kwargs: dict

    def draw(self):
        """Draw it in this process -> the matplotlib Figure."""
        from . import plots
        return getattr(plots, self.plot)(*self.args, **self.kwargs)


def job(plot, *args, **kwargs):
    """``FigureJob`` of ``plots.<plot>(*args, **kwargs)``."""
    return FigureJob(plot, args, kwargs)


def draw_all(jobs):
    """Draw every job (in the workers when ``installed()`` started them, else here, in
    order) and return once each file is written; raise the first job's failure."""
    if _pool is None:
        for each in jobs:
            each.draw()
        return
    failures = _pool.draw(list(jobs))
    if failures:
        raise failures[min(failures)]


@contextlib.contextmanager
def installed(count=WORKERS):
    """Within the block, ``draw_all`` uses ``count`` worker processes (none: 0)."""
    global _pool
    if count <= 0 or _pool is not None:
        yield
        return
    _pool = _Pool(count)
    try:
        yield
    finally:
        pool, _pool = _pool, None
        pool.close()


def _encode(message):
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _portable(exc, each):
    """``exc`` if it pickles back to the same class and message, else a ``FigureError``
    naming the figure, the exception's class and its message."""
    with contextlib.suppress(Exception):
        back = pickle.loads(pickle.dumps(exc))
        if type(back) is type(exc) and str(back) == str(exc):
            return exc
    name = os.path.basename(str(each.kwargs.get("path") or each.plot))
    return FigureError(name, type(exc).__name__, str(exc))


class _Worker:
    """One worker process, with the jobs sent to it and not yet answered.

    ``pending``: id -> job not yet answered; ``outbox``: the encoded jobs not yet in its
    pipe (memoryviews: the rest of a large job is never copied); ``progress``: when it
    last showed progress (took bytes, reported a job started or done), ``time.monotonic``.
    """

    def __init__(self, after, ready):
        boot = _BOOT.format(root=_ROOT, after=after, ready=ready)
        self.proc = subprocess.Popen([sys.executable, "-c", boot], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     pass_fds=[fd for fd in (after, ready) if fd >= 0],
                                     start_new_session=True)  # a terminal's signals are
        os.set_blocking(self.proc.stdin.fileno(), False)  # the parent's (3.10: no process_group)
        self.pending, self.outbox, self.buffer, self.sent = {}, [], b"", False
        self.progress = time.monotonic()

    def queue(self, ident, each, data):
        """Give it the job ``each`` (``data``: encoded), written as its pipe has room
        (``write``); its stall clock starts now when it had nothing to do."""
        if not self.pending:
            self.progress = time.monotonic()
        self.pending[ident] = each
        self.outbox.append(memoryview(data))
        self.sent = True

    def write(self):
        """Write what its pipe takes now, without waiting; OSError when it is gone."""
        fd = self.proc.stdin.fileno()
        while self.outbox:
            try:
                written = os.write(fd, self.outbox[0])
            except BlockingIOError:
                return
            self.progress = time.monotonic()
            self.outbox[0] = self.outbox[0][written:]
            if not len(self.outbox[0]):
                self.outbox.pop(0)

    def receive(self):
        """Read what is there -> [(id, "start" or "done", exception or None)]; EOFError
        when it ended."""
        chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
        if not chunk:
            raise EOFError
        self.buffer += chunk
        self.progress = time.monotonic()
        replies = []
        while len(self.buffer) >= _HEADER.size:
            size = _HEADER.unpack_from(self.buffer)[0]
            if len(self.buffer) < _HEADER.size + size:
                break
            replies.append(pickle.loads(self.buffer[_HEADER.size:_HEADER.size + size]))
            self.buffer = self.buffer[_HEADER.size + size:]
        return replies

    def end(self):
        """Close its input: it ends (SIGTERM when it still has jobs, e.g. after Ctrl-C;
        SIGKILL when it was never sent one: it writes nothing, and an error before the
        figures need not wait for its imports)."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        if self.proc.poll() is None:
            if not self.sent:
                self.proc.kill()
            elif self.pending:
                self.proc.terminate()

    def close(self):
        """End the worker and reap it -> the replies it wrote before it ended (read
        after it is gone: a job it finished is never drawn again)."""
        self.end()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        replies = []
        with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):
            while select.select([self.proc.stdout], [], [], 0)[0]:
                replies += self.receive()
        self.proc.stdout.close()
        return replies


class _Pool:
    def __init__(self, count):
        """Start ``count`` workers that import one after the other (each waits for the
        end of file on a pipe that the one before closes once it has imported): two
        importing at once beside TensorFlow's import slowed it by 0.4-0.6 s."""
        self.workers, after = [], -1
        for k in range(count):
            after_this, ready = os.pipe() if k < count - 1 else (-1, -1)
            with contextlib.suppress(OSError, ValueError, subprocess.SubprocessError):
                self.workers.append(_Worker(after, ready))  # else drawn here
            for fd in (after, ready):  # the worker holds its own copies
                if fd >= 0:
                    os.close(fd)
            after = after_this

    def draw(self, jobs):
        """Draw ``jobs`` -> {index: exception} of those that failed."""
        failures, local = {}, []
        for ident, each in enumerate(jobs):
            worker = min(self.workers, key=lambda w: len(w.pending), default=None)
            try:
                message = _encode((ident, each.plot, each.args, each.kwargs))
            except Exception:  # noqa: BLE001 - a job that does not pickle is drawn here
                worker = None
            if worker is None:
                local.append(ident)
            else:
                worker.queue(ident, each, message)
        self._collect(failures, local)
        for ident in sorted(local):  # drawn here, as without workers
            try:
                jobs[ident].draw()
            except Exception as exc:  # noqa: BLE001 - raised by draw_all, in job order
                failures[ident] = exc
        return failures

    def _collect(self, failures, local):
        """Feed the workers their jobs and read their reports until every job is answered
        or given up. A worker is given up (``_drop``) when it is gone, or when it showed
        no progress for ``STALL_S`` seconds: each job's own drawing time counts from
        the worker's report that it started it, never another job's."""
        while any(w.pending for w in self.workers):
            now = time.monotonic()
            for worker in [w for w in self.workers if w.pending]:
                if now - worker.progress > STALL_S:  # stalled: its jobs are drawn here
                    self._drop(worker, failures, local)
            busy = [w for w in self.workers if w.pending]
            if not busy:
                return
            readers = {w.proc.stdout.fileno(): w for w in busy}
            writers = {w.proc.stdin.fileno(): w for w in busy if w.outbox}
            wait = max(0.0, min(w.progress for w in busy) + STALL_S - now)
            readable, writable, _ = select.select(list(readers), list(writers), [], wait)
            for worker in [writers[fd] for fd in writable]:
                try:
                    worker.write()
                except OSError:  # gone
                    self._drop(worker, failures, local)
            for worker in [readers[fd] for fd in readable if readers[fd] in self.workers]:
                try:
                    self._answered(worker, worker.receive(), failures)
                except (EOFError, OSError, pickle.UnpicklingError):
                    self._drop(worker, failures, local)

    @staticmethod
    def _answered(worker, replies, failures):
        """Note ``replies`` of ``worker``: a job done leaves its pending jobs."""
        for ident, event, exc in replies:
            if event == "done" and worker.pending.pop(ident, None) is not None \
                    and exc is not None:
                failures[ident] = exc

    def _drop(self, worker, failures, local):
        """Give up on ``worker``: end it and reap it (SIGTERM: a half-written figure is
        removed), take the answers it wrote before it ended, and draw the rest of its
        jobs here, once it is gone: never two writers of one figure."""
        self.workers.remove(worker)
        if worker.proc.poll() is None:
            worker.proc.terminate()
        self._answered(worker, worker.close(), failures)
        local.extend(worker.pending)
        worker.pending.clear()

    def close(self):
        for worker in self.workers:  # all told first, then each reaped
            worker.end()
        for worker in self.workers:
            worker.close()
        self.workers = []


def _load():
    """What a worker imports: numpy, matplotlib and ``plots`` (never TensorFlow)."""
    from . import plots
    return plots


def _on_sigterm(signum, frame):
    """Remove the half-written figure (``atomic.temporary_path``'s name) and end at once:
    a SystemExit raised here is lost when it lands in a weakref callback."""
    if _drawing is not None:
        from .atomic import remove_temporaries
        remove_temporaries(_drawing)
    os._exit(128 + signum)


def serve(after=-1, ready=-1):
    """A worker's life: wait for the end of file on ``after`` (the worker before has
    imported, or is gone), import, close ``ready``, then draw each job read from
    standard input and answer on standard output, until the input ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print goes to standard error, never into the replies
    jobs = sys.stdin.buffer
    if after >= 0:
        os.read(after, 1)
        os.close(after)
    plots = _load()
    # One small figure, thrown away: fonts and the renderer are loaded now, while the
    # parent imports TensorFlow, not when its figures wait (about 50 ms a worker).
    plots.plot_series([0, 1], [0.0, 1.0], title="warm-up").savefig(io.BytesIO(), format="png")
    if ready >= 0:
        os.close(ready)
    while True:
        header = jobs.read(_HEADER.size)
        if len(header) < _HEADER.size:
            os._exit(0)  # the parent is done (or gone)
        size = _HEADER.unpack(header)[0]
        body = jobs.read(size)
        if len(body) < size:
            os._exit(0)  # the parent stopped while writing it (Ctrl-C)
        ident, plot, args, kwargs = pickle.loads(body)
        _report(replies, (ident, "start", None))  # the parent's stall clock restarts
        _report(replies, (ident, "done", _draw_one(FigureJob(plot, args, kwargs))))


def _draw_one(each):
    """Draw ``each`` in this worker -> None, or the exception to send (``_portable``)."""
    global _drawing
    _drawing = os.fspath(each.kwargs.get("path") or "") or None  # for SIGTERM's handler
    try:
        each.draw()
        return None
    except Exception as error:  # noqa: BLE001 - sent to the parent, raised there
        return _portable(error, each)
    finally:
        _drawing = None


def _report(replies, message):
    """Send ``message`` to the parent; end quietly when it is gone."""
    try:
        replies.write(_encode(message))
        replies.flush()
    except BrokenPipeError:
        os._exit(0)
