"""A run folder you can keep: copied, moved or tampered with (issues 10 and 11)."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, quiet_log
from series_predictor import load_run
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.errors import FolderInUseError, OutputDirError, RunFolderError
from series_predictor.run_folder import LOCK_NAME, claimed


def csv_of(folder):
    return open(os.path.join(folder, "forecast.csv"), encoding="utf-8").read()


@pytest.fixture
def copied_run(book_run, tmp_path):
    """A copy of the shared run's folder, whose original is then out of reach."""
    copy = tmp_path / "copy"
    shutil.copytree(book_run.config.out, copy)
    return copy


@pytest.mark.slow
def test_forecast_csv_holds_horizon_dates_and_values(book_run):
    lines = csv_of(book_run.config.out).splitlines()
    assert lines[0] == "time,forecast"
    assert len(lines) == 1 + 20
    assert lines[1].startswith("1961-01,") and lines[-1].startswith("1962-08,")
    values = [float(line.split(",")[1]) for line in lines[1:]]
    np.testing.assert_allclose(values, book_run.future_point, rtol=1e-9)


@pytest.mark.slow
def test_a_copy_forecasts_what_the_run_wrote_after_the_original_is_deleted(book_run, tmp_path):
    original = tmp_path / "original"
    shutil.copytree(book_run.config.out, original)
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    shutil.rmtree(original)
    assert load_run(copy).forecast().to_csv() == csv_of(copy)


@pytest.mark.slow
def test_a_moved_folder_forecasts_the_same(copied_run, tmp_path):
    moved = tmp_path / "elsewhere" / "moved [1]"
    moved.parent.mkdir()
    os.rename(copied_run, moved)
    assert load_run(moved).forecast().to_csv() == csv_of(moved)


@pytest.mark.slow
def test_a_longer_horizon_extends_the_same_forecast(copied_run):
    run = load_run(copied_run)
    longer = run.forecast(30)
    assert len(longer.point) == 30 and str(longer.times[-1]) == "1963-06"
    np.testing.assert_array_equal(longer.point[:20], run.forecast().point)


@pytest.mark.slow
def test_a_horizon_past_the_last_date_is_a_setting_error_not_a_broken_folder(copied_run):
    """A SettingError is a TypeError too, so forecast(100000) from a kept monthly run
    said "run.json does not describe a run this version can read": the folder was
    fine, the horizon was not."""
    from series_predictor.errors import SettingError
    with pytest.raises(SettingError, match="would pass 9999-12-31") as caught:
        load_run(copied_run).forecast(100_000)
    assert not isinstance(caught.value, RunFolderError) and "run.json" not in str(caught.value)


@pytest.mark.slow
@pytest.mark.parametrize("victim, change", [
    ("forecast.csv", lambda p: p.write_text(p.read_text().replace("1961-01", "1961-02"))),
    ("metrics.json", lambda p: p.write_text(p.read_text() + " ")),
    ("checkpoint/model.ckpt-4.index", lambda p: p.write_bytes(p.read_bytes()[:-1])),
    ("checkpoint/model.ckpt-4.data-00000-of-00001", lambda p: p.unlink()),
    ("run.json", lambda p: p.write_text(p.read_text().replace('"horizon": 20', '"horizon": 21'))),
])
def test_a_tampered_folder_is_refused_naming_the_file(copied_run, victim, change):
    change(copied_run / victim)
    with pytest.raises(RunFolderError, match=os.path.basename(victim)):
        load_run(copied_run)


def test_a_folder_without_a_manifest_is_not_a_run(tmp_path):
    with pytest.raises(RunFolderError, match="run.json.*is missing"):
        load_run(tmp_path)


@pytest.mark.slow
def test_forecast_command_from_a_copy(copied_run, tmp_path):
    out = tmp_path / "f.csv"
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "simple_regression.py"), "forecast",
         str(copied_run), "--out", str(out)],
        cwd=tmp_path, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.returncode == 0, result.stderr
    assert out.read_text() == csv_of(copied_run)
    (copied_run / "forecast.csv").write_text("tampered\n")
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "simple_regression.py"), "forecast", str(copied_run)],
        cwd=tmp_path, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "forecast.csv" in result.stderr


