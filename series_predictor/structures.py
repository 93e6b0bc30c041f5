"""The M4 competition's benchmarks in NumPy: seasonality test, classical decomposition,
simple / Holt / damped exponential smoothing, Theta, and the naive forecasts.

Method (Makridakis et al., 2018, the M4 benchmarks): a series is seasonally adjusted
when its autocorrelation at the seasonal lag passes a 90% test (and it holds three
seasons); the seasonal indices are those of a classical multiplicative decomposition
(additive when a value is not positive). On the adjusted series, exponential smoothing
``level' = f + alpha e``, ``trend' = phi trend + alpha beta e`` (``f`` the one-step
forecast ``level + phi trend``, ``e`` its error) is fitted per series by the least
in-sample one-step squared error over a grid of ``(alpha, beta, phi)``: SES
(``beta = 0``), Holt (``phi = 1``) and damped Holt. Theta is SES plus half the
slope of a straight line fitted to the adjusted series; the optimised Theta models
(``theta.py``) choose the line's weight and make it dynamic. An autoregression on the
seasonal differences of the raw values (``seasonal_ar.py``) and the airline model
(``airline.py``) let the season move. Every fitted structure is a ``Member``: a path
``(a + b g(k)) * index`` (or ``+ index``) ``k`` steps past its origin (those two: their
own recursions), and its in-sample one-step forecasts. NumPy only, no SciPy.
"""

import dataclasses

import numpy as np

from . import airline, ets, seasonal_ar, theta
from .metrics import power_of_two

