"""Combine ensemble members so that one bad member cannot move the forecast far.

A member is left out of a forecast, and named, when that forecast is not finite
or leaves a plausible envelope of the values known at its origin. The kept
members are combined by the median, point by point; when members come from
several candidates (``--recipe auto``), by the median within each candidate and
then the mean of those medians. NumPy only.
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
    """The ensemble's forecasts, combined task by task.

    Each forecast is judged on its own, against the envelope of the values known
    when it was made, so that no choice of members reads values after a forecast's
    origin. A member left out of one forecast may be kept in another.

    Attributes:
        forecasts: task name -> ``[k]`` median over the members kept for it (None if none).
        spread: task name -> ``[k]`` standard deviation over those members.
        kept: task name -> seeds of the members combined.
        dropped: seed -> {forecast name: why it was left out of that forecast}
            ({"training": why} for a member whose training diverged).
    """

    forecasts: dict
    spread: dict
    kept: dict
    dropped: dict

    def kept_everywhere(self):
        """Seeds kept in every forecast."""
        sets = [set(seeds) for seeds in self.kept.values()]
        return sorted(set.intersection(*sets)) if sets else []


def _escape_reason(name, envelope, path):
    escape = envelope.first_escape(path)
    if escape is None:
        return None
    low, high = envelope.bounds(escape + 1)
    return (f"its {forecast_words(name)} left the plausible range "
            f"{_plain(low[-1])}..{_plain(high[-1])} at step {escape + 1}")


def forecast_words(name):
    """A task's forecast in words: "hallucination forecast", "test one-step forecast",
    and "forecast past the data" for the task named "forecast" (never "forecast forecast")."""
    words = name.replace("_", " ")
    if words == "forecast":
        return "forecast past the data"
    return words if words.endswith("forecast") else f"{words} forecast"


def _plain(value):
    """About four significant digits, without an exponent for everyday magnitudes."""
    magnitude = abs(value)
    if not 1e-3 <= magnitude < 1e12:
        return f"{value:.4g}"
    return f"{value:.{max(0, 3 - int(np.floor(np.log10(magnitude))))}f}"


def _median_of_groups(good, group_of):
    """The mean over groups of each group's median path (the median with one group)."""
    groups = {}
    for seed, path in good:
        groups.setdefault(group_of.get(seed, 0), []).append(path)
    medians = [np.median(np.stack(paths), axis=0) for paths in groups.values()]
    return medians[0] if len(medians) == 1 else np.mean(np.stack(medians), axis=0)


def combine(members, envelopes, group_of=None):
    """For each task, drop the members that left its envelope; combine the rest.

    The escaped value itself is never quoted: a blow-up is never printed.

    Args:
        members: list of ``(seed, {name: [k] forecast})``.
        envelopes: name -> ``Envelope`` of the values known at that forecast's origin.
        group_of: seed -> candidate; the median is taken within each candidate and
            the candidates are averaged (None: one group).

    Returns:
        Combined.
    """
    group_of = group_of or {}
    forecasts, spread, kept, dropped = {}, {}, {}, {}
    for name, envelope in envelopes.items():
        good = []
        for seed, paths in members:
            why = _escape_reason(name, envelope, paths[name])
            if why is None:
                good.append((seed, paths[name]))
            else:
                dropped.setdefault(seed, {})[name] = why
        kept[name] = [seed for seed, _ in good]
        forecasts[name] = _median_of_groups(good, group_of) if good else None
        spread[name] = np.std(np.stack([p for _, p in good]), axis=0) if good else None
    return Combined(forecasts, spread, kept, dropped)
