"""Collections: many series in, one run folder per series, one table out (issue 19)."""

import json
import math
import os

import numpy as np
import pytest

from series_predictor import collection, collection_io as cio
from series_predictor.cli import build_parser, main
from series_predictor.collection_options import layout_of
from series_predictor.errors import DataFormatError, SettingError

TINY = dict(recipe="book", iterations=20, report_every=10, hidden_dim=8, horizon=6)


def _seasonal(k, n=60):
    """A monthly series with a season, a trend and a little wiggle (no randomness)."""
    return [round(100 + 10 * math.sin(math.pi * i / 6 + k) + 0.2 * i
                  + 0.5 * math.sin(1.7 * i * (k + 1)), 4) for i in range(n)]


def _month(i):
    return f"{2000 + i // 12}-{1 + i % 12:02d}"


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def _wide_text(ids, n=60):
    columns = [_seasonal(k, n) for k in range(len(ids))]
    rows = [",".join(["month"] + list(ids))]
    rows += [",".join([_month(i)] + [str(c[i]) for c in columns]) for i in range(n)]
    return "\n".join(rows) + "\n"


def _long_text(ids, n=60):
    rows = ["id,date,value"]
    for k, name in enumerate(ids):
        rows += [f"{name},{_month(i)},{v}" for i, v in enumerate(_seasonal(k, n))]
    return "\n".join(rows) + "\n"


# ------------------------------------------------------------------ inputs (fast)
def test_layout_is_detected_and_a_plain_csv_stays_a_single_series(tmp_path, airline_csv):
    wide = _write(tmp_path / "wide.csv", _wide_text(["a", "b"]))
    long = _write(tmp_path / "long.csv", _long_text(["a", "b"]))
    two = _write(tmp_path / "two.csv", "month,sales\n2000-01,1\n2000-02,2\n")
    assert cio.detect_layout(str(tmp_path)) == "folder"
    assert cio.detect_layout(long) == "long"
    assert cio.detect_layout(wide) == "wide"
    assert cio.detect_layout(wide, column_typed=True) == "single"
    assert cio.detect_layout(two) == "single"
    assert cio.detect_layout(airline_csv) == "single"
    assert cio.detect_layout(None) == "single"
    for argv in ([], ["--data", two], ["--data", wide, "--column", "2"]):
        assert layout_of(build_parser().parse_args(argv)) == "single"
    assert layout_of(build_parser().parse_args(["--data", wide])) == "wide"


def test_long_wide_and_folder_give_the_same_series(tmp_path):
    long = cio.read_long(_write(tmp_path / "long.csv", _long_text(["a", "b", "c"])))
    wide = cio.read_wide(_write(tmp_path / "wide.csv", _wide_text(["a", "b", "c"])))
    assert [s.id for s in long] == [s.id for s in wide] == ["a", "b", "c"]
    for one, other in zip(long, wide):
        assert one.dates == other.dates and len(one.dates) == 60
        assert [float(v) for v in one.values] == [float(v) for v in other.values]
    folder = tmp_path / "many"
    folder.mkdir()
    for s in long:
        _write(folder / f"{s.id}.csv", s.csv_text())
    found = cio.read_folder(str(folder))
    assert [(s.id, s.folder, os.path.basename(s.path)) for s in found] == \
        [("a", "a", "a.csv"), ("b", "b", "b.csv"), ("c", "c", "c.csv")]


def test_wide_columns_of_different_lengths_drop_their_empty_ends(tmp_path):
    text = "date,x,y\n2000-01,,1\n2000-02,5,2\n2000-03,6,\n"
    x, y = cio.read_wide(_write(tmp_path / "w.csv", text))
    assert (x.dates, x.values) == (["2000-02", "2000-03"], ["5", "6"])
    assert (y.dates, y.values) == (["2000-01", "2000-02"], ["1", "2"])


@pytest.mark.parametrize("given, folder", [("a/b", "a_b"), ("../x", "_x"), ("..x", "x"),
                                           ("shop 1:ä", "shop_1__"), ("ok.v-2_", "ok.v-2_")])
def test_ids_become_safe_folder_names(given, folder):
    assert cio.folder_name(given) == folder
    assert "/" not in folder and not folder.startswith(".")


@pytest.mark.parametrize("ids, words", [(["a", "a"], "appears twice"),
                                        (["a/b", "a_b"], "would share the folder"),
                                        (["Shop", "shop"], "would share the folder"),
                                        (["..", "x"], "leaves no folder name"),
                                        (["metrics.json"], "collection's own")])
