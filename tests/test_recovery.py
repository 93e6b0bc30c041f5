"""Nothing lost: interrupted training, failed saves, early stopping (issue 5)."""

import errno
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, interrupt_after
from series_predictor import checkpoints, dummy
from series_predictor.errors import (CheckpointNotFoundError, NotTrainedError, OutputDirError,
                                     TrainingDiverged, TrainingInterrupted)
from simple_regression import SeriesPredictor


@pytest.fixture
def saved(tmp_path):
    p = SeriesPredictor(1, 4, 10, seed=0, checkpoint_dir=tmp_path)
    p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=200, verbose=False)
    yield p, tmp_path
    p.close()


def restored_predictions_of(folder, hidden_dim):
    """What a fresh predictor predicts for TEST_X after restore(folder)."""
    with SeriesPredictor(1, 4, hidden_dim, seed=1) as fresh:
        fresh.restore(folder)
        return fresh.predict(dummy.TEST_X)


def restored_predictions(folder):
    return restored_predictions_of(folder, 10)


def move_weights(p, steps=20):
    """Change the session's weights without saving (a few Adam steps)."""
    before = p.predict(dummy.TEST_X)
    for _ in range(steps):
        p._train_step(dummy.TRAIN_X, dummy.TRAIN_Y)
    assert not np.allclose(p.predict(dummy.TEST_X), before, atol=1e-3)


def checkpoint_files(folder):
    return sorted(f for f in os.listdir(folder) if f.startswith("model.ckpt"))


@pytest.mark.slow
def test_failure_before_the_state_file_is_updated_keeps_the_last_good(saved, monkeypatch):
    p, folder = saved
    good_prefix = p.save()
    good = p.predict(dummy.TEST_X)
    good_files = checkpoint_files(folder)
    move_weights(p)  # the failed save holds other weights than the good one
    unsaved = p.predict(dummy.TEST_X)

    def crash(*_):
        raise OSError("simulated crash while switching checkpoints")
    monkeypatch.setattr(checkpoints, "write_state", crash)
    with pytest.raises(OutputDirError, match="simulated crash"):
        p.save()
    assert checkpoints.read_state(str(folder)) == good_prefix
    assert np.array_equal(restored_predictions(folder), good)
    assert not np.allclose(unsaved, good, atol=1e-3)
    assert checkpoint_files(folder) == good_files  # the failed save left nothing


@pytest.mark.slow
def test_failure_while_writing_weights_keeps_the_last_good(saved, monkeypatch):
    p, folder = saved
    good_prefix = p.save()
    good = p.predict(dummy.TEST_X)
    good_files = checkpoint_files(folder)
    move_weights(p)

    def half_written(sess, saver_def, prefix):
        with open(prefix + ".index", "wb") as handle:
            handle.write(b"\x00garbage")  # a torn write
        with open(prefix + ".data-00000-of-00001.tempstate123", "wb") as handle:
            handle.write(b"\x00" * 100)
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(checkpoints, "_run_save_op", half_written)
    with pytest.raises(OutputDirError) as info:
        p.save()
    assert str(info.value) == \
        f"cannot save a checkpoint into {str(folder)!r}: No space left on device"
    assert checkpoint_files(folder) == good_files
    assert checkpoints.read_state(str(folder)) == good_prefix
    assert np.array_equal(restored_predictions(folder), good)
    monkeypatch.undo()
    p.save()  # the next save works and clears the old files away
    assert np.array_equal(restored_predictions(folder), p.predict(dummy.TEST_X))
    base = os.path.basename(p.checkpoint)
    assert checkpoint_files(folder) == [base + ".data-00000-of-00001", base + ".index",
                                        base + ".json"]


