"""Transforms applied before windowing and undone after prediction.

NumPy only. A ``Transform`` maps a series ``x[0..n)`` to its level
``y = log(x)`` (or ``y = x``), subtracts an optional fitted base curve ``b(t)``
(the calendar means of each season position, or a linear trend plus that
profile), and differences the rest: ``z = D(y - b)``, where ``D`` is the product
of ``(1 - B^lag)`` over the differencing lags (``B`` is the backshift operator,
``B y[t] = y[t-1]``). With ``D = sum_k c[k] B^k`` (``c[0] = 1``), a prediction of
``z[t]`` becomes a prediction of the level by

    y[t] = b(t) + z[t] - sum_{k>=1} c[k] (y[t-k] - b(t-k))

using the true past levels (one step ahead), or the predicted ones where the
forecast has already run past the data (a hallucinated path). ``t`` is absolute:
the position in the whole series, so a base curve keeps the calendar when it
is applied to the last values only (``t0`` is the time of ``values[0]``).
"""

import dataclasses

import numpy as np

from .errors import DataFormatError, SeriesTooShortError
from .structure_curves import RollingCurve, StructureCurve
from .validation import check_lags

CURVES = ("climatology", "trend", "structure")
# A forecast this many times the largest known magnitude below 0 diverged: the floor
# at 0 leaves it for the ensemble's envelope to drop (``floor_at_zero``).
DIVERGED = 1e3


@dataclasses.dataclass(frozen=True)
class BaseCurve:
    """``b(t) = slope * ramp(t - anchor) + profile[t % season]``, in level units.

    ``ramp(d) = d`` up to the anchor (the last fitted time); after it the slope
    fades by ``phi`` per step (``phi = 1``: a straight line).
    """

    profile: tuple
    slope: float = 0.0
    anchor: int = 0
    phi: float = 1.0

    def at(self, t):
        """``b`` at absolute times ``t`` (``[k]`` ints) -> ``[k]``."""
        t = np.asarray(t, dtype=np.int64)
        d = (t - self.anchor).astype(np.float64)
        if self.phi < 1:
            ahead = np.maximum(d, 0)
            d = np.where(d > 0, self.phi * (1 - self.phi ** ahead) / (1 - self.phi), d)
        return self.slope * d + np.asarray(self.profile)[t % len(self.profile)]

    @classmethod
    def climatology(cls, level, t0, season):
        """The mean level of each season position over ``level`` (times ``t0..``)."""
        t = t0 + np.arange(len(level))
        profile = [float(np.mean(level[t % season == k])) for k in range(season)]
        return cls(tuple(profile), 0.0, int(t[-1]), 1.0)

    @classmethod
    def trend(cls, level, t0, season, window=None, phi=1.0):
        """Least squares ``slope * (t - anchor) + profile[t % season]`` over the last
        ``window`` points of ``level`` (all when None)."""
        n = len(level)
        used = n if window is None else min(n, window)
        t = t0 + np.arange(n - used, n)
        anchor = t0 + n - 1
        design = np.column_stack([t - anchor] + [(t % season == k).astype(float)
                                                 for k in range(season)])
        coef, *_ = np.linalg.lstsq(design, level[n - used:], rcond=None)
        return cls(tuple(float(c) for c in coef[1:]), float(coef[0]), int(anchor), float(phi))


