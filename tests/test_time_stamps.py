"""Time stamps as databases and spreadsheets export them: ISO date-times with a UTC
offset (``Z``, ``+00:00``, ``-0500``), a zero fraction of a second (``.000``), and
date-times at midnight. They are read as dates (the season inferred, the forecast
continued), never as row numbers; a column that mixes times with and without an
offset is refused, naming the line."""

import numpy as np
import pytest

from series_predictor import data_loader, season
from series_predictor.errors import DataFormatError
from series_predictor.time_axis import future_times


def _write(tmp_path, labels, name="s.csv"):
    path = tmp_path / name
    path.write_text("time,value\n" + "".join(f"{label},{100 + i % 12}\n"
                                             for i, label in enumerate(labels)))
    return str(path)


def _months(suffix, n=48):
    return [f"{2015 + i // 12}-{i % 12 + 1:02d}-01{suffix}" for i in range(n)]


@pytest.mark.parametrize("suffix", ["T00:00:00Z", "T00:00:00+00:00", "T00:00:00.000Z",
                                    "T00:00:00-0500", "T00:00:00", " 00:00"])
def test_monthly_time_stamps_are_dates_with_season_12(tmp_path, suffix):
    series = data_loader.read_series(_write(tmp_path, _months(suffix)))
    times = series.times()
    assert times.dtype.kind == "M"                      # dates, not row numbers
    assert str(times[0].astype("datetime64[D]")) == "2015-01-01"
    assert str(times[-1].astype("datetime64[D]")) == "2018-12-01"
    assert season.infer(times, series.labels).length == 12
    ahead = future_times(times, len(times), 2).astype("datetime64[D]")
    assert [str(t) for t in ahead] == ["2019-01-01", "2019-02-01"]   # by months


def test_hourly_stamps_with_z_have_season_24(tmp_path):
    labels = [f"2020-01-{1 + i // 24:02d}T{i % 24:02d}:00:00Z" for i in range(96)]
    series = data_loader.read_series(_write(tmp_path, labels))
    times = series.times()
    assert np.all(np.diff(times).astype("timedelta64[s]").astype(int) == 3600)
    assert season.infer(times, series.labels).length == 24


def test_daylight_saving_offsets_hourly_read_in_utc(tmp_path):
    # Europe/Berlin, 2021-03-28: 01:00+01:00 is followed by 03:00+02:00 (one hour later)
    labels = ["2021-03-28T00:00:00+01:00", "2021-03-28T01:00:00+01:00",
              "2021-03-28T03:00:00+02:00", "2021-03-28T04:00:00+02:00"] * 1
    labels = [f"2021-03-27T{h:02d}:00:00+01:00" for h in range(24)] + labels
    series = data_loader.read_series(_write(tmp_path, labels))
    times = series.times()
    steps = np.diff(times).astype("timedelta64[m]").astype(int)
    assert np.all(steps == 60)                           # no gap, no repeat: UTC
    assert str(times[-1]) == "2021-03-28T02:00"          # 04:00+02:00 in UTC


@pytest.mark.parametrize("offsets, told", [((1, 2), "'2021-03-27T00:00:00+01:00' as "
                                                      "2021-03-26 23:00"),
                                           ((0, 1), "'2021-03-28T02:00:00+01:00' as "
                                                    "2021-03-28 01:00"),
                                           ((2, 2), None), ((0, 0), None)])
def test_times_read_in_utc_are_said_to_be(tmp_path, offsets, told):
    """Hourly times across a clock change are read in UTC: the test period printed
    '2021-03-27 23:00' and forecast.csv wrote '2021-03-28T23:00' for labels reading
    '2021-03-28T00:00:00+01:00' and '2021-03-29T01:00:00+02:00', with no word of UTC.
    Now a warning says so (kept in metrics.json's data_warnings for collections); one
    offset throughout is read by its clock and needs none. London's first times are at
    +00:00, their UTC: the first time read otherwise is named."""
    from series_predictor.config import ChapterConfig
    from series_predictor.outliers import data_warnings
    from series_predictor.stages import read_stage
    utc = np.datetime64("2021-03-26T23", "h") + np.arange(48)  # clocks change at 01:00 UTC
    shift = np.where(utc < np.datetime64("2021-03-28T01", "h"), *offsets)
    labels = [f"{wall}:00:00+0{k}:00" for wall, k in zip(utc + shift, shift)]
    loaded = read_stage(ChapterConfig(data=_write(tmp_path, labels)))
    warnings = [line for line in data_warnings(loaded) if "UTC" in line]
    assert warnings == ([f"{loaded.path}: the time labels' UTC offsets change (a daylight-"
                         f"saving change?), so the times are read in UTC ({told}): the "
                         "printed times, the figures and forecast.csv are in UTC"]
                        if told else [])


def test_daylight_saving_offsets_daily_read_as_dates(tmp_path):
    labels = [f"2021-03-{d:02d}T00:00:00+01:00" for d in range(1, 28)] + \
             [f"2021-03-{d:02d}T00:00:00+02:00" for d in range(28, 32)] + \
             [f"2021-04-{d:02d}T00:00:00+02:00" for d in range(1, 20)]
    series = data_loader.read_series(_write(tmp_path, labels))
    times = series.times()
    assert str(times[0]) == "2021-03-01T00:00:00" and str(times[-1]) == "2021-04-19T00:00:00"
    assert season.infer(times, series.labels).length == 7


def test_offset_on_some_times_only_is_refused_naming_the_line(tmp_path):
    labels = _months("T00:00:00Z")
    labels[9] = labels[9].replace("Z", "")
    path = _write(tmp_path, labels)
    with pytest.raises(DataFormatError) as caught:
        data_loader.read_series(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 11: '2015-10-01T00:00:00' has no UTC offset")
    assert "'2015-01-01T00:00:00Z' on line 2" in message


def test_gap_in_stamped_times_names_the_missing_month(tmp_path):
    labels = _months("T00:00:00Z")
    del labels[5]
    with pytest.raises(DataFormatError, match="line"):
        data_loader.read_series(_write(tmp_path, labels))


@pytest.mark.parametrize("minutes, expected", [(30, 48), (15, 96), (60, 24), (10, 1)])
def test_half_and_quarter_hours_have_the_day_as_their_season(minutes, expected):
    times = np.datetime64("2020-01-01T00:00") + np.arange(400) * np.timedelta64(minutes, "m")
    found = season.infer(times)
    assert found.length == expected
    if minutes in (30, 15):
        assert found.reason.endswith(f"times: {expected} a day")
