"""Transforms applied before windowing and undone after prediction: log and differencing.

NumPy only. A ``Transform`` maps a series ``x[0..n)`` to its level
``y = log(x)`` (or ``y = x``) and then to ``z = D(y)``, where ``D`` is the
product of ``(1 - B^lag)`` over the differencing lags (``B`` is the backshift
operator, ``B y[t] = y[t-1]``). With ``D = sum_k c[k] B^k`` (``c[0] = 1``), a
prediction of ``z[t]`` becomes a prediction of the level by

    y[t] = z[t] - sum_{k>=1} c[k] y[t-k]

using the true past levels (one step ahead), or the predicted ones where the
forecast has already run past the data (a hallucinated path).
"""

import dataclasses

import numpy as np

from .errors import DataFormatError, SeriesTooShortError
from .validation import check_lags


@dataclasses.dataclass(frozen=True)
class Transform:
    """Log (optional), then differencing at each lag of ``lags`` in turn.

    ``Transform()`` is the identity, the book's behaviour.
    """

    log: bool = False
    lags: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "lags", check_lags(self.lags))

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

    def to_dict(self):
        """A JSON-ready description; ``Transform.from_dict`` rebuilds the transform."""
        return {"log": self.log, "lags": list(self.lags)}

    @classmethod
    def from_dict(cls, description):
        return cls(log=bool(description["log"]), lags=tuple(description["lags"]))

    def describe(self):
        parts = (["log"] if self.log else []) + [f"difference at lag {lag}" for lag in self.lags]
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

    def difference(self, level):
        """``z[i] = D(y)[i + order]``: ``[n - order]`` values."""
        level = np.asarray(level, dtype=np.float64)
        if len(level) <= self.order:
            raise SeriesTooShortError(
                f"differencing at lags {self.lags} needs more than {self.order} points; "
                f"the series has {len(level)}")
        poly, order = self.polynomial, self.order
        return sum(poly[k] * level[order - k:len(level) - k] for k in range(order + 1))

    def forward(self, values):
        """The transformed series: ``[n - order]``, element ``i`` is time ``i + order``."""
        return self.difference(self.level(values))

    # ------------------------------------------------------------- inverse
    def _check_start(self, values, start):
        if start < self.order:
            raise SeriesTooShortError(
                f"undoing differencing at lags {self.lags} needs {self.order} known points "
                f"before the forecast; only {start} are known")

    def invert_one_step(self, values, start, z):
        """Values at times ``start..start+len(z)-1`` from predicted ``z``, each given the
        true history before it (``values[:t]`` is known for the forecast of ``t``)."""
        self._check_start(values, start)
        level = self.level(values[:start + len(z)])
        poly = self.polynomial
        out = np.empty(len(z))
        for i, zi in enumerate(np.asarray(z, dtype=np.float64)):
            t = start + i
            out[i] = zi - sum(poly[k] * level[t - k] for k in range(1, len(poly)))
        return self.unlevel(out)

    def invert_path(self, values, start, z):
        """Values at times ``start..start+len(z)-1`` from predicted ``z``, knowing only
        ``values[:start]``: later points use the earlier predicted levels."""
        self._check_start(values, start)
        level = np.concatenate([self.level(values[:start]), np.empty(len(z))])
        poly = self.polynomial
        for i, zi in enumerate(np.asarray(z, dtype=np.float64)):
            t = start + i
            level[t] = zi - sum(poly[k] * level[t - k] for k in range(1, len(poly)))
        return self.unlevel(level[start:])
