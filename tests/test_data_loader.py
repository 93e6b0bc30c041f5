"""Listing 10.7 and the windows of listing 10.9 (issue 3). No TensorFlow needed."""

import numpy as np
import pytest

import data_loader
from conftest import write_csv
from series_predictor.errors import (DataFormatError, InputShapeError, SettingError,
                                     SeriesTooShortError)

EXPORT_HEADER = '"Month","International airline passengers: monthly totals in thousands. Jan 49 ? Dec 60"'
EXPORT_FOOTER = 'International airline passengers: monthly totals in thousands. Jan 49 ? Dec 60'


write = write_csv


@pytest.fixture
def export_site_file(tmp_path, airline_csv):
    """The airline file as the export site gave it: header, 144 rows, blank, footer."""
    rows = open(airline_csv, encoding="utf-8").read().splitlines()
    return write(tmp_path, "\r\n".join([EXPORT_HEADER, *rows, "", EXPORT_FOOTER]) + "\r\n")


def test_bundled_file_is_the_144_monthly_values(airline_csv):
    series = data_loader.read_series(airline_csv)
    assert len(series.values) == 144
    assert series.values[:3].tolist() == [112.0, 118.0, 132.0]
    assert series.values[-1] == 432.0
    assert series.labels[0] == "1949-01" and series.labels[-1] == "1960-12"
    assert str(series.times()[0]) == "1949-01"


def test_export_site_file_reads_without_edits(export_site_file, airline_csv):
    series = data_loader.read_series(export_site_file)
    assert np.array_equal(series.values, data_loader.read_series(airline_csv).values)
    assert series.name.startswith("International airline passengers")
    assert series.lines[0] == 2 and series.lines[-1] == 145


def test_load_series_normalizes_as_the_book(export_site_file):
    data, norm = data_loader.load_series(export_site_file, return_normalization=True)
    raw = data_loader.read_series(export_site_file).values
    assert np.allclose(data, (raw - raw.mean()) / raw.std())
    assert norm.mean == pytest.approx(280.298611, abs=1e-5)
    assert norm.std == pytest.approx(119.549042, abs=1e-5)
    assert np.allclose(norm.invert(data), raw)
    assert isinstance(data_loader.load_series(export_site_file), np.ndarray)


def test_blank_lines_inside_are_skipped(tmp_path):
    path = write(tmp_path, "a,1\n\nb,2\n \nc,3\n\n\n")
    assert data_loader.read_series(path).values.tolist() == [1, 2, 3]


def test_footer_without_value_column_is_skipped(tmp_path):
    path = write(tmp_path, "t,v\n1,10\n2,20\nsource: somewhere\n")
    assert data_loader.read_series(path).values.tolist() == [10, 20]


def test_several_columns_and_column_zero(tmp_path):
    path = write(tmp_path, "a,b,c\n1,10,100\n2,20,200\n3,30,300\n")
    assert data_loader.read_series(path, 2).values.tolist() == [100, 200, 300]
    zero = data_loader.read_series(path, 0)
    assert zero.values.tolist() == [1, 2, 3] and zero.labels is None


def test_missing_file_names_the_path(tmp_path):
    missing = str(tmp_path / "nope.csv")
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        data_loader.load_series(missing)


@pytest.mark.parametrize("text, line, found", [
    ("a,1\nb,2\nc,x3\nd,4\n", 3, "not a number: 'x3'"),
    ("a,1\nb,\nc,3\n", 2, "missing value"),
    ("a,1\nb,nan\nc,3\n", 2, "'nan' is not a finite number"),
    ("a,1\nb,inf\nc,3\n", 2, "'inf' is not a finite number"),
    ("a,1\nb,-Infinity\nc,3\n", 2, "'-Infinity' is not a finite number"),
    ("a,1\nb\nc,3\n", 2, "row has 1 column"),
    ("h,v\nh2,v2\nc,3\n", 2, "only one header line"),
    ("a,1\nb,2\nnotes,here\n", 3, "notes after the data must follow a blank line"),
])
def test_bad_values_name_file_line_and_text(tmp_path, text, line, found):
    path = write(tmp_path, text, "bad.csv")
    with pytest.raises(DataFormatError) as info:
        data_loader.read_series(path)
    message = str(info.value)
    assert "bad.csv" in message and f"line {line}" in message and found in message


def test_no_numbers_at_all(tmp_path):
    with pytest.raises(DataFormatError, match="no numeric value in column 1"):
        data_loader.read_series(write(tmp_path, "just,words\nmore,words\n"))


def test_constant_series_cannot_be_normalized(tmp_path):
    with pytest.raises(DataFormatError, match="standard deviation is 0"):
        data_loader.load_series(write(tmp_path, "a,5\nb,5\nc,5\n"))


def test_split_data_counts_rows_with_an_integer():
    train, test = data_loader.split_data(np.arange(144.0))
    assert len(train) == 115 and len(test) == 29
    assert train[-1] == 114 and test[0] == 115
    train, test = data_loader.split_data(list(range(10)), 0.5)
    assert train == [0, 1, 2, 3, 4] and test == [5, 6, 7, 8, 9]


@pytest.mark.parametrize("fraction", [0, 1, -0.2, 1.5, "0.8", True])
def test_split_data_refuses_fractions_outside_0_1(fraction):
    with pytest.raises(ValueError, match="percent_train must be between 0 and 1"):
        data_loader.split_data(np.arange(10.0), fraction)


def test_windows_shift_targets_by_one_and_keep_the_last_window():
    x, y = data_loader.make_windows(np.arange(8.0), 3)
    assert x.shape == (5, 3, 1) and y.shape == (5, 3)
    assert x[0, :, 0].tolist() == [0, 1, 2] and y[0].tolist() == [1, 2, 3]
    assert x[-1, :, 0].tolist() == [4, 5, 6] and y[-1].tolist() == [5, 6, 7]
    book_x, book_y = data_loader.make_windows(np.arange(8.0), 3, drop_last_window=True)
    assert len(book_x) == 4 and np.array_equal(book_x, x[:-1])


def test_windows_refuse_a_too_short_series():
    with pytest.raises(SeriesTooShortError, match="needs? at least 6 points"):
        data_loader.make_windows(np.arange(5.0), 5)


@pytest.mark.parametrize("data", [
    ["a", "b", "c"], np.array(["1", "2", "3"]), "abc", [[1.0, 2.0], [3.0, 4.0]],
    [[1.0, 2.0], [3.0]], np.zeros((4, 1)), [1 + 2j, 3j, 4], None,
])
def test_windows_refuse_what_is_not_a_series_of_numbers(data):
    with pytest.raises(InputShapeError) as info:
        data_loader.make_windows(data, 1)
    message = str(info.value)
    assert message.startswith("data must be a 1-D series of numbers") and "\n" not in message


def test_bad_column_index_is_refused(airline_csv):
    with pytest.raises(SettingError, match="series_idx"):
        data_loader.read_series(airline_csv, -1)


@pytest.mark.slow
def test_importing_data_loader_does_not_import_tensorflow():
    from conftest import run_python
    result = run_python("import sys, data_loader\nprint('tensorflow' in sys.modules)")
    assert result.stdout.strip() == "False", result.stderr