@pytest.mark.slow
def test_a_tensorflow_save_error_ends_in_one_line(saved, monkeypatch):
    import tensorflow as tf
    p, folder = saved
    good_prefix = p.save()

    def op_failed(sess, saver_def, prefix):
        open(prefix + ".data-00000-of-00001.tempstate9", "wb").close()
        raise tf.errors.PermissionDeniedError(
            None, None, "Graph execution error:\n\nDetected at node 'save/SaveV2' defined at "
            "(most recent call last):\n    File \"x.py\", line 1\nNode: 'save/SaveV2'\n"
            f"{prefix}.data-00000-of-00001.tempstate9; Permission denied\n"
            "\t [[{{node save/SaveV2}}]]")
    monkeypatch.setattr(checkpoints, "_run_save_op", op_failed)
    with pytest.raises(OutputDirError) as info:
        p.save()
    assert str(info.value) == f"cannot save a checkpoint into {str(folder)!r}: Permission denied"
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert checkpoints.read_state(str(folder)) == good_prefix
    assert not [f for f in os.listdir(folder) if "tempstate" in f]


@pytest.mark.slow
def test_a_folder_that_cannot_be_made_is_an_output_dir_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    with SeriesPredictor(1, 4, 4, seed=0, checkpoint_dir=blocker / "ckpt") as p:
        with pytest.raises(OutputDirError, match=r"cannot save a checkpoint into .*a-file/ckpt"
                                                 r"'?: (Not a directory|File exists)"):
            p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=2, verbose=False)


EFBIG_SCRIPT = """
import os, resource, signal, sys
from series_predictor import SeriesPredictor, checkpoints, dummy
from series_predictor.errors import OutputDirError
folder = sys.argv[1]
p = SeriesPredictor(1, 4, 32, seed=0, checkpoint_dir=folder)
p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=5, verbose=False)
good = p.checkpoint
data = os.path.getsize(good + ".data-00000-of-00001")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the OS then returns EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (data // 2, resource.RLIM_INFINITY))
for _ in range(3):
    p._train_step(dummy.TRAIN_X, dummy.TRAIN_Y)
try:
    p.save()
except OutputDirError as exc:
    print("ERROR", exc)
print("CURRENT", checkpoints.read_state(folder) == good, p.checkpoint == good)
print("FILES", sorted(os.listdir(folder)))
print("DATA", data)
"""


