"""Checkpoint folders: any path works, damage is found and named, metadata and weights
stay tied, and each predictor keeps to its own checkpoints."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import types

import numpy as np
import pytest

from conftest import ROOT
from series_predictor import checkpoints, dummy
from series_predictor.errors import CheckpointError, CheckpointNotFoundError
from simple_regression import SeriesPredictor

HIDDEN = 4
DATA = ".data-00000-of-00001"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A predictor trained into a folder: saves at steps 0, 10, 20 and at the end.

    Tests may save it elsewhere, but must leave its weights and folder alone.
    """
    folder = tmp_path_factory.mktemp("trained")
    p = SeriesPredictor(1, 4, HIDDEN, seed=0, checkpoint_dir=folder)
    history = p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=30, report_every=10,
                      verbose=False)
    yield types.SimpleNamespace(predictor=p, folder=folder, prefix=history.checkpoint,
                                base=os.path.basename(history.checkpoint),
                                predictions=p.predict(dummy.TEST_X))
    p.close()


def restored(path, hidden_dim=HIDDEN):
    """``(prefix, predictions on TEST_X)`` of a fresh predictor after ``restore(path)``."""
    with SeriesPredictor(1, 4, hidden_dim, seed=9) as fresh:
        prefix = fresh.restore(path)
        return prefix, fresh.predict(dummy.TEST_X)


def copy_of(trained, tmp_path, name="copy"):
    folder = tmp_path / name
    shutil.copytree(trained.folder, folder)
    return folder


def files_in(folder):
    return sorted(f for f in os.listdir(folder) if f.startswith("model.ckpt"))


# ------------------------------------------------------------- any legal path
LEGAL_NAMES = ["p [1]", "[abc]", "a*b?c", "back\\slash", "sp ace", "quo'te\"s", "ünïcødé ✓",
               "pct %s %d", "brace{a,b}", "tab\tand\nnewline", "s3:", os.fsdecode(b"not-utf8-\xff")]


@pytest.mark.slow
@pytest.mark.parametrize("name", LEGAL_NAMES, ids=[ascii(name) for name in LEGAL_NAMES])
def test_any_legal_path_saves_and_restores(trained, tmp_path, name):
    folder = tmp_path / "runs" / name
    prefix = trained.predictor.save(folder)
    assert prefix == str(folder / "model.ckpt-1")
    assert files_in(folder) == ["model.ckpt-1" + DATA, "model.ckpt-1.index", "model.ckpt-1.json"]
    for path in (folder, prefix):
        restored_prefix, predictions = restored(path)
        assert restored_prefix == prefix
        assert np.array_equal(predictions, trained.predictions)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["p [1]", "a*b?c", "back\\slash"])
def test_training_in_a_folder_with_glob_characters_restores_its_own(tmp_path, name):
    folder = tmp_path / name
    with SeriesPredictor(1, 4, HIDDEN, seed=0, checkpoint_dir=folder) as p:
        history = p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=12, report_every=5,
                          verbose=False)
        kept = p.predict(dummy.TEST_X)
        assert p.restore() == history.checkpoint == str(folder / "model.ckpt-4")
        assert np.array_equal(p.predict(dummy.TEST_X), kept)
    with SeriesPredictor(1, 4, HIDDEN, seed=5, checkpoint_dir=folder) as fresh:
        assert np.array_equal(fresh.test(dummy.TEST_X), kept)  # restored on first use


