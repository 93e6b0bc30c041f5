"""The time axis of a series: monthly and daily dates, the gap rules that refuse a
missing period, and the continuation of the axis past the data (``future_times``).

NumPy and the standard library only.
"""

import collections

import numpy as np

from .errors import DataFormatError, SettingError
from .validation import check_int, MAX_STEPS


_LAST_DRAWABLE = np.datetime64("9999-12-31", "D")  # NumPy and matplotlib draw up to here
SESSION_DATES = 10  # the last dates whose times of day are a market's hours (``_session``)


_Months = collections.namedtuple("_Months", "months day")
_Months.__doc__ = """A month-like time axis: ``months`` counts months since 1970-01;
``day`` is None (``YYYY-MM`` dates), 'last' (last days of months), 'trading'
(weekdays in the last week of months: the last trading day, as pandas' business
month ends and market data sites date monthly prices; continued on the last
weekday) or the day offset ``d`` (0 for the first) shared by every date: each
date is day ``d + 1`` of its month, or the month's last day when the month is
shorter (the 30th, and February's last)."""


def _month_offsets(dates):
    """``(months, offsets, lasts)`` of ``datetime64[D]`` dates: each one's month
    (datetime64[M]), its day offset in it (0 for the first) and the offset of that
    month's last day."""
    months = dates.astype("datetime64[M]")
    firsts = months.astype("datetime64[D]")
    lasts = ((months + 1).astype("datetime64[D]") - firsts).astype(np.int64) - 1
    return months, (dates - firsts).astype(np.int64), lasts


def _monthly(times):
    """``_Months`` when ``times`` (datetime64) step by whole months, else None.

    ``YYYY-MM`` axes always do; day axes do when every date is the same day of
    its month (at most the 28th), the last day of its month, or one day of the
    month that shorter months end before (the 30th, and February 28 or 29), or
    are weekdays in the last week of distinct months (the last trading day).
    """
    unit = np.datetime_data(times.dtype)[0]
    if unit == "M":
        return _Months(times.view(np.int64), None)
    if unit != "D" or len(times) < 2:
        return None
    months, offsets, lasts = _month_offsets(times)
    if np.all(offsets == offsets[0]) and offsets[0] < 28:
        return _Months(months.view(np.int64), int(offsets[0]))
    if np.all(offsets == lasts):
        return _Months(months.view(np.int64), "last")
    day = int(offsets[np.argmax(offsets < lasts)])
    if np.all(offsets == np.minimum(day, lasts)):
        return _Months(months.view(np.int64), day)
    if np.all(np.is_busday(times) & (offsets > lasts - 7)) and np.all(np.diff(months) > 0):
        return _Months(months.view(np.int64), "trading")
    return None


def _month_dates(months, day):
    """Dates of ``months`` (ints, months since 1970-01) placed by ``day`` (see ``_Months``)."""
    as_months = np.asarray(months, dtype=np.int64).astype("datetime64[M]")
    if day is None:
        return as_months
    lasts = (as_months + 1).astype("datetime64[D]") - 1
    if day == "last":
        return lasts
    if day == "trading":
        return np.busday_offset(lasts, 0, roll="backward")
    return np.minimum(as_months.astype("datetime64[D]") + day, lasts)


def day_part(times):
    """``(dates, clock)`` when ``times`` are two or more date-times (unit h, m or s)
    all at one time of day: their ``datetime64[D]`` dates and that time of day (a
    timedelta64); else None. Such date-times count as their dates."""
    times = np.asarray(times)
    if times.dtype.kind != "M" or np.datetime_data(times.dtype)[0] not in ("h", "m", "s") \
            or len(times) < 2:
        return None
    dates = times.astype("datetime64[D]")
    clocks = times - dates
    return (dates, clocks[0]) if np.all(clocks == clocks[0]) else None


def _common_step(steps):
    """The most common of ``steps`` (the smallest among ties); 1 when there are none."""
    if len(steps) == 0:
        return 1
    values, counts = np.unique(steps, return_counts=True)
    return values[np.argmax(counts)].item()


def _check_steps(path, data, labels, points, unit, show):
    """``points`` (ints, in ``unit``s) must step by one common step; ``show`` gives
    the label of a point, to name the first one missing."""
    steps = np.diff(points)
    step = _common_step(steps)
    bad = np.flatnonzero(steps != step)
    if bad.size:
        i = int(bad[0])
        gap = int(steps[i])
        missing = ""
        if gap > step and gap % step == 0:
            missing = f"; {show(points[i] + step)!r} is missing"
        raise DataFormatError(
            f"{path}, lines {data[i].line} and {data[i + 1].line}: {labels[i]!r} is followed "
            f"by {labels[i + 1]!r}, {gap} {unit}(s) later; expected a row every {step} "
            f"{unit}(s){missing}")


