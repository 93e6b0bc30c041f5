"""Rolling-origin backtest (``--backtest K``): refit at K forecast origins and score
each forecast of the test length against the naive baselines.

The origins are one season apart (``stride``: without a season, a test length apart,
or as far apart as the training part allows) and end at the chapter's own split: origin ``k``
fits on ``values[:o_k]`` only (an expanding window) and hallucinates
``values[o_k:o_k+H]``, ``H`` being the test length; the last origin is the
chapter's run itself. Scores are averaged over origins: RMSE, MAE and MASE
(MAE over the in-sample MAE of seasonal naive before that origin), overall and by
steps ahead, with the coverage of the prediction intervals when there are any.
"""

import dataclasses
import tempfile

import numpy as np

from . import metrics, stages
from .auto import minimum_training, network_tail
from .errors import DataFormatError, SeriesTooShortError
from .fitting import fit_run, plan_chapter
from .intervals import coverage
from .time_axis import shown_time, written_time

METHODS = ("lstm",) + metrics.BASELINES


def origins(split, count, stride, minimum):
    """The K origins, ``stride`` apart, the last at ``split.n_train``.

    Raises:
        SeriesTooShortError: the first origin would leave fewer than ``minimum``
            points to fit on (computed directly, not by trying).
    """
    first = split.n_train - stride * (count - 1)
    if first < minimum:
        raise SeriesTooShortError(
            f"a backtest with {count} origins {stride} point{'s' * (stride != 1)} apart starts "
            f"at point {first}, "
            f"but a fit needs at least {minimum} points before its origin; use fewer "
            f"origins (at most {(split.n_train - minimum) // stride + 1})")
    return [first + stride * k for k in range(count)]


def truncated(loaded, end):
    """The series up to (not including) ``end``."""
    return dataclasses.replace(loaded, values=loaded.values[:end], times=loaded.times[:end],
                               lines=loaded.lines[:end])


@dataclasses.dataclass
class OriginResult:
    """One origin's forecasts (``[H]`` each, series units) and what scales them."""

    origin: int
    actual: np.ndarray
    forecasts: dict
    mase_scale: float
    coverage: dict
    network_kept: bool = None  # --recipe auto: whether this origin kept the network


def _score_origin(run, origin, horizon, season):
    values = run.loaded.values
    actual = values[origin:origin + horizon]
    lstm = run.combined.forecasts["hallucination"]
    forecasts = {"lstm": None if lstm is None else lstm[:horizon],
                 **metrics.multi_step_baselines(values, origin, horizon, season)}
    bands = run.intervals.bands(forecasts["lstm"]) if run.intervals and lstm is not None else {}
    network = (getattr(run, "auto", None) or {}).get("network")
    return OriginResult(origin, actual, forecasts,
                        metrics.seasonal_naive_scale(values[:origin], season),
                        coverage(bands, actual) if bands else {},
                        None if network is None else bool(network["kept"]))


def fit_origin(loaded, config, origin, horizon, progress):
    """Fit the chapter's pipeline on ``values[:origin]`` and score ``horizon`` points."""
    if config.season is None:  # inferred from the whole series' labels, as the run's
        config = stages.season_stage(loaded, config)
    split = stages.Split(origin + horizon, origin, config.validation)
    quiet = stages.Progress(progress.log, quiet=True)
    run = plan_chapter(truncated(loaded, origin + horizon), config, quiet, split, future=False)
    with tempfile.TemporaryDirectory(prefix="series-predictor-backtest-") as folder:
        fit_run(run, folder, quiet)
    return _score_origin(run, origin, horizon, config.season)


def _by_horizon(results, method):
    rows = [r for r in results if r.forecasts[method] is not None]
    if not rows:
        return None
    errors = np.stack([r.forecasts[method] - r.actual for r in rows])
    scaled = np.abs(errors) / np.array([[r.mase_scale] for r in rows])
    return {"rmse": np.sqrt(np.mean(errors ** 2, axis=0)).tolist(),
            "mae": np.mean(np.abs(errors), axis=0).tolist(),
            "mase": np.mean(scaled, axis=0).tolist(),
            "origins_scored": len(rows)}


def _overall(results, method):
    rows = [r for r in results if r.forecasts[method] is not None]
    if not rows:
        return {"rmse": None, "mae": None, "mase": None}
    return {"rmse": float(np.mean([metrics.rmse(r.forecasts[method], r.actual) for r in rows])),
            "mae": float(np.mean([metrics.mae(r.forecasts[method], r.actual) for r in rows])),
            "mase": float(np.mean([metrics.mae(r.forecasts[method], r.actual) / r.mase_scale
                                   for r in rows]))}


