"""SIGTERM during ``series_predictor.fit`` (a Python program the user runs): the
temporary run folder is removed, and the program still ends as SIGTERM ends it
(status -15, no traceback). It used to leave ``series-predictor-fit-*`` behind."""

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT

SCRIPT = """
import math, series_predictor as sp
values = [100 + 10 * math.sin(i / 2) + 0.2 * i for i in range(60)]
sp.fit(values, recipe="book", iterations=1000000, hidden_dim=8, report_every=1000)
print("finished")
"""


@pytest.mark.slow
def test_sigterm_during_fit_removes_its_temporary_folder(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen([sys.executable, "-c", SCRIPT], cwd=str(tmp_path),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, PYTHONPATH=ROOT, TMPDIR=str(temp)))
    deadline = time.time() + 120
    while time.time() < deadline and not any(
            (p / "checkpoint").is_dir() for p in temp.glob("series-predictor-fit-*")):
        time.sleep(0.2)
    time.sleep(1)  # training
    assert list(temp.glob("series-predictor-fit-*")), "the run never started"
    process.send_signal(signal.SIGTERM)
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("still running 10 s after SIGTERM")
    assert process.returncode == -signal.SIGTERM, err
    assert "Traceback" not in err and "finished" not in out
    assert [p.name for p in temp.iterdir() if p.name.startswith("series-predictor")] == []
    assert sorted(os.listdir(tmp_path)) == ["tmp"]  # nothing in the working folder


@pytest.mark.parametrize("fast", [False, True], ids=["default", "fast_training"])
def test_a_sigterm_whose_interrupt_was_lost_stops_training_at_the_next_step(fast, monkeypatch):
    """A SIGTERM's KeyboardInterrupt raised inside a callback Python ignores exceptions
    from (seen: an import lock's weakref callback) is lost; training used to go on (the
    test above then timed out). The handler's mark stops it at the next step or chunk."""
    import numpy as np
    from series_predictor import SeriesPredictor, process_guard
    from series_predictor.data_loader import make_windows
    from series_predictor.errors import TrainingInterrupted
    x, y = make_windows(np.sin(np.arange(80) / 3.0), 5)
    with SeriesPredictor(1, 5, 4, seed=0, fast_training=fast) as predictor:
        monkeypatch.setattr(process_guard._Terminated, "received", True)  # as _on_sigterm sets
        with pytest.raises(TrainingInterrupted, match="step 0"):
            predictor.train(x, y, iterations=3000, verbose=False)