@pytest.mark.slow
def test_relative_bytes_and_file_paths_work(trained, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    prefix = trained.predictor.save(b"s3://bucket")  # a folder "s3:" holding "bucket"
    assert prefix == os.path.join("s3://bucket", "model.ckpt-1")
    assert os.path.isfile(tmp_path / "s3:" / "bucket" / "model.ckpt-1.index")
    for path in ("s3://bucket", prefix, prefix + ".index", prefix + DATA, prefix + ".json"):
        restored_prefix, predictions = restored(path)
        assert restored_prefix == prefix
        assert np.array_equal(predictions, trained.predictions)


@pytest.mark.slow
def test_state_file_is_tensorflow_text_with_a_relative_path(trained):
    import tensorflow as tf
    text = (trained.folder / "checkpoint").read_text()
    assert text == (f'model_checkpoint_path: "{trained.base}"\n'
                    f'all_model_checkpoint_paths: "{trained.base}"\n')
    assert tf.train.latest_checkpoint(str(trained.folder)) == trained.prefix


@pytest.mark.slow
def test_copied_and_moved_folders_restore_their_own_weights(trained, tmp_path):
    copy = copy_of(trained, tmp_path)
    prefix, predictions = restored(copy)
    assert prefix == str(copy / trained.base)  # not the original's files
    assert np.array_equal(predictions, trained.predictions)
    moved = tmp_path / "moved"
    shutil.move(str(copy), str(moved))
    prefix, predictions = restored(moved)
    assert prefix == str(moved / trained.base)
    assert np.array_equal(predictions, trained.predictions)


@pytest.mark.slow
def test_an_older_folder_still_restores(trained, tmp_path):
    """Before format 1: no per-checkpoint metadata, an absolute path in the state file,
    and a folder-wide series_predictor.json that may disagree with the weights."""
    older = copy_of(trained, tmp_path, "older [1]")
    (older / f"{trained.base}.json").unlink()
    (older / "checkpoint").write_text(
        f'model_checkpoint_path: "{tmp_path / "elsewhere" / trained.base}"\n'
        f'all_model_checkpoint_paths: "{tmp_path / "elsewhere" / trained.base}"\n')
    (older / "series_predictor.json").write_text(
        json.dumps({"input_dim": 1, "seq_size": 4, "hidden_dim": 20}))
    prefix, predictions = restored(older)
    assert prefix == str(older / trained.base)
    assert np.array_equal(predictions, trained.predictions)
    with pytest.raises(CheckpointError, match="hidden_dim=4, but this predictor has hidden_dim=20"):
        restored(older, hidden_dim=20)


# ----------------------------------------------------------------- damage
def flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def truncate(path):
    path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])


def damage(case, folder, base):
    """Damage ``folder`` as ``case`` says; return the path the error must name."""
    data, index = folder / (base + DATA), folder / (base + ".index")
    meta = folder / (base + ".json")
    state = folder / "checkpoint"
    if case.startswith("older folder"):
        meta.unlink()
    actions = {
        "truncated data": (truncate, data, data), "bit-flipped data": (flip_a_byte, data, data),
        "truncated index": (truncate, index, index),
        "bit-flipped index": (flip_a_byte, index, index),
        "missing data": (os.remove, data, data), "missing index": (os.remove, index, index),
        "empty state file": (lambda p: p.write_text(""), state, state),
        "garbled state file": (lambda p: p.write_bytes(b"\x00\xff junk\n"), state, state),
        "state file names a missing checkpoint": (
            lambda p: p.write_text('model_checkpoint_path: "model.ckpt-99"\n'), state,
            folder / "model.ckpt-99"),
        "garbled metadata": (lambda p: p.write_text("{\"format\": 1, "), meta, meta),
        "deeply nested metadata": (lambda p: p.write_text("[" * 100_000 + "]" * 100_000),
                                   meta, meta),
        "state file names a checkpoint outside its folder": (
            lambda p: p.write_text('model_checkpoint_path: "../elsewhere/model.ckpt-1"\n'),
            state, state),
        "metadata of a save that did not finish": (
            lambda p: p.write_text(json.dumps({"format": 1, "owner": "x", "complete": False})),
            meta, folder / base),
        "older folder, bit-flipped data": (flip_a_byte, data, folder / base),
        "older folder, truncated data": (truncate, data, folder / base),
        "older folder, missing index": (os.remove, index, folder / base),
    }
    action, target, named = actions[case]
    action(target)
    return named


