"""``--recipe global``: one LSTM trained across the series of a collection (ES-RNN-like).

Per series, on its training part only, ``auto.choose`` picks and combines the
structures (the base curve b_t: level, trend and season carried by the series' own
structures) exactly as ``--recipe auto`` does, and ``stages.prepare_stage`` turns the
series into the network's target: the structures' in-sample one-step error y_t - b_t,
minus its mean and over its spread on the points before the validation tail
(``--normalize train``). That target is additive and scaled per series, so zeros and
negative values need nothing special (a ratio y_t / b_t would divide by a base curve
near zero), and series of any size share one network.

One network (the book's ``model.SeriesPredictor``, graph built once, seeded) is then
trained on the windows of every series pooled together (mini-batches of
``batch_size``), each series' validation tail held out. Each series is forecast as
``--recipe auto`` forecasts it: its structures' path plus the network's hallucinated
correction, fading by ``auto.DECAY`` per step, and the correction is kept only where
it beats the structures alone by 5% on that series' validation tail
(``network_verdict.judge_network``, ``network_verdict.NETWORK_MARGIN``).

This module plans, trains and finishes the runs; ``collection_global`` reads the
collection and writes its outputs.
"""

import dataclasses
import os

import numpy as np

from . import fitting, stages
from .errors import SettingError
from .option_names import option

NETWORK_FOLDER = "global-network"   # OUT/global-network/: the network's own checkpoint


def plan_series(loaded, config, progress):
    """Choose the structures of one series and prepare its windows -> ChapterResult.

    ``config.recipe`` is "global"; the structures are chosen by ``--recipe auto``'s own
    planning (``fitting.plan_chapter``), so that better structures improve this recipe
    too. The plan's config says "global" again.
    """
    run = fitting.plan_chapter(loaded, dataclasses.replace(config, recipe="auto"), progress,
                               short_windows=False)
    run.config = dataclasses.replace(run.config, recipe="global")
    return run


def check_windows(runs):
    """Every planned series must have the same window (one network reads them all).

    Raises:
        SettingError: naming a series of each window length found.
    """
    sizes = {}
    for series_id, run in runs.items():
        sizes.setdefault(run.config.seq_size, []).append(series_id)
    if len(sizes) > 1:
        found = "; ".join(f"{size} ({', '.join(ids[:3])}{', ...' if len(ids) > 3 else ''})"
                          for size, ids in sorted(sizes.items()))
        raise SettingError(f"{option('recipe', 'global')} trains one network on windows of "
                           f"one length, but the series' seasons give windows of {found}: give "
                           f"{option('seq_size')} or {option('season')}, or run series of one "
                           "season together")


def pooled_windows(runs):
    """The training and validation windows of every series, stacked in the order of
    ``runs`` -> ``(train_x [b, seq, 1], train_y [b, seq], monitor_x, monitor_y)``, each
    series in its own normalized units."""
    prepared = [run.prepared for run in runs.values()]
    return (np.concatenate([p.train_x for p in prepared]),
            np.concatenate([p.train_y for p in prepared]),
            np.concatenate([p.monitor_x for p in prepared]),
            np.concatenate([p.monitor_y for p in prepared]))


def train_network(runs, config, folder, progress):
    """Train one network on the pooled windows into ``folder`` -> (predictor, history).

    ``config``: the collection's settings (``hidden_dim``, ``learning_rate``,
    ``iterations``, ``batch_size``, ``seed``...). The caller closes the predictor.
    """
    from .model import SeriesPredictor  # TensorFlow loads here, not at import
    train_x, train_y, monitor_x, monitor_y = pooled_windows(runs)
    seq_size = next(iter(runs.values())).config.seq_size
    progress.step(f"Global network: training on {len(train_x)} windows of {seq_size} from "
                  f"{len(runs)} series (validation: {len(monitor_x)} windows)")
    predictor = SeriesPredictor(1, seq_size, config.hidden_dim, seed=config.seed,
                                learning_rate=config.learning_rate, checkpoint_dir=folder,
                                fast_training=config.fast_training)
    try:
        history = predictor.train(train_x, train_y, monitor_x, monitor_y,
                                  iterations=config.iterations,
                                  report_every=config.report_every, patience=config.patience,
                                  batch_size=config.batch_size, verbose=not progress.quiet,
                                  monitor_name="validation")
    except BaseException:
        predictor.close()
        raise
    return predictor, history


def finish_series(run, predictor, history, out, progress):
    """Forecast one planned series with the trained network and write its run folder
    ``out`` (a single run's layout; the network's weights copied into ``checkpoint/``)
    -> the run, with ``metrics`` and ``files``.

    Raises:
        TrainingDiverged: no forecast at all (cannot happen once the structures alone
            stand in, kept for safety as a single run does).
    """
    from . import network_verdict
    from .chapter import _require_forecasts
    from .outputs import write_outputs
    from .report import evaluate
    from .run_folder import claimed, member_folder
    folder_name = member_folder(run.config.seed, 1)
    with claimed(out, [folder_name], run.config.force) as folder:
        prefix = predictor.save(os.path.join(folder, folder_name))
        member = stages.Member(run.config.seed, os.path.join(folder, folder_name),
                               dataclasses.replace(history, checkpoint=prefix),
                               stages.forecast_member(predictor, run.prepared,
                                                      run.loaded.values, run.tasks))
        run.members = [member]
        run.envelopes = stages.envelopes_for(run.loaded.values, run.tasks, run.config.season,
                                             run.log_levels)
        run.combined = stages.combine_stage(run.members, run.envelopes)
        network_verdict.judge_network(run, progress)
        _require_forecasts(run)
        run.metrics = evaluate(run)
        run.metrics["global_network"] = {
            "folder": os.path.join("..", NETWORK_FOLDER),
            "note": "one network trained on the windows of every series of the collection; "
                    "checkpoint/ holds a copy of its weights"}
        run.files = write_outputs(folder, run)
    return run
