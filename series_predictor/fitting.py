"""Fitting one run of the chapter, with no outputs: plan the run (prepare the
series, list the forecasts to make, or let ``--recipe auto`` choose the
candidates), train every member, forecast, combine and calibrate.

``chapter.run_chapter`` fits the whole series; ``backtest`` fits each origin's
truncated series the same way. Neither formats nor writes anything here.
"""

import dataclasses
import os

from . import auto, network_verdict, stages
from .config import ChapterConfig
from .run_folder import member_folder


@dataclasses.dataclass
class ChapterResult:
    """What ``run_chapter`` produced. Forecasts are in the series' own units.

    Attributes:
        config: the checked settings.
        loaded: the series (``stages.LoadedSeries``).
        candidates: one ``stages.Prepared`` per candidate (split, preprocessing,
            windows); a run without ``--recipe auto`` has one.
        tasks: the forecasts each member made (``stages.Task``).
        times: task name -> ``[k]`` times of a hallucinated path's points.
        members: one ``stages.Member`` per seed.
        combined: the median of the kept members (``ensemble.Combined``).
        envelopes: task name -> the plausible band its forecasts had to stay in.
        intervals: the calibrated ``IntervalModel``, or None without a validation tail.
        metrics: the evaluation (what ``metrics.json`` holds).
        files: output name -> path.
    """

    config: ChapterConfig
    loaded: object
    candidates: list
    tasks: list
    times: dict
    members: list = None
    combined: object = None
    envelopes: dict = None
    intervals: object = None
    metrics: dict = None
    files: dict = None
    auto: dict = None

    @property
    def prepared(self):
        """The first candidate's preparation (the split is the same for all)."""
        return self.candidates[0]

    @property
    def log_levels(self):
        """True when every candidate models the log: envelopes and bands are then ratios."""
        return all(p.preprocessing.transform.log for p in self.candidates)

    @property
    def one_step(self):
        """``[n_test]`` one-step forecasts of the test period."""
        return self.combined.forecasts["test one-step"]

    @property
    def hallucinated(self):
        """``[max(n_test, horizon)]`` path fed back from the end of training."""
        return self.combined.forecasts["hallucination"]

    @property
    def future_point(self):
        """``[horizon]`` point forecast past the end of the data (the table with dates and
        bands: ``outputs.forecast_table(run)``)."""
        return self.combined.forecasts["forecast"]

    @property
    def history(self):
        """The first member's TrainingHistory."""
        return next((m.history for m in self.members if m.history is not None), None)


def plan_run(loaded, config, split=None, future=True, candidates=None):
    """Prepare ``loaded`` and list the forecasts to make -> ChapterResult (not yet fitted).

    ``future=False`` leaves out the forecast past the end of ``loaded`` (a backtest's
    origins forecast only up to their horizon); ``candidates`` (``stages.Candidate``)
    replace the one the settings describe.
    """
    prepared = [stages.prepare_stage(loaded, config, split, candidate)
                for candidate in (candidates or [None])]
    # --recipe auto's bands come from its structures' errors: no calibration paths
    tasks = stages.plan_tasks(prepared[0].split, config.horizon, future, candidates is None)
    return ChapterResult(config, loaded, prepared, tasks,
                         stages.future_times_stage(loaded, prepared[0].split, tasks))


def plan_chapter(loaded, config, progress, split=None, future=True, short_windows=True):
    """``plan_run`` with the settings' own candidate, or, for ``--recipe auto``, with the
    candidates ``auto.choose`` picks from the points before the split. A season left to
    be inferred (None) is settled first (``stages.season_stage``). ``short_windows``:
    a series without a season too short for auto's windows gets shorter ones
    (``auto.window_for``; not for ``--recipe global``, whose network reads one length)."""
    if config.season is None:
        config = stages.season_stage(loaded, config, progress)
    if config.recipe != "auto":
        return plan_run(loaded, config, split, future)
    fitted = auto.window_for(config, len(loaded.values) if short_windows else None)
    if config.season <= 1 and fitted.seq_size < config.seq_size:
        progress.step(f"Auto recipe: windows of {fitted.seq_size} points ({config.seq_size} "
                      f"do not fit {len(loaded.values)} points without a season)")
    config = fitted
    # Structures difference nothing; auto always keeps a validation tail, so its one-step
    # test forecasts start from the points before the test period (no test windows).
    if split is None:
        auto.check_series(loaded, config)  # the one length rule, in whole-series points
        split = stages.split_stage(loaded, config, 0, test_windows=False)
    choice = auto.choose(loaded, config, split, progress)
    split = stages.Split(split.n, split.n_train, choice.config.validation)
    stages.refuse_constant_fit_part(loaded, split)  # the network's part, before its tail
    run = plan_run(loaded, choice.config, split, future, choice.candidates)
    run.intervals, run.auto = choice.intervals, choice.record
    return run


