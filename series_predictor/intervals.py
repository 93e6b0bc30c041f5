"""Prediction intervals for hallucinated paths, calibrated on the validation tail.

Method (split conformal, pooled over horizons): the trained ensemble hallucinates
from every origin inside the validation tail, which it never trained on. Each
error ``e`` at ``k`` steps ahead, measured in the transform's level (log units for
a log transform, so that bands are ratios), is scaled to ``|e| / sqrt(k)``. The
80% and 95% quantiles ``q`` of those scores give the bands
``level(forecast) +- q * sqrt(k)``: the error of a fed-back forecast grows with
the horizon, and the square root is the growth of a random walk's. The backtest
reports how often the truth falls inside (coverage). NumPy only.
"""

import dataclasses

import numpy as np

from . import volatility
from .metrics import power_of_two

LEVELS = (0.80, 0.95)


@dataclasses.dataclass(frozen=True)
class IntervalModel:
    """Bands around a path: ``level(point) +- scale[level] * sqrt(k)`` (``calibrate``),
    or, with ``steps`` (``by_horizon``), ``level(point) +- q_k * steps[k]``.

    Attributes:
        scale: ``{"0.8": q80, "0.95": q95}``: in level units per sqrt(step) without
            ``steps``; with them, the normal quantiles (used when there are no counts).
        log: bands are in log units (ratios) when True.
        samples: how many (origin, step) errors were pooled.
        steps: the error spread at each horizon (``by_horizon``), or None.
        units: with ``log`` and ``steps``, the same spread in series units: the bands
            of a point at or below 0, which has no ratio (None in older records).
        counts: with ``steps``, how many errors each step's spread was measured on: the
            degrees of freedom of its Student-t quantile (None in older records: the
            normal quantiles ``scale``).
        floor: no band goes below it around a point at or above it (0.0 for a series
            never below 0: a count's band stops at 0); None: no floor.
        shape: ``{"0.8": f80, "0.95": f95}``, each band's quantile times it (the errors'
            shape, ``by_horizon``); None (older records, few errors): 1.
        units_shape: with ``units``, the shape of the errors in series units, for the
            bands ``units`` gives (None: ``shape``, as records older than it read).
        volatility: when the spreads were scaled by the series' recent volatility
            (``by_horizon``'s ``recent``): ``window``, the one-step changes it was
            measured over; ``now`` and ``median``, its value at the end of the training
            part and the calibration origins' median (``units_now``, ``units_median``:
            the same in series units, for ``units``); ``ratio``, now over median (the
            printed sentence); ``ahead``, the factor ``ahead`` applied for a forecast
            past the data. None: not scaled.
    """

    scale: dict
    log: bool
    samples: int
    steps: tuple = None
    units: tuple = None
    counts: tuple = None
    floor: float = None
    shape: dict = None
    units_shape: dict = None
    volatility: dict = None

    def _widths(self, name, count, units=False):
        """``[count]`` half-widths of the band ``name`` ("0.8"): ``q * sqrt(k)``, or,
        with ``steps`` (the error spread at each horizon; ``units`` when asked),
        ``q_k * steps[k]``, growing like sqrt(k) past the last one; ``q_k`` the Student-t
        quantile for ``counts[k]`` errors when there are counts, else ``scale[name]``,
        times the shape of those errors when there is one."""
        q = self.scale[name]
        k = np.arange(1, count + 1)
        steps = self.units if units else self.steps
        shape = self.shape if not units or self.units_shape is None else self.units_shape
        if steps is None:
            return q * np.sqrt(k)
        steps = np.asarray(steps, dtype=np.float64)
        last = len(steps)
        at = np.minimum(k, last) - 1
        if self.counts is not None:
            q = np.array([t_quantile(name, c) for c in self.counts])[at]
        if shape is not None:
            q = q * shape[name]
        inside = steps[at]
        return q * np.where(k <= last, inside, inside * np.sqrt(k / last))

    def bands(self, point, lowest=None):
        """``{level: (low [k], high [k])}`` in series units around ``point`` ``[k]``
        (under ``log``, a point at or below 0 gets ``units``' band when there is one;
        a point at or above ``floor`` has no band below it, unless ``lowest``, the
        lowest value known before the forecast when it knows more than the training
        part, is below ``floor``)."""
        point = np.asarray(point, dtype=np.float64)
        level = _log_of(point) if self.log else point
        plain = self.log and self.units is not None and point <= 0
        out = {}
        for name in self.scale:
            width = self._widths(name, len(point))
            low, high = level - width, level + width
            if self.log:
                low, high = np.exp(low), np.exp(high)
            if np.any(plain):
                width = self._widths(name, len(point), units=True)
                low, high = np.where(plain, point - width, low), np.where(plain, point + width, high)
            if self.floor is not None and not (lowest is not None and lowest < self.floor):
                low = np.where(point >= self.floor, np.maximum(low, self.floor), low)
            out[float(name)] = (low, high)
        return out

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, description):
        steps = description.get("steps")
        units, counts = description.get("units"), description.get("counts")
        floor, shape = description.get("floor"), description.get("shape")
        units_shape, moved = description.get("units_shape"), description.get("volatility")
        return cls(scale=dict(description["scale"]), log=bool(description["log"]),
                   samples=int(description["samples"]),
                   steps=None if steps is None else tuple(steps),
                   units=None if units is None else tuple(units),
                   counts=None if counts is None else tuple(int(c) for c in counts),
                   floor=None if floor is None else float(floor),
                   shape=None if shape is None else dict(shape),
                   units_shape=None if units_shape is None else dict(units_shape),
                   volatility=None if moved is None else dict(moved))


