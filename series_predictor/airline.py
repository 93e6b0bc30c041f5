"""The airline model, ARIMA ``(0,1,1)(0,1,1)_m`` (the ``airline`` structure).

Model (Box and Jenkins's, named after the airline series it was fitted to):
``w_t = (1 - B)(1 - B^m) y_t = e_t + theta e_{t-1} + Theta e_{t-m} + theta Theta e_{t-m-1}``,
``m`` the season (``lag``; the values must hold ``seasonal_ar.MIN_SEASONS`` seasons
and ``seasonal_ar.MIN_POINTS`` points more, else the model is not fitted). Both
differences let the level and the season move; the two moving-average weights say how
much of each shock stays (``theta`` near -1: a steady trend, ``Theta`` near -1: a
steady season). It is the model statsforecast's AutoARIMA most often picks for monthly
series with a season; this module fits only it, by conditional least squares (the sum
of squared one-step errors, the shocks before the first difference taken as 0), over a
grid of the two weights and then a finer grid around the best (every grid point run
at once, vectorized, as ``ets`` does). NumPy only, no SciPy; no optimizer: the grid
is deterministic and needs no starting point.

One-step forecast: ``f_t = y_{t-1} + y_{t-m} - y_{t-m-1} + theta e_{t-1} + Theta e_{t-m}
+ theta Theta e_{t-m-1}``, ``e_t = y_t - f_t`` (persistence, ``e = 0``, for the first
``m + 1`` points); past the data the same recursion with the future shocks 0.

Why this member: the pool's smoothing members carry a level and a trend on a fixed
seasonal profile, and the autoregression on seasonal differences a yearly change that
fades to a constant; this one carries the last level, trend and season on, each as
firmly as the series showed. Chosen on the development series (docs/recipes.md).
"""

import numpy as np

from .seasonal_ar import MIN_POINTS, MIN_SEASONS

COARSE = np.round(np.linspace(-0.9, 0.9, 19), 2)   # each weight's first grid, step 0.1
FINE = np.round(np.linspace(-0.08, 0.08, 9), 2)    # then around the best, step 0.02
LIMIT = 0.99                                   # |weight| at most this: invertible


def supports(count, season):
    """Whether ``count`` values at ``season`` hold enough seasons for the model."""
    return season > 1 and count >= MIN_SEASONS * season + MIN_POINTS


def runs(count, season, fixed=None):
    """Whether ``fit(values, season, fixed)`` runs on ``count`` values: without ``fixed``,
    ``supports``; with an earlier fit's params (``structures._fit_all``'s ``fixed``, the
    airline model's None there: then not, since weights chosen on these values would
    read ahead of each one-step forecast), its lag and one point more. Nothing is chosen
    then, so fewer than ``supports`` asks for will do (auto's first band origin for days
    holds 21 points of 24)."""
    if fixed is None:
        return supports(count, season)
    params = fixed.get("airline")
    return params is not None and count >= int(params["lag"]) + 2


def _errors(y, lag, theta, big_theta):
    """One-step errors for every weight pair at once.

    Args:
        y: ``[n]`` values; lag: the season ``m``.
        theta, big_theta: ``[k]`` weights each.

    Returns:
        ``[n, k]`` errors ``e_t`` (0 for the first ``lag + 1`` points).
    """
    n, k = len(y), len(theta)
    e = np.zeros((n, k))
    w = np.zeros(n)
    w[lag + 1:] = (y[lag + 1:] - y[lag:-1]) - (y[1:-lag] - y[:-lag - 1])
    both = theta * big_theta
    for t in range(lag + 1, n):
        e[t] = w[t] - theta * e[t - 1] - big_theta * e[t - lag] - both * e[t - lag - 1]
    return e


def _best(y, lag, theta, big_theta):
    """The pair of ``theta``, ``big_theta`` (``[k]`` each) of the least squared errors,
    leaving out the first ``2 lag + 2`` (no difference yet, then the transient of the
    shocks taken as 0); the first pair among ties."""
    e = _errors(y, lag, theta, big_theta)[2 * lag + 2:]
    with np.errstate(all="ignore"):
        sse = np.sum(e * e, axis=0)
    sse = np.where(np.isfinite(sse), sse, np.inf)
    i = int(np.argmin(sse))
    return float(theta[i]), float(big_theta[i])


def _grid(a, b):
    first, second = np.meshgrid(a, b, indexing="ij")
    return first.ravel(), second.ravel()


def choose(y, lag):
    """``(theta, Theta)`` fitted on ``y`` (``[n]``) at ``lag``: the coarse grid, then
    the fine one around its best, each weight within ``[-LIMIT, LIMIT]``."""
    theta, big_theta = _best(y, lag, *_grid(COARSE, COARSE))
    near = (np.clip(np.round(theta + FINE, 2), -LIMIT, LIMIT),
            np.clip(np.round(big_theta + FINE, 2), -LIMIT, LIMIT))
    return _best(y, lag, *_grid(*near))


def fit(values, season, fixed=None):
    """Fit on ``values`` (``[n]``, ``supports(n, season)``).

    Args:
        season: points per season (the model's ``m``).
        fixed: ``params`` of an earlier fit: its lag and weights (nothing chosen; the
            one-step forecasts then read only the values before each point).

    Returns:
        ``(fitted [n], params {"lag", "theta", "Theta"}, recent)``: the in-sample
        one-step forecasts, the params, and what the forecast starts from: the last
        ``lag + 1`` values, then the last ``lag + 1`` errors (oldest first).
    """
    y = np.asarray(values, dtype=np.float64)
    if fixed is None:
        lag = int(season)
        theta, big_theta = choose(y, lag)
    else:
        lag, theta, big_theta = int(fixed["lag"]), float(fixed["theta"]), float(fixed["Theta"])
    e = _errors(y, lag, np.array([theta]), np.array([big_theta]))[:, 0]
    fitted = np.r_[y[0], y[:-1]]                   # persistence before the differences
    fitted[lag + 1:] = _next(y, e, np.arange(lag + 1, len(y)), lag, theta, big_theta)
    params = {"lag": lag, "theta": theta, "Theta": big_theta}
    recent = np.r_[y[-(lag + 1):], e[-(lag + 1):]]
    return fitted, params, tuple(float(v) for v in recent)


def _next(y, e, t, lag, theta, big_theta):
    """The one-step forecast of ``y`` at ``t`` (an index or ``[k]`` of them, each past
    ``lag``) from the values ``y`` and errors ``e`` before it."""
    return (y[t - 1] + y[t - lag] - y[t - lag - 1] + theta * e[t - 1]
            + big_theta * e[t - lag] + theta * big_theta * e[t - lag - 1])


def path(recent, params, count):
    """``[count]`` forecasts after the values and errors in ``recent`` (``fit``'s): the
    one-step forecast run on, each fed back, with the future errors 0."""
    lag, theta, big_theta = int(params["lag"]), float(params["theta"]), float(params["Theta"])
    y = np.r_[np.asarray(recent[:lag + 1], dtype=np.float64), np.zeros(count)]
    e = np.r_[np.asarray(recent[lag + 1:], dtype=np.float64), np.zeros(count)]
    for t in range(lag + 1, lag + 1 + count):
        y[t] = _next(y, e, t, lag, theta, big_theta)
    return y[lag + 1:]
