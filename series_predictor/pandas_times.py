"""The times of a series given from Python: a pandas index (``index_times``) or
``times`` given beside the values (``as_times``) -> ``[n]`` datetime64 or numbers.
``fit`` (``api``) and ``fit_collection`` (``collection_io``) read them alike.
pandas is imported only when an index is read.
"""

import numpy as np

from .errors import SettingError


def index_times(index):
    """A pandas index -> ``[n]`` datetime64 (months for a monthly PeriodIndex) or numbers."""
    import pandas as pd
    if isinstance(index, pd.PeriodIndex):
        if index.freqstr.startswith("M"):
            return index.to_timestamp().values.astype("datetime64[M]")
        return _coarsest(index.to_timestamp().values)  # hours and minutes kept
    if isinstance(index, pd.DatetimeIndex):
        return _coarsest(naive_times(index))
    return as_times(index.to_numpy())


def _coarsest(values):
    """``[n]`` datetime64 in the coarsest unit that keeps every time: days, else seconds."""
    for unit in ("D", "s"):
        if np.all(values == values.astype(f"datetime64[{unit}]")):
            return values.astype(f"datetime64[{unit}]")
    return values


def naive_times(index):
    """``[n]`` datetime64[ns] of a pandas DatetimeIndex: a tz-aware one as a CSV's UTC
    offsets are read (``iso_times.wall_or_utc``): by its wall-clock times at one offset
    or one time of day, else by its UTC times (hourly data across a daylight-saving
    change repeats or skips a wall-clock hour, which was refused as 'not after' or taken
    for consecutive)."""
    if index.tz is None:
        return index.values
    from .iso_times import wall_or_utc
    return wall_or_utc(index.tz_localize(None).values,
                       index.tz_convert("UTC").tz_localize(None).values)


def utc_note(index, where):
    """The warning a CSV's offsets get (``iso_times.read_in_utc``) when ``naive_times``
    reads the tz-aware ``index`` in UTC (hourly across a daylight-saving change),
    naming its first time that differs from its clock; else None (no tz, one offset,
    one time of day). ``where``: how the user gave it ("y's index")."""
    if getattr(index, "tz", None) is None:
        return None
    from .iso_times import read_in_utc
    wall = index.tz_localize(None).values
    return read_in_utc(where, "its", wall, _coarsest(naive_times(index)),
                       [str(t).replace(" ", "T") for t in index])


MISSING_TEXTS = ("None", "nan", "NaN", "NaT", "<NA>")  # how arrays of text show them


def _missing(value):
    """Whether ``value`` is a missing entry (None, NaN, pandas' NA or NaT), which pandas
    versions show differently ('None' in one, 'nan' in another)."""
    return value is None or type(value).__name__ in ("NAType", "NaTType") or (
        isinstance(value, float) and value != value) or str(value) in MISSING_TEXTS


def as_times(times):
    """Times given as dates, date texts (ISO, or any form a CSV's labels are read in:
    ``1990Q1``, ``Jan 1949``, ``2020-W05``) or numbers -> ``[n]`` datetime64 or numbers.
    Dates are read as an index of the same dates is (``index_times``): a pandas index or
    Series by its index's rules, datetime64 in the coarsest unit that keeps every time
    (first-of-month midnights in nanoseconds were continued by a fixed 31 days)."""
    from .time_labels import label_dates
    if (type(times).__module__ or "").startswith("pandas"):  # an index, a Series, an array
        import pandas as pd
        return index_times(pd.Index(times))  # tz and periods read as in an index
    times = np.asarray(times)
    if times.dtype.kind in "US" or times.dtype == object:
        axis = label_dates(tuple(str(t) for t in times))
        if axis is None:  # name the first label that is no date by itself, not times[0]
            texts = [str(t) for t in times]
            bad = next((k for k, t in enumerate(texts) if label_dates((t,)) is None), None)
            found = (f"times[{bad}]: a missing value ({texts[bad]})" if bad is not None
                     and _missing(times[bad]) else f"times[{bad}] = {texts[bad]!r}"
                     if bad is not None else
                     f"{texts[0]!r}, ... (each a date, not one axis together)")
            raise SettingError("times must be dates (e.g. '1949-01', '1990Q1', 'Jan 1949') or "
                               f"numbers; found {found}")
        return axis
    if times.dtype.kind not in "Mif" or times.dtype.kind == "f" and not np.all(np.isfinite(times)):
        raise SettingError(f"times must be dates or finite numbers; found dtype {times.dtype}")
    if times.dtype.kind == "M" and np.datetime_data(times.dtype)[0] not in ("Y", "M", "W", "D"):
        return _coarsest(times)  # midnights in ns: days, continued by the calendar
    return times
