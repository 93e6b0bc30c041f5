"""Base curves made of fitted structures (``structures.py``): ``StructureCurve`` (their
median or mean, in the data and past it) and ``RollingCurve`` (one-step forecasts over
a stretch, each from the values before it). NumPy only.
"""

import dataclasses

import numpy as np

from .structures import Member, adjustment, fit_all


def reducer(how):
    """``np.median`` for "median", else ``np.mean``: how several paths are combined."""
    return np.median if how == "median" else np.mean


def combined(members, how="median"):
    """``(path(count) -> [count], fitted [n])`` of several members, by median or mean."""
    reduce = reducer(how)

    def path(count):
        return reduce(np.stack([m.path(count) for m in members]), axis=0)
    return path, reduce(np.stack([np.asarray(m.fitted) for m in members]), axis=0)


@dataclasses.dataclass(frozen=True)
class StructureCurve:
    """A base curve made of fitted structures (``Transform(curve="structure")``):
    ``b(t)`` is their combined in-sample one-step forecast up to the last fitted time,
    and their combined path after it.

    Attributes:
        members: the fitted ``Member`` objects (one anchor).
        how: "median" or "mean".
        t0: the time of the first fitted value.
        adjust: ``{"seasonal", "index", "mult"}``, the seasonal adjustment the members were
            fitted with (None in records older than 2.1).
    """

    members: tuple
    how: str
    t0: int
    adjust: object = None

    @classmethod
    def fit(cls, level, t0, season, kinds, how="median", fixed=None):
        """Fit ``kinds`` on ``level`` (``[n]``, times ``t0..``); a kind the series does
        not support (``snaive`` without a season) is left out. ``fixed``: another
        curve's ``params()`` (its verdict and weights; the states follow ``level``)."""
        seasonal, index, mult = (adjustment(level, season, t0) if fixed is None else
                                 (fixed["seasonal"], tuple(fixed["index"]), fixed["mult"]))
        adjust = {"seasonal": bool(seasonal), "index": list(index), "mult": bool(mult)}
        fitted, _ = fit_all(level, season, t0, dict(fixed or {}, **adjust), only=kinds) \
            if fixed is not None else fit_all(level, season, t0, only=kinds)
        chosen = tuple(fitted[k] for k in kinds if k in fitted) or (fitted["naive"],)
        return cls(chosen, how, int(t0), adjust)

    def params(self):
        """The adjustment and every member's weights: what ``fit(..., fixed=)`` reuses."""
        out = {m.kind: m.params for m in self.members}
        out.update(self.adjust)
        return out

    @property
    def anchor(self):
        return self.members[0].anchor

    def at(self, t):
        """``b`` at absolute times ``t`` (``[k]`` ints, each >= t0) -> ``[k]``."""
        t = np.asarray(t, dtype=np.int64)
        path, inside = combined(self.members, self.how)
        ahead = int(np.max(t - self.anchor)) if t.size else 0
        future = path(max(ahead, 1))
        inner = np.clip(t - self.t0, 0, len(inside) - 1)
        beyond = np.clip(t - self.anchor - 1, 0, len(future) - 1)
        return np.where(t > self.anchor, future[beyond], inside[inner])

    def to_dict(self):
        return {"members": [m.to_dict() for m in self.members], "how": self.how,
                "t0": self.t0, "adjust": self.adjust}

    @classmethod
    def from_dict(cls, d):
        return cls(tuple(Member.from_dict(m) for m in d["members"]), d["how"], int(d["t0"]),
                   d.get("adjust"))


@dataclasses.dataclass(frozen=True)
class RollingCurve:
    """A one-step base curve: at each time ``start + i`` (``i < len(ahead)``) the
    structures run over the values before it, one step ahead; elsewhere ``inner``'s.

    What a one-step forecast of a structure is: each point from the true values before
    it, with nothing after it read. The models and weights are ``inner``'s (fitted on
    the values before ``start``); their states follow the values up to each point.
    """

    inner: StructureCurve
    start: int
    ahead: np.ndarray

    @classmethod
    def fit(cls, inner, level, t0, season, kinds, how, start, count):
        """``level``: ``[n]`` values at times ``t0..``, known up to ``start + count - 1``."""
        if inner.adjust is None:  # a record older than 2.1: refit at every point
            ahead = np.array([StructureCurve.fit(level[:start + i - t0], t0, season, kinds,
                                                 how).at([start + i])[0]
                              for i in range(count)])
            return cls(inner, int(start), ahead)
        known = level[:start + count - t0]
        rerun = StructureCurve.fit(known, t0, season, kinds, how, inner.params())
        _, inside = combined(rerun.members, how)
        return cls(inner, int(start), np.asarray(inside[start - t0:start - t0 + count]))

    @property
    def anchor(self):
        return self.inner.anchor

    def at(self, t):
        """``b`` at absolute times ``t`` -> ``[k]``."""
        t = np.asarray(t, dtype=np.int64)
        out = np.array(self.inner.at(t), dtype=np.float64)
        inside = (t >= self.start) & (t < self.start + len(self.ahead))
        out[inside] = self.ahead[t[inside] - self.start]
        return out
