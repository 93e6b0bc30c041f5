"""A series given from Python (a list, a NumPy array, a pandas Series, and optional
``times``) checked and read as ``fit`` reads it: ``series_from(y) -> LoadedSeries``.
Values must be real, finite numbers of one dimension; dates miss no period, as a
CSV's. pandas is never imported here (a pandas Series is recognised by its type's
module); ``pandas_times`` reads its index.
"""

import numpy as np

from .api_values import as_values as _as_values, pandas_series as _pandas_series
from .errors import DataFormatError, SettingError
from .pandas_times import as_times as _as_times, index_times as _index_times


def _check_no_gap(times):
    """Dates ``[n]`` (datetime64) miss no period, by the rules a CSV's dates follow
    (``time_axis._check_time_gaps``): a missing month, week or day is refused, naming
    it, as ``--data`` refuses it (the run would take its neighbours for consecutive)."""
    import collections

    from .time_axis import _check_time_gaps
    row = collections.namedtuple("Position", "line")
    try:
        _check_time_gaps("y", [row(i) for i in range(len(times))], [str(t) for t in times],
                         times)
    except DataFormatError as exc:  # the rule speaks of a file's lines: here, positions
        raise DataFormatError(str(exc).replace("y, lines ", "y, positions ", 1)) from None


def series_from(y, times=None, units=None):
    """A list, array or pandas Series (and optional ``times``) -> ``stages.LoadedSeries``.

    Args:
        y: ``[n]`` numbers. A pandas Series gives its index as the times and its name as
            the units, unless ``times``/``units`` are given.
        times: ``[n]`` dates (datetime64, pandas, ISO texts) or numbers; default
            ``0..n-1`` (or the Series' index).

    Raises:
        DataFormatError, SettingError: not numbers, not 1-D, not finite, times of
            another length or not increasing, dates that miss a period (a month,
            a week or a day, as in a CSV file); values beyond 1e300.
    """
    from .stages import MAX_MAGNITUDE, LoadedSeries
    series, given = _pandas_series(y), times
    values = _as_values(y)
    if times is None:
        times = _index_times(series.index) if series is not None else np.arange(len(values))
    else:
        times = _as_times(times)
    if times.dtype.kind == "M" and np.any(np.isnat(times)):
        raise SettingError("times must all be dates; found NaT (a missing date) at position "
                           f"{int(np.argmax(np.isnat(times)))}")
    if times.shape != values.shape:
        raise SettingError(f"times must have one entry per value ({len(values)}); "
                           f"found {len(times)}")
    if len(times) > 1 and not np.all(times[1:] > times[:-1]):
        where = int(np.argmin(times[1:] > times[:-1]))
        raise SettingError(f"times must increase; position {where + 1} ({times[where + 1]}) "
                           f"is not after {times[where]}")
    if times.dtype.kind == "M":
        _check_no_gap(times)
    huge = np.flatnonzero(np.abs(values) > MAX_MAGNITUDE)
    if huge.size:
        raise DataFormatError(f"y at position {huge[0]} is beyond {MAX_MAGNITUDE:g} in "
                              "magnitude: rescale the series")
    name = series.name if series is not None and isinstance(series.name, str) else None
    from .pandas_times import utc_note
    note = utc_note(series.index, "y's index") if series is not None and given is None \
        else None
    return LoadedSeries(values, times, tuple(range(len(values))), "y (line = position)",
                        units or name or "value", utc_note=note,
                        notation=_notation(series, given) if times.dtype.kind == "M" else None)


def _notation(series, given):
    """The quarters' notation printed times keep: the ``times`` texts' (``1990Q1``,
    ``Q1 1990``), or ``YYYYQn`` for a pandas Series with a quarterly PeriodIndex (as
    pandas prints it); else None."""
    if given is not None:
        from .time_labels import quarter_notation
        texts = np.asarray(given)
        return quarter_notation(tuple(texts.tolist())) if texts.dtype.kind == "U" else None
    freq = getattr(getattr(series, "index", None), "freqstr", None)
    return "YYYYQn" if freq and freq.startswith("Q") and \
        type(series.index).__name__ == "PeriodIndex" else None
