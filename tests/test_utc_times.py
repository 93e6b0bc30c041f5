"""Hourly times read in UTC (across a daylight-saving change) say so wherever they are
shown: ``Z`` in forecast.csv and metrics.json, "UTC" in printed times and on the
figures' time axis. A tz-aware pandas index read in UTC gets the CSV's warning."""

import json

import numpy as np
import pytest

from series_predictor.forecast_table import ForecastTable
from series_predictor.time_axis import shown_time, written_time

UTC = np.datetime64("2021-03-26T23", "h") + np.arange(72)  # Paris: +01:00, then +02:00
SHIFT = np.where(UTC < np.datetime64("2021-03-28T01", "h"), 1, 2)


def _dst_csv(tmp_path):
    path = tmp_path / "paris.csv"
    path.write_text("time,value\n" + "".join(
        f"{wall}:00:00+0{k}:00,{100 + 10 * np.sin(i / 24 * 2 * np.pi):.3f}\n"
        for i, (wall, k) in enumerate(zip(UTC + SHIFT, SHIFT))))
    return str(path)


def test_utc_times_are_written_with_z_and_printed_with_utc():
    time = np.datetime64("2021-03-28T01:00")
    assert written_time(time, utc=True) == "2021-03-28T01:00Z"
    assert written_time(time) == "2021-03-28T01:00"
    assert shown_time(time, utc=True) == "2021-03-28 01:00 UTC"
    assert shown_time("2021-03-28T01:00Z") == "2021-03-28 01:00 UTC"  # metrics.json's text
    assert shown_time(np.datetime64("2021-03", "M"), utc=True) == "2021-03 UTC"
    assert shown_time(7, utc=True) == "7" and written_time(7, utc=True) == "7"  # row numbers
    table = ForecastTable(UTC[:2], np.array([1.0, 2.0]), {}, {}, {}, utc=True)
    assert table.to_csv().splitlines()[1:] == ["2021-03-26T23Z,1", "2021-03-27T00Z,2"]
    assert "2021-03-26 23 UTC" in str(table)
    assert str(table.to_frame().index.tz) == "UTC"
    plain = ForecastTable(UTC[:1], np.array([1.0]), {}, {}, {})
    assert plain.to_csv().splitlines()[1] == "2021-03-26T23,1" and "UTC" not in str(plain)


def test_the_time_axis_says_utc():
    from series_predictor.plots import plot_series
    figure = plot_series(UTC, np.arange(72.0), utc=True)
    assert figure.axes[0].get_xlabel() == "date and time (UTC)"
    assert plot_series(UTC, np.arange(72.0)).axes[0].get_xlabel() == "date and time"


def test_a_csv_read_in_utc_is_marked_so(tmp_path):
    from series_predictor.config import ChapterConfig
    from series_predictor.stages import read_stage
    loaded = read_stage(ChapterConfig(data=_dst_csv(tmp_path)))
    assert loaded.utc and "('2021-03-27T00:00:00+01:00' as 2021-03-26 23:00)" in \
        loaded.utc_note
    months = tmp_path / "m.csv"
    months.write_text("month,value\n" + "".join(f"2015-{m:02d},{m}\n" for m in range(1, 13)))
    assert not read_stage(ChapterConfig(data=str(months))).utc


def test_a_tz_aware_index_read_in_utc_gets_the_csvs_warning():
    pd = pytest.importorskip("pandas")
    from series_predictor.api import series_from
    from series_predictor.outliers import data_warnings
    index = pd.date_range("2021-03-27", periods=72, freq="h", tz="Europe/Paris")
    loaded = series_from(pd.Series(np.arange(72.0) % 24, index=index))
    assert loaded.utc
    assert [w for w in data_warnings(loaded) if "UTC" in w] == [
        "y's index: its UTC offsets change (a daylight-saving change?), so the times are "
        "read in UTC ('2021-03-27T00:00:00+01:00' as 2021-03-26 23:00:00): the printed "
        "times, the figures and forecast.csv are in UTC"]
    for zone in ("Asia/Kolkata", "UTC"):  # one offset: read by its clock, no warning
        index = pd.date_range("2021-03-27", periods=72, freq="h", tz=zone)
        assert series_from(pd.Series(np.arange(72.0) % 24, index=index)).utc_note is None


@pytest.mark.slow
def test_a_run_on_utc_times_says_utc_in_every_output(tmp_path):
    from series_predictor.chapter import ChapterConfig, run_chapter
    from series_predictor.outputs import figure_jobs
    out = tmp_path / "out"
    lines = []
    run = run_chapter(ChapterConfig(data=_dst_csv(tmp_path), out=str(out), recipe="book",
                                    iterations=20, report_every=10, hidden_dim=8,
                                    horizon=6), log=lines.append)
    rows = (out / "forecast.csv").read_text().splitlines()[1:]
    assert len(rows) == 6 and all(row.split(",")[0].endswith("Z") for row in rows)
    assert rows[0].startswith("2021-03-29T23")  # the hour after the last, in UTC
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test_period"][1] == "2021-03-29T22:00Z"
    assert any("2021-03-29 22:00 UTC" in line for line in lines), lines
    from series_predictor.api import load_run as open_run
    assert open_run(str(out)).forecast().to_csv() == (out / "forecast.csv").read_text()
    (tmp_path / "figures").mkdir()
    _, jobs = figure_jobs(str(tmp_path / "figures"), run)
    assert [job.draw().axes[0].get_xlabel() for job in jobs[:3]] == \
        ["date and time (UTC)"] * 3  # predictions, hallucinations, forecast