def test_bad_or_duplicate_ids_are_refused_naming_them(ids, words):
    with pytest.raises(DataFormatError, match=words) as caught:
        cio.assign_folders([cio.SeriesInput(i) for i in ids])
    assert repr(ids[-1]) in str(caught.value) or repr(ids[0]) in str(caught.value)


def test_python_inputs_dict_and_long_dataframe():
    pandas = pytest.importorskip("pandas")
    plain = cio.from_python({"a": [1.0, 2.0], 7: (3, 4)})
    assert [(s.id, s.dates, s.values) for s in plain] == [("a", None, [1.0, 2.0]),
                                                         ("7", None, [3.0, 4.0])]
    assert plain[0].csv_text() == "value\n1.0\n2.0\n" and plain[0].column == 0
    frame = pandas.DataFrame({"unique_id": ["x", "x", "y"],
                              "ds": pandas.to_datetime(["2000-01-01", "2000-02-01",
                                                        "2000-01-01"]),
                              "y": [1.5, 2.5, 3.5]})
    x, y = cio.from_python(frame)
    assert x.dates == ["2000-01-01", "2000-02-01"] and x.values == [1.5, 2.5]
    assert x.csv_text() == "date,value\n2000-01-01,1.5\n2000-02-01,2.5\n"
    assert (y.id, y.values) == ("y", [3.5])


def test_python_inputs_keep_their_dates_and_refuse_what_is_not_a_series(tmp_path):
    """A dict of pandas Series keeps the dates of a PeriodIndex and of a tz-aware index
    (both were dropped: the series ran on positions), an hourly series keeps its
    midnights (a bare '2000-01-01' among date-times made its own series.csv refused), a
    masked entry is missing (not the number under the mask), and values that are not
    one series of real numbers, or a DataFrame row with no id, are refused in one line."""
    pandas = pytest.importorskip("pandas")
    import numpy as np
    from series_predictor.data_loader import read_series

    def times(item):
        path = _write(tmp_path / "series.csv", item.csv_text())
        return [str(t) for t in read_series(path, item.column).times()]

    monthly = pandas.Series(np.arange(30.0), index=pandas.period_range("2000-01", periods=30,
                                                                       freq="M"))
    utc = pandas.Series(np.arange(30.0), index=pandas.date_range("2000-01-01", periods=30,
                                                                 tz="UTC"))
    hourly = pandas.Series(np.arange(30.0), index=pandas.date_range("2000-01-01", periods=30,
                                                                    freq="h"))
    got = cio.from_python({"m": monthly, "u": utc, "h": hourly})
    assert [times(item)[:2] for item in got] == [
        ["2000-01", "2000-02"], ["2000-01-01", "2000-01-02"],
        ["2000-01-01T00:00:00", "2000-01-01T01:00:00"]]
    frame = pandas.DataFrame({"id": ["a"] * 30, "date": hourly.index.tz_localize("UTC"),
                              "value": np.arange(30.0)})
    assert times(cio.from_python(frame)[0])[:1] == ["2000-01-01T00:00:00"]
    paris = pandas.date_range("2021-10-30", periods=72, freq="h", tz="Europe/Paris")
    for dst in (cio.from_python({"a": pandas.Series(np.arange(72.0), index=paris)})[0],
                cio.from_python(pandas.DataFrame({"id": ["a"] * 72, "date": paris,
                                                  "value": np.arange(72.0)}))[0]):
        assert len(set(dst.dates)) == 72 and dst.dates[26:28] == ["2021-10-31T00:00:00",
                                                                   "2021-10-31T01:00:00"]
    masked = np.ma.masked_array([1.0, 2.0, 3.0], mask=[0, 1, 0])
    assert cio.from_python({"a": masked})[0].values == [1.0, "", 3.0]
    for bad, match in [(np.ones((3, 2)), "1-D"), (5.0, "1-D"), (np.arange(3) + 1j, "complex")]:
        with pytest.raises(DataFormatError, match=f"series 'a': .*{match}"):
            cio.from_python({"a": bad})
    with pytest.raises(DataFormatError, match="row 1 has no id"):
        cio.from_python(pandas.DataFrame({"id": ["a", None], "date": ["2000-01", "2000-02"],
                                          "value": [1.0, 2.0]}))


