"""``--recipe auto``: M4 structures combined per series on the training part only,
with the LSTM learning what they leave.

The M4 lesson (Makridakis et al., 2018; Smyl's ES-RNN): let simple per-series
structures carry the level, trend and seasonality, combined robustly, and let the
network learn the rest. The structures (``structures.py``, ``ets.py``, ``theta.py``)
are fitted on the seasonally adjusted series when the M4 90% autocorrelation test
finds the season (``--season`` inferred from the labels; none for trading days, years).

1. The forecast is the median, point by point, of the ``POOL`` structures: exponential
   smoothing chosen by AICc, the airline model (ARIMA (0,1,1)(0,1,1)), the optimised
   Theta models, an autoregression on the seasonal differences and seasonal naive
   (without a season: ETS, drift, Theta and the autoregression); for quarters, the
   mean of ETS, drift and Theta (``pool``). A fixed
   combination, not a choice: on the development series a choice on validation origins
   lost to combining (docs/recipes.md), the M4 finding that combining beats selecting.
   That combination is the base curve the LSTM works on: the networks learn its
   in-sample one-step errors, and a hallucinated correction fades by ``DECAY`` per step
   (kept only where it cuts the validation error by 10%: ``network_verdict``).
2. Validation origins inside the training part, one horizon apart, ending one
   horizon before the test period: every structure, refitted on the values before
   each origin, is scored (RMSE / seasonal naive's, persistence's without a season)
   for the record and for the verdict on the combination.
3. Bands: the spread of the combination's errors (ratios for a positive series) at
   each horizon over ``BAND_ORIGINS`` origins inside the training part
   (``intervals.by_horizon``); without a season, in units of the recent volatility.

The test period is never read: a test corrupts the test values and gets the same choice.
NumPy only here; the networks are trained by the chapter's stages.
"""

import dataclasses

import numpy as np

from . import metrics
from .errors import SeriesTooShortError, too_few
from .data_loader import Normalization
from .ets import RESOLUTION  # an RMSE below this fraction of the values' size is rounding
from .forecasting import Preprocessing
from .intervals import by_horizon
from .option_names import option
from .recipes import RECIPES
from .stages import LENGTH_CAP, Candidate, minimum_fit_length, minimum_length, season_stage
from .structure_curves import StructureCurve, reducer
from .structures import KINDS, SEASON_KINDS, fit_all, weights_only
from .transforms import Transform, floor_after
from .workload import check_auto_length

# The structures combined by the median with a season (quarters: QUARTER_POOL, by the
# mean; no season: UNSEASONAL_POOL); chosen on the development series only
# (benchmarks/POOL_VARIANTS.txt, docs/recipes.md). On the 35 monthly development series
# of other kinds it scores 0.628 (statsforecast's Comb 0.692), on the 25 employment ones
# 0.893 (Comb 0.960); 55 of the 72 monthly development series below seasonal naive.
POOL = ("ets", "airline", "opt_theta", "sdiff_ar", "snaive")
UNSEASONAL_POOL = ("ets", "drift", "opt_theta", "sdiff_ar")   # airline, snaive need a season
# Quarters: the mean of three. On the 26 quarterly development series it scored 0.609,
# the median of the four 0.635, their mean 0.644, the median of the three 0.655 (Comb
# 0.644); a per-series choice between median and mean on the validation origins lost to
# fixed rules elsewhere (benchmarks/COMBINER_CHOICE.txt).
QUARTER_POOL = ("ets", "drift", "opt_theta")
ORIGINS = 3             # validation origins, one horizon apart
MIN_FIT_SEASONS = 3     # seasons an origin needs before it (the seasonality test's)
MIN_FIT_POINTS = 12     # points an origin needs before it without a season
MIN_WINDOW = 4          # the shortest window auto's network is given
DECAY = 0.9             # per step, the hallucinated correction's fading
BAND_ORIGINS = 12       # origins the bands are calibrated on
VALIDATION_SHARE = 5    # the network's validation tail: at most a fifth of the training part
MAX_FULL_BATCH = 200    # more training windows than this: mini-batches of BATCH
BATCH = 64


def pool(season):
    """``(kinds, how)``: the structures combined at ``season`` and how ("median", "mean")."""
    if season == 4:
        return QUARTER_POOL, "mean"
    return (POOL if season > 1 else UNSEASONAL_POOL), "median"


def screened_pool(season, screened):
    """``pool(season)`` less the structures ``screen`` could not fit at every validation
    origin (``screened``: the names it scored), so that what is forecast is what
    validation judged (a short daily series: the airline model needs 2 seasons and 10
    points, an origin may hold 21) -> (kinds, how, [left out]). The one rule: a resumed
    collection looks for these kinds in a run's record (``collection.same_method``)."""
    names, how = pool(season)
    screened = set(screened)
    kept = tuple(name for name in names if name in screened)
    return (kept, how, [n for n in names if n not in screened]) if kept else (names, how, [])


