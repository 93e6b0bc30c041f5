"""series-predictor: the LSTM time-series predictor of chapter 10 of *Machine Learning
with TensorFlow*, on today's TensorFlow.

``import series_predictor`` is cheap: TensorFlow is imported only when
``SeriesPredictor`` (or ``TrainingHistory``) is first touched.
"""

__version__ = "1.0.0"

__all__ = ["SeriesPredictor", "TrainingHistory", "__version__"]


def __getattr__(name):
    if name in ("SeriesPredictor", "TrainingHistory"):
        from . import model
        return getattr(model, name)
    raise AttributeError(f"module 'series_predictor' has no attribute {name!r}")
