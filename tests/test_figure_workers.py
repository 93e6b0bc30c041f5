"""The console command's figures are drawn in worker processes (issue 18, "Affordable"):
the same bytes as drawn in-process, failures raised as they would be, a dead worker's
figures drawn here, and no worker outliving the command."""

import glob
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from conftest import ROOT, interrupt_after, run_python
from series_predictor import figure_workers
from series_predictor.errors import FigureError, OutputDirError, SeriesPredictorError


def _job(path, n=40, title="a series"):
    values = np.sin(np.arange(n) / 3.0) * 10 + 100
    return figure_workers.job("plot_series", np.arange(n), values, units="widgets",
                              title=title, path=str(path))


def _send(worker, ident, each):
    """Give ``worker`` the job ``each`` and write it all into its pipe, as the pool does."""
    worker.queue(ident, each, figure_workers._encode((ident, each.plot, each.args,
                                                      each.kwargs)))
    deadline = time.monotonic() + 60
    while worker.outbox and time.monotonic() < deadline:
        select.select([], [worker.proc.stdin], [], 1.0)
        worker.write()
    assert not worker.outbox, "the worker took no job"


def _gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone too, once reaped
        return stat.read().split(") ")[1][0] == "Z"


def test_the_worker_imports_matplotlib_and_never_tensorflow():
    result = run_python("import sys\nfrom series_predictor import figure_workers\n"
                        "figure_workers._load()\n"
                        "print('matplotlib' in sys.modules, 'tensorflow' in sys.modules)\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def test_without_workers_the_library_draws_in_process(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(figure_workers.FigureJob, "draw", lambda job: drawn.append(job.plot))
    figure_workers.draw_all([_job(tmp_path / "a.png"), _job(tmp_path / "b.png")])
    assert drawn == ["plot_series", "plot_series"] and figure_workers._pool is None


def test_workers_draw_the_same_bytes_two_at_a_time(tmp_path):
    jobs = [_job(tmp_path / f"w{i}.png", n=30 + i, title=f"figure {i}") for i in range(3)]
    with figure_workers.installed(2):
        pids = [w.proc.pid for w in figure_workers._pool.workers]
        figure_workers.draw_all(jobs)
        assert len(pids) == 2 and all(w.pending == {} for w in figure_workers._pool.workers)
    for i, job in enumerate(jobs):
        here = tmp_path / f"here{i}.png"
        figure_workers.job(job.plot, *job.args, **dict(job.kwargs, path=str(here))).draw()
        assert (tmp_path / f"w{i}.png").read_bytes() == here.read_bytes()
    assert all(_gone(pid) for pid in pids)  # reaped when the block ends


def test_a_failure_in_a_worker_is_raised_here_with_its_class_and_message(tmp_path):
    (tmp_path / "mine.png").write_bytes(b"a user's file")
    os.symlink(tmp_path / "mine.png", tmp_path / "link.png")
    os.mkfifo(tmp_path / "fifo.png")
    for name in ("link.png", "fifo.png"):
        with pytest.raises(OutputDirError) as here:
            _job(tmp_path / name).draw()
        with figure_workers.installed(2), pytest.raises(OutputDirError) as there:
            figure_workers.draw_all([_job(tmp_path / "ok.png"), _job(tmp_path / name)])
        assert str(there.value) == str(here.value) and "figure path" in str(here.value)
        assert (tmp_path / "ok.png").stat().st_size > 1000  # the other figure is written
    assert (tmp_path / "mine.png").read_bytes() == b"a user's file"
    assert os.path.islink(tmp_path / "link.png")


class _Unpicklable(Exception):
    """Unpicklable under any reducer: its lock does not pickle (its arguments alone would
    not rebuild it either, but tblib's reducer, installed process-wide once
    ``distributed`` is imported by another test, rebuilds it from them)."""

    def __init__(self, code, why):
        super().__init__(f"{why} ({code})")
        self.held = threading.Lock()


def test_an_exception_that_does_not_pickle_becomes_a_figure_error_naming_the_figure():
    kept = figure_workers._portable(OutputDirError("no"), _job("/x/a.png"))
    assert type(kept) is OutputDirError and str(kept) == "no"
    lost = figure_workers._portable(_Unpicklable(3, "odd"), _job("/x/forecast.png"))
    assert type(lost) is FigureError and isinstance(lost, (SeriesPredictorError, RuntimeError))
    assert str(lost) == "drawing forecast.png failed: _Unpicklable: odd (3)"
    assert (lost.figure, lost.kind, lost.detail) == ("forecast.png", "_Unpicklable", "odd (3)")
    back = pickle.loads(pickle.dumps(lost))  # it travels from the worker
    assert (type(back), str(back), back.figure, back.kind, back.detail) == (
        FigureError, str(lost), "forecast.png", "_Unpicklable", "odd (3)")


ODD_PLOTS = """
import threading
from series_predictor import plots
drawn = plots.plot_series
class Odd(Exception):
    def __init__(self, code, why):
        super().__init__(f"{why} ({code})")
        self.held = threading.Lock()  # never pickles
def plot_series(*args, **kwargs):
    if kwargs.get("path"):  # the warm-up figure has none
        raise Odd(3, "odd")
    return drawn(*args, **kwargs)
plots.plot_series = plot_series
"""

ODD_COMMAND = """
import sys
from series_predictor import chapter, cli, figure_workers
figure_workers._BOOT = figure_workers._BOOT.replace(  # the worker's plots raise Odd
    "from series_predictor.figure_workers",
    "sys.path.append({here!r}); import odd_plots; from series_predictor.figure_workers")
chapter.run_chapter = lambda config, log: figure_workers.draw_all([figure_workers.job(
    "plot_series", [0, 1], [0.0, 1.0], title="t", path={path!r})])
sys.argv = ["series-predictor", "--out", {out!r}]
cli.console_main()
"""


def test_the_command_says_a_worker_s_unpicklable_exception_in_one_line(tmp_path):
    """An exception that does not pickle came back as a RuntimeError, and the command
    showed a traceback; it is now one line naming the class and message, exit 1."""
    (tmp_path / "odd_plots.py").write_text(ODD_PLOTS)
    result = run_python(ODD_COMMAND.format(here=str(tmp_path), path=str(tmp_path / "f.png"),
                                           out=str(tmp_path / "run")), cwd=str(tmp_path))
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        "series-predictor: error: drawing f.png failed: Odd: odd (3)"], result.stderr
    assert not (tmp_path / "f.png").exists()