def calibrate(paths, actual_by_origin, log=False):
    """Fit an ``IntervalModel`` from forecasts whose truth is known.

    Args:
        paths: list of ``[k_i]`` forecasts, in series units.
        actual_by_origin: list of ``[k_i]`` true values, same lengths.
        log: measure errors as log ratios.

    Returns:
        IntervalModel, or None when there are no errors to calibrate on or a
        forecast is not positive under ``log``.
    """
    scores = []
    for path, actual in zip(paths, actual_by_origin):
        path, actual = np.asarray(path, float), np.asarray(actual, float)
        if log and (np.any(path <= 0) or np.any(actual <= 0)):
            return None
        error = np.log(actual) - np.log(path) if log else actual - path
        scores.append(np.abs(error) / np.sqrt(np.arange(1, len(path) + 1)))
    if not scores:
        return None
    pooled = np.concatenate(scores)
    if not np.all(np.isfinite(pooled)):
        return None
    scale = {str(level): float(np.quantile(pooled, level, method="higher"))
             for level in LEVELS}
    return IntervalModel(scale=scale, log=log, samples=int(pooled.size))


Z = {"0.8": 1.2816, "0.95": 1.96}   # normal quantiles of the two bands
MIN_PER_STEP = 4                    # errors a horizon needs to have its own spread
MIN_SHAPE_SCORES = 50               # errors the bands' shape (``_shape``) needs
# Student-t quantiles (0.9 and 0.975, one-sided) for 1..30 degrees of freedom; past 30, Z.
T_QUANTILES = {
    "0.8": (3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372, 1.363,
            1.356, 1.350, 1.345, 1.341, 1.337, 1.333, 1.330, 1.328, 1.325, 1.323, 1.321,
            1.319, 1.318, 1.316, 1.315, 1.314, 1.313, 1.311, 1.310),
    "0.95": (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
             2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074,
             2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)}


def t_quantile(name, errors):
    """The band ``name``'s ("0.8", "0.95") two-sided Student-t quantile for a spread
    measured as the root mean square of ``errors`` errors (that many degrees of freedom:
    their mean is taken as 0); the normal quantile past 30."""
    table = T_QUANTILES[name]
    return table[errors - 1] if 1 <= errors <= len(table) else Z[name]


