"""Exponential smoothing state-space models chosen by AICc (the ``ets`` structure).

The family of Hyndman et al. (2008) with additive errors: trend none (``N``),
additive (``A``) or damped (``Ad``), season none (``N``), additive (``A``) or
multiplicative (``M``, positive values only). Each model's smoothing weights
``(alpha, beta, gamma, phi)`` are fitted by the least in-sample one-step squared
error over a grid (every grid point run at once, vectorized), and the model with
the smallest AICc ``n log(SSE / n) + 2k + 2k(k+1)/(n-k-1)`` is kept (``k``: the
weights and the initial states). NumPy only, no SciPy; why not an optimizer: the
grid is deterministic, needs no starting point and runs every model in about 20 ms
on 400 points.

Recursions (``f`` the one-step forecast, ``s`` the season state of the step):
``base = level + phi trend``; ``f = base * s`` (``+ s`` additive, ``base`` none);
``level' = alpha y/s + (1-alpha) base`` (``y - s``; none: ``base + alpha (y - f)``);
``trend' = beta (level' - level) + (1-beta) phi trend``;
``s' = gamma y/level' + (1-gamma) s`` (``y - level'``).
"""

import dataclasses

import numpy as np

ALPHAS = np.array([0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9])
BETAS = np.array([0.01, 0.05, 0.2])
GAMMAS = np.array([0.01, 0.1, 0.3])
PHIS = np.array([0.8, 0.9, 0.98])
RESOLUTION = 1e-9   # a one-step RMSE below this fraction of the values' size is rounding
TRENDS = ("N", "A", "Ad")


@dataclasses.dataclass(frozen=True)
class EtsFit:
    """One fitted model.

    Attributes:
        model: e.g. ``"Ad,M"`` (trend, season).
        level, trend, phi: the states and damping at the last fitted time.
        season: ``[m]`` season states by absolute time ``t % m`` (``(1.0,)`` or
            ``(0.0,)`` without a season).
        multiplicative: whether ``season`` multiplies.
        fitted: ``[n]`` in-sample one-step forecasts.
        params: ``{"alpha", "beta", "gamma", "phi", "model"}``.
        aicc: the criterion it was chosen by.
    """

    model: str
    level: float
    trend: float
    phi: float
    season: tuple
    multiplicative: bool
    fitted: tuple
    params: dict
    aicc: float


def _grid(models, fixed=None):
    """Every (model, weights) row of ``models`` (``[(trend, season)]``) -> ``(model [p],
    alpha, beta, gamma, phi)``; one row when ``fixed`` (an earlier fit's params)."""
    if fixed is not None:
        return (np.array([fixed["model"]]),) + tuple(
            np.array([float(fixed[k])]) for k in ("alpha", "beta", "gamma", "phi"))
    rows = []
    for trend, season in models:
        betas = BETAS if trend != "N" else [0.0]
        gammas = GAMMAS if season != "N" else [0.0]
        phis = PHIS if trend == "Ad" else [1.0 if trend == "A" else 0.0]
        rows += [(f"{trend},{season}", a, b, g, p)
                 for a in ALPHAS for b in betas for g in gammas for p in phis]
    return (np.array([r[0] for r in rows]),) + tuple(
        np.array([r[i] for r in rows], dtype=np.float64) for i in (1, 2, 3, 4))


def _initial(y, m, t0, model):
    """Initial level ``[p]``, trend ``[p]`` and season states ``[p, m]`` (by ``t % m``;
    zeros without a season: an additive season that stays 0) for each row's model."""
    k = min(len(y) - 1, 4)
    trended = np.array([not mod.startswith("N,") for mod in model])
    seasonal = np.array([not mod.endswith(",N") for mod in model])
    mult = np.array([mod.endswith(",M") for mod in model])
    level = np.where(seasonal, y[:m].mean(), y[0])
    slope = np.where(seasonal, (y[m:2 * m].mean() - y[:m].mean()) / m if len(y) >= 2 * m
                     else 0.0, (y[k] - y[0]) / max(k, 1)) * trended
    first = y[:m] if len(y) >= m else np.zeros(m)
    by_position = np.zeros((2, m))
    positions = (t0 + np.arange(m)) % m
    by_position[0, positions] = first - first.mean()
    by_position[1, positions] = first / first.mean() if np.all(first > 0) else 1.0
    states = np.where(mult[:, None], by_position[1], by_position[0]) * seasonal[:, None] \
        + (mult & ~seasonal)[:, None]
    return level, slope, states, mult


