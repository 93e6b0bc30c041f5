"""Nothing lost: interrupted training, failed saves, early stopping (issue 5)."""

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from series_predictor import checkpoints, dummy
from series_predictor.errors import CheckpointNotFoundError
from simple_regression import SeriesPredictor


@pytest.fixture
def saved(tmp_path):
    p = SeriesPredictor(1, 4, 10, seed=0, checkpoint_dir=tmp_path)
    p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=200, verbose=False)
    yield p, tmp_path
    p.close()


def restored_predictions(folder):
    with SeriesPredictor(1, 4, 10, seed=1) as fresh:
        fresh.restore(folder)
        return fresh.predict(dummy.TEST_X)


def test_failure_before_the_state_file_is_updated_keeps_the_last_good(saved, monkeypatch):
    p, folder = saved
    good_prefix = p.save()
    good = p.predict(dummy.TEST_X)
    p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=5, verbose=False)  # saves again
    second = p.checkpoint
    second_predictions = p.predict(dummy.TEST_X)

    def crash(*_):
        raise OSError("simulated crash while switching checkpoints")
    monkeypatch.setattr(checkpoints, "_update_state", crash)
    with pytest.raises(OSError, match="simulated crash"):
        p.save()
    assert good_prefix != second
    assert np.array_equal(restored_predictions(folder), second_predictions)
    assert not np.array_equal(second_predictions, good)


def test_failure_while_writing_weights_keeps_the_last_good(saved, monkeypatch):
    p, folder = saved
    p.save()
    good = p.predict(dummy.TEST_X)

    def half_written(sess, prefix, **_):
        with open(prefix + ".index", "wb") as handle:
            handle.write(b"\x00garbage")  # a torn write
        raise OSError("No space left on device")
    monkeypatch.setattr(p.saver, "save", half_written)
    with pytest.raises(OSError, match="No space left"):
        p.save()
    assert np.array_equal(restored_predictions(folder), good)
    monkeypatch.undo()
    p.save()  # the next save works and clears the old files away
    assert np.array_equal(restored_predictions(folder), good)
    assert sorted(f for f in os.listdir(folder) if f.startswith("model.ckpt")) == \
        [os.path.basename(p.checkpoint) + ".data-00000-of-00001",
         os.path.basename(p.checkpoint) + ".index"]


def test_early_stopping_keeps_the_best_checkpoint(tmp_path):
    import data_loader
    data = data_loader.load_series(data_loader.bundled_data_path())
    train, test = data_loader.split_data(data)
    tx, ty = data_loader.make_windows(train, 5)
    vx, vy = data_loader.make_windows(test, 5)
    with SeriesPredictor(1, 5, 100, seed=0, checkpoint_dir=tmp_path) as p:
        history = p.train(tx, ty, vx, vy, iterations=3000, report_every=50, patience=3,
                          verbose=False)
        kept = p.predict(vx)
    assert history.stopped_early
    assert len(history.loss) < 3000
    best = min(history.report_test_loss)
    assert history.best_step == history.report_steps[history.report_test_loss.index(best)]
    assert history.report_test_loss[-1] > best  # it did get worse after the best
    with SeriesPredictor(1, 5, 100, seed=5) as fresh:
        fresh.restore(tmp_path)
        restored = fresh.predict(vx)
    assert np.array_equal(restored, kept)
    assert float(np.mean((restored - vy) ** 2)) == pytest.approx(best, rel=1e-5)


def test_ctrl_c_stops_cleanly_and_leaves_a_restorable_checkpoint(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "simple_regression.py"), "--iterations", "1000000",
         "--out", str(out)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONPATH=ROOT))
    try:
        for line in proc.stdout:
            if line.startswith("step 300:"):
                break
        else:
            pytest.fail("training never reached step 300: " + proc.stderr.read())
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "training interrupted at step" in err and "last good checkpoint:" in err
    prefix = err.strip().rsplit("last good checkpoint: ", 1)[1]
    assert prefix.startswith(str(out / "checkpoint"))
    with SeriesPredictor(1, 5, 100, seed=1) as fresh:
        assert fresh.restore(out / "checkpoint") == prefix
        windows = np.linspace(-1, 1, 10).reshape(2, 5, 1)
        assert np.all(np.isfinite(fresh.predict(windows)))


def test_interrupt_before_the_first_checkpoint_says_so(tmp_path, monkeypatch):
    p = SeriesPredictor(1, 4, 10, seed=0, checkpoint_dir=tmp_path)
    calls = {"n": 0}
    real_step = p._train_step

    def step_then_interrupt(*args):
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt
        return real_step(*args)
    monkeypatch.setattr(p, "_train_step", step_then_interrupt)
    with pytest.raises(KeyboardInterrupt, match="no checkpoint was saved yet"):
        p.train(dummy.TRAIN_X, dummy.TRAIN_Y, report_every=1000, verbose=False)
    with pytest.raises(CheckpointNotFoundError):
        p.restore()
    p.close()
