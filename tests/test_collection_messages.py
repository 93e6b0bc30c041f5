"""A collection's per-series errors name what the user gave: the table's path, the
series' id, and the table's own line and column (a long or wide table), or the
value's index (a dict from Python), never the package's ``OUT/ID/series.csv``."""

import pytest

from series_predictor import collection
from series_predictor import collection_io as cio

TINY = dict(recipe="book", iterations=20, report_every=10, hidden_dim=8, horizon=6)


def _months(n):
    return [f"{2015 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def _long_table(path, bad=None, blank_after=None, sep_line=False):
    """ids a, b, c of 48 months; ``bad``: (id, index, text) put in a value cell."""
    lines = (["sep=,"] if sep_line else []) + ["id,date,value"]
    for sid in "abc":
        for i, date in enumerate(_months(48)):
            value = f"{100 + i % 12 + 3 * (sid == 'b')}"
            if bad and bad[:2] == (sid, i):
                value = bad[2]
            lines.append(f"{sid},{date},{value}")
            if blank_after == (sid, i):
                lines.append("")
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _refusal(data, out):
    with pytest.raises(collection.CollectionIncomplete) as caught:
        collection.fit_collection(data, out=str(out), workers=1, log=lambda *_: None, **TINY)
    return str(caught.value)


def test_long_table_error_names_the_users_file_line_and_column(tmp_path):
    table = _long_table(tmp_path / "sales.csv", bad=("b", 20, "abc"))
    message = _refusal(table, tmp_path / "out")
    # 'b' row 20 is line 1 (header) + 48 ('a') + 21 = 70; the value is column 2
    assert f"series 'b' failed: {table} (series 'b'), line 70, column 2: not a number: 'abc'" \
        in message
    assert "series.csv" not in message
    assert (tmp_path / "sales.csv").read_text().splitlines()[69] == "b,2016-09,abc"


def test_long_table_lines_count_blank_lines_and_an_excel_sep_line(tmp_path):
    table = _long_table(tmp_path / "t.csv", bad=("c", 5, ""), blank_after=("a", 3),
                        sep_line=True)
    message = _refusal(table, tmp_path / "out")
    lines = (tmp_path / "t.csv").read_text().splitlines()
    # sep line + header + blank + 96 rows of a and b + 6 of c: line 1 + 1 + 1 + 96 + 6 = 105
    assert f"{table} (series 'c'), line 105, column 2: missing value" in message
    assert lines[104] == "c,2015-06,"


def test_long_table_gap_names_both_lines_of_the_table(tmp_path):
    rows = ["id,date,value"] + [f"a,{d},{i}" for i, d in enumerate(_months(48))]
    months = _months(48)
    rows += [f"b,{d},{i}" for i, d in enumerate(months) if i != 20]
    (tmp_path / "g.csv").write_text("\n".join(rows) + "\n")
    message = _refusal(str(tmp_path / "g.csv"), tmp_path / "out")
    assert f"{tmp_path / 'g.csv'} (series 'b'), lines 69 and 70: '2016-08' is followed by " \
           "'2016-10'" in message


def test_wide_table_error_names_the_column_of_the_series(tmp_path):
    rows = ["date,north,south"] + [f"{d},{100 + i % 12},{50 + i % 12}"
                                   for i, d in enumerate(_months(48))]
    rows[31] = rows[31].rsplit(",", 1)[0] + ",1.2.3"
    (tmp_path / "w.csv").write_text("\n".join(rows) + "\n")
    message = _refusal(str(tmp_path / "w.csv"), tmp_path / "out")
    assert f"series 'south' failed: {tmp_path / 'w.csv'} (series 'south'), line 32, " \
           "column 2: " in message


def test_dict_error_names_the_series_and_the_index(tmp_path):
    values = [float(100 + i % 12) for i in range(48)]
    broken = values[:30] + ["n/a"] + values[31:]
    message = _refusal({"good": values, "broken": broken}, tmp_path / "out")
    assert "series 'broken' failed: series 'broken', index 30" in message
    assert "series.csv" not in message


def test_in_source_maps_ranges_and_warnings():
    from series_predictor.collection_messages import in_source
    item = cio.SeriesInput("x", source="t.csv", lines=[1, 5, 6, 7, 9], columns=(1, 3))
    data = "out/x/series.csv"
    assert in_source(item, data, "out/x/series.csv, training part (lines 2..4)") == \
        "t.csv (series 'x'), training part (lines 5..7)"
    assert in_source(item, data, "Warning: out/x/series.csv, line 5: 1e+09 is a lone "
                                     "spike") == "Warning: t.csv (series 'x'), line 9: 1e+09 is a lone spike"
    assert in_source(item, "other.csv", "other text, line 3") == "other text, line 3"
    own = cio.SeriesInput("y", path="folder/y.csv")
    assert in_source(own, "folder/y.csv", "folder/y.csv, line 3") == "folder/y.csv, line 3"


def test_one_function_tells_results_and_report_entries_in_source():
    """``collection.told_in_source`` and ``collection_report._in_source`` both wrapped
    ``in_source``; one function does for a SeriesResult and a metrics entry alike."""
    import ast
    from series_predictor import collection_report
    from series_predictor.collection_messages import told_in_source
    from series_predictor.collection_result import SeriesResult
    item = cio.SeriesInput("x", source="t.csv", lines=[1, 5, 6, 7, 9], columns=(1, 3))
    data = "out/x/series.csv"
    result = told_in_source(SeriesResult("x", "x", "failed", "out/x/series.csv, line 3: "
                                         "bad"), item, data)
    assert result.error == "t.csv (series 'x'), line 6: bad"
    entry = told_in_source({"error": None, "data_warnings": ["out/x/series.csv, line 2: "
                                                             "spike"]}, item, data)
    assert entry == {"error": None, "data_warnings": ["t.csv (series 'x'), line 5: spike"]}
    for module in (collection, collection_report):
        tree = ast.parse(open(module.__file__, encoding="utf-8").read())
        wrappers = [node.name for node in ast.walk(tree)
                    if isinstance(node, ast.FunctionDef) and "in_source" in node.name]
        assert wrappers == [], (module.__name__, wrappers)


# ------------------------------------------------------------ tables that are not one

def _cli_error(capsys, args):
    from series_predictor.cli import main
    assert main(args, prog="sp") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    return err


def test_a_layout_without_data_is_refused_before_reading(capsys, tmp_path):
    err = _cli_error(capsys, ["--layout", "long", "--out", str(tmp_path / "o")])
    assert "sp: error: --layout long needs --data" in err
    assert not (tmp_path / "o").exists()


def test_a_headerless_wide_table_is_refused_not_read_with_a_row_as_ids(capsys, tmp_path,
                                                                       airline_csv):
    err = _cli_error(capsys, ["--data", airline_csv, "--layout", "wide",
                              "--out", str(tmp_path / "o")])
    assert f"{airline_csv}, line 1: a wide table's first line names its series" in err
    assert "found '1949-01,112', which holds numbers" in err
    assert not (tmp_path / "o").exists()          # it trained a series named '112'


def test_wide_series_named_by_numbers_are_still_read(tmp_path):
    path = tmp_path / "stores.csv"
    path.write_text("date,101,102\n2015-01,1,2\n2015-02,3,4\n")
    items = cio.read_wide(str(path))
    assert [item.id for item in items] == ["101", "102"] and items[1].values == ["2", "4"]


def test_layout_folder_on_a_file_and_empty_tables_say_what_they_are(capsys, tmp_path,
                                                                    airline_csv):
    err = _cli_error(capsys, ["--data", airline_csv, "--layout", "folder",
                              "--out", str(tmp_path / "o")])
    assert f"layout 'folder' needs a folder of CSV files; {airline_csv!r} is a file" in err
    (tmp_path / "empty.csv").write_text("\n\n")
    for layout in ("long", "wide"):
        err = _cli_error(capsys, ["--data", str(tmp_path / "empty.csv"), "--layout", layout,
                                  "--out", str(tmp_path / "o")])
        assert f"{tmp_path / 'empty.csv'}: the file holds no rows" in err
    (tmp_path / "head.csv").write_text("id,date,value\n")
    err = _cli_error(capsys, ["--data", str(tmp_path / "head.csv"), "--out", str(tmp_path / "o")])
    assert f"{tmp_path / 'head.csv'}: the long table holds no rows after its header" in err


def test_a_long_row_without_an_id_is_refused_naming_its_line(tmp_path):
    rows = ["id,date,value"] + [f"a,{d},{i}" for i, d in enumerate(_months(48))]
    rows[11] = "," + rows[11].split(",", 1)[1]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(cio.DataFormatError, match=r"t.csv, line 12: no series id in column 0 "
                                                  r"\('id'\); every row needs one"):
        cio.read_long(str(tmp_path / "t.csv"))


def test_ctrl_c_in_a_collection_says_what_is_complete_and_how_to_go_on(tmp_path, monkeypatch):
    from series_predictor.collection_result import SeriesResult
    from series_predictor.errors import TrainingInterrupted

    def runner(tasks, workers, take):      # one series finishes, then Ctrl-C
        take(SeriesResult(tasks[0][0], tasks[0][1], "done"))
        raise KeyboardInterrupt

    monkeypatch.setattr(collection, "_run_local", runner)
    data = {name: [float(100 + i % 12) for i in range(48)] for name in ("a", "b", "c")}
    out = str(tmp_path / "out")
    with pytest.raises(TrainingInterrupted) as caught:
        collection.fit_collection(data, out=out, workers=1, log=lambda *_: None, **TINY)
    assert str(caught.value) == (
        f"collection interrupted: 1 of 3 series complete in {out!r}; run the same command "
        "again to complete the rest (complete series are kept, not run again)")
    assert isinstance(caught.value, KeyboardInterrupt)


@pytest.mark.parametrize("per_series, options, expected", [
    ({"a": {"bogus": 1}}, {}, "per_series['a'] names bogus: not a setting a series can "
                              "override (the collection sets each series' data, column and out)"),
    ({"a": {"out": "elsewhere"}}, {}, "per_series['a'] names out: not a setting"),
    ({"a": 5}, {}, "per_series['a'] must be a dict of settings such as {'iterations': 200}; "
                   "found 5"),
    (None, {"bogus": 1}, "fit_collection got unknown settings: bogus; see ChapterConfig"),
])
def test_bad_collection_settings_are_refused_by_name(tmp_path, per_series, options, expected):
    from series_predictor.errors import SettingError
    with pytest.raises(SettingError) as caught:
        collection.fit_collection({"a": [1.0] * 48}, out=str(tmp_path / "out"),
                                  per_series=per_series, log=lambda *_: None,
                                  **dict(TINY, **options))
    assert str(caught.value).startswith(expected)
    assert not (tmp_path / "out").exists()


def test_python_series_without_values_or_with_times_going_back_are_refused(tmp_path):
    import pandas as pd
    with pytest.raises(cio.DataFormatError, match="^series 'a' has no values$"):
        cio.from_python({"a": []})
    frame = pd.DataFrame({"unique_id": ["a"] * 5, "ds": [0, 1, 2, 2, 3],
                          "y": [1.0, 2.0, 3.0, 4.0, 5.0]})
    with pytest.raises(cio.DataFormatError, match=r"^series 'a': its times \(column 'ds'\) "
                                                  r"must increase; index 3 \(2\) is not after 2$"):
        cio.from_python(frame)
    frame["ds"] = [0, 1, 2, 3, 4]
    assert cio.from_python(frame)[0].dates == ["0", "1", "2", "3", "4"]


@pytest.mark.parametrize("name", ["global-network", "Global-Network"])
def test_a_series_named_like_the_global_networks_folder_is_refused_before_writing(
        tmp_path, name):
    from series_predictor.errors import SettingError
    values = [100.0 + i % 12 + 0.5 * i for i in range(60)]
    out = tmp_path / "out"
    with pytest.raises(SettingError) as caught:
        collection.fit_collection({name: values, "b": values}, out=str(out), workers=1,
                                  log=lambda *_: None, **dict(TINY, recipe="global"))
    assert str(caught.value) == (f"series id {name!r} would take the folder 'global-network' "
                                 "that --recipe global keeps its network in; rename the series")
    assert not out.exists()


def test_when_no_series_finished_the_message_claims_no_outputs_of_others(tmp_path):
    bad = [1.0] * 20 + ["n/a"] + [1.0] * 27
    with pytest.raises(collection.CollectionIncomplete) as caught:
        collection.fit_collection({"a": bad, "b": bad}, out=str(tmp_path / "out"), workers=1,
                                  keep_going=True, log=lambda *_: None, **TINY)
    assert str(caught.value) == "2 of 2 series failed: a, b (a re-run completes only these)"


def test_a_second_collection_on_the_same_out_is_refused_before_touching_a_series(tmp_path):
    """Two collections on one OUT each failed a series the other was running (s1 in use
    by the first, s2 by the second's worker); OUT itself is now locked first."""
    from series_predictor.errors import FolderInUseError
    from series_predictor.run_folder import folder_lock
    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(str(out)):                 # as a running collection holds it
        with pytest.raises(FolderInUseError, match=f"folder {str(out)!r} is in use by "
                                                   "another run \\(pid "):
            collection.fit_collection({"a": [1.0 + i % 12 for i in range(48)]},
                                      out=str(out), workers=1, log=lambda *_: None, **TINY)
    assert sorted(p.name for p in out.iterdir()) == [".series-predictor.lock"]


def test_a_wide_column_without_a_name_is_refused_naming_the_column(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("date,north,,south\n2015-01,1,2,3\n2015-02,4,5,6\n")
    with pytest.raises(cio.DataFormatError, match=r"w.csv, line 1: column 2 has no name; a "
                                                  r"wide table's first line names every"):
        cio.read_wide(str(path))


def test_a_folder_s_other_entries_are_said_to_be_read_as_no_series(tmp_path):
    """A folder collection skipped a spreadsheet and a subfolder without a word (a user
    who saved one series as .xlsx never learned why it was missing); hidden files are
    not named."""
    from series_predictor import collection_io
    for name in ("a.csv", "b.CSV"):
        (tmp_path / name).write_text("t,v\n1,2\n2,3\n")
    (tmp_path / "sales.xlsx").write_bytes(b"PK")
    (tmp_path / "old").mkdir()
    (tmp_path / ".DS_Store").write_text("")
    said = []
    items = collection_io.read_folder(str(tmp_path), said.append)
    assert [item.id for item in items] == ["a", "b"]
    assert said == [f"Note: 2 entries of {str(tmp_path)!r} read as no series (only .csv "
                    "files are): old, sales.xlsx"]
    said.clear()
    (tmp_path / "sales.xlsx").unlink()
    (tmp_path / "old").rmdir()
    collection_io.read_folder(str(tmp_path), said.append)
    assert said == []
