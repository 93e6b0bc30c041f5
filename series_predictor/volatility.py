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
