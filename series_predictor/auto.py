"""``--recipe auto``: choose, per series, how the LSTM sees it, on the training part only.

The M4 lesson (Makridakis et al., 2018; Smyl's ES-RNN): let a simple per-series
structure carry the level and the seasonality, and let the network learn the rest.
Each candidate is a transform under which the LSTM models a residual: the season
means (climatology), a linear trend plus season profile (over all the points or the
last five seasons, straight or damped), or the seasonal difference (its drift kept
or fading; or pulled to zero, which is seasonal naive), on the values or their log.

1. Validation origins inside the training part, one horizon apart, ending one
   horizon before the test period: every candidate, refitted on the values before
   each origin, forecasts as many points as the test period holds, with its
   residual at its mean (the structure alone: no network yet, so this is cheap).
   Score: the geometric mean over the origins of RMSE / seasonal naive's RMSE.
2. The best ``TOP_K`` candidates are kept. For each, ``ensemble`` LSTMs are trained on
   its residual over the whole training part; a hallucinated residual fades toward
   its target by ``DECAY`` per step (the network's say shrinks with the horizon).
3. The forecast is the mean over the kept candidates of the median of their members.

The test period is never read: a test corrupts the test values and gets the same choice.
NumPy only here; the networks are trained by the chapter's stages.
"""

import dataclasses

import numpy as np

from . import metrics
from .errors import SeriesTooShortError
from .data_loader import Normalization
from .forecasting import Preprocessing
from .intervals import calibrate
from .stages import Candidate
from .transforms import Transform

TOP_K = 5               # candidates kept
ORIGINS = 3             # validation origins, one horizon apart
MIN_FIT_SEASONS = 4     # seasons an origin needs before it
DECAY = 0.9             # per step, the hallucinated residual's deviation from its target
PHI = 0.98              # per step, the damping of a trend or a drift
SHORT_WINDOW_SEASONS = 5  # the "recent trend" is fitted on this many seasons
MAX_FULL_BATCH = 200    # more training windows than this: mini-batches of BATCH
BATCH = 64


def candidates(positive, season):
    """Every candidate: on the values, and on their log when all are positive."""
    out = []
    for log in ((False, True) if positive else (False,)):
        prefix = "log-" if log else ""
        trend = dict(log=log, curve="trend", season=season)
        recent = dict(trend, window=SHORT_WINDOW_SEASONS * season)
        out += [Candidate(prefix + "clim", Transform(log=log, curve="climatology",
                                                     season=season), DECAY),
                Candidate(prefix + "trend", Transform(**trend), DECAY),
                Candidate(prefix + "trend-damped", Transform(**trend, phi=PHI), DECAY),
                Candidate(prefix + "recent-trend", Transform(**recent), DECAY),
                Candidate(prefix + "recent-trend-damped", Transform(**recent, phi=PHI), DECAY),
                Candidate(prefix + "sdiff", Transform(log=log, lags=(season,)), DECAY),
                Candidate(prefix + "sdiff-damped", Transform(log=log, lags=(season,)), DECAY,
                          drift_phi=PHI)]
    out.append(Candidate("snaive", Transform(lags=(season,)), DECAY, target="zero"))
    return out


def _least_before_origin(season, seq_size):
    return max(MIN_FIT_SEASONS * season, seq_size + 2 * season)


def minimum_training(season, seq_size):
    """Fewest training points ``--recipe auto`` needs: ``MIN_FIT_SEASONS`` seasons (and two
    windows) before a validation origin, and at least one point after it."""
    return _least_before_origin(season, seq_size) + 1


def check_length(n_train, season, seq_size, where):
    """Refuse a training part too short for the auto recipe's validation, before training.

    Raises:
        SeriesTooShortError: naming ``where`` and the number of points needed.
    """
    needed = minimum_training(season, seq_size)
    if n_train < needed:
        raise SeriesTooShortError(
            f"{where}: --recipe auto needs at least {needed} training points ({MIN_FIT_SEASONS} "
            f"seasons of {season} before a validation origin, and one after it); "
            f"there are {n_train}")


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
    residual = transform.forward(known)
    if not np.std(residual) > 0:
        return None
    prep = Preprocessing(transform, Normalization(float(np.mean(residual)), 1.0), 1,
                         candidate.decay, candidate.target, candidate.drift_phi)
    return transform.invert_path(known, origin, prep.target_path(count))