@pytest.mark.slow
def test_a_file_too_large_for_the_os_keeps_the_last_good(tmp_path):
    folder = tmp_path / "ckpt [1]"
    result = subprocess.run([sys.executable, "-c", EFBIG_SCRIPT, str(folder)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert int(lines["DATA"]) > 10000  # big enough for the limit to bite
    assert lines["ERROR"] == f"cannot save a checkpoint into {str(folder)!r}: File too large"
    assert lines["CURRENT"] == "True True"
    assert lines["FILES"] == repr(["checkpoint", "model.ckpt-2.data-00000-of-00001",
                                   "model.ckpt-2.index", "model.ckpt-2.json"])
    assert result.stderr == ""


@pytest.mark.slow
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
    best = history.best_monitor_loss
    assert history.best_step == history.report_steps[history.report_monitor_loss.index(best)]
    assert history.report_monitor_loss[-1] > best  # it did get worse after the best
    with SeriesPredictor(1, 5, 100, seed=5) as fresh:
        fresh.restore(tmp_path)
        restored = fresh.predict(vx)
    assert np.array_equal(restored, kept)
    assert float(np.mean((restored - vy) ** 2)) == pytest.approx(best, rel=1e-5)


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_leaves_a_restorable_checkpoint(tmp_path):
    out = tmp_path / "out [1] * ü"  # glob characters, a space, unicode
    returncode, _, err = interrupt_after(
        [sys.executable, os.path.join(ROOT, "simple_regression.py"), "--iterations", "1000000",
         "--out", str(out)], "step 300:", cwd=tmp_path)
    assert returncode == 130
    assert "Traceback" not in err
    assert "training interrupted at step" in err and "last good checkpoint:" in err
    prefix = err.strip().rsplit("last good checkpoint: ", 1)[1]
    assert prefix.startswith(str(out / "checkpoint" / "model.ckpt-"))
    with SeriesPredictor(1, 5, 100, seed=1) as fresh:
        assert fresh.restore(out / "checkpoint") == prefix
        windows = np.linspace(-1, 1, 10).reshape(2, 5, 1)
        assert np.all(np.isfinite(fresh.predict(windows)))


def interrupt_at(p, monkeypatch, step, error=KeyboardInterrupt):
    """Make training step number ``step`` (0-based) raise ``error``."""
    calls = {"n": 0}
    real_step = p._train_step

    def step_then_interrupt(*args):
        calls["n"] += 1
        if calls["n"] == step + 1:
            raise error
        return real_step(*args)
    monkeypatch.setattr(p, "_train_step", step_then_interrupt)


@pytest.mark.slow
def test_interrupt_before_the_first_checkpoint_says_so(tmp_path, monkeypatch):
    p = SeriesPredictor(1, 4, 10, seed=0, checkpoint_dir=tmp_path)
    interrupt_at(p, monkeypatch, 0)
    with pytest.raises(TrainingInterrupted, match="no checkpoint of this run was saved yet") \
            as info:
        p.train(dummy.TRAIN_X, dummy.TRAIN_Y, report_every=1000, verbose=False)
    assert info.value.checkpoint is None
    with pytest.raises(CheckpointNotFoundError):
        p.restore()
    p.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["p [1]", "a*b?c", "back\\slash", "sp ace 'q\"", "ünï %s"])
def test_interrupt_in_a_folder_of_any_name_names_the_last_good(tmp_path, monkeypatch, name):
    folder = tmp_path / "runs" / name
    with SeriesPredictor(1, 4, 4, seed=0, checkpoint_dir=folder) as p:
        interrupt_at(p, monkeypatch, 25)
        with pytest.raises(TrainingInterrupted) as info:
            p.train(dummy.TRAIN_X, dummy.TRAIN_Y, report_every=10, verbose=False)
        assert str(info.value) == ("training interrupted at step 25; last good checkpoint: "
                                   f"{folder / 'model.ckpt-3'}")
        assert info.value.checkpoint == str(folder / "model.ckpt-3") == p.checkpoint
        kept = p.predict(dummy.TEST_X)
    with SeriesPredictor(1, 4, 4, seed=1) as fresh:
        assert fresh.restore(folder) == info.value.checkpoint
        assert np.array_equal(fresh.predict(dummy.TEST_X), kept)


def old_run(folder, hidden_dim=6):
    """A finished earlier run, of another shape, in ``folder``; return its checkpoint."""
    with SeriesPredictor(1, 4, hidden_dim, seed=3, checkpoint_dir=folder) as earlier:
        return earlier.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=3, verbose=False).checkpoint


@pytest.mark.slow
def test_interrupt_never_names_an_earlier_runs_checkpoint(tmp_path, monkeypatch):
    earlier = old_run(tmp_path)
    with SeriesPredictor(1, 4, 4, seed=0, checkpoint_dir=tmp_path) as p:
        interrupt_at(p, monkeypatch, 0)  # step 0 is the first report: nothing saved yet
        with pytest.raises(TrainingInterrupted) as info:
            p.train(dummy.TRAIN_X, dummy.TRAIN_Y, verbose=False)
        assert info.value.checkpoint is None
        assert str(info.value) == ("training interrupted at step 0; no checkpoint of this run "
                                   "was saved yet")
        with pytest.raises(NotTrainedError):
            p.predict(dummy.TEST_X)  # not the earlier run's weights either
        with pytest.raises(CheckpointNotFoundError, match="no checkpoint of this run"):
            p.restore()
    assert checkpoints.read_state(str(tmp_path)) == earlier  # left as it was


@pytest.mark.slow
def test_divergence_never_names_an_earlier_runs_checkpoint(tmp_path):
    old_run(tmp_path)
    huge_x, huge_y = np.array(dummy.TRAIN_X) * 1e20, np.array(dummy.TRAIN_Y) * 1e20
    with SeriesPredictor(1, 4, 4, seed=0, checkpoint_dir=tmp_path) as p:
        with pytest.raises(TrainingDiverged) as info:
            p.train(huge_x, huge_y, iterations=50, verbose=False)
        assert (info.value.step, info.value.checkpoint) == (0, None)
        assert str(info.value) == (
            "training diverged at step 0: the loss is inf; scale the data down (normalize it);"
            " no checkpoint of this run was saved before it, so the predictor is not trained")
        with pytest.raises(NotTrainedError):
            p.predict(dummy.TEST_X)


