"""A table of three or more columns with numbers under a column with no name is a
collection (refused, naming the column), not one series: ``date,,b,c`` ran column 1
alone and left b and c without a word. A trailing separator is no column."""

import pytest

from series_predictor.collection_io import detect_layout, read_wide
from series_predictor.errors import DataFormatError

ROWS = "".join(f"2000-{m:02d},{100 + m},{200 + m},{300 + m}\n" for m in range(1, 13))


@pytest.mark.parametrize("header, layout", [
    ("date,,b,c", "wide"), ("date,a,,c", "wide"), ("date,a,b,", "wide"),
    ("date,a,b,c", "wide")])
def test_a_column_of_numbers_without_a_name_makes_a_wide_table(tmp_path, header, layout):
    path = tmp_path / "t.csv"
    path.write_text(header + "\n" + ROWS)
    assert detect_layout(str(path)) == layout


def test_the_wide_reader_then_names_the_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("date,,b,c\n" + ROWS)
    with pytest.raises(DataFormatError) as caught:
        read_wide(str(path))
    assert str(caught.value) == (f"{path}, line 1: column 1 has no name; a wide table's "
                                 "first line names every series' column")


@pytest.mark.parametrize("text", [
    "month,value,\n2000-01,5,\n2000-02,6,\n",          # a trailing separator
    "month,value,note\n2000-01,5,hello\n",               # a column of words
    "month,value\n2000-01,5\n"])
def test_one_series_stays_one_series(tmp_path, text):
    path = tmp_path / "s.csv"
    path.write_text(text)
    assert detect_layout(str(path)) == "single"


def test_a_typed_column_reads_one_series(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("date,,b,c\n" + ROWS)
    assert detect_layout(str(path), column_typed=True) == "single"