ALPHAS = np.array([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
BETAS = np.array([0.01, 0.05, 0.1, 0.2, 0.35, 0.5])   # fractions of alpha
PHIS = np.array([0.8, 0.85, 0.9, 0.94, 0.97, 0.99])
SEASONALITY_Z = 1.645                                   # the M4 test's 90% (two-sided)
MIN_SEASONS_FOR_TEST = 3
KINDS = ("ses", "holt", "damped", "theta", "opt_theta", "hw", "ets", "naive", "snaive", "drift",
         "sdiff_ar", "airline")
SEASON_KINDS = ("snaive", "hw", "airline")   # fitted only with a season
DESCRIPTIONS = {   # each kind in words, for the run's messages
    "ses": "simple exponential smoothing", "holt": "Holt's linear trend",
    "damped": "damped trend smoothing", "theta": "Theta (smoothing + half the drift)",
    "opt_theta": "optimised Theta models", "hw": "Holt-Winters",
    "ets": "exponential smoothing by AICc", "naive": "persistence",
    "snaive": "seasonal naive", "drift": "drift (first to last point)",
    "sdiff_ar": "autoregression on seasonal differences",
    "airline": "airline model, ARIMA (0,1,1)(0,1,1)"}
HW_ALPHAS = np.array([0.05, 0.1, 0.2, 0.35, 0.5, 0.7])
HW_BETAS = np.array([0.0, 0.02, 0.1, 0.25])
HW_GAMMAS = np.array([0.01, 0.05, 0.15, 0.3])
HW_PHIS = np.array([0.9, 0.97, 1.0])


@dataclasses.dataclass(frozen=True)
class Member:
    """A fitted structure: from origin ``anchor + 1`` on, step ``k >= 1`` (absolute time
    ``t = anchor + k``) is ``(a + b * g(k)) * profile[t % m]`` (``+`` when not
    ``multiplicative``), ``g(k) = sum_{i<=k} phi^i``; for ``sdiff_ar`` and ``airline``,
    ``seasonal_ar.path`` and ``airline.path`` from ``recent``.

    Attributes:
        kind: one of ``KINDS``.
        fitted: ``[n]`` in-sample one-step forecasts of the values it was fitted on.
        params: the fitted ``{"alpha", "beta", "phi"}`` (or {}).
        recent: ``sdiff_ar``'s last values, ``airline``'s last values and errors
            (oldest first; empty for the others and in records older than 2026-12-05).
    """

    kind: str
    a: float
    b: float
    phi: float
    profile: tuple
    multiplicative: bool
    anchor: int
    fitted: tuple
    params: dict
    recent: tuple = ()

    def path(self, count):
        """``[count]`` forecasts past ``anchor``."""
        if self.kind == "sdiff_ar":
            return seasonal_ar.path(self.recent, self.params, count)
        if self.kind == "airline":
            return airline.path(self.recent, self.params, count)
        k = np.arange(1, count + 1, dtype=np.float64)
        g = k if self.phi == 1.0 else self.phi * (1 - self.phi ** k) / (1 - self.phi)
        profile = np.asarray(self.profile, dtype=np.float64)
        season = profile[(self.anchor + k.astype(np.int64)) % len(profile)]
        trend = self.a + self.b * g
        return trend * season if self.multiplicative else trend + season

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d):
        return cls(d["kind"], float(d["a"]), float(d["b"]), float(d["phi"]),
                   tuple(d["profile"]), bool(d["multiplicative"]), int(d["anchor"]),
                   tuple(d["fitted"]), dict(d["params"]), tuple(d.get("recent", ())))


def is_seasonal(values, season):
    """The M4 test: ``|acf(season)| > 1.645 sqrt((1 + 2 sum_{k<season} acf(k)^2) / n)``,
    for ``season > 1`` and at least three seasons of ``values`` (``[n]``)."""
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    if season <= 1 or n < MIN_SEASONS_FOR_TEST * season:
        return False
    x = x / power_of_two(x)    # exactly scale-free: neither the mean nor the squares
    x = x - x.mean()           # overflow, however large the values
    denom = float(np.dot(x, x))
    if denom == 0:
        return False
    acf = np.array([np.dot(x[:n - k], x[k:]) / denom for k in range(season + 1)])
    limit = SEASONALITY_Z * np.sqrt((1 + 2 * np.sum(acf[1:season] ** 2)) / n)
    return bool(abs(acf[season]) > limit)


def seasonal_indices(values, season, t0=0):
    """Classical decomposition's seasonal indices -> (``[season]`` by ``t % season``,
    multiplicative). Ratios to a centred moving average (2 x season for an even
    season), averaged per position, normalized to mean 1 (differences, mean 0, when
    a value is not positive)."""
    x = np.asarray(values, dtype=np.float64)
    multiplicative = bool(np.all(x > 0))
    if season % 2 == 0:
        weights = np.r_[0.5, np.ones(season - 1), 0.5] / season
    else:
        weights = np.ones(season) / season
    cma = np.convolve(x, weights, mode="valid")
    offset = (len(weights) - 1) // 2
    inner = x[offset:offset + len(cma)]
    detrended = inner / cma if multiplicative else inner - cma
    positions = (t0 + offset + np.arange(len(cma))) % season
    index = np.array([np.mean(detrended[positions == p]) if np.any(positions == p)
                      else (1.0 if multiplicative else 0.0) for p in range(season)])
    index = index / index.mean() if multiplicative else index - index.mean()
    return index, multiplicative


def _smooth_grid(x, alpha, beta, phi):
    """Run the smoother for every parameter triple at once.

    Args:
        x: ``[n]`` adjusted values, n >= 3.
        alpha, beta, phi: ``[p]`` each (beta as a fraction of alpha).

    Returns:
        ``(sse [p], level [p], trend [p], fitted [p, n])``.
    """
    n = len(x)
    k = min(n - 1, 4)
    level = np.full(alpha.shape, x[0])
    trend = np.full(alpha.shape, (x[k] - x[0]) / k) * (beta > 0)
    fitted = np.empty((len(alpha), n))
    fitted[:, 0] = x[0]
    sse = np.zeros(alpha.shape)
    for t in range(1, n):
        forecast = level + phi * trend
        error = x[t] - forecast
        fitted[:, t] = forecast
        sse += error * error
        level = forecast + alpha * error
        trend = phi * trend + alpha * beta * error
    return sse, level, trend, fitted


def _grid():
    """``(kind [p], alpha, beta, phi)``: the SES, Holt and damped parameter grids."""
    rows = [("ses", a, 0.0, 1.0) for a in ALPHAS]
    rows += [("holt", a, b, 1.0) for a in ALPHAS for b in BETAS]
    rows += [("damped", a, b, p) for a in ALPHAS for b in BETAS for p in PHIS]
    kinds = np.array([r[0] for r in rows])
    return (kinds,) + tuple(np.array([r[i] for r in rows], dtype=np.float64) for i in (1, 2, 3))


GRID = _grid()


def _fixed_grid(fixed):
    """The ``GRID`` rows of an earlier fit's SES, Holt and damped weights only."""
    ses = fixed.get("ses", fixed.get("theta", {"alpha": 0.5}))
    rows = [("ses", ses["alpha"], 0.0, 1.0)] + [
        (k, p["alpha"], p["beta"], p["phi"]) for k, p in (
            ("holt", fixed.get("holt", {"alpha": 0.5, "beta": 0.1, "phi": 1.0})),
            ("damped", fixed.get("damped", {"alpha": 0.5, "beta": 0.1, "phi": 0.9})))]
    return (np.array([r[0] for r in rows]),) + tuple(
        np.array([r[i] for r in rows], dtype=np.float64) for i in (1, 2, 3))


def _smoothers(x, anchor, profile, mult, season_of, fixed=None):
    """SES, Holt, damped and Theta fitted on adjusted ``x`` -> {kind: Member}; with
    ``fixed`` (``{kind: params}`` of an earlier fit) those weights only."""
    kinds, alpha, beta, phi = GRID if fixed is None else _fixed_grid(fixed)
    sse, level, trend, fitted = _smooth_grid(x, alpha, beta, phi)
    out = {}
    for kind in ("ses", "holt", "damped"):
        idx = np.flatnonzero(kinds == kind)
        best = int(idx[np.argmin(sse[idx])])
        out[kind] = Member(kind, float(level[best]), float(trend[best]), float(phi[best]),
                           profile, mult, anchor, tuple(season_of(fitted[best])),
                           {"alpha": float(alpha[best]), "beta": float(beta[best]),
                            "phi": float(phi[best])})
    ses = out["ses"]
    a = ses.params["alpha"]
    n = len(x)
    given = (fixed or {}).get("theta", {}).get("slope")
    slope = (float(given) if given is not None
             else float(np.polyfit(np.arange(n), x, 1)[0]) if n > 1 else 0.0)
    shift = 0.5 * slope * (1 / a - (1 - a) ** n / a - 1)
    out["theta"] = Member("theta", ses.a + shift, 0.5 * slope, 1.0, profile, mult, anchor,
                          tuple(season_of(np.asarray(fitted[int(np.flatnonzero(
                              (kinds == "ses") & (alpha == a))[0])]) + 0.5 * slope)),
                          {"alpha": a, "slope": slope})
    return out


def _naives(x, raw, anchor, season, profile, mult, season_of, slope=None):
    """Persistence and drift on the adjusted ``x`` (reseasonalized), and seasonal naive on
    the raw values ``raw`` -> {kind: Member}; ``slope``: drift's, when given."""
    n = len(raw)
    last = float(x[-1])
    slope = (last - float(x[0])) / max(n - 1, 1) if slope is None else float(slope)
    before = np.r_[x[0], x[:-1]]
    out = {"naive": Member("naive", last, 0.0, 1.0, profile, mult, anchor,
                           tuple(season_of(before)), {}),
           "drift": Member("drift", last, slope, 1.0, profile, mult, anchor,
                           tuple(season_of(before + slope)), {"slope": slope})}
    if season > 1 and n >= season:
        positions = (anchor - season + 1 + np.arange(season)) % season
        last_season = np.empty(season)
        last_season[positions] = raw[-season:]
        fitted = np.r_[raw[:season], raw[:-season]]
        out["snaive"] = Member("snaive", 0.0, 0.0, 1.0, tuple(last_season), False, anchor,
                               tuple(fitted), {})
    return out


def _hw_grid():
    rows = [(a, b, g, p) for a in HW_ALPHAS for b in HW_BETAS for g in HW_GAMMAS
            for p in HW_PHIS]
    return tuple(np.array([r[i] for r in rows]) for i in range(4))


HW_GRID = _hw_grid()


def holt_winters(raw, season, t0, index, mult, fixed=None):
    """Damped Holt-Winters (seasonal states updated by ``gamma``) fitted by the least
    in-sample one-step squared error over ``HW_GRID`` -> Member. ``raw``: ``[n]``,
    n >= 2 seasons (fewer, with ``fixed``: the initial trend is 0); ``index``: the
    decomposition's indices (the initial states);
    ``fixed``: an earlier fit's params (those weights only)."""
    alpha, beta, gamma, phi = HW_GRID if fixed is None else tuple(
        np.array([float(fixed[k])]) for k in ("alpha", "beta", "gamma", "phi"))
    p, n = len(alpha), len(raw)
    level = np.full(p, raw[:season].mean())
    trend = np.full(p, (raw[season:2 * season].mean() - raw[:season].mean()) / season
                    if n >= 2 * season else 0.0)  # fewer (a refit with given weights): none
    states = np.tile(np.asarray(index, dtype=np.float64), (p, 1))
    model = np.full(p, "Ad,M" if mult else "Ad,A")  # ets's recursions, these initial states
    sse, level, trend, states, fitted = ets.run_grid(raw, season, t0, model, alpha, beta,
                                                    gamma, phi, (level, trend, states))
    best = int(np.argmin(sse))
    return Member("hw", float(level[best]), float(trend[best]), float(phi[best]),
                  tuple(float(v) for v in states[best]), mult, t0 + n - 1,
                  tuple(fitted[best]), {"alpha": float(alpha[best]), "beta": float(beta[best]),
                                        "gamma": float(gamma[best]), "phi": float(phi[best])})


def _opt_theta_member(x, anchor, profile, mult, season_of, fixed):
    """The optimised Theta models on adjusted ``x`` (``[n]``), the best kept -> Member."""
    a, b, fitted, params = theta.fit(x, fixed)
    return Member("opt_theta", float(a), float(b), 1.0, profile, mult, anchor,
                  tuple(season_of(fitted)), params)


def _ets_member(raw, season, t0, seasonal, fixed):
    found = ets.fit(raw, season, t0, seasonal, fixed)
    return Member("ets", found.level, found.trend, found.phi, found.season,
                  found.multiplicative, t0 + len(raw) - 1, found.fitted, found.params)


def adjustment(values, season, t0=0):
    """``(seasonal, index [m], multiplicative)``: the seasonality test's verdict and the
    classical decomposition's indices (``(1.0,)`` without a season)."""
    raw = np.asarray(values, dtype=np.float64)
    if is_seasonal(raw, season):
        index, mult = seasonal_indices(raw, season, t0)
        return True, tuple(float(v) for v in index), mult
    return False, (1.0,), True


SAFE_MAGNITUDE = 1e100   # values larger (or smaller than its inverse) are fitted rescaled
UNIT_PARAMS = {"drift": ("slope",), "theta": ("slope",), "opt_theta": theta.SCALED,
               "sdiff_ar": ("c",)}


# The quantities in the values' units that a fit estimates over its whole stretch: a
# line's slope, a constant (all of UNIT_PARAMS but the optimised Theta models' initial
# level l0, a state at the series' start). ``weights_only`` leaves them out, so that a
# refit on an earlier, shorter stretch estimates them there.
STRETCH_PARAMS = {kind: tuple(n for n in names if n != "l0")
                  for kind, names in UNIT_PARAMS.items()}


def weights_only(params):
    """``StructureCurve.params()`` without ``STRETCH_PARAMS``: the verdict, indices,
    models and weights, for a refit whose slopes and constants follow its own values
    (those of a series that grew 1000-fold, fitted at its end, are 1000 times too large
    at its start)."""
    out = dict(params)
    for kind, names in STRETCH_PARAMS.items():
        if kind in out:
            out[kind] = {k: v for k, v in out[kind].items() if k not in names}
    return out


def fit_all(values, season, t0=0, fixed=None, only=None):
    """``_fit_all`` on ``values`` over a power of 2 near their magnitude when it lies
    beyond ``SAFE_MAGNITUDE`` (squared errors of values near 1e200 overflow; every
    structure is linear in the values, and a power of 2 scales exactly), else as given."""
    raw = np.asarray(values, dtype=np.float64)
    size = float(np.max(np.abs(raw), initial=0.0))
    if size == 0 or 1 / SAFE_MAGNITUDE <= size <= SAFE_MAGNITUDE:
        return _fit_all(raw, season, t0, fixed, only)
    scale = power_of_two(raw)
    fits, seasonal = _fit_all(raw / scale, season, t0, _rescaled(fixed, 1 / scale), only)
    return {kind: _rescaled_member(m, scale) for kind, m in fits.items()}, seasonal


def _rescaled(fixed, factor):
    """``StructureCurve.params()`` with every quantity in the values' units times
    ``factor`` (an additive seasonal index, drift's and Theta's slopes, the optimised
    Theta models' initial level and line)."""
    if fixed is None:
        return None
    out = dict(fixed)
    if "index" in out and not out.get("mult", True):
        out["index"] = [v * factor for v in out["index"]]
    for kind, names in UNIT_PARAMS.items():
        if kind in out:
            out[kind] = dict(out[kind], **{n: out[kind][n] * factor for n in names
                                           if n in out[kind]})
    return out


def _rescaled_member(member, scale):
    """``member`` fitted on values over ``scale``, in the values' units."""
    profile = member.profile if member.multiplicative else tuple(
        v * scale for v in member.profile)
    params = _rescaled({member.kind: member.params}, scale)[member.kind]
    return dataclasses.replace(member, a=member.a * scale, b=member.b * scale,
                               profile=profile, fitted=tuple(f * scale for f in member.fitted),
                               params=params, recent=tuple(v * scale for v in member.recent))


def _fit_all(values, season, t0=0, fixed=None, only=None):
    """Every structure of ``KINDS`` fitted on ``values`` (``[n]``, times ``t0..``).

    Args:
        fixed: ``StructureCurve.params()`` of an earlier fit: its seasonality verdict,
            indices, models, weights and slopes, with the states run over ``values``
            (a slope or constant left out, ``weights_only``, is estimated on ``values``;
            nothing else is chosen or estimated again: each ``fitted[j]`` then reads only
            ``values[:j]``, for one-step forecasts; except ETS's and Holt-Winters' first
            two seasons, whose initial states are the first seasons' means: auto's
            origins have three seasons before them).
        only: the kinds wanted (None: all); the others may be left out.

    Returns:
        ``({kind: Member}, seasonal)``: seasonal tells whether the test found a season
        (without one, no seasonal index is applied; ``snaive`` is there whenever
        ``season > 1`` and the values hold a season, ``airline`` by ``airline.runs``).
    """
    raw = np.asarray(values, dtype=np.float64)
    anchor = t0 + len(raw) - 1
    seasonal, index, mult = (adjustment(raw, season, t0) if fixed is None else
                             (fixed["seasonal"], tuple(fixed["index"]), fixed["mult"]))
    at = np.asarray(index)[(t0 + np.arange(len(raw))) % len(index)]
    x = raw / at if mult else raw - at
    season_of = (lambda f: f * at) if mult else (lambda f: f + at)
    fixed_of = (lambda kind: None) if fixed is None else fixed.get
    wanted = (lambda kind: True) if only is None else (lambda kind: kind in only)
    out = _smoothers(x, anchor, index, mult, season_of, fixed)
    if wanted("opt_theta") and len(x) >= 2:
        out["opt_theta"] = _opt_theta_member(x, anchor, index, mult, season_of,
                                             fixed_of("opt_theta"))
    if seasonal and wanted("hw"):
        out["hw"] = holt_winters(raw, season, t0, np.asarray(index), mult, fixed_of("hw"))
    if wanted("ets"):
        out["ets"] = _ets_member(raw, season, t0, seasonal, fixed_of("ets"))
    out.update(_naives(x, raw, anchor, season, index, mult, season_of,
                       (fixed_of("drift") or {}).get("slope")))
    for kind, module, runs in (("sdiff_ar", seasonal_ar, len(raw) >= 2),
                               ("airline", airline, airline.runs(len(raw), season, fixed))):
        if wanted(kind) and runs:   # their own recursions, from ``recent``
            fitted, params, recent = module.fit(raw, season, fixed_of(kind))
            out[kind] = Member(kind, float(raw[-1]), 0.0, 1.0, (0.0,), False, anchor,
                               tuple(fitted), params, recent)
    return out, seasonal