DAMAGE = ["truncated data", "bit-flipped data", "truncated index", "bit-flipped index",
          "missing data", "missing index", "empty state file", "garbled state file",
          "state file names a missing checkpoint", "garbled metadata",
          "deeply nested metadata", "state file names a checkpoint outside its folder",
          "metadata of a save that did not finish", "older folder, bit-flipped data",
          "older folder, truncated data", "older folder, missing index"]


@pytest.mark.slow
@pytest.mark.parametrize("case", DAMAGE)
def test_a_damaged_checkpoint_raises_checkpoint_error_naming_the_file(trained, tmp_path, case):
    folder = copy_of(trained, tmp_path, "damaged [1]")
    named = damage(case, folder, trained.base)
    with pytest.raises(CheckpointError) as info:
        restored(folder)
    message = str(info.value)
    assert str(named) in message or repr(str(named)) in message
    assert "\n" not in message and "Graph execution" not in message
    # Not "nothing there": a predictor would then quietly count as untrained.
    assert not isinstance(info.value, CheckpointNotFoundError)


@pytest.mark.slow
def test_a_damaged_folder_is_reported_on_first_use(trained, tmp_path):
    folder = copy_of(trained, tmp_path)
    flip_a_byte(folder / (trained.base + DATA))
    with SeriesPredictor(1, 4, HIDDEN, seed=0, checkpoint_dir=folder) as fresh:
        with pytest.raises(CheckpointError, match=re.escape(trained.base + DATA)):
            fresh.predict(dummy.TEST_X)


@pytest.mark.slow
def test_metadata_is_written_before_the_state_file_names_the_checkpoint(trained, tmp_path,
                                                                        monkeypatch):
    seen = []
    real_write_state = checkpoints.write_state

    def write_state(directory, base):
        record = json.loads((tmp_path / (base + ".json")).read_text())
        seen.append(record)
        real_write_state(directory, base)
    monkeypatch.setattr(checkpoints, "write_state", write_state)
    prefix = trained.predictor.save(tmp_path)
    record = seen[0]
    assert record["complete"] is True and record["format"] == checkpoints.FORMAT_VERSION
    assert record["model_args"] == {"input_dim": 1, "seq_size": 4, "hidden_dim": HIDDEN}
    assert record["owner"] == trained.predictor._owner and record["step"] == 29
    assert sorted(record["files"]) == [os.path.basename(prefix) + DATA,
                                       os.path.basename(prefix) + ".index"]
    for name, entry in record["files"].items():
        data = (tmp_path / name).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


# ------------------------------------------------- metadata tied to weights
@pytest.mark.slow
def test_folder_metadata_that_disagrees_with_the_weights_is_not_used(trained, tmp_path):
    """A kill between the weights and a folder-wide metadata file cannot mislead."""
    folder = copy_of(trained, tmp_path)
    (folder / "series_predictor.json").write_text(
        json.dumps({"input_dim": 1, "seq_size": 4, "hidden_dim": 20}))
    with pytest.raises(CheckpointError, match="hidden_dim=4, but this predictor has hidden_dim=20"):
        restored(folder, hidden_dim=20)
    assert np.array_equal(restored(folder)[1], trained.predictions)


@pytest.mark.slow
def test_metadata_never_pairs_with_another_checkpoints_weights(trained, tmp_path):
    folder = copy_of(trained, tmp_path)
    with SeriesPredictor(1, 4, HIDDEN, seed=7) as other:  # same shape, other weights
        other.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=3, verbose=False)
        other_prefix = other.save(tmp_path / "other")
    for suffix in (DATA, ".index"):
        shutil.copyfile(other_prefix + suffix, folder / (trained.base + suffix))
    with pytest.raises(CheckpointError, match=r"checkpoint file .* is damaged"):
        restored(folder)


