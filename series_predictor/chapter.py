"""The chapter end to end (listing 10.9): load, window, train, predict, hallucinate,
plot, and score against naive baselines in the series' own units.
"""

import dataclasses
import json
import os
import tempfile

import numpy as np

from . import data_loader, metrics
from .errors import OutputDirError, SettingError, SeriesTooShortError
from .validation import check_positive_int

AIRLINE_UNITS = "passengers (thousands)"


@dataclasses.dataclass
class ChapterConfig:
    """Settings of the chapter run; every default is the book's (or its companion code's)."""

    data: str = None            # CSV path; None = the bundled airline passengers file
    column: int = 1             # value column (listing 10.7's series_idx)
    seq_size: int = 5           # window length (listing 10.9)
    hidden_dim: int = 100       # LSTM state size (listing 10.9)
    iterations: int = 1000      # Adam steps (listing 10.4)
    learning_rate: float = 0.001  # Adam's default, which the book uses
    patience: int = None        # early stopping in reports; None = off (the book's text)
    seed: int = 0               # the book sets none; fixed here so runs repeat
    horizon: int = 20           # hallucinated points drawn (listing 10.9)
    out: str = "chapter10-output"  # folder for figures, metrics and checkpoint
    normalize: str = "all"      # "all": whole-series mean/std (the book); "train": no look-ahead
    season: int = 12            # season length of the seasonal naive baseline
    percent_train: float = 0.80  # split_data's default
    batch_size: int = None      # None = full batch (the book)
    units: str = None           # y-axis label; None = header text, or a default
    report_every: int = 100     # progress line every this many steps (listing 10.4)


@dataclasses.dataclass
class ChapterResult:
    """What ``run_chapter`` produced; arrays are in the series' own units."""

    metrics: dict
    files: dict
    history: object
    times: np.ndarray
    values: np.ndarray
    n_train: int
    one_step: np.ndarray
    hallucinated: np.ndarray
    future_times: np.ndarray


def check_config(config):
    """Refuse bad settings before any file is read or any step is run."""
    for name in ("seq_size", "hidden_dim", "iterations", "horizon", "season", "report_every"):
        setattr(config, name, check_positive_int(getattr(config, name), name))
    if config.patience is not None:
        config.patience = check_positive_int(config.patience, "patience")
    if config.batch_size is not None:
        config.batch_size = check_positive_int(config.batch_size, "batch_size")
    if config.normalize not in ("all", "train"):
        raise SettingError(f"normalize must be 'all' or 'train'; found {config.normalize!r}")
    data_loader.train_size(1, config.percent_train)  # validates the fraction
    if not (isinstance(config.learning_rate, (int, float)) and config.learning_rate > 0):
        raise SettingError(f"learning_rate must be positive; found {config.learning_rate!r}")


def prepare_output_dir(path):
    """Create ``path`` and prove it writable, before any training time is spent."""
    path = os.fspath(path)
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise OutputDirError(
            f"output folder {path!r} cannot be written: {exc.strerror or exc}") from None
    return path


def minimum_length(seq_size, percent_train, season):
    """Fewest points for which the split leaves enough for windows and baselines."""
    n = seq_size + 1
    while True:
        n_train = data_loader.train_size(n, percent_train)
        if n_train >= max(seq_size + 1, season) and n - n_train >= seq_size + 1:
            return n
        n += 1


def future_times(times, start, count):
    """Times of ``count`` points from ``times[start]`` on, extended past the data."""
    step = times[-1] - times[-2] if len(times) > 1 else 1
    return times[start] + np.arange(count) * step