def _structure(name, kinds, season, how="median"):
    return Candidate(name, Transform(curve="structure", season=season, structures=tuple(kinds),
                                     combine=how, floored=True), DECAY, target="zero")


def candidates(season):
    """One candidate per structure of ``structures.KINDS`` (no seasonal one without a
    season). Structures need no log, so a zero or negative value anywhere is no bar."""
    return [_structure(kind, (kind,), season) for kind in KINDS
            if not (kind in SEASON_KINDS and season <= 1)]


def window_for(config, count=None):
    """``config`` with auto's window fitted to its (settled) season: the recipe's 12
    points, or one season when that is shorter (4 for quarters, 7 for days), at least
    ``MIN_WINDOW``; a window set to another value than the recipe's is kept. Without a
    season, a series of ``count`` points too short for a window of 12 gets the longest
    one it can hold, down to ``MIN_WINDOW`` (yearly data: 20 years hold a window of 4;
    the structures carry the forecast, and the network is judged on a tail as long)."""
    if config.seq_size != RECIPES["auto"]["seq_size"]:
        return config
    if config.season > 1:
        return dataclasses.replace(config, seq_size=max(MIN_WINDOW, min(config.seq_size,
                                                                        config.season)))
    if count is None:
        return config
    longest = next((seq for seq in range(config.seq_size, MIN_WINDOW - 1, -1)
                    if count >= _needed(config, seq)), MIN_WINDOW)
    return dataclasses.replace(config, seq_size=longest)


def _least_before_origin(season, seq_size):
    return max(MIN_FIT_SEASONS * season, seq_size + 2 * season, MIN_FIT_POINTS)


def minimum_training(season, seq_size):
    """Fewest training points ``--recipe auto`` needs: ``MIN_FIT_SEASONS`` seasons (and two
    windows) before a validation origin, and at least one point after it; and the
    network's validation tail (``network_tail``: a window at least) with a window and
    its target before it."""
    return max(_least_before_origin(season, seq_size) + 1,
               minimum_fit_length(seq_size, season, validation=seq_size))


def _why_training(season, seq_size):
    """Why ``minimum_training(season, seq_size)`` training points, in a few words."""
    return (f"{minimum_training(season, seq_size)} training points: "
            f"{_least_before_origin(season, seq_size)} before a validation origin (the most "
            f"of {MIN_FIT_SEASONS} seasons of {season}, a window and two seasons, and "
            f"{MIN_FIT_POINTS} points) and one after it; the network's validation tail of "
            f"{seq_size} and a window and its target before it, "
            f"{minimum_fit_length(seq_size, season, validation=seq_size)} points")


def check_length(n_train, season, seq_size, where):
    """Refuse a training part too short for the auto recipe's validation, before training
    (a split given by the caller: a backtest's origin; else ``check_series``).

    Raises:
        SeriesTooShortError: naming ``where`` and the number of points needed.
    """
    if n_train < minimum_training(season, seq_size):
        raise SeriesTooShortError(f"{where}: {option('recipe', 'auto')} needs at least "
                                  f"{_why_training(season, seq_size)}; there are {n_train}")


def check_series(loaded, config):
    """Refuse a series too short for the auto recipe, before it is split: the one length
    rule of a run, in whole-series points (the training part's need,
    ``minimum_training``, at ``config.percent_train``; one point to test). It covers the
    split's own (``stages.minimum_length``), so no shorter minimum is ever named.

    Raises:
        SeriesTooShortError: naming the file, the length and the fewest points accepted.
    """
    n = len(loaded.values)
    check_auto_length(n, loaded.path)
    needed = _needed(config, config.seq_size)
    if n < needed:
        raise SeriesTooShortError(
            f"{loaded.path}: {too_few(n)} for {option('recipe', 'auto')} with "
            f"seq_size={config.seq_size}, percent_train={config.percent_train}, "
            f"season={config.season}"
            + (f"; at least {needed} points are needed ("
               f"{_why_training(config.season, config.seq_size)})" if needed < LENGTH_CAP
               else "; no series is long enough (percent_train too close to 0 or 1?)")
            + _without_season(n, config))


def _without_season(n, config):
    """``"; or ... --season 1 ..."`` when ``n`` points too few for auto at the series'
    season are enough without one (3 years of months: 36 points), else ""."""
    if config.season <= 1:
        return ""
    window = MIN_WINDOW if config.seq_size <= RECIPES["auto"]["seq_size"] else config.seq_size
    least = _needed(dataclasses.replace(config, season=1), window)
    if n < least:
        return ""
    return (f"; or forecast it without a season ({option('season', 1)}: no seasonal "
            f"structure, judged against persistence), which needs {least}")


