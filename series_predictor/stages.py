"""The chapter's stages (listing 10.9), each a function with one job.

read -> prepare -> train and forecast each member -> combine -> calibrate
intervals -> evaluate -> write. Each stage hands on a small dataclass; every
forecast leaves a stage in the series' own units. ``chapter.run_chapter`` is the
orchestrator; the notebook calls the same stages.
"""

import dataclasses
import os

import numpy as np

from . import data_loader, lstm_numpy
from .season import season_stage  # noqa: F401 - a stage of the chapter
from .ensemble import Envelope, combine
from .errors import DataFormatError, TrainingDiverged
from .forecasting import Preprocessing
from .intervals import calibrate
from .run_log import WARNING_PREFIX
from .transforms import Transform
from .workload import check_full_batch

# The split's and the tasks' own modules; named here too, as stages of the chapter.
from .splits import (LENGTH_CAP, Split, constant_fit_part, minimum_fit_length,  # noqa: F401
                     minimum_length, refuse_constant_fit_part, split_stage)
from .tasks import Task, future_times_stage, is_calibration, plan_tasks  # noqa: F401

AIRLINE_UNITS = "passengers (thousands)"


@dataclasses.dataclass
class Progress:
    """Where the run says what it is doing. ``quiet`` keeps results and warnings only."""

    log: object = print
    quiet: bool = False

    def step(self, message):
        if not self.quiet:
            self.log(message)

    def result(self, message):
        self.log(message)

    def warn(self, message):
        self.log(f"{WARNING_PREFIX}{message}")


# ----------------------------------------------------------------- read
@dataclasses.dataclass(frozen=True)
class LoadedSeries:
    """A series as read from its file.

    Attributes:
        values: ``[n]`` float64, in the series' units.
        times: ``[n]`` ``datetime64`` dates, or ``0..n-1`` when the file has none.
        lines: ``[n]`` line of each value in the file (1-based).
        path: the file read.
        units: label of the values' units.
        labels: ``[n]`` time label texts (column 0), or None.
        utc_note: the warning that ``times`` are UTC times, not the clock times given
            (hourly ones across a daylight-saving change; ``iso_times.read_in_utc``),
            or None. Printed times, figures and forecast.csv then say UTC.
        notation: the quarters' notation of ``labels`` (``"YYYYQn"``, ``"Qn YYYY"``,
            ``time_labels.quarter_notation``), in which printed times are shown; or
            None (forecast.csv and metrics.json keep ISO dates).
    """

    values: np.ndarray
    times: np.ndarray
    lines: tuple
    path: str
    units: str
    labels: tuple = None
    utc_note: str = None
    notation: str = None

    @property
    def utc(self):
        """Whether ``times`` are UTC times (see ``utc_note``)."""
        return self.utc_note is not None


MAX_MAGNITUDE = 1e300  # beyond this, squared errors and plot ranges overflow float64


def read_stage(config):
    """Read ``config.data`` (default: the bundled airline file) -> LoadedSeries.

    Raises:
        DataFormatError: besides the file's own errors, a value beyond 1e300 in
            magnitude (the errors and figures of such a series overflow).
    """
    path = config.data or data_loader.bundled_data_path()
    series = data_loader.read_series(path, config.column, encoding=config.encoding)
    huge = np.flatnonzero(np.abs(series.values) > MAX_MAGNITUDE)
    if huge.size:
        i = int(huge[0])
        raise DataFormatError(f"{path}, line {series.lines[i]}: {series.values[i]:g} is beyond "
                              f"{MAX_MAGNITUDE:g} in magnitude; its errors and figures would "
                              "overflow: rescale the series (e.g. divide by 1e200)")
    bundled = os.path.realpath(path) == os.path.realpath(data_loader.bundled_data_path())
    units = config.units or series.name or (AIRLINE_UNITS if bundled else "value")
    from .iso_times import utc_note
    from .time_labels import quarter_notation
    times = series.times()
    return LoadedSeries(series.values, times, series.lines, path, units, series.labels,
                        utc_note(path, series.labels, times),
                        quarter_notation(series.labels) if times.dtype.kind == "M" else None)


# -------------------------------------------------------------- prepare
@dataclasses.dataclass(frozen=True)
class Candidate:
    """One way of preparing the series for the LSTM; ``--recipe auto`` weighs several.

    Attributes:
        name: a short label ("settings" for the run's own, e.g. "log-trend").
        transform: the Transform, its base curve not yet fitted.
        decay, target, drift_phi: how a hallucinated path fades (see Preprocessing).
    """

    name: str
    transform: Transform
    decay: float = 1.0
    target: str = "mean"
    drift_phi: float = 1.0


