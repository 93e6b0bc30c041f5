"""Load, normalize, split and window a series (listing 10.7 and the loops of 10.9).

NumPy and the standard library only: importing this module does not import
TensorFlow.

The book's functions, top to bottom: ``load_series`` reads a column of a CSV
file and normalizes it over the whole series, ``split_data`` cuts it into a
training and a test part, ``make_windows`` slides the windows of listing 10.9.
Reading a file as its reader meant it (encodings, delimiters, headers, time
labels, the checks that refuse a silent wrong number) lives in ``csv_reading``
(``read_series``, ``Series``), ``csv_text``, ``time_labels`` and ``time_axis``
(``future_times``).

``Normalization`` divides by a power of two near the largest magnitude before
taking the mean and std (exact, so ordinary series give the plain formula's
bits) so that values up to float64's largest normalize and invert. It stays
here because it is the book's normalization, ``(data - mean) / std``, and its
inverse.
"""

import dataclasses
import math

import numpy as np

from .csv_reading import read_series
from .csv_text import _SMALLEST_NORMAL
from .errors import DataFormatError, InputShapeError, SeriesTooShortError
from .metrics import power_of_two
from .validation import check_fraction, check_positive_int, check_text

# Moved names, re-exported so that old import paths keep working.
from .csv_reading import Series  # noqa: F401
from .csv_text import BUNDLED_CSV, bundled_data_path  # noqa: F401
from .time_axis import future_times  # noqa: F401


# ---------------------------------------------------------------- normalization

def _show_number(value):
    """Shortest text of a float that reads back to it: 5.0 -> '5', 1e200 -> '1e+200'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


@dataclasses.dataclass(frozen=True)
class Normalization:
    """``z = (value - mean) / std``, and back.

    Computed after dividing by a power of two near the largest magnitude, which
    is exact, so that values up to float64's largest normalize without overflow
    and give the same bits as the plain formula elsewhere.
    """

    mean: float
    std: float

    @classmethod
    def fit(cls, values, source=None):
        """Statistics of ``values`` (population std, as ``np.std`` in the book).

        Args:
            values: array of finite numbers (any shape; all of them count).
            source: text naming where the values come from, for messages,
                e.g. ``'data.csv, training part (lines 2..116)'``.

        Raises:
            SeriesTooShortError: no values.
            DataFormatError: a value is not finite; every value is the same; the
                values differ by less than float64 resolves (std 0 or subnormal).
        """
        where = f"{check_text(source, 'source')}: " if source else ""
        values = np.asarray(values, dtype=np.float64)
        if values.size == 0:
            raise SeriesTooShortError(f"{where}cannot normalize an empty series")
        bad = np.flatnonzero(~np.isfinite(values.ravel()))
        if bad.size:
            raise DataFormatError(f"{where}cannot normalize: value {values.flat[bad[0]]} at "
                                  f"index {int(bad[0])} is not a finite number")
        if np.all(values == values.flat[0]):
            raise DataFormatError(
                f"{where}cannot normalize a constant series (every value is "
                f"{_show_number(values.flat[0])}): its standard deviation is 0")
        scale = power_of_two(values)
        mean = float(np.mean(values / scale)) * scale
        std = float(np.std(values / scale)) * scale
        if not math.isfinite(std):
            raise DataFormatError(f"{where}cannot normalize: the standard deviation of values "
                                  f"up to {_show_number(np.max(np.abs(values)))} overflows float64")
        if std < _SMALLEST_NORMAL:
            raise DataFormatError(
                f"{where}cannot normalize: the values (from {_show_number(values.min())} to "
                f"{_show_number(values.max())}) differ by less than float64 can resolve "
                f"(standard deviation {_show_number(std)}); multiply them by a large power of 10")
        return cls(mean, std)

    def _scale(self):
        return power_of_two(max(abs(self.mean), self.std))

    def apply(self, values):
        """``(values - mean) / std``, as an array of the shape of ``values``."""
        scale = self._scale()
        return (np.asarray(values, dtype=np.float64) / scale - self.mean / scale) \
            / (self.std / scale)

    def invert(self, normalized):
        """``normalized * std + mean``: back to the series' units."""
        scale = self._scale()
        return (np.asarray(normalized, dtype=np.float64) * (self.std / scale)
                + self.mean / scale) * scale


def load_series(filename, series_idx=1, *, return_normalization=False, encoding=None):
    """The book's loader: column ``series_idx`` of a CSV, normalized over the whole series.

    Returns:
        ``[n]`` float64 array ``(value - mean) / std``; with
        ``return_normalization=True``, the pair ``(array, Normalization)`` so that
        results can be given back in the series' own units.

    Raises:
        FileNotFoundError, SettingError, DataFormatError: see ``read_series``.
        (The book returns None when the file cannot be read.)
    """
    series = read_series(filename, series_idx, encoding=encoding)
    normalization = Normalization.fit(series.values, source=series.describe())
    normalized = normalization.apply(series.values)
    return (normalized, normalization) if return_normalization else normalized


# ---------------------------------------------------------------- split and windows

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


def _series_array(data):
    """``data`` as a ``[n]`` float64 array; InputShapeError naming ``data`` when it is
    not a 1-D sequence of real numbers."""
    try:
        array = np.asarray(data)
    except ValueError:  # ragged nested lists
        raise InputShapeError("data must be a 1-D series of numbers; found a ragged "
                              f"sequence ({type(data).__name__})") from None
    if array.dtype.kind not in "iuf" or array.ndim != 1:
        raise InputShapeError(f"data must be a 1-D series of numbers; found an array of "
                              f"shape {array.shape} and dtype {array.dtype}")
    return array.astype(np.float64)


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
        InputShapeError: ``data`` is not a 1-D series of numbers.
    """
    seq_size = check_positive_int(seq_size, "seq_size")
    data = _series_array(data)
    count = len(data) - seq_size - (1 if drop_last_window else 0)
    if count < 1:
        raise SeriesTooShortError(
            f"a series of {len(data)} point(s) is too short for seq_size={seq_size}: "
            f"windows need at least {seq_size + 1 + (1 if drop_last_window else 0)} points")
    starts = np.arange(count)[:, None] + np.arange(seq_size)[None, :]
    return data[starts][:, :, None], data[starts + 1]