def _ratio(path, values, origin, count, season):
    actual = values[origin:origin + count]
    naive = metrics.multi_step_baselines(values, origin, len(actual), season)["seasonal_naive"]
    return metrics.rmse(path[:len(actual)], actual) / max(metrics.rmse(naive, actual), 1e-300)


def screen(values, n_train, horizon, season, seq_size, positive=None):
    """Score every candidate on the validation origins -> (origins, [row]), best first.

    Each row: ``{"candidate", "score", "per_origin": [RMSE ratio], "paths": {origin: [h]}}``.
    Only ``values[:n_train]`` is read. ``positive``: whether log candidates may be
    tried (default: every known value is positive); the run passes whether the whole
    series is, since a chosen log candidate transforms every point.
    """
    known = np.asarray(values[:n_train], dtype=np.float64)
    origins = validation_origins(n_train, horizon, season, seq_size)
    rows = []
    positive = bool(np.all(known > 0)) if positive is None else positive
    for candidate in candidates(positive, season):
        paths = {o: structure_path(candidate, known, o, horizon) for o in origins}
        if any(path is None for path in paths.values()):
            continue
        ratios = [_ratio(paths[o], known, o, horizon, season) for o in origins]
        rows.append({"candidate": candidate, "score": float(np.exp(np.mean(np.log(ratios)))),
                     "per_origin": ratios, "paths": paths})
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


def _intervals(kept, known, origins, log):
    paths = [np.mean([row["paths"][o] for row in kept], axis=0) for o in origins]
    actual = [known[o:o + len(p)] for o, p in zip(origins, paths)]
    return calibrate([p[:len(a)] for p, a in zip(paths, actual)], actual, log=log)


def _record(rows, kept, origins, times, horizon, combination):
    """The choice for metrics.json. Its verdict judges what is forecast: the kept
    candidates combined (``combination``, their mean path's RMSE ratio), not the best one."""
    return {"origins": [str(times[o]) for o in origins], "horizon": horizon,
            "candidates": {row["candidate"].name: {
                "validation_ratio": row["score"], "per_origin": row["per_origin"],
                "transform": row["candidate"].transform.describe()} for row in rows},
            "chosen": [row["candidate"].name for row in kept],
            "beats_seasonal_naive_on_validation": bool(combination < 1),
            "combination_ratio": float(combination)}


def choose(loaded, config, split, progress):
    """Pick the candidates for ``loaded`` from the points before ``split.n_train`` only.

    Returns:
        AutoChoice.
    """
    check_length(split.n_train, config.season, config.seq_size, loaded.path)
    known = loaded.values[:split.n_train]
    origins, rows = screen(known, split.n_train, split.n_test, config.season, config.seq_size,
                           positive=bool(np.all(loaded.values > 0)))
    kept = rows[:TOP_K]
    combination = np.exp(np.mean([np.log(_ratio(np.mean([r["paths"][o] for r in kept], 0),
                                                known, o, split.n_test, config.season))
                                  for o in origins]))
    record = _record(rows, kept, origins, loaded.times, split.n_test, combination)
    windows = split.n_train - config.seq_size
    settings = config if config.batch_size is not None or windows <= MAX_FULL_BATCH \
        else dataclasses.replace(config, batch_size=BATCH)
    log = all(row["candidate"].transform.log for row in kept)
    progress.step(f"Auto recipe: kept {', '.join(record['chosen'])} (validation, RMSE / "
                  f"seasonal naive's: {record['combination_ratio']:.3f} combined)")
    return AutoChoice([row["candidate"] for row in kept], settings,
                      _intervals(kept, known, origins, log), record)
