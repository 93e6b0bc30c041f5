"""Issue 16: a run touches only what it wrote, trusts no folder it did not make, never
hangs. Each test plants the user's own files and checks them byte for byte afterwards."""

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import ROOT, quiet_log, run_python
from series_predictor import load_run
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.errors import OutputDirError, RunFolderError
from series_predictor.run_folder import LOCK_NAME, _self_digest, claimed

OURS = {LOCK_NAME, ".series-predictor-owned.json"}


def snapshot(root):
    """``{relative path: bytes, "<dir>" or "-> link target"}`` of everything under
    ``root``, links not followed; the package's own lock and record left out."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if rel in OURS:
                continue
            if os.path.islink(path):
                found[rel] = "-> " + os.readlink(path)
            elif os.path.isdir(path):
                found[rel] = "<dir>"
            else:
                found[rel] = open(path, "rb").read()
    return found


def plant(root, files):
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


USER_CLASHES = ["forecast.csv", "metrics.json", "run.json", "backtest.png", "predictions.png",
                "checkpoint/checkpoint_notes.txt", "checkpoint/checkpoint"]


@pytest.mark.parametrize("name", USER_CLASHES)
def test_a_users_file_with_an_output_name_is_refused_and_kept(tmp_path, name):
    plant(tmp_path, {name: b"the user's own bytes\n", "checkpoint-5/keep.zip": b"PK\x03\x04"})
    before = snapshot(tmp_path)
    with pytest.raises(OutputDirError, match=name.split("/")[0] + ".*not written by "
                       "series-predictor.*--force"):
        with claimed(str(tmp_path), ["checkpoint"]):
            pass
    assert snapshot(tmp_path) == before


def test_a_bad_setting_run_on_a_users_folder_changes_nothing(tmp_path):
    """The issue's case: --learning-rate 1e30 on a folder holding the user's files."""
    plant(tmp_path, {"forecast.csv": b"a,b\n1,2\n", "checkpoint-12/x.txt": b"mine"})
    before = snapshot(tmp_path)
    with pytest.raises(OutputDirError, match="forecast.csv"):
        run_chapter(ChapterConfig(out=str(tmp_path), learning_rate=1e30, iterations=300),
                    log=quiet_log)
    assert snapshot(tmp_path) == before


def test_names_that_share_a_prefix_are_never_touched_even_with_force(tmp_path):
    plant(tmp_path, {"checkpoint-2023/photos.zip": b"PK\x03\x04zip",
                     "checkpoint-backup.tar": b"tar", "checkpoint-12/notes.txt": b"n",
                     "checkpoint/checkpoint-backup.tar": b"inner tar",
                     "checkpoint/model.ckpt-1000.index": b"user's TF index"})
    before = snapshot(tmp_path)
    with claimed(str(tmp_path), ["checkpoint"], force=True):
        pass
    assert snapshot(tmp_path) == before
    with claimed(str(tmp_path), ["checkpoint-0", "checkpoint-1"], force=True):
        pass  # a run with other members: still no user folder removed
    after = snapshot(tmp_path)
    assert {k: after.get(k) for k in before} == before


def test_force_replaces_only_the_clashing_file(tmp_path):
    plant(tmp_path, {"forecast.csv": b"user", "notes.txt": b"keep"})
    with claimed(str(tmp_path), ["checkpoint"], force=True):
        assert not (tmp_path / "forecast.csv").exists()
    assert (tmp_path / "notes.txt").read_bytes() == b"keep"


@pytest.mark.parametrize("link", ["checkpoint", "run.json", "forecast.csv"])
def test_a_link_in_out_is_refused_and_with_force_only_the_link_goes(tmp_path, link):
    outside = tmp_path / "outside"
    plant(outside, {"model.ckpt-1.index": b"i", "checkpoint": b'model_checkpoint_path: "x"\n',
                    "model.ckpt-1.json": json.dumps({"format": 1, "owner": "x"}).encode()})
    out = tmp_path / "out"
    out.mkdir()
    target = outside if link == "checkpoint" else outside / "checkpoint"
    os.symlink(target, out / link)
    before = snapshot(outside)
    with pytest.raises(OutputDirError, match="symbolic link"):
        with claimed(str(out), ["checkpoint"]):
            pass
    assert snapshot(outside) == before and os.path.islink(out / link)
    with claimed(str(out), ["checkpoint"], force=True):
        pass
    assert snapshot(outside) == before and not os.path.islink(out / link)


def test_a_lock_link_or_foreign_lock_file_is_never_written(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(victim, out / LOCK_NAME)
    with pytest.raises(OutputDirError, match="lock file.*symbolic link"):
        with claimed(str(out), ["checkpoint"]):
            pass
    assert victim.read_bytes() == b"precious\n"
    os.unlink(out / LOCK_NAME)
    (out / LOCK_NAME).write_bytes(b"my notes\n")
    with pytest.raises(OutputDirError, match="not a lock file of series-predictor"):
        with claimed(str(out), ["checkpoint"]):
            pass
    assert (out / LOCK_NAME).read_bytes() == b"my notes\n"


def test_a_fifo_lock_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / LOCK_NAME)
    code = ("from series_predictor.run_folder import claimed\n"
            f"with claimed({str(tmp_path)!r}, ['checkpoint']): pass\n")
    result = run_python(code, timeout=60)
    assert "not a regular file" in result.stderr and "OutputDirError" in result.stderr


def test_a_killed_runs_own_temporaries_go_and_the_users_stay(tmp_path):
    with claimed(str(tmp_path), ["checkpoint"]):
        pass  # the folder is now the package's
    ours = [f".tmp-{'a' * 32}.png", f".tmp-{'b' * 32}-forecast.csv",
            "loss.png.tmp-4242-0123abcd", "run.json.tmp-7-deadbeef"]
    plant(tmp_path, {ours[0]: b"half a png", ours[1]: b"half", ours[2]: b"half",
                     ours[3]: b"{", ".tmp-mine.png": b"user",
                     "notes.txt.tmp-1-0123abcd": b"user: not an output's name",
                     "holiday.png.tmp-1-0123abcd": b"user: a png the run never wrote",
                     f".tmp-{'c' * 32}": b"no suffix: not ours"})
    with claimed(str(tmp_path), ["checkpoint"]):
        pass
    assert not any((tmp_path / name).exists() for name in ours)
    assert (tmp_path / ".tmp-mine.png").read_bytes() == b"user"
    assert (tmp_path / "notes.txt.tmp-1-0123abcd").read_bytes() == b"user: not an output's name"
    assert (tmp_path / "holiday.png.tmp-1-0123abcd").read_bytes() == \
        b"user: a png the run never wrote"
    assert (tmp_path / f".tmp-{'c' * 32}").exists()
    fresh = tmp_path / "fresh"  # a folder that was never the package's: nothing goes
    plant(fresh, {ours[0]: b"user's file with our pattern"})
    with claimed(str(fresh), ["checkpoint"]):
        pass
    assert (fresh / ours[0]).read_bytes() == b"user's file with our pattern"


def test_an_earlier_runs_own_files_are_still_replaced_without_force(tmp_path):
    with claimed(str(tmp_path), ["checkpoint-0", "checkpoint-1"]):
        (tmp_path / "forecast.csv").write_text("ours")
        (tmp_path / "checkpoint-1" / "mine.txt").write_text("user")
    with claimed(str(tmp_path), ["checkpoint"]):
        assert not (tmp_path / "forecast.csv").exists()
    assert not (tmp_path / "checkpoint-0").exists()  # empty: ours, removed
    assert (tmp_path / "checkpoint-1" / "mine.txt").read_text() == "user"


# ------------------------------------------------------- the API's checkpoint_dir
def windows():
    rng = np.random.default_rng(0)
    return rng.normal(size=(8, 4, 1)).astype(np.float32), \
        rng.normal(size=(8, 4)).astype(np.float32)


def users_tf_folder(folder, with_state):
    files = {"model.ckpt-1000.index": b"user index",
             "model.ckpt-1000.data-00000-of-00001": b"user weights"}
    if with_state:
        files["checkpoint"] = b'model_checkpoint_path: "model.ckpt-1000"\n'
    plant(folder, files)


def test_train_refuses_a_folder_with_a_users_tf_state_file(tmp_path):
    from series_predictor import SeriesPredictor
    users_tf_folder(tmp_path, with_state=True)
    before = snapshot(tmp_path)
    x, y = windows()
    with SeriesPredictor(1, 4, 6, seed=0, checkpoint_dir=str(tmp_path)) as predictor:
        with pytest.raises(OutputDirError, match="did not write.*checkpoint_dir"):
            predictor.train(x, y, iterations=4, report_every=2, verbose=False)
    assert snapshot(tmp_path) == before


def test_train_never_deletes_a_users_tf_checkpoints(tmp_path):
    from series_predictor import SeriesPredictor
    users_tf_folder(tmp_path, with_state=False)
    before = snapshot(tmp_path)
    x, y = windows()
    with SeriesPredictor(1, 4, 6, seed=0, checkpoint_dir=str(tmp_path)) as predictor:
        predictor.train(x, y, iterations=6, report_every=2, verbose=False)
    after = snapshot(tmp_path)
    assert {k: after.get(k) for k in before} == before


# --------------------------------------------------------- forecast --out
def forecast_command(*args, timeout=60):
    return subprocess.run([sys.executable, os.path.join(ROOT, "simple_regression.py"),
                           "forecast", *args], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=ROOT), timeout=timeout)


@pytest.mark.parametrize("kind", ["link", "fifo", "device"])
def test_forecast_out_replaces_only_a_regular_file(tmp_path, kind):
    victim = tmp_path / "victim.csv"
    victim.write_bytes(b"keep")
    target = tmp_path / "target"
    if kind == "link":
        os.symlink(victim, target)
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target = "/dev/null"
    result = forecast_command(str(tmp_path / "no-run"), "--out", str(target))
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert str(target) in result.stderr
    assert victim.read_bytes() == b"keep"
    assert kind != "link" or os.path.islink(target)


# ------------------------------------------------------------------- trust
def forged(copied, change):
    manifest = json.load(open(copied / "run.json"))
    change(manifest)
    manifest["self_digest"] = _self_digest(manifest)
    (copied / "run.json").write_text(json.dumps(manifest))
    return copied


FORGERIES = {
    "member folder outside": lambda m: m["members"][0].update(folder="../../../../etc"),
    "absolute member folder": lambda m: m["members"][0].update(folder="/tmp"),
    "file outside": lambda m: m["files"].update({"../../../../../../../../etc/passwd":
                                                 "0" * 64}),
    "absolute file": lambda m: m["files"].update({"/etc/passwd": "0" * 64}),
    "huge hidden_dim": lambda m: m["members"][0]["model_args"].update(hidden_dim=100_000),
    "huge seq_size": lambda m: m["members"][0]["model_args"].update(seq_size=100_000),
    "largest model": lambda m: m["members"][0]["model_args"].update(hidden_dim=4096,
                                                                    seq_size=1000),
    "time unit": lambda m: m["tail"].update(time_unit="(1000000000000,)f8"),
    "dropped key": lambda m: m["dropped"].update(abc={}),
    "checkpoint name": lambda m: m["members"][0].update(checkpoint="../model.ckpt-1"),
    "envelope": lambda m: m["envelope"].update(low=float("nan")),
    "lowest value": lambda m: m["tail"].update(lowest="0"),
}


@pytest.fixture
def copied(book_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(book_run.config.out, copy)
    return copy


def true_digest(copied, rel):
    from series_predictor.run_folder import digest
    return digest(os.path.join(copied, rel))


@pytest.mark.parametrize("case", sorted(FORGERIES))
def test_a_forged_manifest_is_refused_in_one_line(copied, case):
    forged(copied, FORGERIES[case])
    for rel in ("../../../../../../../../etc/passwd", "/etc/passwd"):
        if case.endswith("file outside" if rel[0] == "." else "absolute file"):
            # The right digest: only confinement can refuse it.
            forged(copied, lambda m: m["files"].update({rel: true_digest(copied, rel)}))
    start = time.monotonic()
    with pytest.raises(RunFolderError) as info:
        load_run(copied).forecast(3)
    assert "\n" not in str(info.value) and time.monotonic() - start < 10


def test_a_member_folder_linked_to_another_run_is_refused(copied, book_run, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(book_run.config.out, other)
    shutil.rmtree(copied / "checkpoint")
    os.symlink(other / "checkpoint", copied / "checkpoint")
    with pytest.raises(RunFolderError, match="symbolic link"):
        load_run(copied)


def test_a_huge_sparse_checkpoint_file_is_refused_without_hashing(copied):
    data = next((copied / "checkpoint").glob("*.data-*"))
    os.truncate(data, 1 << 40)  # a 1 TB sparse file
    start = time.monotonic()
    with pytest.raises(RunFolderError, match="bytes"):
        load_run(copied)
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("fifo", ["run.json", "metrics.json"])
def test_a_fifo_in_a_run_folder_is_refused_without_hanging(copied, fifo):
    os.unlink(copied / fifo)
    os.mkfifo(copied / fifo)
    result = forecast_command(str(copied), "--horizon", "2")
    assert result.returncode == 1 and "FIFO" in result.stderr, result.stderr


def test_a_fifo_state_file_in_checkpoint_dir_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "checkpoint")
    code = ("import numpy as np\nfrom series_predictor import SeriesPredictor\n"
            f"p = SeriesPredictor(1, 4, 6, seed=0, checkpoint_dir={str(tmp_path)!r})\n"
            "x = np.zeros((2, 4, 1), np.float32)\n"
            "for call in (lambda: p.restore(), lambda: p.train(x, x[:, :, 0], iterations=2, "
            "report_every=1, verbose=False)):\n"
            "    try:\n        call()\n"
            "    except Exception as exc:\n        print(type(exc).__name__, exc)\n")
    result = run_python(code, timeout=60)
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all("FIFO" in line for line in lines), result.stderr
    assert lines[0].startswith("CheckpointError") and lines[1].startswith("OutputDirError")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "checkpoint").st_mode)


# -------------------------------------------------------------- input files
@pytest.mark.parametrize("data", ["/dev/zero", "fifo"])
def test_data_that_is_not_a_regular_file_is_refused_at_once(tmp_path, data):
    if data == "fifo":
        data = str(tmp_path / "fifo.csv")
        os.mkfifo(data)
    result = subprocess.run([sys.executable, os.path.join(ROOT, "simple_regression.py"),
                             "--data", data, "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.returncode == 1 and "not a regular file" in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1


def test_a_gzip_csv_is_read(tmp_path, airline_csv):
    import gzip
    from series_predictor.data_loader import load_series
    packed = tmp_path / "airline.csv.gz"
    packed.write_bytes(gzip.compress(open(airline_csv, "rb").read()))
    assert np.array_equal(load_series(str(packed)), load_series(airline_csv))


def test_a_kept_runs_horizon_past_the_plausible_range_is_refused(copied):
    """As the training run refuses it: never an empty forecast column with exit 0."""
    forged(copied, lambda m: m["envelope"].update(low=-1e6, high=-1e6 + 1))
    result = forecast_command(str(copied), "--horizon", "5")
    assert result.returncode == 1 and "choose a shorter --horizon" in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_run_killed_right_after_start_removed_none_of_the_users_files(tmp_path, sig):
    out = tmp_path / "home"
    plant(out, {"checkpoint-2023/photos.zip": b"PK\x03\x04", "checkpoint-backup.tar": b"t",
                "checkpoint-12/model.ckpt-5.index": b"user", "notes/checkpoint": b"n"})
    before = snapshot(out)
    child = subprocess.Popen([sys.executable, os.path.join(ROOT, "simple_regression.py"),
                              "--out", str(out), "--iterations", "100000"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env=dict(os.environ, PYTHONPATH=ROOT))
    try:
        deadline = time.monotonic() + 50
        while time.monotonic() < deadline and not (out / "checkpoint").exists():
            time.sleep(0.05)
        time.sleep(0.5)
        child.send_signal(sig)
        child.wait(30)
    finally:
        child.kill()
        child.wait()
    after = snapshot(out)
    assert {k: after.get(k) for k in before} == before