def test_a_table_with_an_excel_sep_line_is_read_by_its_delimiter(tmp_path):
    """'sep=;' first (the single-series reader's own advice for a ';' file): a wide table
    was taken for one series, its first column only (the others dropped without a
    word), and a long one was refused as a single series."""
    rows = [(_month(i), i, 2 * i) for i in range(12)]
    wide = _write(tmp_path / "wide.csv", "sep=;\ndate;north;south\n"
                  + "".join(f"{d};{a};{b}\n" for d, a, b in rows))
    assert cio.detect_layout(wide) == "wide"
    got = cio.read_collection(wide, "wide")
    assert [(s.id, s.values[-1], len(s.dates)) for s in got] == [("north", "11", 12),
                                                                 ("south", "22", 12)]
    long = _write(tmp_path / "long.csv", "\ufeffsep=;\nid;date;value\n"
                  + "".join(f"{k};{d};{a}\n" for d, a, _ in rows for k in ("x", "y")))
    assert cio.detect_layout(long) == "long"
    assert [(s.id, len(s.values)) for s in cio.read_collection(long, "long")] == [("x", 12),
                                                                                  ("y", 12)]
    single = _write(tmp_path / "one.csv", "sep=;\ndate;value\n2000-01;1\n2000-02;2\n")
    assert cio.detect_layout(single) == "single"


def test_collection_options_on_one_series_are_refused(capsys, airline_csv):
    assert main(["--data", airline_csv, "--workers", "2"], prog="sp") == 1
    assert "--workers applies to a collection" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["--workers", "0"], prog="sp")
    assert caught.value.code == 1 and "at least 1" in capsys.readouterr().err


def test_a_bad_series_stops_the_collection_before_any_training(tmp_path):
    data = {"good": _seasonal(0), "broken": _seasonal(1)[:30] + ["n/a"] + _seasonal(1)[31:]}
    with pytest.raises(collection.CollectionIncomplete, match="'broken' failed: series 'broken', index 30: missing value"):
        collection.fit_collection(data, out=str(tmp_path), workers=1, log=lambda *_: None,
                                  **TINY)
    assert not (tmp_path / "good" / "run.json").exists()
    assert not (tmp_path / "metrics.json").exists()


def test_per_series_settings_must_name_series_of_the_collection(tmp_path):
    with pytest.raises(SettingError, match="not in the collection: zz"):
        collection.fit_collection({"a": _seasonal(0)}, out=str(tmp_path),
                                  per_series={"zz": {"seed": 1}}, **TINY)


# ------------------------------------------------------------------ runs (slow)
def _statuses(out):
    with open(os.path.join(out, "metrics.json"), encoding="utf-8") as handle:
        metrics = json.load(handle)
    return metrics, {i: e["status"] for i, e in metrics["series"].items()}


@pytest.mark.slow
def test_bad_diverging_and_killed_series_are_named_and_a_rerun_completes_the_rest(
        tmp_path, monkeypatch):
    folder = tmp_path / "series"
    folder.mkdir()
    for k, name in enumerate(["good1", "good2", "diverges", "killed"]):
        _write(folder / f"{name}.csv", "month,value\n" + "".join(
            f"{_month(i)},{v}\n" for i, v in enumerate(_seasonal(k))))
    _write(folder / "bad.csv", "month,value\n2000-01,1\n2000-02,oops\n")
    out = str(tmp_path / "out")
    lines = []
    monkeypatch.setenv(collection.CRASH_HOOK, "killed")
    with pytest.raises(collection.CollectionIncomplete) as caught:
        collection.fit_collection(str(folder), out=out, workers=2, keep_going=True,
                                  per_series={"diverges": {"learning_rate": 1e9}},
                                  log=lines.append, **TINY)
    assert "3 of 5 series failed: bad, diverges, killed" in str(caught.value)
    metrics, status = _statuses(out)
    assert status == {"bad": "failed", "diverges": "failed", "good1": "done",
                      "good2": "done", "killed": "failed"}
    assert metrics["summary"]["failed"] == ["bad", "diverges", "killed"]
    assert "line 3" in metrics["series"]["bad"]["error"]
    assert "diverged" in metrics["series"]["diverges"]["error"]
    assert "died twice" in metrics["series"]["killed"]["error"]
    summary = "\n".join(map(str, lines))
    assert all(f"FAILED {name}:" in summary for name in ("bad", "diverges", "killed"))
    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == 5 and progress[-1].startswith("[5/5]")
    assert progress[0].startswith("[1/5] bad failed") and "not known yet" in progress[0]
    assert any("2 done, " in line and "about " in line and " left)" in line for line in progress)
    with open(os.path.join(out, "forecast.csv"), encoding="utf-8") as handle:
        ids = [row.split(",")[0] for row in handle.read().splitlines()[1:]]
    assert ids == ["good1"] * 6 + ["good2"] * 6
    assert os.path.getsize(os.path.join(out, "summary.png")) > 1000
    kept_time = os.path.getmtime(os.path.join(out, "good1", "run.json"))

    monkeypatch.delenv(collection.CRASH_HOOK)
    with pytest.raises(collection.CollectionIncomplete, match="2 of 5 series failed"):
        collection.fit_collection(str(folder), out=out, workers=2, keep_going=True,
                                  per_series={"diverges": {"learning_rate": 1e9}},
                                  log=lambda *_: None, **TINY)
    _, status = _statuses(out)
    assert status == {"bad": "failed", "diverges": "failed", "good1": "kept",
                      "good2": "kept", "killed": "done"}
    assert os.path.getmtime(os.path.join(out, "good1", "run.json")) == kept_time


