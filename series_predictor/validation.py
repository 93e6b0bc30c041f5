"""Every check of a setting or an array lives here, once; the API and the command
line both call these, so a value is accepted or refused by the same rule everywhere.

NumPy only; nothing here imports TensorFlow.
"""

import math
import numbers

import numpy as np

from .errors import InputShapeError, SettingError

# Upper limits that keep a mistake from costing minutes or all the memory before it
# fails somewhere deep inside TensorFlow or matplotlib.
MAX_HIDDEN_DIM = 4096        # 4096 units: ~270 MB of weights, ~1 GB with Adam's slots
MAX_SEQ_SIZE = 1000          # the hallucination loop unrolls the cell seq_size times
MAX_STEPS = 10_000_000       # hallucinated points in one call (40 MB of float32)
MAX_SEED = 2**31 - 1         # TensorFlow, NumPy and Python all take it
FLOAT32_MAX = float(np.finfo(np.float32).max)
FLOAT32_TINY = float(np.finfo(np.float32).tiny)  # smallest normal float32, 1.2e-38


def as_float_array(value, name):
    """Convert ``value`` to a float32 ndarray, refusing ragged lists, non-numbers,
    complex numbers and finite values beyond float32's range (which would become inf)."""
    try:
        wide = np.asarray(value)
        if wide.dtype.kind in "mM":  # datetime64, timedelta64, pandas dates
            raise TypeError(f"{wide.dtype} values, which are times, not numbers")
        if np.iscomplexobj(wide):
            raise TypeError("complex numbers")
        wide = wide.astype(np.float64)
    except (ValueError, TypeError) as exc:
        raise InputShapeError(
            f"{name} must be a rectangular array of numbers; "
            f"it is ragged or holds non-numbers ({exc})"
        ) from None
    huge = np.isfinite(wide) & (np.abs(wide) > FLOAT32_MAX)
    if huge.any():
        where = tuple(int(i) for i in np.argwhere(huge)[0])
        raise InputShapeError(
            f"{name} must be within float32's range (magnitude at most {FLOAT32_MAX:.4g}); "
            f"found {float(wide[where]):g} at index {where}; rescale the data")
    return wide.astype(np.float32)


def check_finite(array, name):
    """Refuse NaN and infinity, naming the first bad index."""
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InputShapeError(
            f"{name} must be finite; found {float(array[where])} at index {where}"
        )


def check_windows_x(value, seq_size, input_dim, name="x"):
    """Return ``value`` as float32 ``[batch, seq_size, input_dim]``, batch >= 1.

    Raises:
        InputShapeError: ragged, wrong rank or sizes, empty, NaN or infinity.
    """
    x = as_float_array(value, name)
    expected = f"[batch, seq_size={seq_size}, input_dim={input_dim}]"
    if x.ndim != 3:
        raise InputShapeError(
            f"{name} must have shape {expected}; found shape {x.shape} ({x.ndim} dimensions)"
        )
    if x.shape[0] == 0:
        raise InputShapeError(f"{name} is an empty batch (shape {x.shape}); need at least 1 window")
    if x.shape[1] != seq_size:
        raise InputShapeError(
            f"{name} has sequences of length {x.shape[1]}, expected seq_size={seq_size} "
            f"(shape {x.shape}, expected {expected})"
        )
    if x.shape[2] != input_dim:
        raise InputShapeError(
            f"{name} has input_dim {x.shape[2]}, expected input_dim={input_dim} "
            f"(shape {x.shape}, expected {expected})"
        )
    check_finite(x, name)
    return x


def check_windows_y(value, x, name="y"):
    """Return ``value`` as float32 ``[batch, seq_size]`` matching the windows ``x``."""
    y = as_float_array(value, name)
    expected = (x.shape[0], x.shape[1])
    if y.shape != expected:
        raise InputShapeError(
            f"{name} must have shape [batch, seq_size] = {expected} to match x of shape "
            f"{x.shape}; found shape {y.shape}"
        )
    check_finite(y, name)
    return y


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_int(value, name, minimum=1, maximum=None, why=""):
    """Return ``value`` as an int in ``[minimum, maximum]``.

    Refuses bools and floats (even 2.0): a count is written as an integer.
    ``why`` is appended to the message of a value above ``maximum``.
    """
    if not _is_int(value):
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise SettingError(f"{name} must be {kind}; found {value!r}")
    value = int(value)
    if value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise SettingError(f"{name} must be {kind}; found {value}")
    if maximum is not None and value > maximum:
        raise SettingError(f"{name} must be at most {maximum}; found {value}"
                           + (f" ({why})" if why else ""))
    return value


def check_positive_int(value, name, maximum=None, why=""):
    """Return ``value`` as an int >= 1 (and <= ``maximum``)."""
    return check_int(value, name, 1, maximum, why)


def check_optional_int(value, name, minimum=1, maximum=None):
    """None (the setting is off) or an int as ``check_int`` takes it."""
    return None if value is None else check_int(value, name, minimum, maximum)


def check_positive_float(value, name, maximum=FLOAT32_MAX):
    """Return ``value`` as a finite float in ``(0, maximum]`` (Python or NumPy number,
    not a bool). The default maximum is float32's: the graph computes in float32."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise SettingError(f"{name} must be a positive number; found {value!r}")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise SettingError(f"{name} must be a positive, finite number; found {value}")
    if value > maximum:
        raise SettingError(f"{name} must be at most {maximum:.4g} (float32 computes it); "
                           f"found {value:g}")
    if value < FLOAT32_TINY:
        raise SettingError(f"{name} must be at least {FLOAT32_TINY:.4g} (float32 computes "
                           f"it, and a smaller value rounds to 0 or loses its digits); "
                           f"found {value:g}")
    return value


def check_flag(value, name):
    """Return ``value`` when it is a bool (a string such as "False" is refused, not
    taken as true)."""
    if not isinstance(value, (bool, np.bool_)):
        raise SettingError(f"{name} must be True or False; found {value!r}")
    return bool(value)


def check_fraction(value, name="percent_train"):
    """Return ``value`` as a float strictly between 0 and 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) \
            or not 0 < float(value) < 1:
        raise SettingError(f"{name} must be between 0 and 1 (exclusive); found {value!r}")
    return float(value)


def check_seed(value, name="seed", count=1):
    """Return ``value`` as an int seed; ``count`` seeds ``value..value+count-1`` must fit."""
    seed = check_int(value, name, 0, MAX_SEED - count + 1,
                     "seeds must fit in 31 bits" if count == 1 else
                     f"the {count} seeds {name}..{name}+{count - 1} must fit in 31 bits")
    return seed


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices``."""
    if value not in choices:
        raise SettingError(f"{name} must be one of {', '.join(map(repr, choices))}; "
                           f"found {value!r}")
    return value


def check_lags(lags, name="diff", maximum=None):
    """Return differencing lags as a tuple of positive ints (empty: no differencing)."""
    if isinstance(lags, (str, bytes)) or not hasattr(lags, "__iter__"):
        raise SettingError(f"{name} must be a sequence of lags such as (1, 12); found {lags!r}")
    return tuple(check_int(lag, f"{name} lag", 1, maximum) for lag in lags)


def check_text(value, name):
    """None or a string without control characters (a label drawn on a figure)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise SettingError(f"{name} must be text; found {value!r}")
    if any(ord(ch) < 32 for ch in value):
        raise SettingError(f"{name} must be one line of text; found {value!r}")
    return value
