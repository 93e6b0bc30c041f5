"""Date labels and the time axis continued past the data (issue group 3). No TensorFlow."""

import time

import numpy as np
import pytest

import data_loader
from conftest import write_csv
from series_predictor.errors import DataFormatError, SettingError


def read(tmp_path, text):
    return data_loader.read_series(write_csv(tmp_path, text, "dates.csv"))


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


def monthly(first_year, count, form="{y}-{m:02d}", skip=()):
    """Labels of ``count`` months from January ``first_year`` (``skip``: indices left out)."""
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return [form.format(y=first_year + i // 12, m=1 + i % 12, n=names[i % 12])
            for i in range(count) if i not in skip]


def rows(labels, header=None):
    return "".join(f"{line}\n" for line in ([header] if header else [])
                   + [f"{label},{100 + i}" for i, label in enumerate(labels)])


@pytest.mark.parametrize("text, lines, missing", [
    # ISO date-times all at one time of day are their dates: monthly, daily
    (rows(["1949-01-01 00:00:00", "1949-02-01 00:00:00", "1949-04-01 00:00:00"], "t,v"),
     "lines 3 and 4", "'1949-03-01T00:00:00' is missing"),
    (rows(["1949-01-01T09:30", "1949-02-01T09:30", "1949-03-01T09:30", "1949-05-01T09:30"]),
     "lines 3 and 4", "'1949-04-01T09:30' is missing"),
    (rows(["2020-01-04T00:00", "2020-01-05T00:00", "2020-01-07T00:00"]), "lines 2 and 3",
     "'2020-01-06T00:00' is missing"),
    # monthly on a day that shorter months lack: the 30th (February: its last day)
    (rows(["1949-01-30", "1949-02-28", "1949-03-30", "1949-05-30"]), "lines 3 and 4",
     "'1949-04-30' is missing"),
    (rows(["2021-01-29", "2021-02-28", "2021-03-29", "2021-05-29"]), "lines 3 and 4",
     "'2021-04-29' is missing"),
    # daily data with weekend dates, and weekly data, miss no step
    (rows(["2020-01-03", "2020-01-04", "2020-01-05", "2020-01-07"]), "lines 3 and 4",
     "'2020-01-06' is missing"),
    (rows(["2020-01-06", "2020-01-13", "2020-01-20", "2020-02-03", "2020-02-10"]),
     "lines 3 and 4", "'2020-01-27' is missing"),
])
def test_a_missing_period_of_date_times_days_and_weeks_names_the_lines(tmp_path, text, lines,
                                                                       missing):
    message = refusal(tmp_path, text)
    assert lines in message and missing in message


def test_monthly_dates_off_their_day_of_the_month_are_refused(tmp_path):
    labels = [f"1949-{m:02d}-15" for m in range(1, 13)]
    labels[6] = "1949-07-16"
    message = refusal(tmp_path, rows(labels))
    assert "line 7:" in message and "'1949-07-16' is not on day 15 of its month" in message


@pytest.mark.parametrize("text, line, shown", [
    # a typo in the first label no longer switches the checks off
    (rows(["1949-1"] + monthly(1949, 30)[1:]), "line 1",
     "label '1949-1' is not a date of the form YYYY-MM like '1949-02' on line 2"),
    (rows(["1949-1"] + monthly(1949, 30, skip={12})[1:]), "line 1", "'1949-1' is not a date"),
    (rows(["01/1949"] + monthly(1949, 30)[1:], "Month,Pass"), "line 2", "'01/1949' is not a date"),
    # a first row with a number is a data row: its label must be a date as the others are
    (rows(monthly(2021, 6), "Q1,2021"), "line 1", "label 'Q1' is not a date of the form YYYY-MM"),
    (rows(monthly(1949, 6, "{n} {y}") + ["1949-07"]), "line 7",
     "'1949-07' is not a date of the form Mon YYYY like 'Jan 1949' on line 1"),
    (rows(monthly(1990, 12, "{y}Q{m}")[:4] * 1 + ["1991Q5"]), "line 5",
     "'1991Q5' is not a valid quarter; expected YYYYQn"),
    (rows(["2021-W51", "2021-W52", "2021-W53"]), "line 3", "'2021-W53' is not a valid week"),
])
def test_the_form_of_the_labels_is_decided_by_most_of_them(tmp_path, text, line, shown):
    message = refusal(tmp_path, text)
    assert f"{line}:" in message and shown in message


@pytest.mark.parametrize("labels, lines, shown", [
    ([str(year) for year in range(1999, 1969, -1)], "lines 1 and 2",
     "dates out of order ('1999', then '1998')"),
    ([str(year) for year in range(1900, 1906)] + ["1905"] * 5, "lines 6 and 7",
     "date repeated ('1905', then '1905')"),
    ([str(year) for year in range(1900, 1930) if year != 1911], "lines 11 and 12",
     "'1910' is followed by '1912', 2 year(s) later; expected a row every 1 year(s); "
     "'1911' is missing"),
    ([str(year) for year in range(1900, 2000, 5) if year != 1950], "lines 10 and 11",
     "'1950' is missing"),
    (monthly(1949, 30, "{y}-{m}", skip={13}), "lines 13 and 14", "'1950-02' is missing"),
    (monthly(1949, 30, "{y}/{m:02d}", skip={13}), "lines 13 and 14",
     "'1950/01' is followed by '1950/03', 2 month(s) later"),
    (monthly(1949, 30, "{m:02d}/{y}")[::-1], "lines 1 and 2",
     "dates out of order ('06/1951', then '05/1951')"),
    (monthly(1949, 30, "{n} {y}", skip={12}), "lines 12 and 13", "'1950-01' is missing"),
    (monthly(1949, 30, "{n}-{y}") + ["Jun-1951"], "lines 30 and 31", "date repeated"),
    (monthly(1949, 30, "{y} {n}", skip={3}), "lines 3 and 4", "'1949-04' is missing"),
    ([f"2020-W{week:02d}" for week in range(1, 31) if week != 10], "lines 9 and 10",
     "'2020-W10' is missing"),
    ([f"2020W{week:02d}" for week in range(50, 54)] + ["2021W02"], "lines 4 and 5",
     "'2021-W01' is missing"),
    ([f"{1990 + i // 4}Q{1 + i % 4}" for i in range(30) if i != 9], "lines 9 and 10",
     "'1992Q1' is followed by '1992Q3', 2 quarter(s) later; expected a row every 1 "
     "quarter(s); '1992Q2' is missing"),
    ([f"{1990 + i // 4} Q{1 + i % 4}" for i in range(8)] + ["1991 Q4"], "lines 8 and 9",
     "date repeated"),
    ([f"Q{1 + i % 4} {1990 + i // 4}" for i in range(8)][::-1], "lines 1 and 2",
     "dates out of order ('Q4 1991', then 'Q3 1991')"),
    (["2020/01/03", "2020/01/04", "2020/01/05", "2020/01/07"], "lines 3 and 4",
     "'2020-01-06' is missing"),
])
def test_other_label_forms_run_forward_without_repeats_or_gaps(tmp_path, labels, lines, shown):
    message = refusal(tmp_path, rows(labels))
    assert lines in message and shown in message


@pytest.mark.parametrize("labels", [
    [str(year) for year in range(1900, 2000, 5)],
    monthly(1949, 30, "{y}-{m}"),
    monthly(1949, 30, "{n} {y}"),
    [f"{1990 + i // 4}Q{1 + i % 4}" for i in range(30)],
    [f"2020-W{week:02d}" for week in range(1, 54)] + ["2021-W01"],
    [f"obs{1001 + i}" for i in range(30)],  # the shape of 'Jan 1949', but no month
    # a column of four-digit values, not years (the value is in column 1)
    ["1120", "1340", "1205", "1410", "1377", "1502", "1298", "1444"],
    # market data: weekdays only, a holiday (2024-01-15) missing
    ["2024-01-10", "2024-01-11", "2024-01-12", "2024-01-16", "2024-01-17", "2024-01-22"],
    ["2024-01-10T09:30", "2024-01-11T09:30", "2024-01-12T09:30", "2024-01-16T09:30"],
])
def test_labels_of_other_forms_in_order_are_read(tmp_path, labels):
    series = read(tmp_path, rows(labels))
    assert series.labels == tuple(labels)


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


def test_future_times_of_date_times_at_one_time_of_day_go_on_as_their_dates():
    # the book's data saved by pandas: monthly at midnight, not every 31 days
    midnight = np.array(["1952-11-01T00:00:00", "1952-12-01T00:00:00"], dtype="datetime64[s]")
    assert as_text(data_loader.future_times(midnight, 1, 4)) == [
        "1952-12-01T00:00:00", "1953-01-01T00:00:00", "1953-02-01T00:00:00",
        "1953-03-01T00:00:00"]
    # weekdays at 09:30 skip the weekend
    opens = np.array(["2024-01-11T09:30", "2024-01-12T09:30", "2024-01-15T09:30"],
                     dtype="datetime64[m]")
    assert as_text(data_loader.future_times(opens, 3, 3)) == [
        "2024-01-16T09:30", "2024-01-17T09:30", "2024-01-18T09:30"]


def test_future_times_of_monthly_data_on_a_late_day_keep_that_day():
    assert as_text(data_loader.future_times(days("2021-01-30", "2021-02-28", "2021-03-30"), 3, 3)) \
        == ["2021-04-30", "2021-05-30", "2021-06-30"]
    assert as_text(data_loader.future_times(days("2021-01-29", "2021-02-28"), 2, 2)) == [
        "2021-03-29", "2021-04-29"]


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


def test_an_index_column_that_reaches_four_digits_is_not_taken_for_years(tmp_path):
    """Labels 0..2999 (a pandas index): two thirds are four-digit numbers in steady steps,
    but the others are numbers too, so the column is an index, not years."""
    from series_predictor.data_loader import read_series
    path = tmp_path / "index.csv"
    path.write_text("".join(f"{i},{100 + i % 12}\n" for i in range(3000)))
    series = read_series(str(path), 1)
    assert len(series.values) == 3000 and series.values[-1] == 100 + 2999 % 12


# ---------------------------------------------------------------- readers' downloads

def day_range(first, last, keep=lambda day: True):
    return [str(day) for day in np.arange(np.datetime64(first), np.datetime64(last) + 1)
            if keep(day)]


def weekday(day):
    return int((day.astype(np.int64) + 3) % 7)  # Monday 0


@pytest.mark.parametrize("labels, following", [
    # Sunday-to-Thursday market (Tadawul), a holiday (2023-02-22) missing
    (day_range("2023-01-01", "2023-03-30",
               lambda day: weekday(day) not in (4, 5) and str(day) != "2023-02-22"),
     ["2023-04-02", "2023-04-03"]),
    # shop open Monday to Saturday
    (day_range("2023-01-02", "2023-03-31", lambda day: weekday(day) != 6),
     ["2023-04-01", "2023-04-03"]),
    # weekdays and an odd Saturday session (NSE, 2024-01-20), ending on another one
    (day_range("2024-01-01", "2024-03-02",
               lambda day: weekday(day) < 5 or str(day) in ("2024-01-20", "2024-03-02")),
     ["2024-03-04", "2024-03-05"]),
])
def test_daily_data_of_a_trading_week_may_miss_holidays_and_go_on_by_its_days(
        tmp_path, labels, following):
    series = read(tmp_path, rows(labels, "Date,Close"))
    assert series.labels == tuple(labels)
    assert as_text(data_loader.future_times(series.times(), len(labels), 2)) == following


def test_calendar_daily_data_over_weeks_still_miss_no_day(tmp_path):
    labels = day_range("2023-01-01", "2023-03-31", lambda day: str(day) != "2023-02-11")
    message = refusal(tmp_path, rows(labels, "Date,Temp"))
    assert "'2023-02-11' is missing" in message


def business_month_ends(first, count):
    ends = (np.datetime64(first, "M") + np.arange(1, count + 1)).astype("datetime64[D]") - 1
    return [str(day) for day in np.busday_offset(ends, 0, roll="backward")]


def test_monthly_data_on_the_last_trading_day_is_monthly(tmp_path):
    """pandas' business month ends, stooq's monthly prices: 2018-03-30 is a Friday."""
    labels = business_month_ends("2018-01", 24)
    labels[2] = "2018-03-29"  # Good Friday: the last trading day is the Thursday
    series = read(tmp_path, rows(labels, "Date,Close"))
    assert as_text(data_loader.future_times(series.times(), 24, 2)) == ["2020-01-31", "2020-02-28"]
    message = refusal(tmp_path, rows(labels[:5] + labels[6:], "Date,Close"))
    assert "lines 6 and 7" in message and "'2018-06-29' is missing" in message


def test_a_year_column_beside_a_month_column_is_no_column_of_years(tmp_path):
    text = "Year,Month,Sales\n" + "".join(f"{2018 + i // 12},{1 + i % 12},{100 + i}\n"
                                          for i in range(36))
    path = tmp_path / "sales.csv"
    path.write_text(text)
    assert data_loader.read_series(str(path), 2).values[-1] == 135


@pytest.mark.parametrize("labels, shown", [
    ([f"{y}-{(y + 1) % 100:02d}" for y in range(1990, 2010) if y != 1995],
     "'1994-95' is followed by '1996-97', 2 fiscal year(s) later; expected a row every 1 "
     "fiscal year(s); '1995-96' is missing"),
    ([f"{y}-{(y + 1) % 100:02d}" for y in range(1990, 2010)][:5] + ["1995-97"],
     "'1995-97' is not a valid fiscal year; expected YYYY-YY"),
])
def test_fiscal_years_are_years(tmp_path, labels, shown):
    good = [f"{y}-{(y + 1) % 100:02d}" for y in range(1990, 2010)]
    assert read(tmp_path, rows(good, "Year,Spending")).labels[-1] == "2009-10"
    assert read(tmp_path, rows([label.replace("-", "/") for label in good])).labels[0] == "1990/91"
    assert shown in refusal(tmp_path, rows(labels))


def test_labels_counting_up_to_t0_are_no_total(tmp_path):
    labels = [f"t{i}" for i in range(-10, 1)]
    assert read(tmp_path, rows(labels, "t,v")).labels[-1] == "t0"
    assert "a total or note row?" in refusal(tmp_path, rows(labels + ["Total"], "t,v"))


def test_newest_first_data_are_refused_saying_how_to_proceed(tmp_path):
    labels = day_range("2023-01-02", "2023-03-31", lambda day: weekday(day) < 5)[::-1]
    message = refusal(tmp_path, rows(labels, "Date,Close"))
    assert ("dates out of order ('2023-03-31', then '2023-03-30'); expected one row per date, "
            "earliest first; the rows run newest first (down to '2023-01-02' on line 66): "
            "reverse their order") in message


@pytest.mark.parametrize("labels, newest_first", [
    (["03/31/2023", "03/30/2023", "03/29/2022", "12/30/2022", "12/29/2021"], True),
    (["31.01.2020", "29.02.2020", "31.01.2019", "31.03.2020"], False),
])
def test_dates_kept_as_text_may_not_run_back_a_year(tmp_path, labels, newest_first):
    """US or European dates are kept as text; a newest-first export of them was read
    in reverse without a word."""
    from series_predictor.data_loader import read_series
    from series_predictor.errors import DataFormatError
    path = tmp_path / "dates.csv"
    path.write_text("date,close\n" + "".join(f"{label},{i + 1}\n"
                                             for i, label in enumerate(labels)))
    with pytest.raises(DataFormatError, match="dates out of order.*the year goes back") as info:
        read_series(str(path), 1)
    assert ("newest first" in str(info.value)) == newest_first


def test_dates_with_a_utc_offset_newest_first_are_refused(tmp_path):
    """Dates with a UTC offset are dates (``tests/test_time_stamps.py``): newest first,
    they are refused as ISO dates are, saying to reverse them."""
    from series_predictor.data_loader import read_series
    from series_predictor.errors import DataFormatError
    labels = ["2020-01-01T00:00:00+01:00", "2019-12-01T00:00:00+01:00", "2019-11-01T00:00:00+01:00"]
    path = tmp_path / "dates.csv"
    path.write_text("date,close\n" + "".join(f"{label},{i + 1}\n"
                                             for i, label in enumerate(labels)))
    with pytest.raises(DataFormatError, match="lines 2 and 3: dates out of order .*newest first"):
        read_series(str(path), 1)


def test_dates_kept_as_text_in_order_are_read(tmp_path):
    from series_predictor.data_loader import read_series
    path = tmp_path / "us.csv"
    path.write_text("date,close\n" + "".join(f"{m}/15/{2020 + k},{k * 12 + m}\n"
                                             for k in range(3) for m in range(1, 13)))
    assert len(read_series(str(path), 1).values) == 36


@pytest.mark.parametrize("labels, message", [
    ([f"03/{31 - i:02d}/2023" for i in range(20)], "read as MM/DD/YYYY.*newest first"),
    ([f"{31 - i:02d}.03.2023" for i in range(20)], "read as DD/MM/YYYY.*newest first"),
    (["01/15/2023", "02/15/2023", "02/15/2023", "03/15/2023"], "out of order or repeated"),
    (["05/01/2023", "04/01/2023", "06/01/2023", "07/01/2023"], "lines 2 and 3"),
])
def test_day_month_year_dates_must_run_forward_either_way_round(tmp_path, labels, message):
    """A Nasdaq or Investing.com export runs newest first within one year: the year check
    cannot see it, and the dates were read in reverse."""
    from series_predictor.data_loader import read_series
    from series_predictor.errors import DataFormatError
    path = tmp_path / "d.csv"
    path.write_text("Date,Close\n" + "".join(f"{label},{i + 1}\n"
                                             for i, label in enumerate(labels)))
    with pytest.raises(DataFormatError, match=message):
        read_series(str(path), 1)


@pytest.mark.parametrize("labels", [
    [f"{m:02d}/01/2023" for m in range(1, 13)],   # US: month first
    [f"01/{m:02d}/2023" for m in range(1, 13)],   # European: day first
    [f"{d}.1.2024" for d in range(1, 29)],
])
def test_day_month_year_dates_in_order_either_way_round_are_read(tmp_path, labels):
    from series_predictor.data_loader import read_series
    path = tmp_path / "d.csv"
    path.write_text("Date,Close\n" + "".join(f"{label},{i + 1}\n"
                                             for i, label in enumerate(labels)))
    assert len(read_series(str(path), 1).values) == len(labels)


def test_weekly_data_may_move_a_row_within_its_week_but_miss_no_week(tmp_path):
    """stooq dates a week by its last trading day: Thursday 2023-04-06 for Good Friday."""
    import datetime
    from series_predictor.data_loader import read_series
    from series_predictor.errors import DataFormatError
    fridays = [datetime.date(2023, 1, 6) + datetime.timedelta(7 * k) for k in range(20)]
    moved = [d - datetime.timedelta(1) if d == datetime.date(2023, 4, 7) else d
             for d in fridays]
    path = tmp_path / "w.csv"
    path.write_text("Date,Close\n" + "".join(f"{d},{i}\n" for i, d in enumerate(moved)))
    assert len(read_series(str(path), 1).values) == 20
    gap = [d for d in moved if d != datetime.date(2023, 3, 3)]
    path.write_text("Date,Close\n" + "".join(f"{d},{i}\n" for i, d in enumerate(gap)))
    with pytest.raises(DataFormatError, match=r"2 week\(s\) later.*'2023-03-03' is missing"):
        read_series(str(path), 1)


def test_an_hour_repeated_when_clocks_go_back_says_so(tmp_path):
    from series_predictor.data_loader import read_series
    from series_predictor.errors import DataFormatError
    hours = ["2021-10-31 00:00", "2021-10-31 01:00", "2021-10-31 02:00", "2021-10-31 02:00",
             "2021-10-31 03:00"]
    path = tmp_path / "h.csv"
    path.write_text("time,load\n" + "".join(f"{h},{i}\n" for i, h in enumerate(hours)))
    with pytest.raises(DataFormatError, match="lines 4 and 5: date repeated.*in UTC"):
        read_series(str(path), 1)


def test_a_markets_hours_go_on_in_those_hours_of_its_trading_days():
    """Half-hourly prices from 09:30 to 15:30 on weekdays were continued through the
    night and the weekend (16:00, 16:30, ... Saturday 03:00): the future times now go on
    within the session, then to the next trading day's 09:30; data that fill whole days
    still go on by their step."""
    from series_predictor.time_axis import future_times
    days = np.busday_offset("2024-03-04", np.arange(5), roll="forward")   # Monday to Friday
    clocks = [np.timedelta64(9 * 60 + 30 + 30 * k, "m") for k in range(13)]
    times = np.array([np.datetime64(str(d), "m") + c for d in days for c in clocks])
    ahead = future_times(times, len(times), 15)
    assert str(ahead[0]) == "2024-03-11T09:30"                # Friday's 15:30, then Monday
    assert str(ahead[12]) == "2024-03-11T15:30" and str(ahead[13]) == "2024-03-12T09:30"
    assert np.all(np.is_busday(ahead.astype("datetime64[D]")))
    crypto = np.arange(np.datetime64("2024-03-01T00:00"), np.datetime64("2024-03-05T00:00"),
                       np.timedelta64(1, "h"))
    assert str(future_times(crypto, len(crypto), 2)[1]) == "2024-03-05T01:00"
    evenings = times[times.astype("datetime64[D]") < np.datetime64("2024-03-08")]
    assert str(future_times(evenings, len(evenings), 1)[0]) == "2024-03-08T09:30"


def test_a_markets_hours_in_nanoseconds_stop_at_2262_not_wrap_to_1744():
    """datetime64[ns] (times given from Python, or sub-second stamps) ends in 2262, but a
    market's hours were given room up to 9999-12-31: 5 million half-hours from 2024 wrapped
    round to 1744 without a word. They are refused now, naming the last datetime64[ns], and
    the most that fit do fit."""
    from series_predictor.time_axis import future_times
    days = np.busday_offset("2024-03-04", np.arange(5), roll="forward")
    clocks = [np.timedelta64(9 * 60 + 30 + 30 * k, "m") for k in range(13)]
    times = np.array([np.datetime64(str(d), "ns") + c for d in days for c in clocks])
    with pytest.raises(SettingError) as info:
        future_times(times, len(times), 5_000_000)
    message = str(info.value)
    assert "2262-04-11" in message and "datetime64[ns]" in message
    most = int(message.rsplit("at most ", 1)[1].split()[0])
    ahead = future_times(times, len(times), most)
    assert str(ahead[-1]) < "2262-04-12" and np.all(np.diff(ahead.view(np.int64)) > 0)


def test_a_markets_hours_after_an_odd_saturday_session_start_at_mondays_opening():
    """Half-hourly weekday prices that end inside an odd Saturday session (NSE,
    2024-01-20, 09:30 and 10:00) went on at Monday 10:30, skipping Monday's first two
    half-hours; they now go on at Monday's 09:30, as daily data go on after such a day."""
    from series_predictor.time_axis import future_times
    days = list(np.busday_offset("2024-01-01", np.arange(15), roll="forward"))
    clocks = [np.timedelta64(9 * 60 + 30 + 30 * k, "m") for k in range(13)]
    times = np.array([np.datetime64(str(d), "m") + c for d in days for c in clocks]
                     + [np.datetime64("2024-01-20T09:30"), np.datetime64("2024-01-20T10:00")])
    ahead = future_times(times, len(times), 14)
    assert str(ahead[0]) == "2024-01-22T09:30" and str(ahead[12]) == "2024-01-22T15:30"
    assert str(ahead[13]) == "2024-01-23T09:30"


def test_a_markets_hours_in_utc_follow_the_clock_of_its_last_weeks():
    """A market's half-hours in UTC (14:30-21:00 in winter, 13:30-20:00 once New York
    moved its clocks on 2024-03-10) went on after Friday's 20:00 close at 20:30, 21:00,
    then Monday 13:30: the hours of both clocks together. They go on by the hours of the
    last two weeks now: Monday 13:30 to 20:00."""
    from series_predictor.time_axis import future_times
    winter = np.busday_offset("2024-02-19", np.arange(15), roll="forward")
    summer = np.busday_offset("2024-03-11", np.arange(15), roll="forward")
    times = np.array([np.datetime64(str(d), "m") + np.timedelta64(start + 30 * k, "m")
                      for days, start in ((winter, 14 * 60 + 30), (summer, 13 * 60 + 30))
                      for d in days for k in range(14)])
    ahead = future_times(times, len(times), 15)
    assert str(times[-1]) == "2024-03-29T20:00" and str(ahead[0]) == "2024-04-01T13:30"
    assert str(ahead[13]) == "2024-04-01T20:00" and str(ahead[14]) == "2024-04-02T13:30"