def run_grid(y, m, t0, model, alpha, beta, gamma, phi, initial=None):
    """Run every row (a model and its weights) over ``y`` at once: the recursions of the
    module docstring, shared by ``ets.fit`` and ``structures.holt_winters``.

    Args:
        initial: ``(level [p], trend [p], states [p, m])`` to start from instead of
            ``_initial``'s (Holt-Winters starts from the decomposition's indices).

    Returns:
        ``(sse [p], level [p], trend [p], states [p, m], fitted [p, n])``.
    """
    if initial is None:
        level, slope, states, mult = _initial(y, m, t0, model)
    else:
        (level, slope, states), mult = initial, np.array([mod.endswith(",M") for mod in model])
    fitted = np.empty((len(alpha), len(y)))
    sse = np.zeros(len(alpha))
    rows = np.arange(len(alpha))
    with np.errstate(all="ignore"):
        for i, value in enumerate(y):
            pos = (t0 + i) % m
            base = level + phi * slope
            s = states[:, pos]
            forecast = np.where(mult, base * s, base + s)
            error = value - forecast
            fitted[:, i] = forecast
            sse += error * error
            new_level = alpha * np.where(mult, value / s, value - s) + (1 - alpha) * base
            states[rows, pos] = gamma * np.where(mult, value / new_level, value - new_level) \
                + (1 - gamma) * s
            slope = beta * (new_level - level) + (1 - beta) * phi * slope
            level = new_level
    return np.where(np.isfinite(sse), sse, np.inf), level, slope, states, fitted


def _parameters(model, m):
    """Weights and initial states a model estimates (the AICc's ``k``)."""
    trend, season = model.split(",")
    return 2 + (trend != "N") * 2 + (trend == "Ad") + (season != "N") * m


def aicc(sse, n, k, floor):
    """AICc of each row; an ``sse`` below ``floor`` (rounding) counts as ``floor``, so
    that exact fits tie (log 0 would leave them out) and the fewest parameters win."""
    sse = np.where(np.isfinite(sse), np.maximum(sse, floor), sse)
    with np.errstate(all="ignore"):
        value = n * np.log(sse / n) + 2 * k + 2 * k * (k + 1) / np.maximum(n - k - 1, 1)
    return np.where(np.isfinite(value) & (sse > 0), value, np.inf)


def _models(y, season, seasonal):
    kinds = ("N",)
    if seasonal and season > 1 and len(y) >= 2 * season + 2:
        kinds = ("N", "A", "M") if np.all(y > 0) else ("N", "A")
    return [(trend, kind) for kind in kinds for trend in TRENDS]


def fit(values, season, t0=0, seasonal=True, fixed=None):
    """The AICc-best model for ``values`` (``[n]`` at times ``t0..``).

    Args:
        season: points per season ``m`` (1: none).
        seasonal: whether seasonal models are tried (the seasonality test's verdict;
            they also need two seasons and two more points).
        fixed: ``params`` of an earlier fit: that model with those weights only (the
            states follow the new values; nothing is chosen).

    Returns:
        EtsFit.
    """
    y = np.asarray(values, dtype=np.float64)
    m = max(int(season), 1)
    model, alpha, beta, gamma, phi = _grid(_models(y, m, seasonal), fixed)
    sse, level, slope, states, fitted = run_grid(y, m, t0, model, alpha, beta, gamma, phi)
    k = np.array([_parameters(mod, m) for mod in model])
    floor = len(y) * (RESOLUTION * float(np.max(np.abs(y), initial=0.0))) ** 2
    scores = aicc(sse, len(y), k, floor or np.finfo(float).tiny)
    best = int(np.argmin(scores)) if np.any(np.isfinite(scores)) else int(np.argmin(sse))
    trend, kind = str(model[best]).split(",")
    return EtsFit(str(model[best]), float(level[best]), float(slope[best]),
                  float(phi[best]) if trend != "N" else 1.0,
                  tuple(float(v) for v in states[best]) if kind != "N" else (1.0,),
                  kind != "A", tuple(float(v) for v in fitted[best]),
                  {"alpha": float(alpha[best]), "beta": float(beta[best]),
                   "gamma": float(gamma[best]), "phi": float(phi[best]),
                   "model": str(model[best])}, float(scores[best]))
