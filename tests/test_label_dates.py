"""Labels in other notations than ISO dates (``1990Q1``, ``Jan 1949``, ``2020-W05``, years)
become dates: the time axis, the forecast's times in forecast.csv and the figures (issue 18)."""

import json

import numpy as np
import pytest

from conftest import quiet_log, write_csv
from series_predictor import data_loader
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.forecast_table import ForecastTable


def _iso_weeks(first_year, last_year, last_week):
    """``YYYY-Www`` labels from week 1 of ``first_year`` to ``last_week`` of ``last_year``."""
    weeks = []
    for year in range(first_year, last_year + 1):
        count = 53 if year == 2020 else 52  # 2020 has an ISO week 53, 2019 and 2021 do not
        weeks += [f"{year}-W{week:02d}" for week in range(1, count + 1)
                  if year < last_year or week <= last_week]
    return weeks


MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
QUARTERS = [f"{1990 + i // 4}Q{i % 4 + 1}" for i in range(40)]          # 1990Q1 .. 1999Q4
MONTH_NAMES = [f"{MONTHS[i % 12]} {1949 + i // 12}" for i in range(72)]  # Jan 1949 .. Dec 1954
WEEKS = _iso_weeks(2019, 2020, 53)                                      # 2019-W01 .. 2020-W53


def _csv(tmp_path, labels):
    """A series with a season of 4 and a trend, one row per label."""
    return write_csv(tmp_path, "time,value\n" + "".join(
        f"{label},{100 + 10 * (i % 4) + 0.5 * i}\n" for i, label in enumerate(labels)))


@pytest.mark.parametrize("labels, dtype, first, last", [
    (QUARTERS, "datetime64[D]", "1990-01-01", "1999-10-01"),   # first day of the quarter
    (["Q1 1990", "Q2 1990", "Q3 1990"], "datetime64[D]", "1990-01-01", "1990-07-01"),
    (MONTH_NAMES, "datetime64[M]", "1949-01", "1954-12"),
    (["1949M11", "1949M12", "1950M01"], "datetime64[M]", "1949-11", "1950-01"),
    (WEEKS, "datetime64[D]", "2018-12-31", "2020-12-28"),       # Mondays: 2019-W01 began in 2018
    (["1990", "1991", "1992"], "datetime64[Y]", "1990", "1992"),
    (["2019-20", "2020-21", "2021-22"], "int64", "0", "2"),     # fiscal years: no date
], ids=["1990Q1", "Q1 1990", "Jan 1949", "1949M11", "2019-W01", "1990", "2019-20"])
def test_labels_of_other_forms_become_dates(tmp_path, labels, dtype, first, last):
    times = data_loader.read_series(_csv(tmp_path, labels)).times()
    assert (str(times.dtype), str(times[0]), str(times[-1])) == (dtype, first, last)
    assert len(times) == len(labels)


@pytest.mark.parametrize("labels, following", [
    (QUARTERS, ["2000-01-01", "2000-04-01", "2000-07-01"]),
    (MONTH_NAMES, ["1955-01", "1955-02", "1955-03"]),
    (WEEKS, ["2021-01-04", "2021-01-11", "2021-01-18"]),        # 2021-W01, W02, W03
], ids=["1990Q1", "Jan 1949", "2019-W01"])
def test_the_forecast_table_continues_the_labels_as_dates(tmp_path, labels, following):
    times = data_loader.read_series(_csv(tmp_path, labels)).times()
    future = data_loader.future_times(times, len(times), 3)
    table = ForecastTable(future, np.array([1.0, 2.0, 3.0]), {}, {}, {})
    assert [row.split(",")[0] for row in table.to_csv().splitlines()[1:]] == following


@pytest.mark.slow
@pytest.mark.parametrize("labels, following", [
    (QUARTERS, ["2000-01-01", "2000-04-01"]),
    (MONTH_NAMES, ["1955-01", "1955-02"]),
    (WEEKS, ["2021-01-04", "2021-01-11"]),
], ids=["1990Q1", "Jan 1949", "2019-W01"])
def test_a_runs_forecast_csv_continues_the_labels_as_dates(tmp_path, labels, following):
    out = tmp_path / "out"
    run = run_chapter(ChapterConfig(data=_csv(tmp_path, labels), iterations=2, report_every=1,
                                    horizon=2, out=str(out), quiet=True), log=quiet_log)
    rows = (out / "forecast.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == following
    # the figures draw these times: dates on the x axis, not row numbers
    assert run.loaded.times.dtype.kind == run.times["forecast"].dtype.kind == "M"
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test_period"][1] == str(run.loaded.times[-1])  # 1999-10-01, not 39


def test_fit_reads_the_same_label_forms_as_a_csv_and_as_pandas_periods():
    """``series_predictor.fit(y, times=[...])`` takes ``1990Q1`` texts as the CSV reader
    does, to the same dates as a quarterly pandas PeriodIndex (quarter starts)."""
    import pandas as pd
    from series_predictor.api import series_from
    values = [1.0, 2.0, 3.0, 4.0]
    texts = series_from(values, times=["1990Q1", "1990Q2", "1990Q3", "1990Q4"]).times
    periods = series_from(pd.Series(values, index=pd.period_range("1990Q1", periods=4,
                                                                  freq="Q"))).times
    assert [str(t) for t in texts] == [str(t) for t in periods] == [
        "1990-01-01", "1990-04-01", "1990-07-01", "1990-10-01"]
    assert [str(t) for t in series_from(values, times=["Nov 1949", "Dec 1949", "Jan 1950",
                                                       "Feb 1950"]).times] == [
        "1949-11", "1949-12", "1950-01", "1950-02"]