def settings_candidate(config):
    """The candidate the settings describe: log and differencing as asked."""
    return Candidate("settings", Transform(log=config.log, lags=tuple(config.diff),
                                           season=config.season))


@dataclasses.dataclass(frozen=True)
class Prepared:
    """What training needs: the split, the preprocessing and the windows.

    Attributes:
        candidate: the Candidate this preparation follows.
        future: the preprocessing for forecasts past the end of the data: the same,
            with a base curve refitted on all the values (identical without one).
        train_x, train_y: ``[b, seq_size, 1]`` and ``[b, seq_size]`` windows ending
            before ``split.fit_end``.
        monitor_x, monitor_y: windows whose targets all lie in the validation tail
            (or, without one, the book's test windows inside the test period).
        monitor_name: "validation" or "test".
    """

    candidate: Candidate
    split: Split
    preprocessing: Preprocessing
    future: Preprocessing
    train_x: np.ndarray
    train_y: np.ndarray
    monitor_x: np.ndarray
    monitor_y: np.ndarray
    monitor_name: str
    # task -> (values, its preprocessing): a structure transform's refits are made once
    # per run, not once per member and again for auto's judgement. New on replace().
    fits: dict = dataclasses.field(default_factory=dict, init=False, repr=False,
                                   compare=False)


def _check_log(loaded, transform):
    """The transform's own positivity check, naming the file and line of a bad value."""
    transform.level(loaded.values, where=lambda i: f"{loaded.path}, line {loaded.lines[i]}")


def _normalization(loaded, split, transform, config):
    fit_end = split.n if config.normalize == "all" else split.fit_end
    part = "the whole series" if config.normalize == "all" else "the training windows"
    source = (f"{loaded.path}, {part} (lines {loaded.lines[0]}..{loaded.lines[fit_end - 1]}"
              + (f", {transform.describe()}" if transform.describe() != "none" else "") + ")")
    return data_loader.Normalization.fit(transform.forward(loaded.values[:fit_end]),
                                         source=source)


def prepare_stage(loaded, config, split=None, candidate=None):
    """Split, transform, normalize and window the series -> Prepared.

    ``split`` overrides the chapter's split (a backtest's origins do); ``candidate``
    the transform the settings ask for (``--recipe auto`` does). A base curve is
    fitted on the points before the validation tail (or the test period).

    Raises:
        SeriesTooShortError, DataFormatError, SettingError: before any training.
    """
    if config.season is None:
        config = season_stage(loaded, config)
    candidate = candidate or settings_candidate(config)
    split = split or split_stage(loaded, config, candidate.transform.order)
    _check_log(loaded, candidate.transform)
    transform = candidate.transform.fitted(loaded.values[:split.fit_end])
    preprocessing = Preprocessing(transform, _normalization(loaded, split, transform, config),
                                  config.seq_size, candidate.decay, candidate.target,
                                  candidate.drift_phi)
    z, order, seq = preprocessing.encode(loaded.values), transform.order, config.seq_size
    train_x, train_y = data_loader.make_windows(z[:split.fit_end - order], seq)
    check_full_batch(len(train_x), config, loaded.path)  # hours of full-batch steps
    if split.validation:
        monitor = data_loader.make_windows(z[split.fit_end - order - 1:split.n_train - order], seq)
    else:
        monitor = data_loader.make_windows(z[split.n_train - order:], seq)
    return Prepared(candidate, split, preprocessing, preprocessing.refitted(loaded.values),
                    train_x, train_y, *monitor, "validation" if split.validation else "test")


# --------------------------------------------------------------- members
@dataclasses.dataclass
class Member:
    """One trained predictor's results.

    Attributes:
        seed: its seed.
        folder: its checkpoint folder.
        history: its TrainingHistory, or None when training diverged.
        forecasts: task name -> ``[task.count]`` forecast in series units.
        failure: why it has no forecasts (one line), or None.
    """

    seed: int
    folder: str
    history: object
    forecasts: dict
    failure: str = None
    candidate: int = 0


def member_seeds(config, candidates):
    """``[(candidate index, seed)]``: ``config.ensemble`` members per candidate, every
    seed distinct (``seed, seed+1, ...`` across the candidates in turn)."""
    return [(k, config.seed + k * config.ensemble + j)
            for k in range(candidates) for j in range(config.ensemble)]