def _log_of(values):
    """Natural log, with a non-positive forecast clipped to the smallest positive float
    (its error is then large, and its band wide, rather than NaN)."""
    return np.log(np.maximum(np.asarray(values, float), np.finfo(float).tiny))


def by_horizon(paths, actual_by_origin, log=False, floor=None, recent=None):
    """Bands from the spread of errors at each horizon over several origins.

    The root mean square error at each step ahead (from the origins that reach it;
    made non-decreasing), times each level's Student-t quantile for as many degrees of
    freedom as that step has errors (a new error over a spread measured on n errors
    is t-distributed with n degrees of freedom when they are normal; chosen when the
    normal quantile left the 95% band holding 92.8% of the test points on 114
    development series; at commit 1c14469, with the shape, 95.1%, the normal one 92.8%:
    docs/recipes.md, POOL_STUDY.txt and POOL_STUDY_NORMAL_BANDS.txt); past the last step with
    ``MIN_PER_STEP`` errors the spread grows like sqrt(k). Each band's quantile is then
    scaled by the errors' own shape (``_shape``: their quantile over their step's
    spread, pooled, over the normal one), so that heavy tails give a narrower 80% band
    and a wider 95% one; on the 72 monthly development series the 80% band held 90.8%
    of the test points without it and 88.3% with it, the 95% band 97.3% and 95.7%.

    Args:
        paths: list of ``[k_i]`` forecasts from different origins, series units.
        actual_by_origin: list of ``[k_i]`` true values.
        log: errors in log units (ratios; every value and forecast positive), else in
            series units.
        floor: the bands' floor (``IntervalModel.floor``).
        recent: ``(values [n], origins [m])``: the series known before the forecast and
            each path's origin; then each origin's errors are divided by the series'
            volatility before it (``volatility.recent``) and the spreads multiplied by its
            volatility at the end of ``values`` (``volatility``: their ratio to the
            origins' median is recorded), so that bands widen when the series has lately
            moved more than it did (prices). None: the errors as they are.

    Returns:
        IntervalModel with ``steps`` (and, under ``log``, ``units`` and ``units_shape``:
        the spread and shape in series units), or None without enough errors.
    """
    errors = _errors(paths, actual_by_origin, _log_of if log else _plain)
    errors, now, middle = _standardized(errors, recent, log)
    steps, samples, counts = _spread(errors)
    if steps is None:
        return None
    shape = _shape(errors, steps)
    units = units_shape = None
    plain_now, plain_middle = 1.0, None
    if log:
        plain = _errors(paths, actual_by_origin, _plain)
        plain, plain_now, plain_middle = _standardized(plain, recent, False)
        units = _spread(plain)[0]
        units_shape = None if units is None else _shape(plain, units)
        units = _times(units, plain_now)
    moved = None if middle is None else {
        "window": min(volatility.WINDOW, len(recent[0]) - 1), "ratio": now / middle,
        "now": now, "median": middle, "units_now": plain_now, "units_median": plain_middle}
    return IntervalModel(scale=dict(Z), log=bool(log), samples=samples,
                         steps=_times(steps, now), units=units, counts=counts, floor=floor,
                         shape=shape, units_shape=units_shape, volatility=moved)


def ahead(model, values):
    """``model`` for a forecast from the end of ``values`` (the whole series: the run's
    forecast past the data), when its spreads follow the volatility (``by_horizon``'s
    ``recent``): scaled by the volatility at the end of ``values`` over the one at the
    end of the training part they were set at (floored as there), ``volatility["ahead"]``
    saying by how much; else ``model`` itself (None stays None).

    Args:
        model: IntervalModel, or None.
        values: ``[n]`` every value known before the forecast.
    """
    moved = None if model is None else model.volatility
    if not moved or "now" not in moved or (model.log and np.any(np.asarray(values) <= 0)):
        return model
    factor = _moved_since(values, model.log, moved["now"], moved["median"])
    units = model.units
    if units is not None and moved.get("units_median") is not None:
        units = _times(units, _moved_since(values, False, moved["units_now"],
                                           moved["units_median"]))
    return dataclasses.replace(model, steps=_times(model.steps, factor), units=units,
                               volatility={**moved, "ahead": factor})