@pytest.mark.slow
def test_a_save_killed_before_its_metadata_leaves_the_last_one_current(trained, tmp_path):
    folder = copy_of(trained, tmp_path)
    with SeriesPredictor(1, 4, HIDDEN, seed=7) as other:
        other.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=3, verbose=False)
        other_prefix = other.save(tmp_path / "other")
    # The next checkpoint's weights and claim are on disk; its metadata never came.
    newer = "model.ckpt-9"
    for suffix in (DATA, ".index"):
        shutil.copyfile(other_prefix + suffix, folder / (newer + suffix))
    (folder / (newer + ".json")).write_text(json.dumps({"format": 1, "complete": False}))
    prefix, predictions = restored(folder)
    assert prefix == str(folder / trained.base)
    assert np.array_equal(predictions, trained.predictions)


# ------------------------------------------------------------- ownership
@pytest.mark.slow
def test_two_predictors_in_one_folder_keep_their_own_checkpoints(tmp_path):
    a = SeriesPredictor(1, 4, HIDDEN, seed=0, checkpoint_dir=tmp_path)
    b = SeriesPredictor(1, 4, HIDDEN, seed=1, checkpoint_dir=tmp_path)
    with a, b:
        a_prefix = a.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=20, report_every=10,
                           verbose=False).checkpoint
        a_predictions = a.predict(dummy.TEST_X)
        b_prefix = b.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=20, report_every=10,
                           verbose=False).checkpoint
        b_predictions = b.predict(dummy.TEST_X)
        assert not np.allclose(a_predictions, b_predictions)
        assert a.restore() == a_prefix
        assert np.array_equal(a.predict(dummy.TEST_X), a_predictions)
        # B's saves removed B's older checkpoints only.
        assert files_in(tmp_path) == sorted(
            os.path.basename(prefix) + suffix for prefix in (a_prefix, b_prefix)
            for suffix in (DATA, ".index", ".json"))
        # A fresh predictor takes what the state file names: the last save.
        prefix, predictions = restored(tmp_path)
        assert prefix == b_prefix and np.array_equal(predictions, b_predictions)
        os.remove(a_prefix + DATA)
        with pytest.raises(CheckpointError, match=re.escape(repr(a_prefix + DATA))):
            a.restore()
        for suffix in (".index", ".json"):
            os.remove(a_prefix + suffix)
        with pytest.raises(CheckpointError, match=re.escape(repr(a_prefix + ".json"))):
            a.restore()  # not B's checkpoint, which the state file names
        assert b.restore() == b_prefix


@pytest.mark.slow
def test_a_predictor_never_restores_a_checkpoint_that_replaced_its_own(tmp_path):
    with SeriesPredictor(1, 4, HIDDEN, seed=0, checkpoint_dir=tmp_path) as a, \
            SeriesPredictor(1, 4, HIDDEN, seed=1, checkpoint_dir=tmp_path) as b:
        a_prefix = a.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=3, verbose=False).checkpoint
        for name in files_in(tmp_path):
            os.remove(tmp_path / name)  # someone clears the folder ...
        b.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=1, verbose=False)
        assert b.checkpoint == a_prefix  # ... and B's next save takes the same name
        with pytest.raises(CheckpointError, match="is no longer this predictor's"):
            a.restore()


@pytest.mark.slow
def test_a_closed_predictors_checkpoints_go_with_the_next_save(tmp_path):
    with SeriesPredictor(1, 4, HIDDEN, seed=0, checkpoint_dir=tmp_path) as a:
        a.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=3, verbose=False)
    with SeriesPredictor(1, 4, HIDDEN, seed=1, checkpoint_dir=tmp_path) as b:
        prefix = b.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=3, verbose=False).checkpoint
        base = os.path.basename(prefix)
        assert files_in(tmp_path) == [base + DATA, base + ".index", base + ".json"]


