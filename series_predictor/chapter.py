"""The chapter end to end (listing 10.9): load, window, train, predict, hallucinate,
plot, and score against naive baselines in the series' own units.
"""

import dataclasses
import json
import os
import tempfile

import numpy as np

from . import data_loader, metrics
from .errors import DataFormatError, OutputDirError, SettingError, SeriesTooShortError
from .transforms import Transform
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
    # Beyond the book (all off by default, so the book's run stays the book's):
    log: bool = False           # model log(values)
    diff: tuple = ()            # difference at these lags, e.g. (12,) or (1, 12)
    validation: int = 0         # points carved from the end of the training part for
                                # early stopping and choosing settings; the test period
                                # is then used only for the final report
    ensemble: int = 1           # train this many predictors (seeds seed, seed+1, ...)
                                # and average their forecasts
    recipe: str = None          # name of the preset these settings came from, if any

    @property
    def transform(self):
        return Transform(log=self.log, lags=tuple(self.diff))


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
    members: list = dataclasses.field(default_factory=list)  # per-seed forecasts


def check_config(config):
    """Refuse bad settings before any file is read or any step is run."""
    for name in ("seq_size", "hidden_dim", "iterations", "horizon", "season", "report_every",
                 "ensemble"):
        setattr(config, name, check_positive_int(getattr(config, name), name))
    if config.validation:
        config.validation = check_positive_int(config.validation, "validation")
    config.diff = config.transform.lags  # validates the lags
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


def _long_enough(n, seq_size, percent_train, season, order=0, validation=0):
    n_train = data_loader.train_size(n, percent_train)
    fit_end = n_train - validation
    return (fit_end - order >= seq_size + 1 and n_train >= season
            and n - n_train >= (1 if validation else seq_size + 1))


def minimum_length(seq_size, percent_train, season, order=0, validation=0):
    """Fewest points for which the split leaves enough for windows and baselines."""
    n = seq_size + 1
    while not _long_enough(n, seq_size, percent_train, season, order, validation):
        n += 1
    return n


def future_times(times, start, count):
    """Times of ``count`` points from ``times[start]`` on, extended past the data."""
    step = times[-1] - times[-2] if len(times) > 1 else 1
    return times[start] + np.arange(count) * step