SLOW_PLOTS = """
import os, time
from series_predictor import plots

def wrap(drawn):
    def plot_series(*args, ballast=None, sleep=0.0, **kwargs):
        if kwargs.get("path"):  # the warm-up figure has none
            with open(kwargs["path"] + ".draws", "a") as marks:
                marks.write(str(os.getpid()) + " ")
            time.sleep(sleep)
        return drawn(*args, **kwargs)
    return plot_series

def install():
    plots.plot_series = wrap(plots.plot_series)
"""


@pytest.fixture
def slow_plots(tmp_path, monkeypatch):
    """``plot_series`` made to sleep ``sleep`` seconds (a keyword) and to append the pid
    that draws it to ``PATH.draws``, here and in the workers started from now on."""
    from series_predictor import plots
    (tmp_path / "slow_plots.py").write_text(SLOW_PLOTS)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "slow_plots", raising=False)
    import slow_plots
    monkeypatch.setattr(plots, "plot_series", slow_plots.wrap(plots.plot_series))
    monkeypatch.setattr(figure_workers, "_BOOT", figure_workers._BOOT.replace(
        "from series_predictor.figure_workers",
        f"sys.path.append({str(tmp_path)!r}); import slow_plots; slow_plots.install(); "
        "from series_predictor.figure_workers"))


def _slow_jobs(tmp_path, count, sleep):
    ballast = bytes(300_000)  # more than a pipe holds: a send waits for the worker
    return [figure_workers.job("plot_series", np.arange(40), np.arange(40.0), title=str(i),
                               path=str(tmp_path / f"f{i}.png"), ballast=ballast, sleep=sleep)
            for i in range(count)]


def _draws(tmp_path, i):
    return (tmp_path / f"f{i}.png.draws").read_text().split()


@pytest.mark.slow
@pytest.mark.usefixtures("slow_plots")
def test_a_figure_slower_than_half_the_stall_limit_is_drawn_once(tmp_path, monkeypatch):
    """The stall limit was shared: every send waited against one deadline, so a third job
    sent to a worker still drawing two figures of 60 s each timed out at 120 s; the
    worker was ended and its figures drawn again here, the first a second time (and a
    reply read late gave up every busy worker). Each figure now has the limit to itself:
    jobs of 0.6 times the limit, three to a worker, each drawn once, by its worker."""
    jobs = _slow_jobs(tmp_path, 5, sleep=1.2)
    with figure_workers.installed(2):
        workers = [w.proc for w in figure_workers._pool.workers]
        figure_workers.draw_all([_job(tmp_path / "warm0.png"), _job(tmp_path / "warm1.png")])
        monkeypatch.setattr(figure_workers, "STALL_S", 2.0)  # both imported: a job is timed
        figure_workers.draw_all(jobs)
        kept = [w.proc for w in figure_workers._pool.workers]
    pids = {str(p.pid) for p in workers}
    for i in range(5):
        assert len(_draws(tmp_path, i)) == 1 and _draws(tmp_path, i)[0] in pids, (i, pids)
        assert (tmp_path / f"f{i}.png").read_bytes()[:4] == b"\x89PNG"
    assert kept == workers  # none given up


