"""Checks at the public boundary: turn user arrays into float32 arrays or say why not.

NumPy only; nothing here imports TensorFlow.
"""

import numpy as np

from .errors import InputShapeError, SettingError


def as_float_array(value, name):
    """Convert ``value`` to a float32 ndarray, refusing ragged lists and non-numbers."""
    try:
        array = np.asarray(value, dtype=np.float32)
    except (ValueError, TypeError) as exc:
        raise InputShapeError(
            f"{name} must be a rectangular array of numbers; "
            f"it is ragged or holds non-numbers ({exc})"
        ) from None
    return array


def check_finite(array, name):
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


def check_positive_int(value, name):
    """Return ``value`` as an int, refusing bools, floats with fractions, and values < 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise SettingError(f"{name} must be a positive integer; found {value!r}")
    if value < 1:
        raise SettingError(f"{name} must be a positive integer; found {value}")
    return int(value)
