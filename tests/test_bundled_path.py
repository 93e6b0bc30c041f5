"""The book's ``load_series('international-airline-passengers.csv')`` works from any
folder (issue group 1). No TensorFlow."""

import os

import numpy as np
import pytest

import data_loader

NAME = "international-airline-passengers.csv"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A current folder without the data file."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return str(folder)


@pytest.mark.parametrize("reader", [data_loader.load_series, data_loader.read_series])
def test_bare_bundled_name_reads_the_bundled_copy_and_says_so(elsewhere, capsys, reader):
    result = reader(NAME)
    values = result.values if isinstance(result, data_loader.Series) else result
    assert len(values) == 144
    err = capsys.readouterr().err
    bundled = data_loader.bundled_data_path(NAME)
    assert err == (f"data_loader: no {NAME!r} in {elsewhere}; "
                   f"using the bundled copy {bundled}\n")


def test_the_bundled_copy_is_the_same_series(elsewhere, airline_csv):
    assert np.array_equal(data_loader.read_series(NAME).values,
                          data_loader.read_series(airline_csv).values)


def test_a_file_in_the_current_folder_wins_silently(elsewhere, capsys):
    with open(NAME, "w", encoding="utf-8") as handle:
        handle.write("1949-01,1\n1949-02,2\n")
    assert data_loader.read_series(NAME).values.tolist() == [1.0, 2.0]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("name", [
    os.path.join("data", NAME),          # a folder part: the reader meant that folder
    os.path.join(".", NAME),
    "no-such-file.csv",                  # bare, but not bundled
    NAME.upper(),
])
@pytest.mark.parametrize("reader", [data_loader.load_series, data_loader.read_series])
def test_other_missing_paths_name_the_path_and_the_current_folder(elsewhere, capsys,
                                                                  name, reader):
    with pytest.raises(FileNotFoundError) as info:
        reader(name)
    message = str(info.value)
    assert repr(name) in message and elsewhere in message
    assert capsys.readouterr().err == ""
