"""``--workers N`` (and ``fit_collection(workers=N)``) above the machine's CPU count or
the number of series is capped, with one line saying so; 0 or less is refused."""

import argparse

import pytest

from series_predictor import collection, collection_pool
from series_predictor.collection_options import run_from_args
from series_predictor.config import with_recipe
from series_predictor.errors import OutputDirError, SettingError

TINY = dict(recipe="book", iterations=20, report_every=10, hidden_dim=8, horizon=6)
SERIES = [1.0 + i % 12 for i in range(48)]


def test_workers_are_capped_at_the_series_and_the_cpus(monkeypatch):
    monkeypatch.setattr(collection_pool.os, "cpu_count", lambda: 4)
    assert collection_pool.capped_workers(64, 3, True) == (
        3, "Note: --workers 64 is more than the 3 series; running 3 at once")
    count, note = collection_pool.capped_workers(64, 100, True)
    assert count == 4 and note == ("Note: --workers 64 is more than this machine's 4 CPUs "
                                   "(os.cpu_count()); running 4 at once")
    assert collection_pool.capped_workers(64, 100, False) == (64, None)  # a remote cluster
    assert collection_pool.capped_workers(2, 100, True) == (2, None)
    assert collection_pool.capped_workers(None, 3, True) == (3, None)
    assert collection_pool.capped_workers(None, 100, True) == (4, None)


@pytest.mark.parametrize("bad", [0, -2, 1.5, True])
def test_workers_below_one_are_refused(bad):
    with pytest.raises(SettingError, match="workers= must be a whole number of at least 1"):
        collection.fit_collection({"a": SERIES}, out="never-made", workers=bad, **TINY)


def _users_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "forecast.csv").write_text("mine\n")  # refuses the collection before training
    return out


def test_fit_collection_says_it_caps_workers_in_python_terms(tmp_path):
    lines = []
    with pytest.raises(OutputDirError):
        collection.fit_collection({"a": SERIES, "b": SERIES}, out=str(_users_out(tmp_path)),
                                  workers=50, log=lines.append, **TINY)
    assert lines == ["Note: workers=50 is more than the 2 series; running 2 at once"]


def test_the_command_line_says_it_caps_workers_in_its_terms(tmp_path):
    table = tmp_path / "long.csv"
    table.write_text("id,date,value\n" + "".join(
        f"{sid},{2015 + i // 12}-{i % 12 + 1:02d},{value}\n"
        for sid in "ab" for i, value in enumerate(SERIES)))
    config = with_recipe("book", **dict(TINY, data=str(table),
                                        out=str(_users_out(tmp_path))))
    lines = []
    with pytest.raises(OutputDirError):
        run_from_args(argparse.Namespace(workers=50), "long", config, lines.append)
    assert lines == ["Note: --workers 50 is more than the 2 series; running 2 at once"]