@pytest.mark.slow
def test_ensemble_folder_keeps_members_intervals_and_spread(ensemble_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(ensemble_run.config.out, copy)
    manifest = json.load(open(copy / "run.json"))
    assert [m["folder"] for m in manifest["members"]] == [
        f"checkpoint-{seed}" for seed in ensemble_run.combined.kept["forecast"]]
    header = csv_of(copy).splitlines()[0].split(",")
    assert header[:6] == ["time", "forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert header[6:] == [f"member_seed_{s}" for s in ensemble_run.combined.kept["forecast"]]
    assert load_run(copy).forecast().to_csv() == csv_of(copy)


@pytest.mark.slow
def test_every_output_is_checked_before_training(tmp_path):
    out = tmp_path / "out"
    (out / "metrics.json").mkdir(parents=True)
    with pytest.raises(OutputDirError, match="metrics.json.*is a folder"):
        run_chapter(ChapterConfig(out=str(out), iterations=10**6), log=quiet_log)
    shutil.rmtree(out)
    out.mkdir()
    (out / "checkpoint-2").write_text("in the way")
    log = []
    with pytest.raises(OutputDirError, match="checkpoint-2.*is a file"):
        run_chapter(ChapterConfig(out=str(out), ensemble=3, iterations=10**6), log=log.append)
    assert not any("Training" in line for line in log)  # member 1 was never trained
    assert not (out / "checkpoint-0").exists()  # no member folder made before all are checked


@pytest.mark.slow
def test_a_second_run_on_the_same_folder_is_refused_naming_the_holder(tmp_path):
    with claimed(str(tmp_path), ["checkpoint"]):
        with pytest.raises(FolderInUseError, match=r"in use by another run \(pid \d+"):
            run_chapter(ChapterConfig(out=str(tmp_path)), log=quiet_log)
        code = ("from series_predictor.chapter import ChapterConfig, run_chapter\n"
                f"run_chapter(ChapterConfig(out={str(tmp_path)!r}))\n")
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=ROOT))
        assert "FolderInUseError" in other.stderr and f"pid {os.getpid()}" in other.stderr
    assert (tmp_path / LOCK_NAME).exists()


@pytest.mark.slow
def test_a_failed_rerun_leaves_no_manifest_claiming_old_files(book_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(book_run.config.out, copy)
    with pytest.raises(Exception):
        run_chapter(ChapterConfig(out=str(copy), learning_rate=1e30, iterations=300,
                                  report_every=10), log=quiet_log)
    assert not (copy / "run.json").exists()
    for name in ("forecast.csv", "metrics.json", "predictions.png", "forecast.png"):
        assert not (copy / name).exists(), name  # no output of the earlier run is left
    with pytest.raises(RunFolderError, match="missing"):
        load_run(copy)


@pytest.mark.slow
def test_a_rerun_removes_the_earlier_runs_member_checkpoints(ensemble_run, tmp_path):
    """An ensemble's folder re-used by a one-member run: the old members' checkpoints go
    (a folder keeps only what the run did not write), and nothing else is touched."""
    copy = tmp_path / "copy"
    shutil.copytree(ensemble_run.config.out, copy)
    old = sorted(p.name for p in copy.glob("checkpoint-*"))
    assert len(old) == 3
    (copy / old[0] / "notes.txt").write_text("mine")
    (copy / "checkpoint-old").mkdir()
    (copy / "checkpoint-old" / "model.ckpt-1.index").write_text("not a member folder")
    run_chapter(ChapterConfig(out=str(copy), iterations=20, report_every=10, quiet=True),
                log=quiet_log)
    assert sorted(os.listdir(copy / old[0])) == ["notes.txt"]
    assert not any((copy / name).exists() for name in old[1:])
    assert (copy / "checkpoint-old" / "model.ckpt-1.index").exists()
    manifest = json.load(open(copy / "run.json"))
    assert [m["folder"] for m in manifest["members"]] == ["checkpoint"]
    assert load_run(copy).forecast().to_csv() == csv_of(copy)


def forecast_command(*args, cwd):
    return subprocess.run(
        [sys.executable, os.path.join(ROOT, "simple_regression.py"), "forecast", *args],
        cwd=cwd, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=ROOT))


@pytest.mark.slow
@pytest.mark.parametrize("target", ["run.json", "forecast.csv", "checkpoint/new.csv",
                                    LOCK_NAME])
