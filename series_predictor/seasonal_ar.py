"""An autoregression on the seasonal differences (the ``sdiff_ar`` structure).

Model: ``z_t = y_t - y_{t-m}`` (``m`` the season; 1, first differences, without one or
when the values hold fewer than ``MIN_SEASONS`` seasons and ``MIN_POINTS`` more) follows
``z_t = c + phi_1 z_{t-1} + ... + phi_p z_{t-p} + e_t``: ARIMA ``(p,0,0)(0,1,0)_m`` with a
constant, the family statsforecast's AutoARIMA searches, cut down to what least squares
fits in closed form. ``p`` from 0 to ``MAX_ORDER`` is chosen by AICc on the same
stretch of ``z`` for every order; an order whose fitted polynomial is not stationary
(a root at or beyond ``MAX_ROOT``) is not considered, so a forecast never explodes. The
forecast runs the recursion on with ``e = 0``: ``y_{T+k} = y_{T+k-m} + z_{T+k}``, the
last season carried on with the differences fading towards ``c / (1 - sum phi)``.

Why this member: the pool's smoothing members (ETS, drift, Theta) carry a level and a
trend on a fixed seasonal profile; this one lets the season and the yearly change
move, as the seasonal ARIMA models that lead statsforecast's Comb on the employment
series do. Chosen on the development series (docs/recipes.md). NumPy only.
"""

import numpy as np

from .ets import RESOLUTION, aicc   # an RMS below RESOLUTION of the size is rounding

MAX_ORDER = 2        # the largest p tried (3 and 5 scored worse on the development series)
MAX_ROOT = 0.99      # a root of 1 - phi_1 x^-1 - ... this large or larger: not stationary
MIN_SEASONS = 2      # seasons the values need for seasonal differences ...
MIN_POINTS = 10      # ... and this many points more


def lag_for(count, season):
    """The differencing lag for ``count`` values at ``season``: the season when they hold
    ``MIN_SEASONS`` seasons and ``MIN_POINTS`` points more, else 1."""
    return season if season > 1 and count >= MIN_SEASONS * season + MIN_POINTS else 1


def _stationary(phi):
    return len(phi) == 0 or bool(np.all(np.abs(np.roots(np.r_[1.0, -np.asarray(phi)]))
                                        < MAX_ROOT))


def _choose(z):
    """``(c, phi)`` of the AICc-best stationary order on ``z`` (``[n]`` differences)."""
    top = min(MAX_ORDER, max(len(z) - 3, 0) // 2)
    target = z[top:]
    floor = len(target) * (RESOLUTION * float(np.max(np.abs(z), initial=0.0))) ** 2 \
        or np.finfo(float).tiny   # on the sum of squares: exact fits tie, the fewest terms win
    best = (np.inf, float(np.mean(z)) if len(z) else 0.0, ())
    for p in range(top + 1):
        design = np.column_stack([np.ones(len(target))]
                                 + [z[top - i:len(z) - i] for i in range(1, p + 1)])
        coef = np.linalg.lstsq(design, target, rcond=None)[0]
        if not (np.all(np.isfinite(coef)) and _stationary(coef[1:])):
            continue
        residuals = target - design @ coef
        score = aicc(np.array([residuals @ residuals]), len(target), p + 2, floor)[0]
        if score < best[0]:
            best = (score, float(coef[0]), tuple(float(v) for v in coef[1:]))
    return best[1], best[2]


def fit(values, season, fixed=None):
    """Fit on ``values`` (``[n]``, ``n >= 2``).

    Args:
        season: points per season (1: none).
        fixed: ``params`` of an earlier fit: its lag, constant and weights (nothing
            chosen; without ``c``, the constant for those weights on ``values``; the
            one-step forecasts then read only the values before each point).

    Returns:
        ``(fitted [n], params {"lag", "c", "phi"}, recent)``: the in-sample one-step
        forecasts (``y_{t-1}`` before ``lag + p`` points: persistence), the params, and
        the last ``lag + p`` values the forecast starts from (oldest first).
    """
    y = np.asarray(values, dtype=np.float64)
    if fixed is None:
        lag = lag_for(len(y), season)
        c, phi = _choose(y[lag:] - y[:-lag])
    else:
        lag, phi = int(fixed["lag"]), tuple(fixed["phi"])
        c = float(fixed["c"]) if "c" in fixed else constant(y, lag, phi)
    fitted = one_step(y, lag, c, phi)
    params = {"lag": lag, "c": c, "phi": list(phi)}
    return fitted, params, tuple(float(v) for v in y[-(lag + len(phi)):])


def constant(y, lag, phi):
    """The least-squares ``c`` of ``z_t = c + sum phi_i z_{t-i}`` on ``y``'s differences at
    ``lag`` for given ``phi`` (the mean of the differences before there are ``p + 1``;
    0 without one)."""
    z = y[lag:] - y[:-lag]
    p = len(phi)
    if len(z) <= p:
        return float(np.mean(z)) if len(z) else 0.0
    rest = z[p:] - sum(phi[i] * z[p - 1 - i:len(z) - 1 - i] for i in range(p))
    return float(np.mean(rest))


def one_step(y, lag, c, phi):
    """``[n]`` one-step forecasts of ``y``: each reads only the values before it."""
    p, n = len(phi), len(y)
    fitted = np.r_[y[0], y[:-1]]                   # persistence until the model has its lags
    z = np.full(n, np.nan)
    z[lag:] = y[lag:] - y[:-lag]
    at = np.arange(lag + p, n)
    fitted[at] = y[at - lag] + c + sum(phi[i] * z[at - 1 - i] for i in range(p))
    return fitted


def path(recent, params, count):
    """``[count]`` forecasts after the values ending in ``recent`` (``lag + p`` of them;
    fewer, from a refit with given params on a shorter stretch: the first one is
    repeated before them, so that the differences reaching into that padding are 0)."""
    lag, c, phi = int(params["lag"]), float(params["c"]), tuple(params["phi"])
    history = list(recent)
    history = [history[0]] * (lag + len(phi) - len(history)) + history
    z = [history[i] - history[i - lag] for i in range(lag, len(history))]
    out = []
    for _ in range(count):
        step = c + sum(phi[i] * z[-1 - i] for i in range(len(phi)))
        z.append(step)
        history.append(history[-lag] + step)
        out.append(history[-1])
    return np.asarray(out, dtype=np.float64)
