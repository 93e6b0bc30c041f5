"""The optimised Theta models of Fiorucci et al. (2016) in NumPy: standard and optimised
Theta, static and dynamic (STM, OTM, DSTM, DOTM), the one with the least in-sample
one-step squared error kept, as R's ``forecTheta`` and statsforecast's ``AutoTheta`` do.

Model (on the seasonally adjusted values ``y_1..y_n``): a straight line ``A + B t``
(least squares over all values for the static models; over ``y_1..y_t``, updated each
step, for the dynamic ones), simple smoothing ``l_t = alpha y_t + (1 - alpha) l_{t-1}``,
and the one-step forecast

    mu_{t+1} = l_t + w ((1 - alpha)^t A_t + (1 - (1 - alpha)^(t+1)) / alpha B_t),
    w = 1 - 1 / theta,

``h`` steps ahead ``mu_{t+1} + w B_t (h - 1)``: a straight line past the origin (for the
static types exactly statsforecast's forecast; for the dynamic ones statsforecast feeds
each forecast back into the line, so that ``A`` and ``B`` keep moving: its path bends
away from this line by a few tenths of a step's spread over 24 steps). theta 2
(STM, DSTM) is the M4 benchmark's Theta; OTM and DOTM choose theta >= 1 too. alpha and
theta come from a grid (``ALPHAS``, ``THETAS``); the initial level ``l_0``, on which
the errors depend linearly, is solved for exactly (least squares) at each grid point.
NumPy only, no SciPy.
"""

import numpy as np

from .metrics import power_of_two

ALPHAS = np.array([0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99])
THETAS = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0, 10.0])
SKIP = 3          # first one-step errors left out of the fit (as statsforecast's nmse)
TYPES = ("STM", "OTM", "DSTM", "DOTM")


def _lines(y, dynamic):
    """``(A [n], B [n])``: the straight line through ``y[:t + 1]`` at each ``t``
    (dynamic) or through all of ``y`` at every ``t`` (static); time counted 1..n."""
    n = len(y)
    if not dynamic:
        t = np.arange(1, n + 1, dtype=np.float64)
        slope, intercept = np.polyfit(t, y, 1) if n > 1 else (0.0, float(y[0]))
        return np.full(n, intercept), np.full(n, slope)
    a, b = np.empty(n), np.empty(n)
    mean, slope = float(y[0]), 0.0
    a[0], b[0] = y[0], 0.0
    for t in range(2, n + 1):     # Fiorucci et al.'s recursion, t the count of values
        previous = mean
        mean = ((t - 1) * mean + y[t - 1]) / t
        slope = ((t - 2) * slope + 6.0 / t * (y[t - 1] - previous)) / (t + 1)
        a[t - 1], b[t - 1] = mean - (t + 1) / 2 * slope, slope
    return a, b


def _errors(y, alpha, weight, a, b):
    """One-step errors with ``l_0 = 0`` and their derivative in ``l_0``, for every grid
    point at once: ``(errors [p, n], dl0 [p, n], level [p])`` (``errors - l_0 dl0`` are
    the errors from ``l_0``; ``level`` is ``l_n`` from ``l_0 = 0``)."""
    n = len(y)
    q = 1.0 - alpha
    level = np.zeros(alpha.shape)
    errors, dl0 = np.empty((len(alpha), n)), np.empty((len(alpha), n))
    for t in range(n):           # forecast of y[t] (value t + 1) from values 1..t
        if t == 0:
            forecast = level
        else:
            forecast = level + weight * (q ** t * a[t - 1]
                                         + (1 - q ** (t + 1)) / alpha * b[t - 1])
        errors[:, t], dl0[:, t] = y[t] - forecast, q ** t
        level = alpha * y[t] + q * level
    return errors, dl0, level


def _fit_type(y, kind, alphas=ALPHAS, thetas=THETAS):
    """The best ``(mse, params)`` of one model type over the grid."""
    theta_grid = thetas if kind in ("OTM", "DOTM") else np.array([2.0])
    alpha, theta = (g.ravel() for g in np.meshgrid(alphas, theta_grid))
    a, b = _lines(y, kind.startswith("D"))
    weight = 1.0 - 1.0 / theta
    errors, dl0, level = _errors(y, alpha, weight, a, b)
    # l_0 by least squares over every error (the first forecast is l_0 itself, so it
    # stays near the first values; over the errors after SKIP alone its weight is
    # (1 - alpha)^SKIP, 1e-6 at alpha 0.99, and it ran away to cancel one error);
    # the models are then compared on the errors after SKIP
    l0 = np.sum(errors * dl0, axis=1) / np.maximum(np.sum(dl0 * dl0, axis=1), 1e-300)
    skip = min(SKIP, len(y) - 2)
    mse = np.mean((errors[:, skip:] - l0[:, None] * dl0[:, skip:]) ** 2, axis=1)
    best = int(np.argmin(mse))
    return float(mse[best]), {"type": kind, "alpha": float(alpha[best]),
                              "theta": float(theta[best]), "l0": float(l0[best]),
                              "A": float(a[-1]), "B": float(b[-1])}


def fit(y, fixed=None):
    """Fit the four models on ``y`` (``[n]``, n >= 2) and keep the best.

    The models are linear in the values, so they are fitted on ``y`` over a power of 2
    near its largest magnitude (``metrics.power_of_two``: exact; squared errors of values
    near 1e200 would overflow) and scaled back.

    Args:
        fixed: params of an earlier fit: its type, alpha, theta and ``l_0`` are kept
            (and, for a static type, its line when given: ``structures.weights_only``
            leaves it out), the states run over ``y``.

    Returns:
        ``(a, b, fitted [n], params)``: the path ``a + b k`` for ``k >= 1`` steps past
        the last value, the in-sample one-step forecasts, and the fitted parameters.
    """
    y = np.asarray(y, dtype=np.float64)
    scale = power_of_two(y)
    unit = None if fixed is None else dict(fixed, **{k: fixed[k] / scale for k in SCALED
                                                     if k in fixed})
    a, b, fitted, params = _fit_unit(y / scale, unit)
    params.update({k: params[k] * scale for k in SCALED})
    return a * scale, b * scale, fitted * scale, params


SCALED = ("l0", "A", "B")   # the params in the values' units


def _fit_unit(y, fixed):
    """``fit`` on values of magnitude at most 1."""
    if fixed is None:
        params = min((_fit_type(y, kind) for kind in TYPES), key=lambda r: r[0])[1]
    else:
        params = dict(fixed)
    dynamic = params["type"].startswith("D")
    a, b = _lines(y, dynamic)
    given_line = fixed is not None and "A" in fixed
    if given_line and not dynamic:
        a, b = np.full(len(y), params["A"]), np.full(len(y), params["B"])
    alpha, weight = np.array([params["alpha"]]), 1.0 - 1.0 / params["theta"]
    errors, dl0, level = _errors(y, alpha, weight, a, b)
    q, n = 1.0 - params["alpha"], len(y)
    fitted = y - (errors[0] - params["l0"] * dl0[0])
    last = float(level[0]) + q ** n * params["l0"]
    step = weight * (q ** n * a[-1] + (1 - q ** (n + 1)) / params["alpha"] * b[-1])
    if not given_line or dynamic:
        params.update(A=float(a[-1]), B=float(b[-1]))
    return last + step - weight * b[-1], weight * b[-1], fitted, params
