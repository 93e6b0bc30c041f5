"""The Python entry points never write through a link, never replace what is not a
regular file, and say what is wrong in one line (issue 16's rules, for issue 17's API).

``Forecaster.save`` and ``ForecastTable.to_csv`` are driven with a stand-in run folder
(no training), so every case is fast.
"""

import os
import types

import numpy as np
import pytest

from series_predictor.api import Forecaster
from series_predictor.errors import OutputDirError, SeriesPredictorError
from series_predictor.forecast_table import ForecastTable


def _forecaster(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text("{}\n")
    (run / "forecast.csv").write_text("time,forecast\n")
    return Forecaster(types.SimpleNamespace(folder=str(run)))


def _table():
    times = np.array(["1961-01", "1961-02"], dtype="datetime64[M]")
    point = np.array([400.0, 410.5])
    return ForecastTable(times, point, {}, {0: point}, {}, "passengers")


def test_save_into_a_link_to_an_empty_folder_is_refused_in_one_line(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    os.symlink(target, tmp_path / "link")
    with pytest.raises(SeriesPredictorError, match="link"):
        _forecaster(tmp_path).save(tmp_path / "link")
    assert os.listdir(target) == [] and os.path.islink(tmp_path / "link")


def test_save_onto_a_dangling_link_is_refused_in_one_line(tmp_path):
    os.symlink(tmp_path / "nowhere", tmp_path / "link")
    with pytest.raises(SeriesPredictorError, match="link"):
        _forecaster(tmp_path).save(tmp_path / "link")
    assert not os.path.exists(tmp_path / "nowhere")
    assert os.readlink(tmp_path / "link") == str(tmp_path / "nowhere")


def test_save_where_it_cannot_write_names_the_folder_and_leaves_nothing(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "file").write_text("x")  # a file where a folder is needed: cannot write
    with pytest.raises(SeriesPredictorError, match="file"):
        _forecaster(tmp_path).save(locked / "file" / "kept")
    assert (locked / "file").read_text() == "x"


def test_to_csv_never_replaces_a_link_or_a_fifo(tmp_path):
    target = tmp_path / "target.csv"
    target.write_text("the user's own\n")
    os.symlink(target, tmp_path / "link.csv")
    with pytest.raises(OutputDirError, match="link"):
        _table().to_csv(str(tmp_path / "link.csv"))
    assert os.path.islink(tmp_path / "link.csv") and target.read_text() == "the user's own\n"
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(OutputDirError, match="FIFO|not a regular|fifo"):
        _table().to_csv(str(tmp_path / "pipe"))
    assert not os.path.isfile(tmp_path / "pipe")
