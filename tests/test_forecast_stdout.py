"""``series-predictor forecast RUN --out -`` writes to standard output, as the
default does; it wrote a file named '-' into the current folder."""

import os

import pytest

from series_predictor.cli import main


@pytest.mark.slow
def test_out_dash_is_standard_output(book_run, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["forecast", book_run.config.out, "--horizon", "3", "--out", "-"]) in (0, None)
    printed = capsys.readouterr().out
    assert os.listdir(tmp_path) == []
    written = open(os.path.join(book_run.config.out, "forecast.csv"), encoding="utf-8").read()
    assert printed.splitlines() == written.splitlines()[:4]
    assert len(printed.splitlines()) == 4   # the header and 3 points