def _check_time_gaps(path, data, labels, times):
    """Dates (date-times all at one time of day count as their dates) miss no period:
    monthly or coarser ones no month; weekly ones no week (a row may sit on another
    day of its week); daily ones on every day of the week no day. Daily dates of a trading week (``_trading_week``: weekdays
    only, Sunday to Thursday, Monday to Saturday...) may miss holidays."""
    dates, clock = day_part(times) or (times, None)

    def show(date):
        return str(date if clock is None else date.astype(times.dtype) + clock)

    monthly = _monthly(dates)
    if monthly is not None:
        _check_steps(path, data, labels, monthly.months, "month",
                     lambda month: show(_month_dates([month], monthly.day)[0]))
    elif np.datetime_data(dates.dtype)[0] == "D" and len(dates) > 2:
        _check_month_days(path, data, labels, dates)
        days = dates.view(np.int64)
        step = _common_step(np.diff(days))
        if step == 7:  # one row a week, on any day of it (a holiday moves a Friday row)
            weeks = (days + 3) // 7  # Monday-first weeks; 1970-01-01 was a Thursday
            offset = int(days[0] - 7 * weeks[0])
            _check_steps(path, data, labels, weeks, "week",
                         lambda week: show(np.datetime64(int(7 * week + offset), "D")))
        elif step == 1 and _trading_week(dates) is None:
            _check_steps(path, data, labels, days, "day",
                         lambda day: show(np.datetime64(int(day), "D")))


def _trading_week(dates):
    """The weekmask (``'1111100'``: Monday first) of daily ``datetime64[D]`` dates that
    skip days of the week, as markets do: Monday to Friday when every date is a
    weekday; else, over two weeks or more, the days of the week that hold at least
    half as many dates as the most frequent one (an odd Saturday session is not
    one). None when that is every day: calendar-daily data."""
    if np.all(np.is_busday(dates)):
        return "1111100"
    if dates[-1] - dates[0] < np.timedelta64(14, "D"):
        return None
    counts = np.bincount((dates.view(np.int64) + 3) % 7, minlength=7)  # 1970-01-01: Thursday
    kept = 2 * counts >= counts.max()
    return None if kept.all() else "".join("1" if day else "0" for day in kept)


def _check_month_days(path, data, labels, dates):
    """``datetime64[D]`` dates mostly on one day of their months (by the rules of
    ``_Months``) that are not monthly: refuse the first date off that day."""
    _, offsets, lasts = _month_offsets(dates)
    day = _common_step(offsets)
    for on_day, what in ((offsets == np.minimum(day, lasts), f"day {day + 1} of its month"),
                         (offsets == lasts, "the last day of its month")):
        if 2 * np.count_nonzero(on_day) > len(dates) and not np.all(on_day):
            i, j = int(np.argmin(on_day)), int(np.argmax(on_day))
            raise DataFormatError(
                f"{path}, line {data[i].line}: {labels[i]!r} is not on {what} like most dates "
                f"(such as {labels[j]!r} on line {data[j].line}); expected one row a month")


# ---------------------------------------------------------------- future times

_Axis = collections.namedtuple("_Axis", "kind step day last")
_Axis.__doc__ = """How a time axis goes on: ``kind`` 'count' (numbers), 'months',
'busdays' or 'step' (in the datetime64 unit); ``step`` per point; ``day`` the
day rule of 'months' (see ``_Months``), the weekmask of 'busdays'; ``last`` the
last point as a number (months since 1970-01 for 'months', the int64 of the
datetime for 'step')."""


def _business_week(times):
    """The weekmask of daily dates of a trading week (``_trading_week``) that cross a
    day off and are mostly one trading day apart; else None."""
    if np.datetime_data(times.dtype)[0] != "D" or len(times) < 2:
        return None
    week = _trading_week(times)
    if week is None:
        return None
    business = np.busday_count(times[:-1], times[1:], weekmask=week)
    crosses = bool(np.any(np.diff(times.view(np.int64)) > business))
    return week if crosses and _common_step(business) == 1 else None


