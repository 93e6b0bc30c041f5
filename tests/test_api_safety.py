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


class _Alarm:
    """Fail a call that blocks (a FIFO opened for reading) instead of hanging."""

    def __enter__(self):
        import signal

        def ring(*_):
            raise TimeoutError("blocked for 5 s")
        self.old = signal.signal(signal.SIGALRM, ring)
        signal.alarm(5)

    def __exit__(self, *exc):
        import signal
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self.old)


def test_a_fifo_metrics_json_is_refused_not_waited_on(tmp_path):
    """run.json's digests cover only the files it lists; a forged one may leave
    metrics.json out, and a FIFO there blocked ``Forecaster.metrics`` for ever."""
    forecaster = _forecaster(tmp_path)
    os.mkfifo(os.path.join(forecaster.folder, "metrics.json"))
    with _Alarm(), pytest.raises(SeriesPredictorError, match="metrics.json"):
        forecaster.metrics


def test_a_collection_rerun_never_waits_on_a_fifo_in_a_series_folder(tmp_path, monkeypatch):
    import dataclasses

    from series_predictor import collection, collection_report, run_folder
    from series_predictor.collection_result import SeriesResult
    from series_predictor.config import ChapterConfig
    folder = tmp_path / "out" / "a"
    folder.mkdir(parents=True)
    (folder / "run.json").write_text("{}\n")
    (folder / "series.csv").write_text("value\n1\n")
    os.mkfifo(folder / "metrics.json")
    os.mkfifo(folder / "forecast.csv")
    monkeypatch.setattr(run_folder, "read_manifest", lambda path: {"files": {}})
    config = dataclasses.replace(ChapterConfig(), out=str(folder),
                                 data=str(folder / "series.csv"))
    with _Alarm():
        assert collection.is_complete(config) is False
    with _Alarm(), pytest.raises(SeriesPredictorError, match="metrics.json|forecast.csv"):
        collection_report._read_series(str(tmp_path / "out"), SeriesResult("a", "a", "done"))


def test_a_figure_path_that_is_a_link_is_never_replaced(tmp_path):
    from series_predictor import plots
    target = tmp_path / "mine.png"
    target.write_bytes(b"the user's picture")
    os.symlink(target, tmp_path / "link.png")
    with pytest.raises(OutputDirError, match="link"):
        plots.plot_series(np.arange(3), np.array([1.0, 2.0, 3.0]), path=str(tmp_path / "link.png"))
    assert os.path.islink(tmp_path / "link.png")
    assert target.read_bytes() == b"the user's picture"