@dataclasses.dataclass(frozen=True)
class Transform:
    """Log (optional), minus a fitted base curve (optional), then differencing at
    each lag of ``lags`` in turn. ``Transform()`` is the identity, the book's.

    Attributes:
        curve: None, "climatology" or "trend": which base curve ``fitted`` fits.
        window, phi, season: the trend's fitting window (None: all), its damping
            per step past the data, and the season length.
        base: the fitted BaseCurve (None until ``fitted``, or without a curve).
        floored: a forecast from values none of which is below 0 is never below 0
            (counts, sales, prices; ``--recipe auto``): a structure's straight line
            through an exponential decay would cross it. False: the book's, no floor.
    """

    log: bool = False
    lags: tuple = ()
    curve: str = None
    season: int = 12
    window: int = None
    phi: float = 1.0
    base: BaseCurve = None
    structures: tuple = ()
    combine: str = "median"
    floored: bool = False

    def __post_init__(self):
        object.__setattr__(self, "lags", check_lags(self.lags))
        if self.curve not in (None,) + CURVES:
            raise ValueError(f"curve must be None or one of {CURVES}; found {self.curve!r}")

    @property
    def order(self):
        """How many leading points the differencing consumes."""
        return sum(self.lags)

    @property
    def polynomial(self):
        """Coefficients ``c[0..order]`` of ``D = prod (1 - B^lag)``."""
        poly = np.array([1.0])
        for lag in self.lags:
            factor = np.zeros(lag + 1)
            factor[0], factor[lag] = 1.0, -1.0
            poly = np.convolve(poly, factor)
        return poly

    def fitted(self, values, t0=0):
        """This transform with its base curve fitted on ``values`` (times ``t0..``)."""
        if self.curve is None:
            return self
        level = self.level(values)
        if self.curve == "climatology":
            base = BaseCurve.climatology(level, t0, self.season)
        elif self.curve == "structure":
            base = StructureCurve.fit(level, t0, self.season, self.structures, self.combine)
        else:
            base = BaseCurve.trend(level, t0, self.season, self.window, self.phi)
        return dataclasses.replace(self, base=base)

    def one_step_fitted(self, values, start, count, t0=0):
        """This (fitted) structure transform with a base curve for one-step forecasts of
        times ``start..start+count-1``: each point's structures refitted on the true
        values before it (``structure_curves.RollingCurve``); other curves are returned as
        they are, since their base is fitted once."""
        if self.curve != "structure":
            return self
        base = RollingCurve.fit(self.base, self.level(values[:start + count]), t0, self.season,
                                self.structures, self.combine, t0 + start, count)
        return dataclasses.replace(self, base=base)

    def to_dict(self):
        """A JSON-ready description; ``Transform.from_dict`` rebuilds the transform."""
        out = {"log": self.log, "lags": list(self.lags)}
        if self.floored:
            out["floored"] = True
        if self.curve == "structure":
            out.update(curve=self.curve, season=self.season, structures=list(self.structures),
                       combine=self.combine,
                       base=None if self.base is None else self.base.to_dict())
        elif self.curve is not None:
            out.update(curve=self.curve, season=self.season, window=self.window, phi=self.phi,
                       base=None if self.base is None else dataclasses.asdict(self.base))
        return out

    @classmethod
    def from_dict(cls, description):
        base = description.get("base")
        if description.get("curve") == "structure":
            return cls(log=bool(description["log"]), lags=tuple(description["lags"]),
                       curve="structure", season=description["season"],
                       structures=tuple(description["structures"]),
                       combine=description["combine"],
                       base=None if base is None else StructureCurve.from_dict(base),
                       floored=bool(description.get("floored", False)))
        return cls(log=bool(description["log"]), lags=tuple(description["lags"]),
                   curve=description.get("curve"), season=description.get("season", 12),
                   window=description.get("window"), phi=description.get("phi", 1.0),
                   base=None if base is None else BaseCurve(
                       tuple(base["profile"]), base["slope"], base["anchor"], base["phi"]),
                   floored=bool(description.get("floored", False)))

    def describe(self):
        parts = ["log"] if self.log else []
        if self.curve == "climatology":
            parts.append("minus the season means")
        elif self.curve == "trend":
            parts.append("minus a linear trend and season profile"
                         + (f" over the last {self.window} points" if self.window else "")
                         + (f", damped by {self.phi:g} per step ahead" if self.phi < 1 else ""))
        elif self.curve == "structure":
            parts.append(f"minus the {self.combine} of {', '.join(self.structures)} (M4 "
                         "structures: their one-step fit in the data, their path past it)")
        parts += [f"difference at lag {lag}" for lag in self.lags]
        if self.floored:
            parts.append("never below 0 after values that never were")
        return ", then ".join(parts) if parts else "none"

    # ------------------------------------------------------------- forward
    def level(self, values, where=None):
        """``log(values)`` or ``values``, as float64.

        Args:
            where: ``index -> text`` naming where value ``index`` came from (a file and
                line); the default names the index.

        Raises:
            DataFormatError: the log of a value that is not positive.
        """
        values = np.asarray(values, dtype=np.float64)
        if not self.log:
            return values.copy()
        bad = np.flatnonzero(~(values > 0))
        if bad.size:
            i = int(bad[0])
            place = where(i) if where else f"value at index {i}"
            raise DataFormatError(f"{place}: the log transform needs positive values; "
                                  f"found {float(values[i]):g}")
        return np.log(values)

    def unlevel(self, level):
        level = np.asarray(level, dtype=np.float64)
        return np.exp(level) if self.log else level

    def _base_at(self, t0, count):
        if self.base is None:
            if self.curve is not None:
                raise ValueError("this transform's base curve is not fitted yet (call fitted)")
            return np.zeros(count)
        return self.base.at(t0 + np.arange(count))

    def difference(self, level):
        """``z[i] = D(y)[i + order]``: ``[n - order]`` values."""
        level = np.asarray(level, dtype=np.float64)
        if len(level) <= self.order:
            raise SeriesTooShortError(
                f"differencing at lags {self.lags} needs more than {self.order} points; "
                f"the series has {len(level)}")
        poly, order = self.polynomial, self.order
        return sum(poly[k] * level[order - k:len(level) - k] for k in range(order + 1))

    def forward(self, values, t0=0):
        """The transformed series: ``[n - order]``, element ``i`` is time ``t0 + i + order``."""
        level = self.level(values)
        if self.curve is not None or self.base is not None:
            level = level - self._base_at(t0, len(level))
        return self.difference(level)

    # ------------------------------------------------------------- inverse
    def _check_start(self, start):
        if start < self.order:
            raise SeriesTooShortError(
                f"undoing differencing at lags {self.lags} needs {self.order} known points "
                f"before the forecast; only {start} are known")

    def _undo(self, level, start, z, t0):
        """Fill ``level[start:]`` (detrended) from ``z``; return the levels there."""
        poly = self.polynomial
        for i, zi in enumerate(np.asarray(z, dtype=np.float64)):
            t = start + i
            level[t] = zi - sum(poly[k] * level[t - k] for k in range(1, len(poly)))
        return level[start:] + self._base_at(t0 + start, len(z))

    def _detrended(self, values, t0):
        level = self.level(values)
        return level - self._base_at(t0, len(level)) if self.base is not None else level

    def invert_one_step(self, values, start, z, t0=0):
        """Values at times ``start..start+len(z)-1`` (relative to ``values``) from
        predicted ``z``, each given the true history before it."""
        self._check_start(start)
        known = self._detrended(values[:start + len(z)], t0)
        poly = self.polynomial
        out = np.array([zi - sum(poly[k] * known[start + i - k] for k in range(1, len(poly)))
                        for i, zi in enumerate(np.asarray(z, dtype=np.float64))])
        before = np.minimum.accumulate(np.r_[np.inf, np.asarray(values, float)])
        return self._floor(self.unlevel(out + self._base_at(t0 + start, len(z))),
                           before[start:start + len(z)], values[:start])

    def invert_path(self, values, start, z, t0=0, lowest=None):
        """Values at times ``start..start+len(z)-1`` from predicted ``z``, knowing only
        ``values[:start]``: later points use the earlier predicted levels. ``lowest``: the
        lowest value known before ``values[0]`` too (a kept run folder's values are the
        series' last ones), for ``floored``; None: ``values[:start]``'s."""
        self._check_start(start)
        level = np.concatenate([self._detrended(values[:start], t0), np.empty(len(z))])
        known = float(np.min(values[:start], initial=np.inf))
        lowest = known if lowest is None else min(known, float(lowest))
        return self._floor(self.unlevel(self._undo(level, start, z, t0)), lowest,
                           values[:start])

    def _floor(self, forecast, lowest, known):
        """``floor_at_zero`` when ``floored`` (its scale: the largest magnitude of
        ``known``, the values before the forecast); ``forecast`` as it is otherwise."""
        if not self.floored:
            return forecast
        return floor_at_zero(forecast, lowest, float(np.max(np.abs(known), initial=0.0)))


def floor_after(forecast, known):
    """``floor_at_zero`` of a forecast made from ``known`` (``[n]``, the values before it):
    their lowest value and their largest magnitude as its ``lowest`` and ``scale``."""
    known = np.asarray(known, dtype=np.float64)
    return floor_at_zero(forecast, np.min(known), np.max(np.abs(known), initial=0.0))


def floor_at_zero(forecast, lowest, scale=None):
    """``forecast`` ``[k]`` at least 0 where the lowest value known before it
    (``lowest``: a number, or ``[k]``) is not below 0; as it is elsewhere, and where it
    is not finite (a diverged forecast, -inf or NaN, stays one for the ensemble to drop).
    ``scale``: the largest magnitude known before it; a value more than ``DIVERGED``
    times that below 0 is a diverged forecast too, kept as it is (floored, -1e30 became
    0, inside the plausible range of counts)."""
    forecast = np.asarray(forecast, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        sane = np.isfinite(forecast) & (True if scale is None
                                        else forecast >= -DIVERGED * float(scale))
    return np.where((np.asarray(lowest) >= 0) & sane, np.maximum(forecast, 0.0), forecast)