def run_chapter(config=None, *, log=print):
    """Run listing 10.9 with ``config`` and write its outputs into ``config.out``.

    Writes ``predictions.png``, ``hallucinations.png``, ``loss.png``,
    ``metrics.json`` and ``checkpoint/``.

    Returns:
        ChapterResult.

    Raises:
        SettingError, OutputDirError, FileNotFoundError, DataFormatError,
        SeriesTooShortError: before training starts.
    """
    config = dataclasses.replace(config or ChapterConfig())
    check_config(config)
    data_path = config.data or data_loader.bundled_data_path()
    series = data_loader.read_series(data_path, config.column)
    values, times = series.values, series.times()
    needed = minimum_length(config.seq_size, config.percent_train, config.season)
    if len(values) < needed:
        raise SeriesTooShortError(
            f"{data_path}: {len(values)} points are too few for seq_size={config.seq_size}, "
            f"percent_train={config.percent_train} and season={config.season}; "
            f"at least {needed} points are needed")
    out = prepare_output_dir(config.out)
    units = config.units or series.name or (
        AIRLINE_UNITS if config.data is None else "value")

    n_train = data_loader.train_size(len(values), config.percent_train)
    fit_on = values if config.normalize == "all" else values[:n_train]
    normalization = data_loader.Normalization.fit(fit_on)
    z = normalization.apply(values)
    train_data, actual_vals = data_loader.split_data(z, config.percent_train)
    train_x, train_y = data_loader.make_windows(train_data, config.seq_size)
    test_x, test_y = data_loader.make_windows(actual_vals, config.seq_size)

    from .model import SeriesPredictor  # TensorFlow loads here, not at import
    log(f"Training on {len(train_x)} windows of {config.seq_size} from {data_path}")
    with SeriesPredictor(1, config.seq_size, config.hidden_dim,
                         learning_rate=config.learning_rate, seed=config.seed,
                         checkpoint_dir=os.path.join(out, "checkpoint")) as predictor:
        history = predictor.train(train_x, train_y, test_x, test_y,
                                  iterations=config.iterations,
                                  report_every=config.report_every,
                                  patience=config.patience, batch_size=config.batch_size)
        # One-step: the window of the seq_size true values before each test point.
        history_windows = np.stack([z[t - config.seq_size:t]
                                    for t in range(n_train, len(z))])[:, :, None]
        one_step = normalization.invert(predictor.predict(history_windows)[:, -1])
        n_test = len(values) - n_train
        steps = max(config.horizon, n_test)
        hallucinated = normalization.invert(
            predictor.hallucinate(z[n_train - config.seq_size:n_train], steps))

    actual = values[n_train:]
    naive_1 = metrics.one_step_baselines(values, n_train, config.season)
    naive_h = metrics.multi_step_baselines(values, n_train, n_test, config.season)
    report = {
        "data": os.path.abspath(data_path),
        "column": config.column,
        "units": units,
        "n_points": len(values),
        "n_train": n_train,
        "n_test": n_test,
        "test_period": [str(times[n_train]), str(times[-1])],
        "settings": dataclasses.asdict(config),
        "normalization": dataclasses.asdict(normalization),
        "one_step": {"lstm": metrics.scores(one_step, actual),
                     **{k: metrics.scores(v, actual) for k, v in naive_1.items()}},
        "hallucination": {"lstm": metrics.scores(hallucinated[:n_test], actual),
                          **{k: metrics.scores(v, actual) for k, v in naive_h.items()}},
        "training": {"steps_run": len(history.loss),
                     "final_train_mse_normalized": history.final_loss,
                     "best_step": history.best_step,
                     "best_test_mse_normalized": history.best_test_loss,
                     "stopped_early": history.stopped_early,
                     "checkpoint": history.checkpoint},
    }

    files = {name: os.path.join(out, name) for name in
             ("predictions.png", "hallucinations.png", "loss.png", "metrics.json")}
    from . import plots
    plots.plot_predictions(times, values, n_train, one_step, units=units,
                           path=files["predictions.png"])
    shown = hallucinated[:config.horizon]
    plots.plot_hallucinations(times, values, n_train,
                              future_times(times, n_train, len(shown)), shown,
                              units=units, path=files["hallucinations.png"])
    to_rmse = lambda mse: np.sqrt(np.asarray(mse)) * normalization.std  # noqa: E731
    plots.plot_loss(history.report_steps, to_rmse(history.report_train_loss),
                    to_rmse(history.report_test_loss), units=units, path=files["loss.png"])
    tmp = files["metrics.json"] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
        handle.write("\n")
    os.replace(tmp, files["metrics.json"])

    log(format_metrics(report, config.season))
    log("Wrote " + ", ".join(files[name] for name in files))
    return ChapterResult(metrics=report, files=files, history=history, times=times,
                         values=values, n_train=n_train, one_step=one_step,
                         hallucinated=hallucinated,
                         future_times=future_times(times, n_train, len(hallucinated)))


def format_metrics(report, season=12):
    """The evaluation as a plain-text table."""
    start, end = report["test_period"]
    names = {"lstm": "LSTM", "persistence": "persistence (last value)",
             "seasonal_naive": f"seasonal naive (lag {season})"}
    lines = [f"Test period {start} .. {end} ({report['n_test']} points), "
             f"errors in {report['units']}:",
             f"{'':28s} {'one-step RMSE':>14s} {'MAE':>8s} {'hallucination RMSE':>19s} {'MAE':>8s}"]
    for key, label in names.items():
        one, multi = report["one_step"][key], report["hallucination"][key]
        lines.append(f"{label:28s} {one['rmse']:14.1f} {one['mae']:8.1f} "
                     f"{multi['rmse']:19.1f} {multi['mae']:8.1f}")
    return "\n".join(lines)