def summarize(results, times, horizon, stride, season=None, utc=False):
    """The backtest's report: per method, overall and by steps ahead. ``stride``: points
    between origins; ``season``: the one the baselines were scored at (default ``stride``);
    ``utc``: the times are UTC times (the origins are written with a ``Z``)."""
    report = {"origins": [written_time(times[r.origin], utc) for r in results],
              "horizon": horizon,
              "stride": stride, "season": stride if season is None else season,
              "window": "expanding",
              "overall": {m: _overall(results, m) for m in METHODS},
              "by_horizon": {m: _by_horizon(results, m) for m in METHODS}}
    if any(r.network_kept is not None for r in results):
        report["network_kept"] = [r.network_kept for r in results]
    covered = [r.coverage for r in results if r.coverage]
    if covered:
        report["interval_coverage"] = {str(level): float(np.mean([c[level] for c in covered]))
                                       for level in covered[0]}
    return report


def stride(split, count, season, minimum):
    """Points between origins: the season; without one (``season <= 1``), the test
    length, or less when the training part holds too few points for ``count`` origins that
    far apart before ``minimum`` (at least 1). Daily prices' origins were a day apart,
    each forecast nearly the one before it."""
    if season > 1:
        return season
    room = (split.n_train - minimum) // max(count - 1, 1)
    return max(1, min(split.n_test, room))


def plan_origins(run):
    """The origins of ``run.config.backtest`` (checked before any training), or []."""
    config = run.config
    if not config.backtest:
        return []
    order = run.prepared.preprocessing.transform.order
    minimum = stages.minimum_fit_length(config.seq_size, config.season, order,
                                        config.validation)
    if config.recipe == "auto":  # every origin chooses its own candidates
        minimum = max(minimum, minimum_training(config.season, config.seq_size))
    points = _spaced(run, config.backtest, minimum)
    why = _constant_first(run, points)
    if why:  # the parts grow with the origin: the first is constant if any is
        usable = next((count for count in range(len(points) - 1, 1, -1)
                       if _constant_first(run, _spaced(run, count, minimum)) is None), 1)
        raise DataFormatError(why + f"; use fewer origins (at most {usable})")
    return points


def _spaced(run, count, minimum):
    """``count`` origins ``stride`` apart (fewer origins may be farther apart)."""
    split = run.prepared.split
    return origins(split, count, stride(split, count, run.config.season, minimum), minimum)


def _constant_first(run, points):
    """Why the first of ``points``' training parts (before its validation tail) is one
    repeated value, with nothing to train on (``stages.constant_fit_part``), or None."""
    config, horizon = run.config, run.prepared.split.n_test
    tail = network_tail(points[0], horizon, config.seq_size) if config.recipe == "auto" \
        else config.validation
    return stages.constant_fit_part(run.loaded, stages.Split(points[0] + horizon, points[0],
                                                             tail),
                                    f"backtest origin 1 of {len(points)}, ")


def backtest_config(config):
    """The settings each origin is fitted with: the run's, normalized on the fit part only.

    The book normalizes over the whole series, which looks ahead; an origin must
    never see its future, so the backtest uses ``normalize="train"`` throughout.
    """
    return dataclasses.replace(config, normalize="train")


def run_backtest(run, points, progress):
    """Backtest at ``points``. The last origin is the chapter's own split: its fitted
    ``run`` is reused when it already normalized on the training part.

    Returns:
        The report dict (see ``summarize``).
    """
    loaded, split = run.loaded, run.prepared.split
    config, horizon = backtest_config(run.config), split.n_test
    reuse_last = run.config.normalize == "train"
    results = []
    when = lambda i: shown_time(loaded.times[i], loaded.utc, loaded.notation)  # noqa: E731
    for k, origin in enumerate(points):
        reused = reuse_last and k == len(points) - 1
        progress.step(f"Backtest origin {k + 1} of {len(points)}: "
                      + ("the run itself, already " if reused else "")
                      + f"fit on {when(0)}..{when(origin - 1)}, forecast "
                      f"{when(origin)}..{when(origin + horizon - 1)}")
        results.append(_score_origin(run, origin, horizon, config.season) if reused
                       else fit_origin(loaded, config, origin, horizon, progress))
    apart = points[1] - points[0] if len(points) > 1 else config.season
    return dict(summarize(results, loaded.times, horizon, apart, config.season, loaded.utc),
                normalization="each origin's fit part (no look-ahead)")