def run_chapter(config=None, *, log=print, verbose=True):
    """Run listing 10.9 with ``config`` and write its outputs into ``config.out``.

    Writes ``predictions.png``, ``hallucinations.png``, ``loss.png``,
    ``metrics.json`` and ``checkpoint/`` (``checkpoint-SEED/`` per ensemble member).
    ``log`` receives the summary lines; ``verbose`` turns training progress on or off.

    Returns:
        ChapterResult.

    Raises:
        SettingError, OutputDirError, FileNotFoundError, DataFormatError,
        SeriesTooShortError: before training starts.
    """
    config = dataclasses.replace(config or ChapterConfig())
    check_config(config)
    transform = config.transform
    data_path = config.data or data_loader.bundled_data_path()
    series = data_loader.read_series(data_path, config.column)
    values, times = series.values, series.times()
    needed = minimum_length(config.seq_size, config.percent_train, config.season,
                            transform.order, config.validation)
    if len(values) < needed:
        raise SeriesTooShortError(
            f"{data_path}: {len(values)} points are too few for seq_size={config.seq_size}, "
            f"percent_train={config.percent_train}, season={config.season}"
            + (f", differencing order {transform.order}" if transform.order else "")
            + (f", validation={config.validation}" if config.validation else "")
            + f"; at least {needed} points are needed")
    if transform.log and np.any(values <= 0):
        i = int(np.flatnonzero(values <= 0)[0])
        raise DataFormatError(f"{data_path}, line {series.lines[i]}: the log transform needs "
                              f"positive values; found {values[i]:g}")
    level = transform.level(values)
    out = prepare_output_dir(config.out)
    units = config.units or series.name or (
        AIRLINE_UNITS if config.data is None else "value")

    n = len(values)
    n_train = data_loader.train_size(n, config.percent_train)
    fit_end = n_train - config.validation  # training windows end here
    order, seq = transform.order, config.seq_size
    diffed = transform.difference(level)   # diffed[i] is time i + order
    fit_on = diffed if config.normalize == "all" else diffed[:fit_end - order]
    normalization = data_loader.Normalization.fit(fit_on)
    z = normalization.apply(diffed)

    def windows_before(times_):
        """Windows of the seq transformed values before each time in ``times_``."""
        return np.stack([z[t - order - seq:t - order] for t in times_])[:, :, None]

    train_x, train_y = data_loader.make_windows(z[:fit_end - order], seq)
    if config.validation:
        # Targets end in the validation tail; the test period stays unseen.
        monitor_x, monitor_y = data_loader.make_windows(
            z[fit_end - order - seq:n_train - order], seq)
        monitor = "validation"
    else:
        # The book's test windows, inside the test part (listing 10.9).
        monitor_x, monitor_y = data_loader.make_windows(z[n_train - order:], seq)
        monitor = "test"

    from .model import SeriesPredictor  # TensorFlow loads here, not at import
    seeds = [config.seed + k for k in range(config.ensemble)]
    n_test = n - n_train
    steps = max(config.horizon, n_test)
    members = []
    for k, seed in enumerate(seeds):
        log(f"Training on {len(train_x)} windows of {seq} from {data_path}"
            + (f" (ensemble member {k + 1} of {len(seeds)}, seed {seed})"
               if len(seeds) > 1 else ""))
        folder = os.path.join(out, "checkpoint" if len(seeds) == 1 else f"checkpoint-{seed}")
        with SeriesPredictor(1, seq, config.hidden_dim, learning_rate=config.learning_rate,
                             seed=seed, checkpoint_dir=folder) as predictor:
            history = predictor.train(train_x, train_y, monitor_x, monitor_y,
                                      iterations=config.iterations,
                                      report_every=config.report_every,
                                      patience=config.patience,
                                      batch_size=config.batch_size,
                                      verbose=verbose, test_name=monitor)

            def one_step(range_):
                predicted = normalization.invert(predictor.predict(windows_before(range_))[:, -1])
                return transform.invert_one_step(values, range_[0], predicted)

            def path(start, count):
                window = z[start - order - seq:start - order]
                predicted = normalization.invert(predictor.hallucinate(window, count))
                return transform.invert_path(values, start, predicted)

            member = {"seed": seed, "history": history,
                      "one_step": one_step(range(n_train, n)),
                      "hallucinated": path(n_train, steps)}
            if config.validation:
                member["val_one_step"] = one_step(range(fit_end, n_train))
                member["val_hallucinated"] = path(fit_end, config.validation)
            members.append(member)

    def average(key):
        return np.mean([m[key] for m in members], axis=0)

    one_step_pred, hallucinated = average("one_step"), average("hallucinated")
    history = members[0]["history"]
    actual = values[n_train:]
    naive_1 = metrics.one_step_baselines(values, n_train, config.season)
    naive_h = metrics.multi_step_baselines(values, n_train, n_test, config.season)
    report = {
        "data": os.path.abspath(data_path),
        "column": config.column,
        "units": units,
        "n_points": n,
        "n_train": n_train,
        "n_test": n_test,
        "test_period": [str(times[n_train]), str(times[-1])],
        "settings": dataclasses.asdict(config),
        "transform": transform.describe(),
        "normalization": dataclasses.asdict(normalization),
        "one_step": {"lstm": metrics.scores(one_step_pred, actual),
                     **{k: metrics.scores(v, actual) for k, v in naive_1.items()}},
        "hallucination": {"lstm": metrics.scores(hallucinated[:n_test], actual),
                          **{k: metrics.scores(v, actual) for k, v in naive_h.items()}},
        "training": {"steps_run": len(history.loss),
                     "final_train_mse_normalized": history.final_loss,
                     "monitored_on": monitor,
                     "best_step": history.best_step,
                     "best_monitored_mse_normalized": history.best_test_loss,
                     "stopped_early": history.stopped_early,
                     "checkpoint": history.checkpoint},
    }
    if config.validation:
        val_actual = values[fit_end:n_train]
        report["validation_period"] = [str(times[fit_end]), str(times[n_train - 1])]
        report["validation"] = {
            "one_step": {"lstm": metrics.scores(average("val_one_step"), val_actual),
                         **{k: metrics.scores(v, val_actual) for k, v in
                            metrics.one_step_baselines(values[:n_train], fit_end,
                                                       config.season).items()}},
            "hallucination": {"lstm": metrics.scores(average("val_hallucinated"), val_actual),
                              **{k: metrics.scores(v, val_actual) for k, v in
                                 metrics.multi_step_baselines(values, fit_end,
                                                              config.validation,
                                                              config.season).items()}},
        }
    if len(members) > 1:
        report["ensemble"] = {
            "seeds": seeds,
            "members": [{"seed": m["seed"],
                         "one_step": metrics.scores(m["one_step"], actual),
                         "hallucination": metrics.scores(m["hallucinated"][:n_test], actual)}
                        for m in members],
            "spread": {
                "one_step_std_mean": float(np.mean(np.std([m["one_step"] for m in members],
                                                          axis=0))),
                "hallucination_std_mean": float(np.mean(np.std(
                    [m["hallucinated"][:n_test] for m in members], axis=0)))},
        }

    files = {name: os.path.join(out, name) for name in
             ("predictions.png", "hallucinations.png", "loss.png", "metrics.json")}
    from . import plots
    label = "" if len(members) == 1 else f" (mean of {len(members)} seeds)"
    plots.plot_predictions(times, values, n_train, one_step_pred, units=units,
                           title="One-step predictions over the test period" + label,
                           path=files["predictions.png"])
    shown = hallucinated[:config.horizon]
    plots.plot_hallucinations(times, values, n_train,
                              future_times(times, n_train, len(shown)), shown, units=units,
                              title=f"Hallucination: {len(shown)} steps fed back from the "
                                    f"end of training" + label,
                              path=files["hallucinations.png"])
    if transform.order or transform.log:
        # Losses are of the transformed series; keep them in its normalized units.
        to_rmse, loss_units = (lambda mse: np.sqrt(np.asarray(mse))), "normalized, transformed"
    else:
        to_rmse = lambda mse: np.sqrt(np.asarray(mse)) * normalization.std  # noqa: E731
        loss_units = units
    plots.plot_loss(history.report_steps, to_rmse(history.report_train_loss),
                    to_rmse(history.report_test_loss), units=loss_units,
                    monitor_label=monitor, path=files["loss.png"])
    tmp = files["metrics.json"] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
        handle.write("\n")
    os.replace(tmp, files["metrics.json"])

    log(format_metrics(report, config.season))
    log("Wrote " + ", ".join(files[name] for name in files))
    return ChapterResult(metrics=report, files=files, history=history, times=times,
                         values=values, n_train=n_train, one_step=one_step_pred,
                         hallucinated=hallucinated,
                         future_times=future_times(times, n_train, len(hallucinated)),
                         members=members)


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
    validation = report.get("validation")
    if validation:
        start_v, end_v = report["validation_period"]
        lines.append(f"Validation tail {start_v} .. {end_v} (carved from training; chose "
                     f"early stopping):")
        for key in ("lstm", "seasonal_naive"):
            one, multi = validation["one_step"][key], validation["hallucination"][key]
            lines.append(f"{names[key]:28s} {one['rmse']:14.1f} {one['mae']:8.1f} "
                         f"{multi['rmse']:19.1f} {multi['mae']:8.1f}")
        beaten = [kind for kind in ("one_step", "hallucination")
                  if validation[kind]["lstm"]["rmse"] > validation[kind]["seasonal_naive"]["rmse"]]
        if beaten:
            lines.append("Warning: on the validation tail the LSTM loses to seasonal naive ("
                         + " and ".join(k.replace("_", "-") for k in beaten)
                         + "); expect the same on the test period.")
    ensemble = report.get("ensemble")
    if ensemble:
        one = [m["one_step"]["rmse"] for m in ensemble["members"]]
        multi = [m["hallucination"]["rmse"] for m in ensemble["members"]]
        spread = ensemble["spread"]
        lines.append(f"LSTM is the mean of {len(one)} members (seeds {ensemble['seeds'][0]}.."
                     f"{ensemble['seeds'][-1]}): member RMSE one-step {min(one):.1f}..{max(one):.1f}, "
                     f"hallucination {min(multi):.1f}..{max(multi):.1f}; mean spread (std) "
                     f"{spread['one_step_std_mean']:.1f} and {spread['hallucination_std_mean']:.1f}")
    return "\n".join(lines)