def member_folders(run):
    """``[(candidate, seed, folder name)]`` of every member of ``run``."""
    seeds = stages.member_seeds(run.config, len(run.candidates))
    return [(k, seed, member_folder(seed, len(seeds))) for k, seed in seeds]


def side_by_side(config, members):
    """Whether ``members`` members are trained side by side in one graph: with
    ``fast_training`` (whose equations that route shares) and more than one member."""
    return config.fast_training and members > 1


def fit_run(run, out, progress):
    """Train every member into ``out``, forecast, combine and calibrate ``run`` in place."""
    config, loaded, folders = run.config, run.loaded, member_folders(run)
    if side_by_side(config, len(folders)):
        run.members = _members_side_by_side(run, progress, [
            (k, seed, os.path.join(out, folder)) for k, seed, folder in folders])
    else:
        run.members = [_member(run, progress, k, seed, os.path.join(out, folder), i,
                               len(folders)) for i, (k, seed, folder) in enumerate(folders)]
    run.envelopes = stages.envelopes_for(loaded.values, run.tasks, config.season,
                                         run.log_levels)
    run.combined = stages.combine_stage(run.members, run.envelopes)
    if run.auto is not None:  # bands from the structures' errors; the network judged
        network_verdict.judge_network(run, progress)
        return run
    run.intervals = stages.interval_stage(run.combined, loaded, run.tasks, run.prepared.split,
                                          run.log_levels) or run.intervals
    return run


def _member(run, progress, candidate, seed, folder, i, total):
    prepared = run.candidates[candidate]
    name = "" if len(run.candidates) == 1 else f"{prepared.candidate.name}, "
    progress.step(f"Training on {len(prepared.train_x)} windows of {run.config.seq_size} "
                  f"from {run.loaded.path}"
                  + (f" ({name}member {i + 1} of {total}, seed {seed})" if total > 1 else ""))
    member = stages.train_member(prepared, run.loaded, run.tasks, run.config, seed, folder,
                                 progress)
    member.candidate = candidate
    return member


def _members_side_by_side(run, progress, members):
    """Train ``members`` (``[(candidate, seed, folder)]``) side by side in one graph
    (``side_by_side``), then run every task of each with its final checkpoint restored
    into one lone predictor -> ``[stages.Member]``, as ``_member`` gives them one by one.
    """
    from .model import SeriesPredictor  # TensorFlow loads here, not at import
    from .side_by_side import MemberGroup
    from .side_by_side_training import train_group
    config, loaded = run.config, run.loaded
    windows = sorted({len(run.candidates[k].train_x) for k, _, _ in members})
    progress.step(f"Training {len(members)} members side by side (seeds "
                  f"{members[0][1]}..{members[-1][1]}) on {'/'.join(map(str, windows))} "
                  f"windows of {config.seq_size} from {loaded.path}")
    data = [(p.train_x, p.train_y, p.monitor_x, p.monitor_y)
            for p in (run.candidates[k] for k, _, _ in members)]
    with MemberGroup([seed for _, seed, _ in members], [f for _, _, f in members],
                     config.seq_size, config.hidden_dim,
                     learning_rate=config.learning_rate) as group:
        results = train_group(group, data, iterations=config.iterations,
                              report_every=config.report_every, patience=config.patience,
                              batch_size=config.batch_size,
                              log=None if progress.quiet else progress.step,
                              monitor_name=run.candidates[0].monitor_name)
    out = []
    with SeriesPredictor(1, config.seq_size, config.hidden_dim, seed=members[0][1],
                         learning_rate=config.learning_rate) as predictor:
        for (k, seed, folder), result in zip(members, results):
            if isinstance(result, Exception):
                if config.ensemble == 1:
                    raise result
                member = stages.Member(seed, folder, None, {}, str(result))
            else:
                predictor.restore(result.checkpoint)
                member = stages.Member(seed, folder, result, stages.forecast_member(
                    predictor, run.candidates[k], loaded.values, run.tasks))
            member.candidate = k
            out.append(member)
    return out
