"""An empty, blank or header-only file is refused naming what it holds and the shape
expected; it read 'no numeric value in column 1 (0 non-blank line(s))' and stopped."""

import pytest

from series_predictor import data_loader
from series_predictor.errors import DataFormatError

EXPECTED = ("expected a header line, then one line per time such as '1949-01,112' (the "
            "time, then the value)")


@pytest.mark.parametrize("content", [b"", b"\n\n\n", b"\xef\xbb\xbf", b"  \r\n"],
                         ids=["empty", "blank lines", "a BOM alone", "spaces"])
def test_a_file_with_nothing_in_it_says_so(tmp_path, content):
    path = tmp_path / "e.csv"
    path.write_bytes(content)
    with pytest.raises(DataFormatError) as caught:
        data_loader.read_series(str(path))
    assert str(caught.value) == (f"{path}: no numeric value in column 1 (0 non-blank "
                                 f"line(s): the file is empty or blank); {EXPECTED}")


def test_a_header_alone_is_named(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("\nmonth,value\n")
    with pytest.raises(DataFormatError) as caught:
        data_loader.read_series(str(path))
    assert str(caught.value) == (f"{path}: no numeric value in column 1 (1 non-blank "
                                 f"line(s): line 2, 'month,value', and no data below it); "
                                 f"{EXPECTED}")


@pytest.mark.parametrize("repeat", ["month,value", " month , value "])
def test_a_header_repeated_inside_the_data_is_named_as_such(tmp_path, repeat):
    """Two files joined: it read "line 4, column 1: not a number: 'value'"."""
    rows = [f"2000-{m:02d},{100 + m}" for m in range(1, 5)]
    path = tmp_path / "joined.csv"
    path.write_text("\n".join(["month,value", *rows[:2], repeat, *rows[2:]]) + "\n")
    with pytest.raises(DataFormatError) as caught:
        data_loader.read_series(str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}, line 4: the header line '")
    assert message.endswith("' again, inside the data (line 1 is the first); expected one "
                            "header line, then numbers: files joined together? delete the "
                            "repeated line")


def test_a_dash_for_standard_input_says_how_to_read_it(tmp_path, monkeypatch):
    from series_predictor.errors import DataFileNotFoundError
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataFileNotFoundError) as caught:
        data_loader.read_series("-")
    assert str(caught.value).endswith("; standard input is read as --data /dev/stdin")