def all_weights_finite(prefix, hidden_dim):
    with SeriesPredictor(1, 4, hidden_dim, seed=0) as fresh:
        fresh.restore(prefix)
        values = fresh.sess.run(fresh.graph.get_collection("variables"))
    return all(np.all(np.isfinite(v)) for v in values)


@pytest.mark.slow
def test_a_non_finite_loss_stops_training_and_keeps_the_last_finite_checkpoint(tmp_path):
    with SeriesPredictor(1, 4, 4, seed=0, learning_rate=1e30, checkpoint_dir=tmp_path) as p:
        with pytest.raises(TrainingDiverged) as info:
            p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=300, report_every=1,
                    verbose=False)
        exc = info.value
        assert isinstance(exc, FloatingPointError)
        assert exc.step == 1  # Adam's first step at 1e30 overflows the loss at once
        assert str(exc) == ("training diverged at step 1: the loss is inf; try a learning_rate "
                            "below 1e+30; restored the last finite checkpoint: "
                            f"{tmp_path / 'model.ckpt-1'}")
        assert exc.checkpoint == str(tmp_path / "model.ckpt-1") == p.checkpoint
        assert checkpoints.read_state(str(tmp_path)) == exc.checkpoint
        assert checkpoint_files(tmp_path) == ["model.ckpt-1.data-00000-of-00001",
                                              "model.ckpt-1.index", "model.ckpt-1.json"]
        kept = p.predict(dummy.TEST_X)
        assert np.all(np.isfinite(kept))
    assert all_weights_finite(tmp_path, 4)
    assert np.array_equal(restored_predictions_of(tmp_path, 4), kept)


@pytest.mark.slow
def test_non_finite_weights_are_never_saved(tmp_path, monkeypatch):
    with SeriesPredictor(1, 4, 4, seed=0, checkpoint_dir=tmp_path) as p:
        verdicts = iter([True, True, False])  # the third save finds a NaN weight
        monkeypatch.setattr(p, "_weights_finite", lambda: next(verdicts))
        with pytest.raises(TrainingDiverged) as info:
            p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=100, report_every=10,
                    verbose=False)
        assert info.value.step == 20
        assert str(info.value).startswith(
            "training diverged at step 20: the weights became NaN or infinite; try a "
            "learning_rate below 0.001; restored the last finite checkpoint: ")
        assert info.value.checkpoint == str(tmp_path / "model.ckpt-2") == p.checkpoint
        assert checkpoints.read_state(str(tmp_path)) == info.value.checkpoint
        assert checkpoint_files(tmp_path) == ["model.ckpt-2.data-00000-of-00001",
                                              "model.ckpt-2.index", "model.ckpt-2.json"]
        assert np.array_equal(p.predict(dummy.TEST_X), restored_predictions_of(tmp_path, 4))


@pytest.mark.slow
def test_the_finite_check_sees_a_nan_weight(tmp_path):
    import tensorflow as tf
    with SeriesPredictor(1, 4, 4, seed=0, checkpoint_dir=tmp_path) as p:
        p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=3, verbose=False)
        good = p.checkpoint
        assert p._weights_finite()
        w = p.sess.run(p.W_out)
        w[2, 0] = np.nan
        with p.graph.as_default():
            p.W_out.load(w, p.sess)
        assert not p._weights_finite()
        with pytest.raises(TrainingDiverged, match="the weights became NaN or infinite"):
            p.save()
        assert p.checkpoint == good and checkpoints.read_state(str(tmp_path)) == good
        assert np.all(np.isfinite(p.sess.run(p.W_out)))  # the last finite ones are back
        assert isinstance(p.graph, tf.Graph) and p.graph.finalized


@pytest.mark.slow
def test_diverging_chapter_exits_with_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "simple_regression.py"), "--learning-rate", "1e30",
         "--iterations", "300", "--out", str(tmp_path / "out")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.returncode == 1
    assert result.stderr.startswith("simple_regression.py: error: training diverged at step ")
    assert "try a learning_rate below 1e+30" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "metrics.json").exists()
