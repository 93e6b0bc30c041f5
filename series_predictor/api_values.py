"""What ``fit`` takes as one series' values (``as_values``) and where ``Forecaster.save``
writes (``save_path``): a list, an array or a pandas Series -> ``[n]`` float64, or a
one-line error naming what was given instead. pandas is never imported here."""

import os

import numpy as np

from .errors import DataFormatError, SettingError


def pandas_series(y):
    """The pandas Series ``y`` is, or None (pandas is never imported here)."""
    module = type(y).__module__ or ""
    return y if module.startswith("pandas") and type(y).__name__ == "Series" else None


def as_values(y):
    """``[n]`` float64 of ``y``; masked entries of a NumPy masked array count as missing
    (NaN), and complex numbers are refused (a cast would drop their imaginary part)."""
    try:
        complex_values = np.iscomplexobj(y)
    except (TypeError, ValueError):  # a ragged list: refused below, naming its item
        complex_values = False
    if complex_values:
        raise DataFormatError("y must be real numbers; found complex ones (give the real "
                              "part, y.real, or the magnitude, abs(y))")
    if np.ma.isMaskedArray(y):
        masked = np.flatnonzero(np.ma.getmaskarray(y))
        if masked.size:
            raise DataFormatError(f"y must be finite; found a masked value at position "
                                  f"{masked[0]} (fill or drop missing values first)")
        y = np.ma.getdata(y)
    if pandas_series(y) is not None:
        y = y.to_numpy(dtype=np.float64, na_value=np.nan)
    try:
        values = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        where = _first_non_number(y)
        raise DataFormatError(f"y must be numbers; found {type(y).__name__} that is not"
                              f"{where} (give a list, an array, a pandas Series or a CSV "
                              "path)" if where else _not_one_series(y)) from None
    if values.ndim == 0:
        raise DataFormatError(f"y must be one series of values (a list, an array, a pandas "
                              f"Series or a CSV path); found {type(y).__name__} {y!r:.40}")
    if values.ndim != 1:  # a table
        columns = list(getattr(y, "columns", []))[:3]  # a pandas DataFrame: name a column
        hint = f" (give one column of the DataFrame, e.g. y[{columns[0]!r}])" if columns else ""
        raise DataFormatError(f"y must be one series (1-D); found shape {values.shape}{hint}")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise DataFormatError(f"y must be finite; found {values[bad[0]]} at position {bad[0]} "
                              "(fill or drop missing values first)")
    return values


def _first_non_number(y):
    """``': position 3 holds 'n/a''`` for the first item of a list (or a 1-D array of
    objects) that is no number."""
    listed = isinstance(y, (list, tuple)) or isinstance(y, np.ndarray) and y.ndim == 1
    for i, item in enumerate(y if listed else ()):
        try:
            float(item)
        except (TypeError, ValueError):
            return f": position {i} holds {item!r:.40}"
    return ""


def _not_one_series(y):
    """Why ``y`` (a dict, a generator, a long DataFrame: nothing ``np.asarray`` makes
    numbers of, and no list) is no series. It said 'found dict that is not (give ...)'."""
    several = isinstance(y, dict) or type(y).__name__ == "DataFrame"
    return (f"y must be one series of numbers (a list, an array, a pandas Series or a CSV "
            f"path); found {type(y).__name__}"
            + ("; several series (a dict of arrays, a long DataFrame of id, date and value) "
               "go to series_predictor.collection.fit_collection" if several else
               "; give its values as a list, e.g. list(y)" if hasattr(y, "__next__")
               else ""))


def save_path(path):
    """``Forecaster.save``'s ``path`` with ``~`` expanded, or SettingError naming what was
    given instead of a path (None, a number)."""
    if not isinstance(path, (str, bytes, os.PathLike)) or not os.fspath(path):
        raise SettingError(f"save needs the path of a new or empty folder; found {path!r}")
    return os.path.expanduser(os.fspath(path))