def _moved_since(values, log, now, median):
    """The volatility at the end of ``values`` (floored at ``volatility.LEAST_SHARE`` of
    ``median``) over ``now``; 1.0 when it is not measurable."""
    end = volatility.recent(values, len(values), log)
    return 1.0 if end is None else float(volatility.floored(end, median)) / now


def _standardized(errors, recent, log):
    """``(errors, now, middle)``: each origin's ``errors`` over the volatility before
    that origin, the volatility at the end, and the origins' median volatility;
    ``(errors, 1.0, None)`` as they are without ``recent`` or when some volatility is
    not measurable (a stretch without change). Each volatility is at least
    ``volatility.LEAST_SHARE`` of the origins' median (``volatility.floored``)."""
    if recent is None:
        return errors, 1.0, None
    values, origins = recent
    before = [volatility.recent(values, o, log) for o in origins]
    now = volatility.recent(values, len(values), log)
    if now is None or any(v is None for v in before):
        return errors, 1.0, None
    middle = float(np.median(before))
    now, before = float(volatility.floored(now, middle)), volatility.floored(before, middle)
    return [e / v for e, v in zip(errors, before)], now, middle


def _times(steps, factor):
    """``steps`` (a tuple of spreads, or None) times ``factor``."""
    return None if steps is None else tuple(float(s) * factor for s in steps)


def _errors(paths, actual_by_origin, level):
    """``[[k_i]]``: each origin's errors ``level(actual) - level(path)`` (``level``: the
    log or the values themselves), over the length of its truth."""
    return [level(np.asarray(a, float)) - level(np.asarray(p, float)[:len(a)])
            for p, a in zip(paths, actual_by_origin)]


def _shape(errors, steps):
    """``{band: factor}``: each band's quantile of the ``errors`` (``_errors``) over their
    step's spread ``steps``, pooled over steps and origins, over the normal quantile (1
    for normal errors; below 1 for the 80% band and above for the 95% one when the tails
    are heavy); None with fewer than ``MIN_SHAPE_SCORES`` errors (the quantiles of a few
    say nothing)."""
    spread = np.asarray(steps, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.concatenate([np.abs(e[:len(spread)]) / spread[:min(len(e), len(spread))]
                                 for e in errors])
    scores = scores[np.isfinite(scores)]
    if scores.size < MIN_SHAPE_SCORES:
        return None
    return {name: float(np.quantile(scores, float(name))) / Z[name] for name in Z}


def _plain(values):
    return np.asarray(values, float)


def _spread(errors):
    """``(steps, samples, counts)``: the non-decreasing RMS of ``errors`` (``_errors``) at
    each step ahead, up to the last step with ``MIN_PER_STEP`` errors ((None, 0, None)
    without one, or when one is not finite), how many errors there are, and how many at
    each of those steps."""
    longest = max((len(e) for e in errors), default=0)
    spread, counts = [], []
    for k in range(longest):
        at_k = [e[k] for e in errors if len(e) > k]
        if len(at_k) < MIN_PER_STEP:
            break
        scale = power_of_two(at_k)   # exact; squares of errors near 1e200 overflow
        spread.append(scale * float(np.sqrt(np.mean(np.square(np.divide(at_k, scale))))))
        counts.append(len(at_k))
    if not spread or not np.all(np.isfinite(spread)):
        return None, 0, None
    steps = np.maximum.accumulate(spread)
    return (tuple(float(s) for s in steps), int(sum(len(e) for e in errors)),
            tuple(counts))


def coverage(bands, actual):
    """Fraction of ``actual`` inside each band: ``{level: fraction}``."""
    actual = np.asarray(actual, dtype=np.float64)
    return {level: float(np.mean((actual >= low[:len(actual)]) & (actual <= high[:len(actual)])))
            for level, (low, high) in bands.items()}
