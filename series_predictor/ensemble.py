"""Combine ensemble members so that one bad member cannot move the forecast far.

A member is dropped, and named, when any of its forecasts is not finite or leaves
a plausible envelope of the values known at the forecast's origin. The kept
members are combined by the median, point by point. NumPy only.
"""

import dataclasses

import numpy as np

# How far a forecast may leave the range of the known values before it counts as a
# blow-up: half that range at once, plus a quarter of it per season ahead. Generous
# on purpose: it catches divergence (1e28), not a forecast that is merely poor.
BASE_MARGIN = 0.5
MARGIN_PER_SEASON = 0.25


@dataclasses.dataclass(frozen=True)
class Envelope:
    """The band a forecast from one origin must stay inside, in the transform's level.

    The level is ``log(value)`` for a log transform (a band of ratios), the value
    itself otherwise. ``step k`` (1-based) may go ``range * (BASE_MARGIN +
    MARGIN_PER_SEASON * k / season)`` beyond the lowest and highest known level.
    """

    low: float
    high: float
    season: int
    log: bool

    @classmethod
    def fit(cls, known_values, season, log=False):
        """The envelope of ``known_values`` (``[n]`` series values before the origin)."""
        level = np.log(known_values) if log else np.asarray(known_values, dtype=np.float64)
        return cls(float(np.min(level)), float(np.max(level)), int(season), bool(log))

    def bounds(self, steps):
        """``(low [steps], high [steps])`` in series units for steps 1..steps."""
        spread = max(self.high - self.low, abs(self.high) * 1e-9, 1e-12)
        k = np.arange(1, steps + 1)
        margin = spread * (BASE_MARGIN + MARGIN_PER_SEASON * k / self.season)
        low, high = self.low - margin, self.high + margin
        return (np.exp(low), np.exp(high)) if self.log else (low, high)

    def first_escape(self, path):
        """Index of the first point of ``path`` outside the envelope (or not finite), or None."""
        path = np.asarray(path, dtype=np.float64)
        low, high = self.bounds(len(path))
        with np.errstate(invalid="ignore"):
            bad = ~(np.isfinite(path) & (path >= low) & (path <= high))
        return int(np.argmax(bad)) if bad.any() else None

    def to_dict(self):
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Combined:
    """The ensemble's forecasts, member by member and combined.

    Attributes:
        forecasts: name -> ``[k]`` median over the kept members (None if none kept).
        spread: name -> ``[k]`` standard deviation over the kept members.
        kept: seeds of the members that were combined.
        dropped: seed -> why it was dropped (one line).
    """

    forecasts: dict
    spread: dict
    kept: list
    dropped: dict


def _why_dropped(forecasts, envelopes):
    """One line naming the first forecast and step that left its envelope, or None.

    The escaped value itself is not quoted: a blow-up is never printed.
    """
    for name, path in forecasts.items():
        escape = envelopes[name].first_escape(path)
        if escape is not None:
            low, high = envelopes[name].bounds(escape + 1)
            return (f"its {name.replace('_', ' ')} forecast left the plausible range "
                    f"{low[-1]:.4g}..{high[-1]:.4g} at step {escape + 1}")
    return None


def combine(members, envelopes):
    """Drop the members that left an envelope; take the median of the rest.

    Args:
        members: list of ``(seed, {name: [k] forecast})``, every member with the same names.
        envelopes: name -> ``Envelope`` of the values known at that forecast's origin.

    Returns:
        Combined.
    """
    kept, dropped = [], {}
    for seed, forecasts in members:
        why = _why_dropped(forecasts, envelopes)
        if why is None:
            kept.append((seed, forecasts))
        else:
            dropped[seed] = why
    names = list(envelopes)
    if not kept:
        return Combined({n: None for n in names}, {n: None for n in names}, [], dropped)
    stacked = {n: np.stack([f[n] for _, f in kept]) for n in names}
    return Combined(forecasts={n: np.median(a, axis=0) for n, a in stacked.items()},
                    spread={n: np.std(a, axis=0) for n, a in stacked.items()},
                    kept=[seed for seed, _ in kept], dropped=dropped)
