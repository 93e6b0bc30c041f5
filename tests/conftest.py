import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_python(code, *, cwd=ROOT, timeout=300, env=None):
    """Run ``code`` in a fresh interpreter with the checkout on the path."""
    full_env = dict(os.environ, PYTHONPATH=ROOT, **(env or {}))
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def interrupt_after(args, line_start, *, cwd, timeout=120):
    """Run ``args`` with the checkout on the path and Ctrl-C's default handling (a shell
    started in the background makes its children ignore SIGINT), send SIGINT once a line
    of its standard output starts with ``line_start``
    -> ``(returncode, the rest of its standard output, its standard error)``."""
    import signal
    proc = subprocess.Popen(
        args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONPATH=ROOT),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for line in proc.stdout:
            if line.startswith(line_start):
                break
        else:
            pytest.fail(f"no line started with {line_start!r}: " + proc.stderr.read())
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=timeout)
    finally:
        proc.kill()
    return proc.returncode, out, err


def write_csv(folder, content, name="series.csv"):
    """Write ``content`` into ``folder/name`` and return the path (str).

    Text is written as UTF-8 exactly as given (``\r`` and ``\r\n`` kept); bytes as they are.
    """
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def monthly_csv(path, start_year, months=60, header="month,value"):
    """A ``YYYY-MM,value`` file of ``months`` rows from January of ``start_year``, with a
    season and a trend (``100 + 3 * month + i``) -> its path (str)."""
    rows = [header] + [f"{start_year + i // 12:04d}-{1 + i % 12:02d},{100 + (i % 12) * 3 + i}"
                       for i in range(months)]
    path.write_text("\n".join(rows) + "\n")
    return str(path)


@pytest.fixture
def airline_csv():
    from series_predictor.data_loader import bundled_data_path
    return bundled_data_path()


def quiet_log(*_):
    """A ``log`` for run_chapter that prints nothing."""


@pytest.fixture(scope="session")
def book_run(tmp_path_factory):
    """The chapter with the book's settings but 60 steps: one trained run, shared."""
    from series_predictor.chapter import ChapterConfig, run_chapter
    out = tmp_path_factory.mktemp("book-run")
    return run_chapter(ChapterConfig(iterations=60, report_every=20, out=str(out), quiet=True),
                       log=quiet_log)


@pytest.fixture(scope="session")
def ensemble_run(tmp_path_factory):
    """A small ensemble with a validation tail (so with intervals): shared."""
    from series_predictor.chapter import ChapterConfig, run_chapter
    out = tmp_path_factory.mktemp("ensemble-run")
    config = ChapterConfig(out=str(out), iterations=40, report_every=20, ensemble=3, seed=7,
                           log=True, diff=(12,), validation=12, normalize="train",
                           hidden_dim=16, horizon=30, quiet=True)
    return run_chapter(config, log=quiet_log)
