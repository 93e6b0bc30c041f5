"""ISO date and date-time labels -> datetime64: the unit of each form (told apart
by length), and a UTC offset after a time (``Z``, ``+00:00``, ``-0500``, ``+02``)
and a zero fraction of a second (``.000``), as spreadsheets, databases and
JavaScript export time stamps.

A column of times with offsets is read by the rule a tz-aware pandas index is read
by (``wall_or_utc``): one offset throughout, or times all at one time
of day (daily or coarser data), give their wall-clock times; else (hourly data
across a daylight-saving change: ``+01:00`` then ``+02:00``) their UTC times, so no
hour repeats or goes missing. NumPy and the standard library only.
"""

import re

import numpy as np

from .errors import DataFormatError

_OFFSET = r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)"
_FRACTION = r"(?P<fraction>\.(\d{3}){1,3})"
DATE = re.compile(r"\d{4}-\d{2}(-\d{2}([T ]\d{2}(:\d{2}(:\d{2}" + _FRACTION + r"?)?)?"
                  + _OFFSET + r"?)?)?",
                  re.ASCII)
DATE_UNITS = {7: "M", 10: "D", 13: "h", 16: "m", 19: "s"}  # a fraction of a second: no date
DATE_FORMS = {"M": "YYYY-MM", "D": "YYYY-MM-DD", "h": "YYYY-MM-DDThh",
              "m": "YYYY-MM-DDThh:mm", "s": "YYYY-MM-DDThh:mm:ss"}
# The label patterns of each unit (``time_labels``' ISO forms), offsets allowed after a time.
PATTERNS = {"M": r"\d{4}-\d{2}", "D": r"\d{4}-\d{2}-\d{2}",
            "h": r"\d{4}-\d{2}-\d{2}[T ]\d{2}" + _OFFSET + "?",
            "m": r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}" + _OFFSET + "?",
            "s": r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}" + _FRACTION + "?" + _OFFSET + "?"}


def _parts(label):
    """``(wall, offset)``: the label without its offset (and without a fraction of a
    second that is all zeros: ``.000``), and the offset in minutes east of UTC (None
    without one); None when ``label`` is no ISO date."""
    match = DATE.fullmatch(label)
    if match is None:
        return None
    offset = match["offset"]
    wall = label[:match.start("offset")] if offset else label
    if match["fraction"] and not match["fraction"].strip(".0"):
        wall = wall[:match.start("fraction")]
    if offset is None:
        return wall, None
    if offset == "Z":
        return wall, 0
    digits = offset[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
    return wall, -minutes if offset[0] == "-" else minutes


def date_unit(label):
    """NumPy unit of a date label ('M', 'D', 'h', 'm', 's'), or None when it is no date."""
    parts = _parts(label)
    return DATE_UNITS.get(len(parts[0])) if parts else None


def iso_time(label, unit):
    """The datetime64 ``label`` (an ISO date of ``unit``) names: its UTC time when it
    has an offset. ValueError when it names none (2020-02-30)."""
    wall, offset = _parts(label)
    time = np.datetime64(wall.replace(" ", "T"), unit)
    return time if offset is None else time.astype("datetime64[m]") - np.timedelta64(offset, "m")


def wall_or_utc(wall, utc):
    """``[n]`` times of date-times with UTC offsets, given as their wall clock ``wall``
    and their ``utc`` times (datetime64): ``wall`` when the offset is one throughout or
    the times all fall at one time of day (daily or coarser data: their dates), else
    ``utc`` (a daylight-saving change repeats or skips a wall-clock hour). The one rule
    for a CSV's offsets and a tz-aware pandas index (``pandas_times.naive_times``)."""
    shift, clocks = wall - utc, wall - wall.astype("datetime64[D]")
    if len(wall) == 0 or np.all(shift == shift[0]) or np.all(clocks == clocks[0]):
        return wall
    return utc


def _by_offsets(wall, offsets):
    """``[n]`` times of date-times ``wall`` (their wall clock) at ``offsets`` (minutes)."""
    offsets = np.asarray(offsets, dtype=np.int64)
    return wall_or_utc(wall, wall.astype("datetime64[m]") - offsets.astype("timedelta64[m]"))


def date_axis(labels):
    """``[n]`` datetime64 of ``labels`` when all are valid dates of one form, with a
    UTC offset on every one or on none (see the module docstring), else None."""
    if not labels or any(not isinstance(label, str) for label in labels):
        return None
    parts = [_parts(label) for label in labels]
    unit = date_unit(labels[0])
    if unit is None or any(part is None for part in parts):
        return None
    offsets = [offset for _, offset in parts]
    if any(DATE_UNITS.get(len(wall)) != unit for wall, _ in parts) or \
            len({offset is None for offset in offsets}) > 1:
        return None
    try:
        wall = np.array([text.replace(" ", "T") for text, _ in parts], dtype=f"datetime64[{unit}]")
    except ValueError:
        return None
    return wall if offsets[0] is None else _by_offsets(wall, offsets)


def check_offsets(path, data, labels):
    """Every ISO date-time label with a UTC offset, or none: raises DataFormatError
    naming the first line whose label differs from the first label in that."""
    parts = [_parts(label) for label in labels]
    first = parts[0] is not None and parts[0][1] is not None
    for row, label, part in zip(data, labels, parts):
        if part is not None and (part[1] is not None) != first:
            found, other = ("no UTC offset", "one") if first else ("a UTC offset", "none")
            raise DataFormatError(
                f"{path}, line {row.line}: {label!r} has {found}, but {labels[0]!r} on line "
                f"{data[0].line} has {other}; write every time with its offset (Z for UTC), "
                f"or every time without one")


def utc_note(path, labels, times):
    """A sentence when ``times`` (``date_axis``'s) are the UTC times of ``labels`` whose
    offsets change within a day (a daylight-saving change), naming the first label whose
    clock its time differs from; else None (one offset, dates, no offsets)."""
    first = _parts(labels[0]) if labels and isinstance(labels[0], str) else None
    if first is None or first[1] is None or np.asarray(times).dtype.kind != "M":
        return None  # no offsets (a column has them on every label or on none)
    parts = [_parts(label) for label in labels]
    if any(part is None or part[1] is None for part in parts):
        return None
    wall = np.array([text.replace(" ", "T") for text, _ in parts], dtype="datetime64")
    return read_in_utc(path, "the time labels'", wall, times, labels)


def read_in_utc(where, whose, wall, times, given):
    """The one sentence saying that ``times`` were read in UTC, when they differ from
    the ``wall`` clock times they were given as (``[n]`` datetime64 each; ``given``:
    the ``[n]`` times as the user gave them, the first that differs is named); else
    None. ``where``: the file or argument; ``whose``: "the time labels'"."""
    moved = np.flatnonzero(wall != times)
    if len(moved) == 0:
        return None
    k = moved[0]
    return (f"{where}: {whose} UTC offsets change (a daylight-saving change?), so "
            f"the times are read in UTC ({str(given[k])!r} as "
            f"{str(times[k]).replace('T', ' ')}): the printed times, the figures and "
            "forecast.csv are in UTC")
