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