def fake_checkpoint(trained, folder, index, **record_changes):
    """A copy of the trained checkpoint as ``model.ckpt-<index>`` with its record changed."""
    base = f"model.ckpt-{index}"
    for suffix in (DATA, ".index"):
        shutil.copyfile(str(trained.prefix) + suffix, folder / (base + suffix))
    record = json.loads((trained.folder / (trained.base + ".json")).read_text())
    record["files"] = {base + name[len(trained.base):]: entry
                       for name, entry in record["files"].items()}
    record.update(record_changes)
    (folder / (base + ".json")).write_text(json.dumps(record))
    return base


@pytest.mark.slow
def test_checkpoints_of_ended_processes_go_and_of_running_ones_stay(trained, tmp_path):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead = fake_checkpoint(trained, tmp_path, 1, owner="gone", pid=int(ended.stdout))
    alive = fake_checkpoint(trained, tmp_path, 2, owner="running", pid=os.getppid())
    elsewhere = fake_checkpoint(trained, tmp_path, 3, owner="remote", pid=1, host="other-host")
    prefix = trained.predictor.save(tmp_path)
    assert os.path.basename(prefix) == "model.ckpt-4"
    assert files_in(tmp_path) == sorted(base + suffix for base in (alive, elsewhere, "model.ckpt-4")
                                        for suffix in (DATA, ".index", ".json"))
    assert dead not in " ".join(files_in(tmp_path))


def test_concurrent_claims_never_share_an_index(tmp_path):
    claimed = []

    def claim():
        for _ in range(25):
            claimed.append(checkpoints._claim(str(tmp_path), "thread"))
    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed) == len(set(claimed)) == 100


SAVER_SCRIPT = """
import os, sys, time
import numpy as np
from series_predictor import SeriesPredictor, dummy
folder, seed = sys.argv[1], int(sys.argv[2])
p = SeriesPredictor(1, 4, 4, seed=seed, checkpoint_dir=folder)
p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=2, verbose=False)
open(os.path.join(folder, f"ready-{seed}"), "w").close()
while not all(os.path.exists(os.path.join(folder, f"ready-{s}")) for s in (1, 2)):
    time.sleep(0.01)
saved = []
for _ in range(15):
    p._train_step(dummy.TRAIN_X, dummy.TRAIN_Y)
    saved.append(os.path.basename(p.save()))
mine = p.predict(dummy.TEST_X)
assert p.restore() == os.path.join(folder, saved[-1])
assert np.array_equal(p.predict(dummy.TEST_X), mine)
print(" ".join(saved))
"""


@pytest.mark.slow
def test_two_processes_saving_into_one_folder_never_collide(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", SAVER_SCRIPT, str(tmp_path), str(seed)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONPATH=ROOT)) for seed in (1, 2)]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    saved = [name for out, _ in outputs for name in out.split()]
    assert len(set(saved)) == len(saved) == 30
    assert checkpoints.read_state(str(tmp_path)) in {str(tmp_path / out.split()[-1])
                                                     for out, _ in outputs}


@pytest.mark.slow
def test_the_books_own_checkpoint_is_refused_with_a_checkpoint_error(tmp_path):
    """The book's variables live at the top level; ours in the scope series_predictor/."""
    from series_predictor.errors import CheckpointError
    from series_predictor.tf_compat import tf
    graph = tf.Graph()
    with graph.as_default():
        tf.Variable(tf.zeros([10, 1]), name="W_out")
        tf.Variable(tf.zeros([1]), name="b_out")
        tf.Variable(tf.zeros([11, 40]), name="rnn/basic_lstm_cell/kernel")
        tf.Variable(tf.zeros([40]), name="rnn/basic_lstm_cell/bias")
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = saver.save(sess, str(tmp_path / "model.ckpt"))
    with SeriesPredictor(1, 4, 10, seed=0) as predictor:
        with pytest.raises(CheckpointError, match="model.ckpt"):
            predictor.restore(prefix)