def _needed(config, seq_size):
    """Fewest whole-series points ``--recipe auto`` takes with windows of ``seq_size``."""
    return minimum_length(seq_size, config.percent_train, config.season, 0, config.validation,
                          test_windows=False,
                          least_training=minimum_training(config.season, seq_size))


def validation_origins(n_train, horizon, season, seq_size):
    """Up to ``ORIGINS`` origins one horizon apart, the last ``horizon`` before the test
    period, each with ``MIN_FIT_SEASONS`` seasons (and two windows) before it; at least
    one when ``n_train >= minimum_training(...)``."""
    least = _least_before_origin(season, seq_size)
    found = [n_train - horizon * (j + 1) for j in range(ORIGINS)]
    found = [o for o in found if o >= least]
    return sorted(found) or [max(n_train - horizon, least)]


def structure_path(candidate, values, origin, count):
    """The candidate's forecast of ``count`` points from ``origin`` with its residual at its
    target (the structure alone), fitted on ``values[:origin]`` only -> ``[count]``, or None
    when its residual there is constant (a network could learn nothing from it)."""
    known = np.asarray(values[:origin], dtype=np.float64)
    transform = candidate.transform.fitted(known)
    if transform.curve == "structure" and len(transform.base.members) < len(
            candidate.transform.structures):
        return None  # a structure this stretch does not support (Holt-Winters: no season)
    residual = transform.forward(known)
    if not np.std(residual) > 0:
        return None
    prep = Preprocessing(transform, Normalization(float(np.mean(residual)), 1.0), 1,
                         candidate.decay, candidate.target, candidate.drift_phi)
    return transform.invert_path(known, origin, prep.target_path(count))


def _ratio(path, values, origin, count, season):
    """RMSE of ``path`` over ``values[origin:origin + count]`` / the reference's. An error
    below ``RESOLUTION`` of the values' size is rounding: both that small is a tie (1.0),
    and a reference that small divides as that size (a finite ratio)."""
    actual = values[origin:origin + count]
    naive = metrics.multi_step_baselines(values, origin, len(actual), season)["seasonal_naive"]
    error, reference = metrics.rmse(path[:len(actual)], actual), metrics.rmse(naive, actual)
    floor = RESOLUTION * float(np.max(np.abs(actual))) or np.finfo(float).tiny
    if error <= floor and reference <= floor:
        return 1.0
    return error / max(reference, floor)


def _geometric_mean(ratios):
    """exp(mean(log)) of ``ratios``, a ratio of 0 (an exact forecast) as the smallest float."""
    return float(np.exp(np.mean(np.log(np.maximum(ratios, np.finfo(float).tiny)))))


def screen(values, n_train, horizon, season, seq_size):
    """Score every structure on the validation origins -> (origins, [row]), best first.

    Each row: ``{"candidate", "score", "per_origin": [RMSE ratio], "paths": {origin: [h]},
    "unfloored"}``: its floored forecasts, and before the floor (a combination floors its
    own). Every structure is fitted once per origin on the values before it (of
    ``values[:n_train]``)."""
    known = np.asarray(values[:n_train], dtype=np.float64)
    origins = validation_origins(n_train, horizon, season, seq_size)
    fits = {o: fit_all(known[:o], season)[0] for o in origins}
    rows = []
    for candidate in candidates(season):
        kind = candidate.transform.structures[0]
        if any(kind not in fits[o] for o in origins):
            continue  # a structure some stretch does not support (Holt-Winters: no season)
        unfloored = {o: fits[o][kind].path(horizon) for o in origins}
        paths = {o: floor_after(unfloored[o], known[:o]) for o in origins}
        ratios = [_ratio(paths[o], known, o, horizon, season) for o in origins]
        rows.append({"candidate": candidate, "score": _geometric_mean(ratios),
                     "per_origin": ratios, "paths": paths, "unfloored": unfloored})
    return origins, sorted(rows, key=lambda row: row["score"])


@dataclasses.dataclass
class AutoChoice:
    """What ``choose`` decided.

    Attributes:
        candidates: the kept ``Candidate`` objects, best first.
        config: the settings to train them with (mini-batches for long series).
        intervals: bands calibrated on the kept structures' validation errors, or None.
        record: every candidate's validation scores and the choice (for metrics.json).
    """

    candidates: list
    config: object
    intervals: object
    record: dict


def band_origins(n_train, season, seq_size):
    """Up to ``BAND_ORIGINS`` origins spread evenly between the first an origin may take
    and the last training point (each forecasts up to the end of the training part)."""
    least = _least_before_origin(season, seq_size)
    if n_train - 1 <= least:
        return [least] if least < n_train else []
    return sorted(set(np.linspace(least, n_train - 1, BAND_ORIGINS).astype(int).tolist()))


