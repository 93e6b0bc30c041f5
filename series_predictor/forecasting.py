"""From series values to the model's inputs and back: one-step forecasts and
hallucinated paths in the series' own units. NumPy only.

A ``Preprocessing`` holds everything between the file's numbers and the LSTM's
windows: the transform (log, differencing), the normalization, and the window
length. The chapter run and a kept run folder both forecast through it, so the
two give the same numbers.
"""

import dataclasses

import numpy as np

from .data_loader import Normalization
from .transforms import Transform


TARGETS = ("mean", "zero")


@dataclasses.dataclass(frozen=True)
class Preprocessing:
    """``values -> transform -> (z - mean) / std -> windows of seq_size``, and back.

    Attributes:
        transform: log, base curve and differencing (``Transform()`` is the book's identity).
        normalization: mean and std of the transformed series, in its units.
        seq_size: window length.
        decay: along a hallucinated path, the deviation of the transformed series
            from its target fades by this factor per step (1: the book, no fading).
        target: what it fades toward: "mean" (the training part's mean of the
            transformed series) or "zero".
        drift_phi: the target itself fades toward zero by this factor per step
            (a drift that dies out; 1: it stays).
    """

    transform: Transform
    normalization: Normalization
    seq_size: int
    decay: float = 1.0
    target: str = "mean"
    drift_phi: float = 1.0

    @property
    def context(self):
        """How many values before a time the forecast of that time needs."""
        return self.seq_size + self.transform.order

    def encode(self, values, t0=0):
        """``[n]`` series values (times ``t0..``) -> ``[n - order]`` model inputs;
        element i is time ``t0 + i + order``."""
        return self.normalization.apply(self.transform.forward(values, t0))

    def window_before(self, values, t, t0=0):
        """The ``[seq_size]`` model inputs for the times ``t - seq_size .. t - 1``."""
        start = t - self.context
        return self.encode(values[start:t], t0 + start)

    def one_step(self, predict, values, start, stop, t0=0):
        """Forecasts of ``values[start:stop]``, each from the true values before it.

        Args:
            predict: ``[batch, seq_size, 1] -> [batch, seq_size]`` (``SeriesPredictor.predict``).
            values: ``[>= stop]`` series values (only those before each target are read);
                ``values[0]`` is at time ``t0``.

        Returns:
            ``[stop - start]`` forecasts in the series' units.
        """
        z = self.encode(values[:stop], t0)
        order, seq = self.transform.order, self.seq_size
        windows = np.stack([z[t - order - seq:t - order] for t in range(start, stop)])
        predicted = self.normalization.invert(predict(windows[:, :, None])[:, -1])
        return self.transform.invert_one_step(values, start, predicted, t0)

    def path(self, hallucinate, values, start, count, t0=0, lowest=None):
        """``count`` points from ``values[start]``'s time on, each fed back as the next input.

        Args:
            hallucinate: ``([seq_size], steps) -> [steps]`` (``SeriesPredictor.hallucinate``).
            values: series values from time ``t0``; only ``values[:start]`` are read.
            lowest: the lowest value of the series before ``start`` when ``values`` are
                its last ones only (``Transform.invert_path``); None: ``values[:start]``'s.

        Returns:
            ``[count]`` forecasts in the series' units.
        """
        known = np.asarray(values[:start], dtype=np.float64)
        predicted = self.normalization.invert(
            hallucinate(self.window_before(known, start, t0), count))
        return self.transform.invert_path(known, start, self._faded(predicted), t0, lowest)

    def target_path(self, count):
        """``[count]`` where the transformed series heads along a path: its training mean
        (or zero), fading by ``drift_phi`` per step. A structure-only forecast follows it."""
        anchor = self.normalization.mean if self.target == "mean" else 0.0
        return anchor * self.drift_phi ** np.arange(1, count + 1)

    def _faded(self, residual):
        """``target_k + (r_k - target_k) * decay**k``: the hallucinated transformed series
        pulled toward its target (the identity with the book's settings)."""
        if self.decay == 1.0 and self.drift_phi == 1.0 and self.target == "mean":
            return residual
        target = self.target_path(len(residual))
        return target + (residual - target) * self.decay ** np.arange(1, len(residual) + 1)

    def refitted(self, values, t0=0):
        """The same preprocessing with its transform's base curve refitted on ``values``
        (the normalization and the network stay as trained)."""
        return dataclasses.replace(self, transform=self.transform.fitted(values, t0))

    def to_dict(self):
        return {"transform": self.transform.to_dict(),
                "normalization": dataclasses.asdict(self.normalization),
                "seq_size": self.seq_size, "decay": self.decay, "target": self.target,
                "drift_phi": self.drift_phi}

    @classmethod
    def from_dict(cls, description):
        return cls(transform=Transform.from_dict(description["transform"]),
                   normalization=Normalization(**description["normalization"]),
                   seq_size=int(description["seq_size"]),
                   decay=float(description.get("decay", 1.0)),
                   target=description.get("target", "mean"),
                   drift_phi=float(description.get("drift_phi", 1.0)))