def _session(times):
    """``(weekmask, clocks)`` of date-times that fill the same hours of each day and
    leave the rest of it empty, as a market's do (09:30 to 15:30 each half hour):
    ``clocks``, the times of day one common step apart (timedelta64), on the days of
    ``weekmask`` (a trading week, or every day); None when the times fill whole days,
    hold one time a day (``day_part``), or do not keep to such hours. The hours are
    those of its last ``SESSION_DATES`` dates (two weeks): a market's times in UTC move
    an hour with daylight saving, and the hours of both clocks together ran past each."""
    unit = np.datetime_data(times.dtype)[0]
    if unit in ("Y", "M", "W", "D") or len(times) < 3:
        return None
    days = times.astype("datetime64[D]")
    dates = np.unique(days)
    if len(dates) < 2:
        return None
    recent = days >= dates[-SESSION_DATES:][0]
    clocks = np.unique(times[recent] - days[recent])
    step = _common_step(np.diff(times.view(np.int64)))
    gaps = np.diff(clocks.view(np.int64))
    day = np.timedelta64(1, "D").astype(clocks.dtype).view(np.int64)
    if len(clocks) < 2 or np.any(gaps != step) or len(clocks) * step >= day:
        return None
    return _trading_week(dates) or "1111111", clocks


def points_to_go_on(times):
    """How many of the last ``times`` go on as all of them do (a kept run folder keeps
    that many): a market's hours (``_session``) are read from its last ``SESSION_DATES``
    dates, its trading week from two weeks or more (four here); 0 for other axes."""
    if not np.issubdtype(times.dtype, np.datetime64) or _session(times) is None:
        return 0
    days = times.astype("datetime64[D]")
    first = min(np.unique(days)[-SESSION_DATES:][0], days[-1] - np.timedelta64(27, "D"))
    return int(np.count_nonzero(days >= first))


def _continuation(times):
    """The ``_Axis`` continuing ``times``: numbers count on by their common step;
    monthly dates by months; daily data of a trading week by its trading days
    (``day``: the weekmask); a market's hours by those hours of its trading days
    (``day``: ``(weekmask, clocks)``, ``_session``); other dates by their most
    common step."""
    if not np.issubdtype(times.dtype, np.datetime64):
        return _Axis("count", _common_step(np.diff(times)), None, times[-1])
    monthly = _monthly(times)
    if monthly is not None:
        return _Axis("months", _common_step(np.diff(monthly.months)), monthly.day,
                     int(monthly.months[-1]))
    week = _business_week(times)
    if week is not None:
        return _Axis("busdays", 1, week, None)
    session = _session(times)
    if session is not None:
        return _Axis("session", 1, session, None)
    as_ints = times.view(np.int64)
    return _Axis("step", _common_step(np.diff(as_ints)), None, int(as_ints[-1]))