@pytest.mark.slow
def test_a_long_table_runs_on_a_local_dask_cluster_of_two_workers(tmp_path, capsys):
    pytest.importorskip("distributed")
    data = _write(tmp_path / "long.csv", _long_text(["north", "south", "east/west"]))
    out = str(tmp_path / "out")
    status = main(["--data", data, "--out", out, "--cluster", "local", "--workers", "2",
                   "--iterations", "20", "--hidden-dim", "8", "--horizon", "6", "--quiet"],
                  prog="sp")
    printed = capsys.readouterr()
    assert status == 0, printed.err
    assert "3 of 3 series finished" in printed.out and "[1/3]" not in printed.out
    metrics, statuses = _statuses(out)
    assert statuses == {"north": "done", "south": "done", "east/west": "done"}
    assert metrics["series"]["east/west"]["folder"] == "east_west"
    for folder in ("north", "south", "east_west"):
        with open(os.path.join(out, folder, "metrics.json"), encoding="utf-8") as handle:
            single = json.load(handle)
        assert single["n_points"] == 60 and single["settings"]["iterations"] == 20
    assert metrics["summary"]["geomean_ratio_hallucination"] > 0
    # A series of the collection scores exactly what a single run of its CSV scores.
    from series_predictor.chapter import ChapterConfig, run_chapter
    single = run_chapter(ChapterConfig(data=os.path.join(out, "north", "series.csv"),
                                       iterations=20, hidden_dim=8, horizon=6, quiet=True,
                                       out=str(tmp_path / "single")), log=lambda *_: None)
    assert metrics["series"]["north"]["hallucination"]["lstm"]["rmse"] == \
        single.metrics["hallucination"]["lstm"]["rmse"]


def test_weights_seed_ignores_other_threads_drawing_from_random():
    """A Dask worker's event loop draws from Python's `random` while a series builds its
    graph; the op seeds tf-keras draws must not move (they did: 8.92 vs 6.82 RMSE)."""
    import random

    from series_predictor.model import _python_random_seeded
    from series_predictor.tf_compat import tf  # noqa: F401 - tf-keras set up as the package does
    from tf_keras.src.utils.tf_utils import get_random_seed
    with _python_random_seeded(5):
        alone = [get_random_seed() for _ in range(3)]
    with _python_random_seeded(5):
        random.random()  # what another thread might do meanwhile
        disturbed = [get_random_seed() for _ in range(3)]
    random.seed(5)
    assert disturbed == alone == [random.randint(1, int(1e9)) for _ in range(3)]


def test_the_output_folder_cannot_be_the_folder_of_input_series(tmp_path):
    _write(tmp_path / "a.csv", "month,value\n" + "".join(
        f"{_month(i)},{v}\n" for i, v in enumerate(_seasonal(0))))
    with pytest.raises(SettingError, match="is the folder of input series"):
        collection.fit_collection(str(tmp_path), out=str(tmp_path), **TINY)


