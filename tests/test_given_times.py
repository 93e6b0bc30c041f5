"""``fit(y, times=...)`` reads dates as a pandas index of the same dates is read.

Before, a DatetimeIndex (or its ``.values``) given as ``times`` stayed datetime64[ns],
and the forecast went on by a fixed step from the last date: monthly dates
2005-01-01, 2005-02-01, then 2005-03-04 (31 days on), while the same dates as a
Series' index gave 2005-03-01.
"""

import numpy as np
import pandas as pd
import pytest

import series_predictor as sp
from series_predictor.errors import SettingError
from series_predictor.pandas_times import as_times

Y = 100 + 10 * np.sin(np.arange(60) * 2 * np.pi / 12) + np.arange(60) * 0.5
MONTHS = pd.date_range("2000-01-01", periods=60, freq="MS")
MONTH_ENDS = pd.date_range("2000-01-31", periods=60, freq="ME")


@pytest.mark.parametrize("times", [MONTHS, MONTHS.values, pd.Series(MONTHS),
                                   MONTHS.tz_localize("Europe/Paris")],
                         ids=["index", "datetime64[ns]", "Series", "tz-aware"])
def test_given_monthly_dates_read_as_the_index_reads_them(times):
    read = as_times(times)
    assert read.dtype == np.dtype("datetime64[D]")  # days: continued by the calendar
    assert np.array_equal(read, MONTHS.values.astype("datetime64[D]"))


@pytest.mark.parametrize("dates, expected", [
    (MONTHS, ["2005-01-01", "2005-02-01", "2005-03-01", "2005-04-01"]),
    (MONTH_ENDS, ["2005-01-31", "2005-02-28", "2005-03-31", "2005-04-30"])])
def test_a_forecast_from_given_dates_goes_on_by_the_calendar(dates, expected):
    model = sp.fit(Y, times=dates.values, recipe="book", iterations=3, report_every=3)
    got = model.forecast(4).to_frame().index
    assert [str(t)[:10] for t in got] == expected
    indexed = sp.fit(pd.Series(Y, index=dates), recipe="book", iterations=3, report_every=3)
    assert list(indexed.forecast(4).to_frame().index) == list(got)


def test_hours_keep_their_hours():
    hours = pd.date_range("2020-01-01", periods=5, freq="h").values
    read = as_times(hours)
    assert read.dtype == np.dtype("datetime64[s]")
    assert np.array_equal(read, hours)


@pytest.mark.parametrize("times, found", [
    (["2000-01", "2000-02", "junk"], "found times[2] = 'junk'"),
    (pd.Series(["2000-01", None, "2000-03"]), "found times[1]: a missing value ("),
    (["2000-01", float("nan"), "2000-03"], "found times[1]: a missing value (nan)"),
    (["2000-01", "Feb 2000", "2000Q1"], "found '2000-01', ... (each a date, not one axis")])
def test_times_that_are_no_dates_name_the_one_that_is_not(times, found):
    """The refusal named times[0] ('found '2000-01'', a good date) whichever was bad."""
    with pytest.raises(SettingError) as caught:
        as_times(times)
    assert found in str(caught.value)
