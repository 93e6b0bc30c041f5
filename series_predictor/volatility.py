"""How much a series has lately moved: the scale that makes the bands of a series
without a season follow its recent volatility (prices move more in some years than in
others, and their bands should say so). NumPy only.
"""

import numpy as np

# Points whose one-step changes measure the volatility before an origin (about half a
# year of trading days). Chosen on the 11 development price series (benchmarks/
# BAND_VOLATILITY.txt: windows 20, 60, 120, 250; 120 brought their bands' mean coverage
# nearest 80% and 95%), before the holdout's prices were scored with it.
WINDOW = 120

# The least a volatility is taken to be, as a share of the calibration origins' median:
# a calm stretch (a peg, a halt, a price barely ticking) has a volatility near 0, and an
# origin's errors over it grew a hundredfold, and every band with them. The 18 price
# series of BAND_VOLATILITY.txt range from 0.43 to 2.14 times their median: unchanged.
LEAST_SHARE = 0.1


def recent(values, end, log=False, window=WINDOW):
    """The root mean square one-step change of ``values[:end]`` (of their logs under
    ``log``) over its last ``window`` changes (fewer when fewer are known): in series
    units, or log units (ratios) under ``log``; None with fewer than two values or
    without change (no scale to divide by).

    Args:
        values: ``[n]`` the series.
        end: how many of its first values are known at the origin.
    """
    known = np.asarray(values[:end], dtype=np.float64)[-(window + 1):]
    if known.size < 2:
        return None
    if log:
        known = np.log(np.maximum(known, np.finfo(float).tiny))
    change = float(np.sqrt(np.mean(np.square(np.diff(known)))))
    return change if np.isfinite(change) and change > 0 else None


def floored(volatility, middle):
    """``volatility`` (a number, or ``[m]`` of them) raised to at least ``LEAST_SHARE``
    of ``middle`` (the calibration origins' median volatility, same units): floats."""
    return np.maximum(np.asarray(volatility, dtype=np.float64), LEAST_SHARE * middle)
