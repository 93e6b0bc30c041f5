"""Where a series is cut (``Split``: training, validation tail, test period), how many
points a cut needs (``minimum_length``), and the refusals of a cut with nothing to learn
(``split_stage``, ``refuse_constant_fit_part``): before any training. NumPy only.
"""

import dataclasses

import numpy as np

from . import data_loader
from .errors import DataFormatError, SeriesTooShortError, too_few


@dataclasses.dataclass(frozen=True)
class Split:
    """Where the series is cut: ``[0, fit_end)`` trains, ``[fit_end, n_train)`` is the
    validation tail (empty without one), ``[n_train, n)`` is the test period."""

    n: int
    n_train: int
    validation: int

    @property
    def fit_end(self):
        return self.n_train - self.validation

    @property
    def n_test(self):
        return self.n - self.n_train


LENGTH_CAP = 2 ** 62  # "at least this many points": no series is that long


def _smallest(condition):
    """The smallest n >= 1 for which the monotone ``condition(n)`` holds (LENGTH_CAP when
    none below it does): doubling, then bisection, so any setting answers at once."""
    high = 1
    while not condition(high):
        if high >= LENGTH_CAP:
            return LENGTH_CAP
        high *= 2
    low = high // 2  # condition(low) is false, or low == 0
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if condition(middle) else (middle, high)
    return high


def minimum_fit_length(seq_size, season, order=0, validation=0):
    """Fewest points before a forecast origin: windows to fit on, then the validation
    tail, and a full season before each origin for the seasonal baselines."""
    return max(seq_size + 1 + order, season) + validation


def minimum_length(seq_size, percent_train, season, order=0, validation=0,
                   test_windows=True, least_training=0):
    """Fewest points for which the split leaves room for windows and baselines.

    The training part needs ``seq_size + 1`` transformed points to fit on, and a
    season before each forecast origin (and ``least_training`` points, a recipe's
    own need: ``auto.minimum_training``); the test part needs ``seq_size + 1``
    points for the book's test windows (1 with a validation tail, or without
    ``test_windows``: one-step forecasts then take their windows' start from the
    points before the test period). Computed directly, so that an absurd size is
    refused at once.
    """
    need_train = max(minimum_fit_length(seq_size, season, order, validation), least_training)
    need_test = 1 if validation or not test_windows else seq_size + 1
    train_ok = lambda n: data_loader.train_size(n, percent_train) >= need_train  # noqa: E731
    test_ok = lambda n: n - data_loader.train_size(n, percent_train) >= need_test  # noqa: E731
    return max(_smallest(train_ok), _smallest(test_ok))


def split_stage(loaded, config, order, test_windows=True):
    """The split of ``loaded``, or SeriesTooShortError saying how many points are needed
    (``test_windows``: see ``minimum_length``)."""
    n = len(loaded.values)
    needed = minimum_length(config.seq_size, config.percent_train, config.season, order,
                            config.validation, test_windows)
    if n < needed:
        raise SeriesTooShortError(
            f"{loaded.path}: {too_few(n)} for seq_size={config.seq_size}, "
            f"percent_train={config.percent_train}, season={config.season}"
            + (f", differencing order {order}" if order else "")
            + (f", validation={config.validation}" if config.validation else "")
            + (f"; at least {needed} points are needed" if needed < LENGTH_CAP
               else "; no series is long enough (percent_train too close to 0 or 1?)"))
    split = Split(n, data_loader.train_size(n, config.percent_train), config.validation)
    refuse_constant_fit_part(loaded, split)
    return split


def constant_fit_part(loaded, split, where=""):
    """Why ``split``'s training part (before the validation tail) gives the network nothing
    to learn and every scale a zero spread (one repeated value), or None. ``where``: what
    the split belongs to ("backtest origin 1 of 3, "), for the message."""
    fitted = loaded.values[:split.fit_end]
    if not np.all(fitted == fitted[0]):
        return None
    part = "training part" + (" before the validation tail" if split.validation else "")
    return (f"{loaded.path}, {where}{part} (lines {loaded.lines[0]}.."
            f"{loaded.lines[split.fit_end - 1]}): every value is {fitted[0]:g}, so there is "
            "nothing to learn")


def refuse_constant_fit_part(loaded, split):
    """``constant_fit_part`` as a DataFormatError, before any training."""
    why = constant_fit_part(loaded, split)
    if why is None:
        return
    known = loaded.values[:split.n_train]
    if np.all(known == known[0]):
        raise DataFormatError(why + "; a constant series needs no model: its forecast is "
                              f"that value, {known[0]:g}")
    change = loaded.lines[int(np.argmax(known != known[0]))]
    raise DataFormatError(why + f"; the values first change at line {change}, inside the "
                          f"validation tail of the last {split.validation} training points")
