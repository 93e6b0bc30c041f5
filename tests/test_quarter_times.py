"""Quarterly data given as ``1990Q1`` (or ``Q1 1990``) print their times in that
notation (tables, periods, origins, the forecast), not as the quarters' first days
(``1990-01-01``); forecast.csv and metrics.json keep ISO dates (test_label_dates)."""

import json

import numpy as np
import pytest

from series_predictor.forecast_table import BacktestResult, ForecastTable
from series_predictor.time_axis import shown_time
from series_predictor.time_labels import quarter_notation

QUARTERS = [f"{1990 + i // 4}Q{i % 4 + 1}" for i in range(40)]          # 1990Q1 .. 1999Q4


def _csv(tmp_path, labels):
    path = tmp_path / "q.csv"
    path.write_text("quarter,value\n" + "".join(f"{label},{100 + 10 * (i % 4) + i}\n"
                                                for i, label in enumerate(labels)))
    return str(path)


def test_quarters_are_printed_in_the_labels_notation():
    assert quarter_notation(QUARTERS) == "YYYYQn"
    assert quarter_notation([f"Q{i % 4 + 1} {1990 + i // 4}" for i in range(8)]) == "Qn YYYY"
    assert quarter_notation(["1990-01-01", "1990-04-01"]) is None   # ISO dates: as given
    assert quarter_notation(["1990-01", "1990-02", "1990-03"]) is None
    first_days = np.array(["2000-01-01", "2000-04-01"], dtype="datetime64[D]")
    assert [shown_time(t, notation="YYYYQn") for t in first_days] == ["2000Q1", "2000Q2"]
    assert shown_time("2000-10-01", notation="Qn YYYY") == "Q4 2000"
    assert shown_time("2000-10-01") == "2000-10-01"
    table = ForecastTable(first_days, np.array([1.0, 2.0]), {}, {}, {}, notation="YYYYQn")
    assert [line.split()[0] for line in str(table).splitlines()[2:4]] == ["2000Q1", "2000Q2"]
    assert table.to_csv().splitlines()[1:] == ["2000-01-01,1", "2000-04-01,2"]  # ISO kept
    report = {"origins": ["1998-01-01", "1999-01-01"], "horizon": 1, "stride": 4,
              "overall": {"lstm": {"rmse": 1.0, "mae": 1.0, "mase": 1.0}},
              "by_horizon": {"lstm": {"rmse": [1.0], "mae": [1.0], "mase": [1.0],
                                      "origins_scored": 2}}}
    assert "2 origins (1998Q1 .. 1999Q1, 4 points apart)" in \
        str(BacktestResult(report, notation="YYYYQn"))


def test_the_loader_and_fit_know_quarters(tmp_path):
    pd = pytest.importorskip("pandas")
    from series_predictor.api import series_from
    from series_predictor.config import ChapterConfig
    from series_predictor.stages import read_stage
    assert read_stage(ChapterConfig(data=_csv(tmp_path, QUARTERS))).notation == "YYYYQn"
    assert series_from(list(range(8)), times=QUARTERS[:8]).notation == "YYYYQn"
    index = pd.period_range("1990Q1", periods=8, freq="Q")
    assert series_from(pd.Series(np.arange(8.0), index=index)).notation == "YYYYQn"
    months = pd.period_range("1990-01", periods=8, freq="M")
    assert series_from(pd.Series(np.arange(8.0), index=months)).notation is None


@pytest.mark.slow
def test_a_quarterly_run_prints_quarters_and_writes_iso_dates(tmp_path):
    from series_predictor import load_run
    from series_predictor.chapter import ChapterConfig, run_chapter
    out, lines = tmp_path / "out", []
    run_chapter(ChapterConfig(data=_csv(tmp_path, QUARTERS), iterations=2, report_every=1,
                              horizon=2, out=str(out), backtest=2), log=lines.append)
    text = "\n".join(lines)
    assert "Test period 1998Q" in text and "1999Q4 (" in text, text
    assert "Backtest: 2 origins (199" in text and "-01 .." not in text
    assert "-01-01" not in text.replace(str(tmp_path), "")   # no first-day dates printed
    rows = (out / "forecast.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["2000-01-01", "2000-04-01"]
    assert json.loads((out / "metrics.json").read_text())["test_period"][1] == "1999-10-01"
    table = str(load_run(str(out)).forecast())
    assert "2000Q1" in table and "2000Q2" in table
