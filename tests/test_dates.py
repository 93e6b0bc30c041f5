"""Date labels and the time axis continued past the data (issue group 3). No TensorFlow."""

import time

import numpy as np
import pytest

import data_loader
from series_predictor.errors import DataFormatError, SettingError


def read(tmp_path, text):
    path = tmp_path / "dates.csv"
    path.write_text(text, encoding="utf-8")
    return data_loader.read_series(str(path))


def refusal(tmp_path, text):
    with pytest.raises(DataFormatError) as info:
        read(tmp_path, text)
    message = str(info.value)
    assert message.startswith(str(tmp_path / "dates.csv")) and "\n" not in message
    return message


@pytest.mark.parametrize("text, lines, shown", [
    ("1949-01,1\n1949-03,2\n1949-02,3\n", "lines 2 and 3", "('1949-03', then '1949-02')"),
    ("1949-01,1\n1949-02,2\n1949-02,3\n", "lines 2 and 3",
     "date repeated ('1949-02', then '1949-02')"),
    ("Day,v\n2020-01-02,1\n2020-01-01,2\n", "lines 2 and 3", "('2020-01-02', then '2020-01-01')"),
    ("t,v\n2020-01-01T10:00,1\n2020-01-01 10:00,2\n", "lines 2 and 3",
     "date repeated ('2020-01-01T10:00', then '2020-01-01 10:00')"),
    ("1949-01,1\n\n1949-02,2\n1948-12,3\n", "lines 3 and 4", "'1949-02', then '1948-12'"),
])
def test_dates_out_of_order_or_repeated_name_both_lines_and_dates(tmp_path, text, lines, shown):
    message = refusal(tmp_path, text)
    assert lines in message and shown in message


@pytest.mark.parametrize("text, lines, missing", [
    ("1949-01,1\n1949-02,2\n1949-04,3\n1949-05,4\n", "lines 2 and 3", "'1949-03' is missing"),
    ("1949-11,1\n1949-12,2\n1950-02,3\n", "lines 2 and 3", "'1950-01' is missing"),
    # quarterly data: a missing quarter
    ("2000-01,1\n2000-04,2\n2000-07,3\n2001-01,4\n2001-04,5\n", "lines 3 and 4",
     "'2000-10' is missing"),
    # monthly data dated on the first, and on the last day of each month
    ("2020-01-01,1\n2020-02-01,2\n2020-04-01,3\n", "lines 2 and 3", "'2020-03-01' is missing"),
    ("2020-01-31,1\n2020-02-29,2\n2020-04-30,3\n", "lines 2 and 3", "'2020-03-31' is missing"),
])
def test_a_missing_month_names_the_lines(tmp_path, text, lines, missing):
    message = refusal(tmp_path, text)
    assert lines in message and missing in message


def test_daily_gaps_are_fine(tmp_path):
    series = read(tmp_path, "2024-01-05,1\n2024-01-08,2\n2024-01-09,3\n2024-01-15,4\n")
    assert series.values.tolist() == [1, 2, 3, 4]
    assert series.times().dtype == np.dtype("datetime64[D]")


@pytest.mark.parametrize("text, line, shown", [
    ("1949-01,1\n1949-02-01,2\n", "line 2", "'1949-02-01' is not a date of the form YYYY-MM"),
    ("1949-11,1\n1949-12,2\n1949-13,3\n", "line 3", "'1949-13' is not a valid date"),
    ("2021-02-27,1\n2021-02-28,2\n2021-02-29,3\n", "line 3", "'2021-02-29' is not a valid date"),
    # a total row after a blank line is not one of the data's dates
    ("1949-01,112\n1949-02,118\n\nTotal,230\n", "line 4", "'Total' is not a date"),
])
def test_date_labels_of_another_form_or_invalid_are_refused(tmp_path, text, line, shown):
    message = refusal(tmp_path, text)
    assert f"{line}:" in message and shown in message


# ---------------------------------------------------------------- future_times

def months(*labels):
    return np.array(labels, dtype="datetime64[M]")


def days(*labels):
    return np.array(labels, dtype="datetime64[D]")


def as_text(times):
    return [str(t) for t in times]


