"""Load, normalize, split and window a series (listing 10.7 and the loops of 10.9).

NumPy and the standard library only: importing this module does not import
TensorFlow.

The file format is the one the book's readers download: comma-separated rows,
the value in column ``series_idx``, optionally the time in column 0. Unlike the
book, the file needs no hand-editing: a header row, blank lines and trailing
notes after a blank line are recognised and skipped.
"""

import csv
import dataclasses
import math
import os
import re

import numpy as np

from .errors import DataFormatError, SettingError, SeriesTooShortError
from .validation import check_fraction, check_positive_int

BUNDLED_CSV = "international-airline-passengers.csv"
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2}([T ]\d{2}(:\d{2}){0,2})?)?$")


def bundled_data_path(name=BUNDLED_CSV):
    """Path of a CSV shipped with the package (or, in a source checkout, under data/)."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "data", name),
                      os.path.join(os.path.dirname(here), "data", name)):
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"bundled data file {name!r} not found next to {here}")


@dataclasses.dataclass(frozen=True)
class Series:
    """A series as read from a file, in its own units.

    Attributes:
        values: ``[n]`` float64 values.
        labels: ``[n]`` strings from column 0 (the time), or None when the value
            column is column 0.
        name: the header text of the value column, or None without a header.
        path: the file read.
        lines: ``[n]`` line number of each value in the file (1-based).
    """

    values: np.ndarray
    labels: tuple
    name: str
    path: str
    lines: tuple

    def times(self):
        """The time axis: ``datetime64`` when every label is a date, else ``0..n-1``.

        Dates are ``YYYY-MM``, ``YYYY-MM-DD`` or ISO date-times.
        """
        if self.labels and all(_DATE.match(label) for label in self.labels):
            try:
                return np.array(self.labels, dtype="datetime64")
            except ValueError:
                pass
        return np.arange(len(self.values))


@dataclasses.dataclass(frozen=True)
class Normalization:
    """``z = (value - mean) / std``, and back."""

    mean: float
    std: float

    @classmethod
    def fit(cls, values, source=None):
        """Statistics of ``values`` (population std, as ``np.std`` in the book)."""
        values = np.asarray(values, dtype=np.float64)
        if values.size == 0:
            raise SeriesTooShortError("cannot normalize an empty series")
        std = float(np.std(values))
        if not std > 0:
            raise DataFormatError(
                f"cannot normalize a constant series (every value is {values[0]!r}); "
                "its standard deviation is 0")
        return cls(float(np.mean(values)), std)

    def apply(self, values):
        return (np.asarray(values, dtype=np.float64) - self.mean) / self.std

    def invert(self, normalized):
        return np.asarray(normalized, dtype=np.float64) * self.std + self.mean


def _is_blank(row):
    return all(not cell.strip() for cell in row)


def _parse_value(text):
    try:
        return float(text.strip())
    except ValueError:
        return None


def read_series(filename, series_idx=1, *, encoding=None):
    """Read column ``series_idx`` of a CSV file, in the file's own units.

    Skips blank lines, one header row before the data, and notes after the
    data that follow a blank line or have no value column.

    Raises:
        FileNotFoundError: no file at ``filename`` (the message names the path).
        DataFormatError: a value that is missing, not a number, NaN or infinite,
            or a data row without column ``series_idx``; the message names the
            file, the line and the text found.
    """
    if isinstance(series_idx, bool) or not isinstance(series_idx, (int, np.integer)) \
            or series_idx < 0:
        raise SettingError(f"series_idx must be a column index >= 0; found {series_idx!r}")
    path = os.fspath(filename)
    try:
        with open(path, newline="", encoding=encoding or "utf-8-sig") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"data file not found: {path!r}") from None
    except IsADirectoryError:
        raise DataFormatError(f"{path!r} is a folder, not a data file") from None
    except UnicodeDecodeError as exc:
        raise DataFormatError(f"{path}: not a text file ({exc.reason})") from None
    try:
        rows = list(csv.reader(text.splitlines()))
    except csv.Error as exc:
        raise DataFormatError(f"{path}: not readable as CSV ({exc})") from None
    numbered = [(number, row) for number, row in enumerate(rows, start=1)
                if not _is_blank(row)]

    def cell(row):
        return row[series_idx] if series_idx < len(row) else None

    # The data block runs from the first row whose value parses to the last.
    numeric = [i for i, (_, row) in enumerate(numbered)
               if cell(row) is not None and _parse_value(cell(row)) is not None]
    if not numeric:
        raise DataFormatError(
            f"{path}: no numeric value in column {series_idx} "
            f"({len(numbered)} non-blank line(s))")
    first, last = numeric[0], numeric[-1]
    if first > 1:
        number, row = numbered[1]
        raise DataFormatError(
            f"{path}, line {number}: expected a number in column {series_idx}, "
            f"found {cell(row)!r} (only one header line may precede the data)")
    name = None
    if first == 1:
        header_cell = cell(numbered[0][1])
        name = header_cell.strip() if header_cell else None
    _check_footer(path, rows, numbered, last, cell)

    values, labels, lines = [], [], []
    for number, row in numbered[first:last + 1]:
        found = cell(row)
        if found is None:
            raise DataFormatError(
                f"{path}, line {number}: row has {len(row)} column(s), so there is no "
                f"column {series_idx} (series_idx counts from 0): {','.join(row)!r}")
        value = _parse_value(found)
        if value is None:
            what = "missing value" if not found.strip() else f"not a number: {found!r}"
            raise DataFormatError(f"{path}, line {number}, column {series_idx}: {what}")
        if not math.isfinite(value):
            raise DataFormatError(
                f"{path}, line {number}, column {series_idx}: {found.strip()!r} is not a "
                "finite number (NaN and infinity are refused)")
        values.append(value)
        labels.append(row[0].strip() if series_idx != 0 and row else None)
        lines.append(number)
    return Series(values=np.array(values, dtype=np.float64),
                  labels=None if series_idx == 0 else tuple(labels),
                  name=name, path=path, lines=tuple(lines))


def _check_footer(path, rows, numbered, last, cell):
    """Accept trailing notes after a blank line or without a value column."""
    if last + 1 >= len(numbered):
        return
    data_end_line = numbered[last][0]
    next_line, next_row = numbered[last + 1]
    blank_between = next_line > data_end_line + 1
    if blank_between or cell(next_row) is None:
        return
    raise DataFormatError(
        f"{path}, line {next_line}: expected a number, found {cell(next_row)!r} "
        "(notes after the data must follow a blank line)")


def load_series(filename, series_idx=1, *, return_normalization=False):
    """The book's loader: column ``series_idx`` of a CSV, normalized over the whole series.

    Returns:
        ``[n]`` float64 array ``(value - mean) / std``; with
        ``return_normalization=True``, the pair ``(array, Normalization)`` so that
        results can be given back in the series' own units.

    Raises:
        FileNotFoundError, DataFormatError: see ``read_series``. (The book
        returns None when the file cannot be read.)
    """
    series = read_series(filename, series_idx)
    normalization = Normalization.fit(series.values)
    normalized = normalization.apply(series.values)
    return (normalized, normalization) if return_normalization else normalized


def train_size(n, percent_train=0.80):
    """How many of ``n`` points ``split_data`` puts in the training part."""
    return int(n * check_fraction(percent_train, "percent_train"))


def split_data(data, percent_train=0.80):
    """Split a series into its first ``int(len * percent_train)`` points and the rest.

    The book computes ``len(data) * percent_train`` and slices with that float,
    a TypeError on Python 3; the count is rounded down here.
    """
    num_rows = train_size(len(data), percent_train)
    return data[:num_rows], data[num_rows:]


def make_windows(data, seq_size, *, drop_last_window=False):
    """Slide a window over a series (the loops of listing 10.9).

    Args:
        data: ``[n]`` series.
        seq_size: window length.
        drop_last_window: True reproduces the book's ``range(len(data) - seq_size - 1)``,
            which leaves out the last full window.

    Returns:
        ``(x, y)``: ``x`` is ``[n - seq_size, seq_size, 1]`` with ``x[i, :, 0] =
        data[i:i+seq_size]``, and ``y`` is ``[n - seq_size, seq_size]`` with
        ``y[i] = data[i+1:i+seq_size+1]``, each target its input shifted by one.

    Raises:
        SeriesTooShortError: fewer than ``seq_size + 1`` points (+2 with
            ``drop_last_window``).
    """
    seq_size = check_positive_int(seq_size, "seq_size")
    data = np.asarray(data, dtype=np.float64)
    count = len(data) - seq_size - (1 if drop_last_window else 0)
    if count < 1:
        raise SeriesTooShortError(
            f"a series of {len(data)} point(s) is too short for seq_size={seq_size}: "
            f"windows need at least {seq_size + 1 + (1 if drop_last_window else 0)} points")
    starts = np.arange(count)[:, None] + np.arange(seq_size)[None, :]
    return data[starts][:, :, None], data[starts + 1]


def future_times(times, start, count):
    """Times of ``count`` points from ``times[start]`` on, extended past the data."""
    times = np.asarray(times)
    step = times[-1] - times[-2] if len(times) > 1 else 1
    origin = times[start] if start < len(times) else times[-1] + (start - len(times) + 1) * step
    return origin + np.arange(count) * step
