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


@dataclasses.dataclass(frozen=True)
class Preprocessing:
    """``values -> transform -> (z - mean) / std -> windows of seq_size``, and back.

    Attributes:
        transform: log and differencing (``Transform()`` is the book's identity).
        normalization: mean and std of the transformed series, in its units.
        seq_size: window length.
    """

    transform: Transform
    normalization: Normalization
    seq_size: int

    @property
    def context(self):
        """How many values before a time the forecast of that time needs."""
        return self.seq_size + self.transform.order

    def encode(self, values):
        """``[n]`` series values -> ``[n - order]`` model inputs; element i is time i + order."""
        return self.normalization.apply(self.transform.forward(values))

    def window_before(self, values, t):
        """The ``[seq_size]`` model inputs for the times ``t - seq_size .. t - 1``."""
        return self.encode(values[t - self.context:t])

    def one_step(self, predict, values, start, stop):
        """Forecasts of ``values[start:stop]``, each from the true values before it.

        Args:
            predict: ``[batch, seq_size, 1] -> [batch, seq_size]`` (``SeriesPredictor.predict``).
            values: ``[>= stop]`` series values (only those before each target are read).

        Returns:
            ``[stop - start]`` forecasts in the series' units.
        """
        z = self.encode(values[:stop])
        order, seq = self.transform.order, self.seq_size
        windows = np.stack([z[t - order - seq:t - order] for t in range(start, stop)])
        predicted = self.normalization.invert(predict(windows[:, :, None])[:, -1])
        return self.transform.invert_one_step(values, start, predicted)

    def path(self, hallucinate, values, start, count):
        """``count`` points from time ``start`` on, each fed back as the next input.

        Args:
            hallucinate: ``([seq_size], steps) -> [steps]`` (``SeriesPredictor.hallucinate``).
            values: series values; only ``values[:start]`` are read.

        Returns:
            ``[count]`` forecasts in the series' units.
        """
        known = np.asarray(values[:start], dtype=np.float64)
        predicted = self.normalization.invert(
            hallucinate(self.window_before(known, start), count))
        return self.transform.invert_path(known, start, predicted)

    def to_dict(self):
        return {"transform": self.transform.to_dict(),
                "normalization": dataclasses.asdict(self.normalization),
                "seq_size": self.seq_size}

    @classmethod
    def from_dict(cls, description):
        return cls(transform=Transform.from_dict(description["transform"]),
                   normalization=Normalization(**description["normalization"]),
                   seq_size=int(description["seq_size"]))