def test_the_forecast_command_never_writes_over_the_folder_it_reads(copied_run, tmp_path,
                                                                    target):
    result = forecast_command(str(copied_run), "--out", str(copied_run / target),
                              "--horizon", "3", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "forecast: error:" in result.stderr and "run's own files" in result.stderr
    assert load_run(copied_run).forecast().to_csv() == csv_of(copied_run)  # still whole
    result = forecast_command(str(copied_run), "--out", str(copied_run / "elsewhere.csv"),
                              cwd=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_a_run_refuses_data_that_it_would_overwrite(book_run, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    data = out / "forecast.csv"
    shutil.copy(os.path.join(ROOT, "data", "international-airline-passengers.csv"), data)
    before = data.read_bytes()
    with pytest.raises(OutputDirError, match="forecast.csv.*run's own files"):
        run_chapter(ChapterConfig(data=str(data), out=str(out), iterations=10**6))
    assert data.read_bytes() == before and sorted(os.listdir(out)) == ["forecast.csv"]
    inside = out / "checkpoint-3"
    inside.mkdir()
    shutil.copy(data, inside / "mine.csv")
    with pytest.raises(OutputDirError, match="checkpoint-3"):
        run_chapter(ChapterConfig(data=str(inside / "mine.csv"), out=str(out), iterations=10**6))


@pytest.mark.slow
@pytest.mark.parametrize("change", ["deep", "no members", "horizon 0", "members not a list"])
def test_a_manifest_of_the_wrong_layout_is_a_run_folder_error(copied_run, change):
    """Even with its self-digest recomputed (a forged or future manifest), a run.json that
    is not laid out as this version writes it is refused by name, never a traceback."""
    from series_predictor.run_folder import _self_digest
    path = copied_run / "run.json"
    if change == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000)
    else:
        manifest = json.loads(path.read_text())
        if change == "no members":
            del manifest["members"]
        elif change == "horizon 0":
            manifest["horizon"] = 0
        else:
            manifest["members"] = {"0": manifest["members"][0]}
        manifest["self_digest"] = _self_digest(manifest)
        path.write_text(json.dumps(manifest))
    with pytest.raises(RunFolderError, match="run.json"):
        load_run(copied_run).forecast()


@pytest.mark.parametrize("path", [None, 5, 2.5])
def test_load_run_refuses_what_is_not_a_path(path):
    from series_predictor.errors import SettingError
    with pytest.raises(SettingError, match="path of a run folder"):
        load_run(path)


@pytest.mark.slow
def test_load_run_takes_a_bytes_path(copied_run):
    assert load_run(os.fsencode(str(copied_run))).forecast().to_csv() == csv_of(copied_run)


def test_a_collections_folder_is_not_a_run_but_names_one_of_its_series(tmp_path):
    """load_run(OUT) of a collection said only "not a finished run folder"; it now says
    the folder holds a collection and names a series' folder to open."""
    (tmp_path / ".collection").mkdir()
    (tmp_path / "north").mkdir()
    (tmp_path / "north" / "run.json").write_text("{}")
    with pytest.raises(RunFolderError, match="it holds a collection: open one series' "
                                             "folder in it, e.g. '.*north'"):
        load_run(tmp_path)
    (tmp_path / "plain").mkdir()
    with pytest.raises(RunFolderError, match="not a finished run folder$"):
        load_run(tmp_path / "plain")


@pytest.mark.slow
def test_an_auto_run_whose_network_left_every_range_forecasts_from_its_folder(tmp_path):
    """An auto run whose network's forecasts all left the plausible range (here at a
    learning rate of 1e9; a short yearly series did it too) forecast with the structures
    alone, but wrote run.json with no member, so its folder was refused ("lists no member
    or no horizon") and fit() raised after the run. The structures alone need no member
    (decay 0): the folder, moved, forecasts what forecast.csv says."""
    import series_predictor as sp
    rng = np.random.default_rng(1)
    values = list(np.round(100 + np.cumsum(rng.normal(0.5, 2, 60)), 3))
    out = tmp_path / "run"
    sp.fit(values, recipe="auto", out=str(out), learning_rate=1e9)
    with open(out / "run.json", encoding="utf-8") as f:
        assert json.load(f)["members"] == []
    shutil.move(str(out), str(tmp_path / "moved"))
    table = load_run(str(tmp_path / "moved")).forecast()
    written = np.loadtxt(str(tmp_path / "moved" / "forecast.csv"), delimiter=",", skiprows=1)
    np.testing.assert_allclose(table.point, written[:, 1], rtol=1e-9)
    np.testing.assert_allclose(table.bands[0.95][1], written[:, 5], rtol=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("weekmask, clocks", [
    ("1111001", range(600, 901, 30)),      # Sunday to Thursday, 10:00-15:00 half-hours
    ("1111100", range(570, 961, 1)),       # Monday to Friday, 09:30-16:00 minutes
])
def test_a_kept_run_of_a_markets_hours_forecasts_at_the_runs_times(tmp_path, weekmask, clocks):
    """A kept folder keeps the series' last 60 points, and read from them alone a
    market's hours went on otherwise than the run's forecast.csv: a Sunday-to-Thursday
    week (5 days, under two weeks) went on on Friday and Saturday, minute prices (60
    minutes of one day) through the night. It keeps enough of the last dates now."""
    import series_predictor as sp
    days = np.datetime64("2024-03-03") + np.arange(35)
    days = days[np.is_busday(days, weekmask=weekmask)][-(20 if len(clocks) < 100 else 4):]
    times = np.array([np.datetime64(str(d), "m") + np.timedelta64(c, "m")
                      for d in days for c in clocks])
    values = 100 + np.cumsum(np.random.default_rng(0).normal(0, 0.1, len(times)))
    out = tmp_path / "run"
    sp.fit(list(values), times=times, recipe="book", season=1, out=str(out),
           iterations=2, report_every=1, hidden_dim=4, horizon=15)
    written = np.loadtxt(str(out / "forecast.csv"), delimiter=",", skiprows=1, dtype=str,
                         usecols=0)
    kept = load_run(str(out)).forecast()
    assert [str(t).replace("T", " ")[:16] for t in kept.times] == [
        t.replace("T", " ")[:16] for t in written]
    points = np.loadtxt(str(out / "forecast.csv"), delimiter=",", skiprows=1, usecols=1)
    np.testing.assert_allclose(kept.point, points, rtol=1e-7)
