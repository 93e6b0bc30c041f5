"""Forecast errors and the naive baselines they are judged against. NumPy only."""

import numpy as np

from .errors import SeriesTooShortError


def rmse(predicted, actual):
    """Root mean squared error, in the units of ``actual``."""
    diff = np.asarray(predicted, dtype=np.float64) - np.asarray(actual, dtype=np.float64)
    return float(np.sqrt(np.mean(diff ** 2)))


def mae(predicted, actual):
    """Mean absolute error, in the units of ``actual``."""
    diff = np.asarray(predicted, dtype=np.float64) - np.asarray(actual, dtype=np.float64)
    return float(np.mean(np.abs(diff)))


def scores(predicted, actual):
    return {"rmse": rmse(predicted, actual), "mae": mae(predicted, actual)}


def _check_season(values, start, season):
    if start < season:
        raise SeriesTooShortError(
            f"the seasonal naive baseline needs a full season ({season} points) before "
            f"the test period; the training part has {start}")


def one_step_baselines(values, start, season):
    """Forecasts of ``values[start:]``, each made one step ahead from the true history.

    Returns:
        dict name -> ``[len(values) - start]`` array: ``persistence`` repeats the
        previous value, ``seasonal_naive`` the value one season earlier.
    """
    values = np.asarray(values, dtype=np.float64)
    _check_season(values, start, season)
    targets = np.arange(start, len(values))
    return {"persistence": values[targets - 1],
            "seasonal_naive": values[targets - season]}


def multi_step_baselines(values, start, horizon, season):
    """Forecasts of ``values[start:start+horizon]`` knowing only ``values[:start]``.

    Returns:
        dict name -> ``[horizon]`` array: ``persistence`` repeats the last known
        value, ``seasonal_naive`` repeats the last known season.
    """
    values = np.asarray(values, dtype=np.float64)
    _check_season(values, start, season)
    last_season = values[start - season:start]
    return {"persistence": np.full(horizon, values[start - 1]),
            "seasonal_naive": last_season[np.arange(horizon) % season]}