def _room(times, axis):
    """``(points, end)``: how many points fit after ``times[-1]`` up to ``end``, the last
    drawable date (9999-12-31, earlier for units whose int64 ends before); None for numbers."""
    if axis.kind == "count":
        return None, None
    if axis.kind in ("busdays", "session"):
        week = axis.day if axis.kind == "busdays" else axis.day[0]
        per_day = 1 if axis.kind == "busdays" else len(axis.day[1])
        last_day, end, final = times[-1].astype("datetime64[D]"), "9999-12-31", _LAST_DRAWABLE
        if axis.kind == "session":  # datetime64[ns] ends in 2262: its last whole day
            most = np.int64(np.iinfo(np.int64).max).view(times.dtype)
            if most.astype("datetime64[D]") <= final:
                final = most.astype("datetime64[D]") - 1
                end = f"{most} (the last datetime64[{np.datetime_data(times.dtype)[0]}])"
        return int(np.busday_count(last_day + 1, final + 1, weekmask=week)) * per_day, end
    unit, multiple = ("M", 1) if axis.kind == "months" else np.datetime_data(times.dtype)
    end, limit = "9999-12-31", None
    if unit in ("Y", "M", "W", "D"):
        limit = int(_LAST_DRAWABLE.astype(np.dtype(f"datetime64[{multiple}{unit}]"))
                    .astype(np.int64))
    else:
        per_day = int(np.timedelta64(1, "D") / np.timedelta64(multiple, unit))
        limit = int((_LAST_DRAWABLE + 1).astype(np.int64)) * per_day - 1
        if limit > np.iinfo(np.int64).max:
            limit = int(np.iinfo(np.int64).max)
            end = f"{np.int64(limit).view(times.dtype)} (the last datetime64[{unit}])"
    return max(0, (limit - axis.last) // axis.step), end


def _continue(times, axis, extra):
    """``[extra]`` times after ``times[-1]`` along ``axis``."""
    ahead = np.arange(1, extra + 1, dtype=np.int64)
    if axis.kind == "count":
        return axis.last + axis.step * ahead
    if axis.kind == "busdays":
        return np.busday_offset(times[-1], ahead, roll="backward", weekmask=axis.day)
    if axis.kind == "session":
        return _in_session(times[-1], axis.day, ahead)
    if axis.kind == "months":
        return _month_dates(axis.last + axis.step * ahead, axis.day)
    return (axis.last + axis.step * ahead).view(times.dtype)


def _in_session(last, session, ahead):
    """``[k]`` date-times ``ahead`` (``[k]`` ints, 1 on) slots after ``last`` along a
    market's hours (``session``: ``(weekmask, clocks)``): the next time of its day,
    or the first of the next trading day (after an odd session on a day off, such as a
    Saturday's, the next trading day's first, as ``busdays`` go on)."""
    week, clocks = session
    day = last.astype("datetime64[D]")
    at = int(np.searchsorted(clocks, last - day)) + ahead
    if not np.is_busday(day, weekmask=week):  # as if at the close of the day before it
        day = np.busday_offset(day, 0, roll="backward", weekmask=week)
        at = len(clocks) - 1 + ahead
    days = np.busday_offset(day, at // len(clocks), roll="forward", weekmask=week)
    return days.astype(last.dtype) + clocks[at % len(clocks)]


def future_times(times, start, count):
    """Times of ``count`` points from ``times[start]`` on, continued past the data.

    Args:
        times: ``[n]`` time axis, n >= 1 (``Series.times()``): datetime64 or numbers.
        start: index of the first point, ``0 <= start <= n`` (n: the point after the data).
        count: number of points, >= 0.

    Returns:
        ``[count]`` array: ``times[start:start + count]``, then the axis continued
        after ``times[-1]`` (date-times all at one time of day as their dates,
        at that time): monthly (or coarser) dates by months, keeping the day
        rule; daily dates of a trading week by its trading days; a market's
        hours by those hours of its trading days; other dates by their most
        common step; numbers count on by theirs.

    Raises:
        SettingError: bad arguments; the times would pass 9999-12-31 (the last
            date NumPy and matplotlib draw; checked before building anything);
            more than ``MAX_STEPS`` points.
    """
    times = np.asarray(times)
    if times.ndim != 1 or len(times) == 0:
        raise SettingError(f"times must be a non-empty 1-D time axis; found shape {times.shape}")
    split = day_part(times)  # date-times all at one time of day go on as their dates
    if split is not None:
        return future_times(split[0], start, count).astype(times.dtype) + split[1]
    start = check_int(start, "start", 0, len(times))
    count = check_int(count, "count", 0)
    inside = times[start:start + count]
    extra = count - len(inside)
    if extra == 0:
        return inside.copy()
    axis = _continuation(times)
    if not axis.step > 0:
        raise SettingError(f"times must increase to be continued; their common step is {axis.step}")
    room, end = _room(times, axis)
    if room is not None and extra > room:
        begin = times[start] if start < len(times) else f"after {times[-1]}"
        raise SettingError(
            f"{count} points from {begin} would pass {end}, the last date NumPy and "
            f"matplotlib can draw (the data end at {times[-1]}); at most {len(inside) + room} fit")
    check_int(count, "count", 0, MAX_STEPS, "more points than a run can hallucinate")
    return np.concatenate([inside, _continue(times, axis, extra)])


def written_time(time, utc=False):
    """A time as forecast.csv and metrics.json write it: ISO 8601 (``2023-05-15T04:00``),
    ending in ``Z`` when ``utc`` (the series' times are UTC times, ``LoadedSeries.utc``);
    dates and row numbers as they are otherwise."""
    text = str(time)
    if utc and np.asarray(time).dtype.kind == "M" and not text.endswith("Z"):
        return text + "Z"
    return text


# The notations of quarters that printed times keep (``time_labels.quarter_notation``).
QUARTER_FORMS = {"YYYYQn": "{year}Q{quarter}", "Qn YYYY": "Q{quarter} {year}"}


def shown_time(time, utc=False, notation=None):
    """A time as a reader sees it in printed text: ``2023-05-15 04:00`` for NumPy's
    ``2023-05-15T04:00``, ``2023-05-15 04:00 UTC`` for a UTC time (``utc``, or a
    ``written_time`` text ending in ``Z``); a quarter's first day in the quarters'
    ``notation`` (``QUARTER_FORMS``: ``1990Q2`` for 1990-04-01); dates and row numbers
    as they are."""
    text = written_time(time, utc).replace("T", " ")
    quarter = _quarter(text) if notation in QUARTER_FORMS else None
    if quarter is not None:
        return QUARTER_FORMS[notation].format(year=quarter[0], quarter=quarter[1])
    return text[:-1] + " UTC" if text.endswith("Z") and text[:1].isdigit() else text


def _quarter(text):
    """``(year, quarter)`` of a quarter's first day (``1990-04-01``), else None."""
    parts = text.split("-")
    if len(parts) != 3 or parts[2] != "01" or parts[1] not in ("01", "04", "07", "10"):
        return None
    return parts[0], (int(parts[1]) - 1) // 3 + 1