@pytest.mark.slow
@pytest.mark.usefixtures("slow_plots")
def test_a_figure_slower_than_the_stall_limit_is_drawn_here_once_its_worker_is_gone(
        tmp_path, monkeypatch):
    """A worker that shows no progress for the limit is ended and reaped first; then its
    figure is drawn here: one writer at a time, no temporary file left."""
    with figure_workers.installed(1):
        worker = figure_workers._pool.workers[0].proc
        figure_workers.draw_all([_job(tmp_path / "warm.png")])
        monkeypatch.setattr(figure_workers, "STALL_S", 1.0)
        figure_workers.draw_all(_slow_jobs(tmp_path, 1, sleep=4.0))
        assert figure_workers._pool.workers == [] and worker.returncode == 128 + signal.SIGTERM
    assert _draws(tmp_path, 0) == [str(worker.pid), str(os.getpid())]
    assert (tmp_path / "f0.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(n for n in os.listdir(tmp_path) if n.startswith("f0")) == [
        "f0.png", "f0.png.draws"]  # no temporary file left


def test_a_dead_or_unstarted_worker_s_figures_are_drawn_here(tmp_path, monkeypatch):
    with figure_workers.installed(2):
        dead = figure_workers._pool.workers[0].proc
        dead.kill()
        dead.wait()
        figure_workers.draw_all([_job(tmp_path / f"{i}.png") for i in range(4)])
    assert all((tmp_path / f"{i}.png").stat().st_size > 1000 for i in range(4))
    monkeypatch.setattr(figure_workers, "_BOOT", "import sys; sys.exit(3)")  # dies at once
    with figure_workers.installed(2):
        figure_workers.draw_all([_job(tmp_path / f"b{i}.png") for i in range(3)])
    assert all((tmp_path / f"b{i}.png").stat().st_size > 1000 for i in range(3))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    with figure_workers.installed(2):
        assert figure_workers._pool.workers == []
        figure_workers.draw_all([_job(tmp_path / "c.png")])
    assert (tmp_path / "c.png").stat().st_size > 1000


def test_workers_ignore_ctrl_c_and_sigterm_leaves_no_half_written_figure(tmp_path):
    with figure_workers.installed(2):
        workers = figure_workers._pool.workers
        figure_workers.draw_all([_job(tmp_path / "before.png"), _job(tmp_path / "b2.png")])
        for worker in workers:
            worker.proc.send_signal(signal.SIGINT)
        figure_workers.draw_all([_job(tmp_path / "after-ctrl-c.png")])
        assert all(w.proc.poll() is None for w in workers)
        big = _job(tmp_path / "big.png", n=1_000_000)  # about a second of drawing
        worker = workers[0]
        _send(worker, 0, big)
        deadline = time.monotonic() + 60
        while not glob.glob(str(tmp_path / "big.png.tmp-*")) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert glob.glob(str(tmp_path / "big.png.tmp-*")), "the worker never began to write"
        worker.proc.terminate()
        assert worker.proc.wait(timeout=30) == 128 + signal.SIGTERM
        worker.pending.clear()
    assert (tmp_path / "after-ctrl-c.png").stat().st_size > 1000
    assert sorted(os.listdir(tmp_path)) == ["after-ctrl-c.png", "b2.png", "before.png"]


HARNESS = """
import atexit, sys
from series_predictor import cli, figure_workers
pids = []
start = figure_workers._Worker.__init__
def record(self, *args):
    start(self, *args)
    pids.append(self.proc.pid)
figure_workers._Worker.__init__ = record
atexit.register(lambda: print("PARENT", "matplotlib" in sys.modules, pids, flush=True))
sys.argv = ["series-predictor", "--iterations", "20", "--hidden-dim", "4", "--quiet",
            "--out", {out!r}]
cli.console_main()
"""


