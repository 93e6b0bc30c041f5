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

LEVELS = (0.80, 0.95)


@dataclasses.dataclass(frozen=True)
class IntervalModel:
    """Bands around a path: ``level(point) +- scale[level] * sqrt(k)``.

    Attributes:
        scale: ``{"0.8": q80, "0.95": q95}`` in level units per sqrt(step).
        log: bands are in log units (ratios) when True.
        samples: how many (origin, step) errors were pooled.
    """

    scale: dict
    log: bool
    samples: int

    def bands(self, point):
        """``{level: (low [k], high [k])}`` in series units around ``point`` ``[k]``."""
        point = np.asarray(point, dtype=np.float64)
        root_k = np.sqrt(np.arange(1, len(point) + 1))
        level = np.log(point) if self.log else point
        out = {}
        for name, q in self.scale.items():
            low, high = level - q * root_k, level + q * root_k
            out[float(name)] = (np.exp(low), np.exp(high)) if self.log else (low, high)
        return out

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, description):
        return cls(scale=dict(description["scale"]), log=bool(description["log"]),
                   samples=int(description["samples"]))


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


def coverage(bands, actual):
    """Fraction of ``actual`` inside each band: ``{level: fraction}``."""
    actual = np.asarray(actual, dtype=np.float64)
    return {level: float(np.mean((actual >= low[:len(actual)]) & (actual <= high[:len(actual)])))
            for level, (low, high) in bands.items()}
