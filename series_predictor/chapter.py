"""The chapter end to end (listing 10.9): read, prepare, train, forecast, combine,
evaluate against naive baselines, and write a run folder you can keep.

``run_chapter`` reads as the list of its stages (``stages.py``); every setting
comes from ``ChapterConfig`` (``config.py``).
"""

from . import backtest, stages
from .config import ChapterConfig, check_config
from .errors import SettingError, TrainingDiverged
from .fitting import fit_run, member_folders, plan_chapter
from .outliers import check_semi_monthly, data_warnings
from .outputs import write_outputs
from .report import evaluate, format_report
from .run_folder import check_input_outside, claimed

# Moved names, re-exported so that old import paths keep working.
from .fitting import ChapterResult, plan_run  # noqa: F401


def run_chapter(config=None, *, log=print, series=None):
    """Run listing 10.9 with ``config`` and write its outputs into ``config.out``.

    ``series`` (a ``stages.LoadedSeries``, as ``api.fit`` makes from an array) is
    used instead of reading ``config.data``.

    Writes ``predictions.png``, ``hallucinations.png``, ``loss.png``,
    ``forecast.png``, ``metrics.json``, ``forecast.csv``, ``run.json`` and the
    checkpoint folder of each member (``checkpoint/``, or ``checkpoint-SEED/``).
    ``log`` receives every line; ``config.quiet`` keeps only results and warnings.

    Raises:
        SettingError, OutputDirError, FolderInUseError, FileNotFoundError,
        DataFormatError, SeriesTooShortError: before training starts.
        TrainingDiverged: the lone predictor's loss became NaN or infinite.
    """
    config = check_config(config or ChapterConfig())
    if config.recipe == "global":
        raise SettingError("--recipe global trains one network across the series of a "
                           "collection, and --data holds one series: use --recipe auto, or "
                           "give a collection (a long or wide table, or a folder of CSV files)")
    progress = stages.Progress(log, config.quiet)
    loaded = stages.read_stage(config) if series is None else series
    config = stages.season_stage(loaded, config, progress)
    check_semi_monthly(loaded)
    for line in data_warnings(loaded):
        progress.warn(line)
    run = plan_chapter(loaded, config, progress)
    origins = backtest.plan_origins(run)
    folders = [folder for _, _, folder in member_folders(run)]
    check_input_outside(loaded.path, "--data", config.out, folders)
    with claimed(config.out, folders, config.force) as out:
        fit_run(run, out, progress)
        _require_forecasts(run)
        run.metrics = evaluate(run)
        if origins:
            run.metrics["backtest"] = backtest.run_backtest(run, origins, progress)
        run.files = write_outputs(out, run)
    progress.result(format_report(run.metrics))
    progress.result("Wrote " + ", ".join(run.files.values()))
    return run


def _require_forecasts(run):
    """Refuse a run with no LSTM forecast to report (every member diverged or left the
    plausible range), before any output is written."""
    missing = [name for name in ("test one-step", "hallucination", "forecast")
               if run.combined.forecasts.get(name) is None]
    if missing:
        reasons = [why for by_task in run.combined.dropped.values() for why in by_task.values()]
        raise TrainingDiverged(
            f"no LSTM forecast ({', '.join(missing)}): every member diverged or left the "
            f"plausible range (first: {reasons[0] if reasons else 'no member'}); try "
            + remedies(run.config))


# Runs shorter than this are not advised to train fewer steps: they drifted off in fewer.
FEW_ITERATIONS = 100


def remedies(config):
    """What to try when no member gave a forecast, fitted to ``config``: a smaller
    learning rate always; fewer iterations only for a long run; the auto recipe when
    not already in use."""
    from .option_names import option
    out = [f"a smaller {option('learning_rate')} (this run: {config.learning_rate:g})"]
    if config.iterations >= FEW_ITERATIONS:
        out.append(f"fewer {option('iterations')} (this run: {config.iterations})")
    if config.recipe != "auto":
        out.append(option("recipe", "auto"))
    return ", ".join(out[:-1]) + " or " + out[-1] if len(out) > 1 else out[0]

