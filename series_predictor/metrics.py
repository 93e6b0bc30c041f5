"""Forecast errors and the naive baselines they are judged against. NumPy only.

Errors are computed without overflow: a series near 1e200 gives a finite RMSE.
"""

import math

import numpy as np

from .errors import SeriesTooShortError

BASELINES = ("persistence", "seasonal_naive", "climatology")
SCIENTIFIC_ABOVE = 1e7  # larger errors are printed as 1.234e+08
MAX_DECIMALS = 6  # errors that would need more decimals are printed as 1.234e-09


def seasonal(season):
    """Whether a run with ``season`` (settings' "season"; None in old records: the
    book's 12) has one: without one (1), seasonal naive at lag 1 is persistence."""
    return season is None or season > 1


def judged_against(season):
    """The baselines a run with ``season`` is judged against, keys of ``BASELINES``:
    all of ``BASELINES``; without a season persistence and the mean (seasonal
    naive at lag 1 repeats persistence, and is not shown twice)."""
    return BASELINES if seasonal(season) else ("persistence", "climatology")


def backtest_season(report):
    """The season a backtest record's baselines were scored at: its "season" (the run's),
    or for a record written before it was kept, its "stride" (then always the season)."""
    return report.get("season", report.get("stride"))


def reference(season):
    """``(key, name)`` of the baseline ratios are over and warnings name: seasonal naive,
    or persistence without a season (the same numbers: seasonal naive at lag 1)."""
    return ("seasonal_naive", "seasonal naive") if seasonal(season) else \
        ("persistence", "persistence")


def decimals_for(values):
    """Decimals that show about three significant digits of the largest of ``values``:
    1 for errors in the tens to hundreds, more for small units; None (scientific
    notation) when that would take more than MAX_DECIMALS."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v) and v != 0]
    if not finite:
        return 1
    decimals = max(1, 2 - math.floor(math.log10(max(finite))))
    return None if decimals > MAX_DECIMALS else int(decimals)


def format_error(value, decimals):
    """An error as printed: ``decimals`` places (see ``decimals_for``), scientific
    notation for None decimals or values past SCIENTIFIC_ABOVE; None is 'diverged'."""
    if value is None:
        return "diverged"
    if decimals is None or abs(value) >= SCIENTIFIC_ABOVE:
        return f"{value:.4g}"
    return f"{value:.{decimals}f}"


def _errors(predicted, actual):
    return np.asarray(predicted, dtype=np.float64) - np.asarray(actual, dtype=np.float64)


def power_of_two(values):
    """The largest power of 2 at most the largest magnitude in ``values`` (1 when all are 0
    or one is not finite): dividing by it is exact, and it never overflows (``2.0 **
    round(log2(size))`` did, for a size past 2**1023.5, about 1.27e308)."""
    size = float(np.max(np.abs(values), initial=0.0))
    return math.ldexp(1.0, math.frexp(size)[1] - 1) if 0 < size < math.inf else 1.0


def rmse(predicted, actual):
    """Root mean squared error, in the units of ``actual``; scaled so squares never overflow."""
    diff = _errors(predicted, actual)
    scale = float(np.max(np.abs(diff))) if diff.size else 0.0
    if scale == 0.0 or not np.isfinite(scale):
        return scale
    return float(scale * np.sqrt(np.mean((diff / scale) ** 2)))


def mae(predicted, actual):
    """Mean absolute error, in the units of ``actual``."""
    diff = np.abs(_errors(predicted, actual))
    scale = float(np.max(diff)) if diff.size else 0.0
    if scale == 0.0 or not np.isfinite(scale):
        return scale
    return float(scale * np.mean(diff / scale))


def scores(predicted, actual):
    """``{"rmse", "mae"}`` of a forecast; ``None`` stands for a forecast that does not exist."""
    if predicted is None:
        return {"rmse": None, "mae": None}
    return {"rmse": rmse(predicted, actual), "mae": mae(predicted, actual)}


def seasonal_naive_scale(values, season):
    """MASE's denominator: the in-sample MAE of the seasonal naive forecast of ``values``."""
    values = np.asarray(values, dtype=np.float64)
    lag = season if len(values) > season else 1
    return mae(values[lag:], values[:-lag])


def _check_season(start, season):
    if start < season:
        raise SeriesTooShortError(
            f"the seasonal baselines need a full season ({season} points) before "
            f"the forecast starts; only {start} are known")


def climatology(values, start, count, season):
    """The mean of each season position over ``values[:start]``, for times start.. start+count-1."""
    values = np.asarray(values, dtype=np.float64)
    _check_season(start, season)
    known = values[:start]
    means = np.array([np.mean(known[p::season]) for p in range(season)])
    return means[np.arange(start, start + count) % season]


def one_step_baselines(values, start, season):
    """Forecasts of ``values[start:]``, each made one step ahead from the true history.

    Returns:
        dict name -> ``[len(values) - start]`` array: ``persistence`` repeats the
        previous value, ``seasonal_naive`` the value one season earlier,
        ``climatology`` the mean of the same season position before ``start``.
    """
    values = np.asarray(values, dtype=np.float64)
    _check_season(start, season)
    targets = np.arange(start, len(values))
    return {"persistence": values[targets - 1],
            "seasonal_naive": values[targets - season],
            "climatology": climatology(values, start, len(targets), season)}


def multi_step_baselines(values, start, horizon, season):
    """Forecasts of ``values[start:start+horizon]`` knowing only ``values[:start]``.

    Returns:
        dict name -> ``[horizon]`` array: ``persistence`` repeats the last known
        value, ``seasonal_naive`` repeats the last known season, ``climatology``
        the mean of each season position.
    """
    values = np.asarray(values, dtype=np.float64)
    _check_season(start, season)
    last_season = values[start - season:start]
    return {"persistence": np.full(horizon, values[start - 1]),
            "seasonal_naive": last_season[np.arange(horizon) % season],
            "climatology": climatology(values, start, horizon, season)}