def task_preprocessing(prepared, values, task):
    """The preprocessing of one forecast: ``prepared.future`` past the data; a structure
    base curve (``--recipe auto``) refitted on the values before the task's origin (a
    forecast from the end of training uses the structures fitted up to there); else the
    training's own. A one-step task's structures are refitted before each of its points.
    """
    if task.name == "forecast":
        return prepared.future
    preprocessing = prepared.preprocessing
    if preprocessing.transform.curve != "structure":
        return preprocessing
    known = prepared.fits.get(task)
    if known is not None and known[0] is values:
        return known[1]
    if task.start > prepared.split.fit_end:
        preprocessing = preprocessing.refitted(values[:task.start])
    if task.kind == "one_step":  # each point from the structures refitted before it
        preprocessing = dataclasses.replace(preprocessing, transform=preprocessing.transform
                                            .one_step_fitted(values, task.start, task.count))
    prepared.fits[task] = (values, preprocessing)
    return preprocessing


def forecast_member(predictor, prepared, values, tasks):
    """Run every task with one trained predictor -> {task name: forecast in series units}.

    Each task uses ``task_preprocessing`` (the forecast past the data: a base curve
    refitted on it all); the forecast past the data runs the NumPy network
    (``lstm_numpy``), as a kept run folder forecasts without TensorFlow.
    """
    out = {}
    for task in tasks:
        preprocessing = task_preprocessing(prepared, values, task)
        if task.name == "forecast":
            out[task.name] = preprocessing.path(lstm_numpy.hallucinator(
                lstm_numpy.session_weights(predictor)), values, task.start, task.count)
        elif task.kind == "one_step":
            out[task.name] = preprocessing.one_step(predictor.predict, values, task.start,
                                                    task.start + task.count)
        else:
            out[task.name] = preprocessing.path(predictor.hallucinate, values, task.start,
                                                task.count)
    return out


def train_member(prepared, loaded, tasks, config, seed, folder, progress):
    """Train one predictor from ``seed`` into ``folder``, then run every task -> Member.

    A member of an ensemble whose training diverges is returned with its
    ``failure``; a lone predictor's divergence is raised (TrainingDiverged).
    """
    from .model import SeriesPredictor  # TensorFlow loads here, not at import
    with SeriesPredictor(1, config.seq_size, config.hidden_dim, seed=seed,
                         learning_rate=config.learning_rate, checkpoint_dir=folder,
                         fast_training=config.fast_training) as predictor:
        try:
            history = predictor.train(
                prepared.train_x, prepared.train_y, prepared.monitor_x, prepared.monitor_y,
                iterations=config.iterations, report_every=config.report_every,
                patience=config.patience, batch_size=config.batch_size,
                verbose=not progress.quiet, monitor_name=prepared.monitor_name)
        except TrainingDiverged as exc:
            if config.ensemble == 1:
                raise
            return Member(seed, folder, None, {}, str(exc))
        forecasts = forecast_member(predictor, prepared, loaded.values, tasks)
    return Member(seed, folder, history, forecasts)


# --------------------------------------------------------------- combine
def envelopes_for(values, tasks, season, log):
    """The plausible band of each task, from the values known at its origin."""
    return {task.name: Envelope.fit(values[:task.start], season, log) for task in tasks}


def combine_stage(members, envelopes):
    """Drop diverged members (named); per task, the median of each candidate's kept
    members, then the mean over the candidates -> Combined."""
    trained = [(m.seed, m.forecasts) for m in members if m.failure is None]
    combined = combine(trained, envelopes, {m.seed: m.candidate for m in members})
    combined.dropped.update({m.seed: {"training": m.failure} for m in members if m.failure})
    combined.dropped = dict(sorted(combined.dropped.items()))
    return combined


def interval_stage(combined, loaded, tasks, split, log):
    """Calibrate bands on the paths hallucinated from inside the validation tail -> model or None."""
    calibration = [t for t in tasks if t.kind == "path"
                   and split.fit_end <= t.start < split.n_train]
    if not calibration or any(combined.forecasts[t.name] is None for t in calibration):
        return None
    paths = [combined.forecasts[t.name] for t in calibration]
    actual = [loaded.values[t.start:t.start + t.count] for t in calibration]
    return calibrate(paths, actual, log=log)