def test_a_run_folder_of_an_earlier_auto_is_run_again_not_mixed_in():
    """A collection resumed after the recipe changed: a series folder whose auto record
    names another pool, combination or network margin is not this version's run."""
    from series_predictor import auto, network_verdict
    now = {"settings": {"season": 12}, "auto": {
        "chosen": list(reversed(auto.POOL)), "combine": "median",
        "network": {"kept": False, "margin": network_verdict.NETWORK_MARGIN}}}
    assert collection.same_method("auto", now) and collection.same_method("global", now)
    four = dict(now, auto=dict(now["auto"], chosen=["ets", "drift", "opt_theta", "sdiff_ar"]))
    no_margin = dict(now, auto=dict(now["auto"], network={"kept": True}))
    mean = dict(now, auto=dict(now["auto"], combine="mean"))
    for earlier in (four, no_margin, mean, {"settings": {"season": 12}}):
        assert not collection.same_method("auto", earlier)
    quarters = {"settings": {"season": 4}, "auto": dict(
        now["auto"], chosen=list(auto.QUARTER_POOL), combine="mean")}
    assert collection.same_method("auto", quarters)
    assert collection.same_method("book", {})   # other recipes: the settings decide


@pytest.mark.slow
def test_an_input_replaced_by_an_older_file_is_run_again(tmp_path):
    """A series file replaced by another version that kept its old mtime (mv from a
    backup, cp -p, tar x) was 'complete from an earlier run, kept': the run's
    numbers were those of the file it replaced. Its change time counts too now."""
    from series_predictor.chapter import ChapterConfig, run_chapter
    from series_predictor.config import check_config
    data = _write(tmp_path / "north.csv", "month,value\n" + "".join(
        f"{_month(i)},{v}\n" for i, v in enumerate(_seasonal(0))))
    config = check_config(ChapterConfig(data=data, out=str(tmp_path / "out"), quiet=True,
                                        **TINY))
    run_chapter(config, log=lambda *_: None)
    assert collection.is_complete(config)
    other = _write(tmp_path / "other.csv", "month,value\n" + "".join(
        f"{_month(i)},{v}\n" for i, v in enumerate(_seasonal(1))))
    os.utime(other, (1e9, 1e9))  # 2001: older than the run
    os.replace(other, data)
    assert os.path.getmtime(data) == 1e9 and not collection.is_complete(config)


def test_a_short_daily_auto_run_without_the_airline_model_is_this_versions():
    """A daily series whose validation origin holds fewer than ``airline.supports``'s 24
    points (30 training points, a horizon of 7: origin 23) is screened without the
    airline model, so its record's kept structures are the pool's other four: that is
    this version's method, and a resumed collection must keep the folder, not run the
    series again every time."""
    from series_predictor import auto, network_verdict
    y = 100 + 0.5 * np.arange(40) + 10 * np.sin(2 * np.pi * np.arange(40) / 7)
    origins, rows = auto.screen(y, 30, 7, 7, 7)
    assert origins == [23] and "airline" not in [r["candidate"].name for r in rows]
    kept = [r for r in rows if r["candidate"].name in auto.POOL]
    record = auto._record(rows, kept, origins, np.arange(40), 7, 0.9, "median")
    record["network"] = {"kept": False, "margin": network_verdict.NETWORK_MARGIN}
    assert sorted(record["chosen"]) == sorted(set(auto.POOL) - {"airline"})
    assert collection.same_method("auto", {"settings": {"season": 7}, "auto": record})
    # A pool member that was screened but not kept still marks another method.
    other = dict(record, chosen=[k for k in record["chosen"] if k != "ets"])
    assert not collection.same_method("auto", {"settings": {"season": 7}, "auto": other})


@pytest.mark.slow
def test_a_quarterly_seasonal_recipe_run_is_complete_on_resume(tmp_path):
    """--recipe seasonal differences quarters at lags 1 and 4 (season.recipe_lags) and
    records diff [1, 4], but resuming a collection expected the recipe's [1, 12]: a
    finished quarterly series never counted as complete and was trained again on every
    resume. A run with other lags than the season's still is not this one."""
    from series_predictor.chapter import ChapterConfig, run_chapter
    from series_predictor.config import check_config
    data = _write(tmp_path / "q.csv", "quarter,value\n" + "".join(
        f"{2000 + i // 4}Q{1 + i % 4},{100 + 10 * math.sin(math.pi * i / 2) + 0.5 * i:.4f}\n"
        for i in range(60)))
    settings = dict(data=data, out=str(tmp_path / "out"), quiet=True, recipe="seasonal",
                    iterations=20, report_every=10, hidden_dim=8, horizon=6, ensemble=1,
                    patience=None, validation=8)
    config = check_config(ChapterConfig(**settings))
    run_chapter(config, log=lambda *_: None)
    with open(tmp_path / "out" / "metrics.json", encoding="utf-8") as f:
        assert json.load(f)["settings"]["diff"] == [1, 4]
    assert collection.is_complete(config)
    assert not collection.is_complete(check_config(ChapterConfig(**settings, diff=(1,))))
