"""series-predictor: the LSTM time-series predictor of chapter 10 of *Machine Learning
with TensorFlow*, on today's TensorFlow.

From Python::

    import series_predictor as sp
    model = sp.fit(values)          # a list, array, pandas Series or CSV path
    print(model.forecast(12))       # dates, forecast, 80% and 95% bands

``import series_predictor`` is cheap: every public name is loaded on first use, and
TensorFlow only when a model is built (``fit``, ``SeriesPredictor``) or a kept run
forecasts.
"""

__version__ = "2.0.0"

_LAZY = {"fit": "api", "load_run": "api", "Forecaster": "api",
         "ForecastTable": "forecast_table", "BacktestResult": "forecast_table",
         "ChapterConfig": "config", "run_chapter": "chapter",
         "SeriesPredictor": "model", "TrainingHistory": "model",
         "SeriesPredictorError": "errors", "SettingError": "errors",
         "DataFormatError": "errors", "RunFolderError": "errors",
         "SeriesPredictorWarning": "errors"}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'series_predictor' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
