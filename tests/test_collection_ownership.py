"""A collection writes only what it made (issue 16's rules, for issue 19's collections).

Each case plants a user's files where a collection writes (OUT's forecast.csv,
metrics.json, summary.png, .collection/, OUT/ID/series.csv, a link in place of OUT/ID)
and checks them byte for byte afterwards. The series are made unreadable on purpose,
so every case stops before any training (fast); the old code still wrote its outputs
over the user's files on the way out.
"""

import os

import pytest

from series_predictor import collection
from series_predictor.collection_result import CollectionIncomplete
from series_predictor.errors import OutputDirError

BAD = {"a": ["x", "y", "z"]}  # refused by the precheck: nothing is trained


def _fit(out, data=BAD, **extra):
    return collection.fit_collection(data, out=str(out), recipe="book", iterations=20,
                                     workers=1, keep_going=True, log=lambda *a: None, **extra)


def _snapshot(root):
    """{relative path: bytes or link target} of everything under ``root``."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                found[rel] = "link -> " + os.readlink(path)
            elif os.path.isfile(path):
                with open(path, "rb") as handle:
                    found[rel] = handle.read()
    return found


@pytest.mark.parametrize("name", ["forecast.csv", "metrics.json", "summary.png"])
def test_a_users_file_with_a_collection_output_name_is_refused_at_the_start(tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_bytes(b"the user's own " + name.encode())
    with pytest.raises(OutputDirError, match=name):
        _fit(out)
    assert (out / name).read_bytes() == b"the user's own " + name.encode()
    assert not (out / "a").exists()  # refused before anything was written


def test_a_link_in_place_of_a_series_folder_is_never_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "series.csv").write_text("mine\n")
    before = _snapshot(elsewhere)
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, out / "a")
    with pytest.raises(OutputDirError, match="link"):
        _fit(out)
    assert _snapshot(elsewhere) == before


def test_a_users_series_csv_in_a_series_folder_is_kept(tmp_path):
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "series.csv").write_text("the user's notes\n")
    with pytest.raises(OutputDirError, match="series.csv"):
        _fit(out)
    assert (out / "a" / "series.csv").read_text() == "the user's notes\n"


def test_a_users_file_in_a_series_folder_is_refused_before_any_series_runs(tmp_path):
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "forecast.csv").write_text("the user's forecast\n")
    with pytest.raises(OutputDirError, match="forecast.csv"):
        _fit(out)
    assert _snapshot(out) == {"a": b"", "a/forecast.csv": b"the user's forecast\n"} \
        or _snapshot(out)["a/forecast.csv"] == b"the user's forecast\n"
    assert not (out / "a" / "series.csv").exists()


@pytest.mark.parametrize("ensemble, name", [(1, "checkpoint"), (3, "checkpoint-2")])
def test_a_users_member_folder_in_a_series_folder_is_refused_at_the_start(tmp_path, ensemble,
                                                                         name):
    """A user's ``OUT/b/checkpoint-2/`` (an ensemble of 3 writes checkpoint-0..2 there) was
    refused only when series b's turn came, after series a had trained; now at the start,
    before any series runs, and kept byte for byte."""
    out = tmp_path / "out"
    (out / "b" / name).mkdir(parents=True)
    (out / "b" / name / "notes.txt").write_text("the user's notes\n")
    good = {"a": [float(v) for v in range(60)], "b": [float(v % 7) for v in range(60)]}
    with pytest.raises(OutputDirError, match=f"{name}"):
        _fit(out, good, ensemble=ensemble)
    assert not (out / "a").exists() and not (out / "b" / "series.csv").exists()
    assert (out / "b" / name / "notes.txt").read_text() == "the user's notes\n"


def test_a_state_folder_link_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, out / ".collection")
    with pytest.raises(OutputDirError, match=".collection"):
        _fit(out)
    assert os.listdir(elsewhere) == []


def test_a_collection_rerun_and_force_replace_only_the_named_files(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(CollectionIncomplete):
        _fit(out)  # first run: the collection's own outputs
    with pytest.raises(CollectionIncomplete):
        _fit(out)  # a re-run replaces its own outputs without --force
    out2 = tmp_path / "out2"
    out2.mkdir()
    target = tmp_path / "target.txt"
    target.write_text("keep me\n")
    os.symlink(target, out2 / "forecast.csv")
    (out2 / "metrics.json").write_text("{}\n")
    (out2 / "notes.txt").write_text("other\n")
    with pytest.raises(CollectionIncomplete):
        _fit(out2, force=True)
    assert target.read_text() == "keep me\n"  # the link itself was replaced, not its target
    assert not os.path.islink(out2 / "forecast.csv")
    assert (out2 / "notes.txt").read_text() == "other\n"


def _wide(path, n=60):
    import math
    rows = ["month,a,b"] + [f"{2000 + i // 12}-{1 + i % 12:02d},{100 + 10 * math.sin(i / 2):.3f},"
                            f"{50 + 5 * math.cos(i / 3):.3f}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n")
    return str(path)


@pytest.mark.slow
def test_sigterm_during_a_collection_ends_it_within_seconds(tmp_path):
    """SIGTERM reaches the collection's process alone (not its workers): it used to wait
    for every running series to finish training (minutes) before exiting."""
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "series_predictor.cli", "--data", _wide(tmp_path / "w.csv"),
         "--recipe", "book", "--iterations", "100000", "--hidden-dim", "8", "--workers", "2",
         "--out", str(out)], cwd=str(tmp_path), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=ROOT))
    deadline = time.time() + 120
    while time.time() < deadline and not any(
            (out / ".collection").glob("*.running") if (out / ".collection").is_dir() else []):
        time.sleep(0.2)
    time.sleep(3)  # the workers are importing TensorFlow or training
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                              text=True).stdout.split()
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        for pid in children:  # they hold the pipes open: end them first
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        process.kill()
        _, err = process.communicate()
        pytest.fail("still running 10 s after SIGTERM")
    assert process.returncode == 143, err
    assert "Traceback" not in err and "SIGTERM" in err
    time.sleep(1)
    alive = [pid for pid in children if os.path.exists(f"/proc/{pid}")
             and open(f"/proc/{pid}/stat").read().split()[2] != "Z"]
    assert alive == []


def test_a_killed_collections_temporaries_go_only_where_the_folder_was_its_own(tmp_path):
    litter = "summary.png.tmp-999-deadbeef"  # what SIGKILL while drawing leaves
    out = tmp_path / "out"
    with pytest.raises(CollectionIncomplete):
        _fit(out)
    (out / litter).write_bytes(b"half a png")
    with pytest.raises(CollectionIncomplete):
        _fit(out)
    assert not (out / litter).exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / litter).write_bytes(b"the user's")
    with pytest.raises(CollectionIncomplete):
        _fit(other)
    assert (other / litter).read_bytes() == b"the user's"


@pytest.mark.slow
def test_an_unreachable_scheduler_is_refused_within_ten_seconds(tmp_path):
    """``--cluster tcp://127.0.0.1:1`` waited Dask's 30 s connect timeout (37 s in all)."""
    import time
    pytest.importorskip("distributed")
    from series_predictor.errors import SettingError
    start = time.perf_counter()
    with pytest.raises(SettingError, match="cannot reach the Dask scheduler"):
        collection.fit_collection({"a": [float(i % 12) + i for i in range(60)]},
                                  out=str(tmp_path / "out"), recipe="book", iterations=20,
                                  cluster="tcp://127.0.0.1:1", log=lambda *a: None)
    assert time.perf_counter() - start < 10
