"""series-predictor: the LSTM time-series predictor of chapter 10 of *Machine Learning
with TensorFlow*, on today's TensorFlow.

``import series_predictor`` is cheap: TensorFlow is imported only when
``SeriesPredictor`` (or ``TrainingHistory``) is first touched, and ``load_run``
imports it only to forecast.
"""

__version__ = "1.1.0"

__all__ = ["SeriesPredictor", "TrainingHistory", "load_run", "run_chapter", "ChapterConfig",
           "__version__"]

_LAZY = {"SeriesPredictor": "model", "TrainingHistory": "model", "load_run": "kept_run",
         "run_chapter": "chapter", "ChapterConfig": "config"}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'series_predictor' has no attribute {name!r}")