@pytest.mark.slow
def test_the_command_never_imports_matplotlib_and_leaves_no_worker(tmp_path):
    out = tmp_path / "run"
    result = run_python(HARNESS.format(out=str(out)), cwd=str(tmp_path),
                        env={"TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("PARENT"))
    imported, pids = line.split(" ", 2)[1:]
    pids = [int(p) for p in pids.strip("[]").split(", ")]
    assert imported == "False" and len(pids) == 2
    for name in ("predictions.png", "hallucinations.png", "loss.png", "forecast.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(_gone(pid) for pid in pids)
    assert sorted(os.listdir(tmp_path)) == ["run"] and ROOT  # nothing in the current folder


@pytest.mark.slow
def test_ctrl_c_during_the_command_ends_it_and_its_workers(tmp_path):
    code = HARNESS.format(out=str(tmp_path / "run")).replace(  # 5000 steps: ends anyway
        '"--quiet",', '"--report-every", "1",').replace('"20"', '"5000"')
    returncode, out, err = interrupt_after([sys.executable, "-c", code], "step 5:",
                                           cwd=str(tmp_path))
    assert returncode == 130, err
    pids = [int(p) for p in out.split("PARENT False [", 1)[1].split("]")[0].split(", ")]
    assert len(pids) == 2 and all(_gone(pid) for pid in pids)
    assert "Traceback" not in err


def test_workers_start_on_python_3_10_in_a_session_of_their_own(monkeypatch):
    """setup.py says Python >= 3.10, whose Popen has no ``process_group`` (3.11): a
    TypeError there ended the console command before its first line. A session of
    their own also keeps a terminal's SIGTTOU (``stty tostop``) from stopping them."""
    popen = subprocess.Popen

    def popen_3_10(*args, **kwargs):
        if "process_group" in kwargs:
            raise TypeError("__init__() got an unexpected keyword argument 'process_group'")
        return popen(*args, **kwargs)

    monkeypatch.setattr(figure_workers.subprocess, "Popen", popen_3_10)
    with figure_workers.installed(2):
        pids = [w.proc.pid for w in figure_workers._pool.workers]
        assert len(pids) == 2
        assert all(os.getsid(pid) == pid != os.getsid(0) for pid in pids)


def test_sending_a_large_job_takes_time_linear_in_its_size(monkeypatch):
    """A long series' job is tens of MB; a pipe takes 64 KiB a write. Slicing the bytes
    left after each write copied them again: 80 MB took 40 s (quadratic)."""
    written = []

    def write(fd, data):  # a reader that takes 64 KiB at a time, as a pipe does
        written.append(len(data[:1 << 16]))
        return written[-1]

    monkeypatch.setattr(figure_workers.os, "write", write)
    worker = figure_workers._Worker.__new__(figure_workers._Worker)
    pipe = type("Pipe", (), {"fileno": lambda self: 99})()
    worker.proc, worker.pending, worker.outbox = type("Proc", (), {"stdin": pipe})(), {}, []
    data = bytes(64 << 20)  # 64 MiB: 1024 writes; copying the rest each time is 32 GiB
    start = time.monotonic()
    worker.queue(0, "job", data)
    worker.write()
    assert sum(written) == len(data) and worker.pending == {0: "job"} and not worker.outbox
    assert time.monotonic() - start < 3.0  # 30 s before


def test_leaving_the_block_before_any_job_does_not_wait_for_the_workers_imports():
    """An error before the figures (a missing --data file) left the block at once, but
    the parent waited for both workers to import matplotlib one after the other before
    it printed the error (about 2 s against 0.3 s). A worker given no job is killed
    (SIGTERM's SystemExit can be lost in a weakref callback during an import)."""
    with figure_workers.installed(2):
        workers = [w.proc for w in figure_workers._pool.workers]
    assert len(workers) == 2
    assert [p.returncode for p in workers] == [-signal.SIGKILL] * 2  # it wrote nothing


def test_a_truncated_job_ends_the_worker_quietly():
    """The parent interrupted (Ctrl-C) while writing a job, then closing the pipe: the
    worker ends without a traceback on the user's terminal."""
    boot = figure_workers._BOOT.format(root=figure_workers._ROOT, after=-1, ready=-1)
    proc = subprocess.Popen([sys.executable, "-c", boot], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(figure_workers._HEADER.pack(1000) + b"\x80\x05 part",
                                timeout=120)
    assert (proc.returncode, out, err) == (0, b"", b"")


def test_sigterm_ends_a_worker_even_inside_a_weakref_callback(tmp_path):
    """SIGTERM raised SystemExit from its handler; landing in a weakref callback (matplotlib
    has many) it was printed as "Exception ignored" and lost: the worker drew on, and the
    parent waited 10 s, then killed it, leaving a half-written figure. The handler now
    removes the figure's temporary file itself and ends the process."""
    half = tmp_path / "f.png.tmp-{pid}-0badcafe"
    code = (
        "import os, signal, sys, weakref\n"
        "from series_predictor import figure_workers\n"
        "signal.signal(signal.SIGTERM, figure_workers._on_sigterm)\n"
        f"figure_workers._drawing = {str(tmp_path / 'f.png')!r}\n"
        f"open({str(half)!r}.format(pid=os.getpid()), 'wb').close()\n"
        "class Thing: pass\n"
        "thing = Thing()\n"
        "def callback(ref):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    sum(range(100000))\n"
        "ref = weakref.ref(thing, callback)\n"
        "del thing\n"
        "print('drew on', flush=True)\n")
    result = run_python(code, cwd=str(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (128 + signal.SIGTERM, "", "")
    assert os.listdir(tmp_path) == []