def _intervals(final, known, season, seq_size, horizon):
    """Bands from the final combination's errors at each horizon over the band origins.

    The combination's models and weights are fitted once on the whole training part;
    at each origin their states are run over the values before it, and their slopes and
    constants estimated there (``structures.weights_only``: nothing after the origin is
    read but those weights; the whole part's slope is far off at the start of a series
    that grew). Errors are ratios (log units) when
    every value and every path is positive (those from the origins, and the whole
    part's over ``horizon``), so that a series that grew gets bands that grew with it;
    a path at or below 0 has no ratio, so then they are in series units. Without a
    season (prices) the errors are measured in units of the series' recent volatility
    (``by_horizon``'s ``recent``): such series move more in some years than others.
    """
    kinds = final.transform.structures
    whole = StructureCurve.fit(known, 0, season, kinds, final.transform.combine)
    weights = weights_only(whole.params())
    paths, actual, origins = [], [], band_origins(len(known), season, seq_size)
    for o in origins:
        count = min(horizon, len(known) - o)
        curve = StructureCurve.fit(known[:o], 0, season, kinds, final.transform.combine,
                                   weights)
        paths.append(curve.at(np.arange(o, o + count)))
        actual.append(known[o:o + count])
    ahead = whole.at(np.arange(len(known), len(known) + horizon))
    log = bool(np.all(known > 0)) and all(np.all(p > 0) for p in paths + [ahead])
    return by_horizon(paths, actual, log=log, floor=0.0 if np.all(known >= 0) else None,
                      recent=(known, origins) if season <= 1 else None)


def _record(rows, kept, origins, times, horizon, combination, how, utc=False):
    """The choice for metrics.json. Its verdict judges what is forecast: the kept
    candidates combined by ``how`` ("median", "mean"; ``combination``: that path's RMSE
    ratio), not the best one; ``utc``: the times are UTC times (``time_axis.written_time``)."""
    from .time_axis import written_time
    return {"origins": [written_time(times[o], utc) for o in origins], "horizon": horizon,
            "candidates": {row["candidate"].name: {
                "validation_ratio": row["score"], "per_origin": row["per_origin"],
                "transform": row["candidate"].transform.describe()} for row in rows},
            "chosen": [row["candidate"].name for row in kept], "combine": how,
            "beats_seasonal_naive_on_validation": bool(combination < 1),
            "combination_ratio": float(combination)}


def network_tail(n_train, horizon, seq_size):
    """Points at the end of the training part on which the network is judged: as many
    as the test period holds, at most a fifth of the training part, at least a window."""
    return max(seq_size, min(horizon, n_train // VALIDATION_SHARE))


def _settings(config, split):
    """The settings the network is trained with: a validation tail to judge it on, and
    mini-batches for long series."""
    tail = network_tail(split.n_train, split.n_test, config.seq_size)
    windows = split.n_train - tail - config.seq_size
    config = dataclasses.replace(config, validation=tail)
    return config if config.batch_size is not None or windows <= MAX_FULL_BATCH \
        else dataclasses.replace(config, batch_size=BATCH)


def choose(loaded, config, split, progress):
    """Combine the structures for ``loaded`` from the points before ``split.n_train`` only.

    Returns:
        AutoChoice: one candidate, the structures of ``pool(season)`` combined; every
        structure's validation scores in its record.
    """
    if config.season is None:
        config = season_stage(loaded, config)
    check_length(split.n_train, config.season, config.seq_size, loaded.path)
    known = np.asarray(loaded.values[:split.n_train], dtype=np.float64)
    origins, rows = screen(known, split.n_train, split.n_test, config.season, config.seq_size)
    names, how, unscreened = screened_pool(config.season,
                                           [row["candidate"].name for row in rows])
    kept = [row for row in rows if row["candidate"].name in names]
    final = _structure(f"{how} of " + ", ".join(names), names, config.season, how)
    paths = {o: floor_after(reducer(how)([r["unfloored"][o] for r in kept], axis=0),
                            known[:o]) for o in origins} \
        if kept else {o: np.full(split.n_test, known[o - 1]) for o in origins}  # as forecast
    combination = _geometric_mean(
        [_ratio(paths[o], known, o, split.n_test, config.season) for o in origins])
    record = _record(rows, kept, origins, loaded.times, split.n_test, combination, how,
                     loaded.utc)
    progress.step(f"Auto recipe: the {how} of {', '.join(names)} (validation, RMSE / "
                  f"{metrics.reference(config.season)[1]}'s: "
                  f"{record['combination_ratio']:.3f})" + (
                      f"; left out: {', '.join(unscreened)}, which a validation origin "
                      "holds too few points to fit" if unscreened else ""))
    return AutoChoice([final], _settings(config, split),
                      _intervals(final, known, config.season, config.seq_size, split.n_test),
                      record)