def test_future_times_inside_the_data_are_the_data_times(airline_csv):
    times = data_loader.read_series(airline_csv).times()
    assert np.array_equal(data_loader.future_times(times, 115, 29), times[115:])
    assert as_text(data_loader.future_times(times, 140, 7)) == [
        "1960-09", "1960-10", "1960-11", "1960-12", "1961-01", "1961-02", "1961-03"]
    assert as_text(data_loader.future_times(times, 144, 2)) == ["1961-01", "1961-02"]
    assert len(data_loader.future_times(times, 3, 0)) == 0


def test_future_times_continue_monthly_data_by_months():
    # the last difference (1960-12 minus 1960-11) is 30 days in days, 1 in months
    assert as_text(data_loader.future_times(months("1960-11", "1960-12"), 1, 4)) == [
        "1960-12", "1961-01", "1961-02", "1961-03"]
    assert as_text(data_loader.future_times(months("2000-01", "2000-04", "2000-07"), 2, 3)) == [
        "2000-07", "2000-10", "2001-01"]
    assert as_text(data_loader.future_times(days("2020-01-31", "2020-02-29", "2020-03-31"), 2, 3)) \
        == ["2020-03-31", "2020-04-30", "2020-05-31"]
    assert as_text(data_loader.future_times(days("2019-11-15", "2019-12-15"), 1, 3)) == [
        "2019-12-15", "2020-01-15", "2020-02-15"]


def test_future_times_of_market_data_skip_weekends():
    # Wednesday 2024-01-03 .. Friday 2024-01-12, weekdays only
    weekdays = days("2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09",
                    "2024-01-10", "2024-01-11", "2024-01-12")
    assert as_text(data_loader.future_times(weekdays, 7, 4)) == [
        "2024-01-12", "2024-01-15", "2024-01-16", "2024-01-17"]


def test_future_times_of_other_daily_data_use_the_most_common_step():
    every_day = days("2024-01-05", "2024-01-06", "2024-01-07")  # weekend included
    assert as_text(data_loader.future_times(every_day, 2, 3)) == [
        "2024-01-07", "2024-01-08", "2024-01-09"]
    weekly = days("2024-01-01", "2024-01-08", "2024-01-15", "2024-01-23", "2024-01-30")
    assert as_text(data_loader.future_times(weekly, 4, 3)) == [
        "2024-01-30", "2024-02-06", "2024-02-13"]
    hourly = np.array(["2020-01-01T22", "2020-01-01T23"], dtype="datetime64[h]")
    assert as_text(data_loader.future_times(hourly, 1, 3)) == [
        "2020-01-01T23", "2020-01-02T00", "2020-01-02T01"]


def test_future_times_of_an_integer_axis_count_on():
    assert data_loader.future_times(np.arange(5), 3, 5).tolist() == [3, 4, 5, 6, 7]


@pytest.mark.parametrize("times, last", [
    (months("1960-11", "1960-12"), "1960-12"),
    (days("2024-01-01", "2024-01-02"), "2024-01-02"),
    (days("2024-01-04", "2024-01-05", "2024-01-08"), "2024-01-08"),
    (days("2024-01-31", "2024-02-29"), "2024-02-29"),
    (np.array(["2020-01-01T00", "2020-01-01T01"], dtype="datetime64[h]"), "2020-01-01T01"),
])
def test_future_times_past_9999_12_31_are_refused_without_building_them(times, last):
    began = time.perf_counter()
    with pytest.raises(SettingError) as info:
        data_loader.future_times(times, 0, 10**9)
    assert time.perf_counter() - began < 1.0
    message = str(info.value)
    assert "1000000000" in message and last in message and "9999-12-31" in message


def test_future_times_up_to_9999_12_31_are_fine():
    assert as_text(data_loader.future_times(months("9999-10", "9999-11"), 1, 2)) == [
        "9999-11", "9999-12"]
    with pytest.raises(SettingError, match="at most 2 fit"):
        data_loader.future_times(months("9999-10", "9999-11"), 1, 3)


@pytest.mark.parametrize("start, count", [(-1, 2), (3, 2), (0, -1), (0, 2.0), (True, 1)])
def test_future_times_refuse_bad_arguments(start, count):
    with pytest.raises(SettingError):
        data_loader.future_times(months("2000-01", "2000-02"), start, count)
