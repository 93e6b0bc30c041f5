"""Training the members of a ``side_by_side.MemberGroup`` together.

Per member, the lone ``SeriesPredictor.train`` with ``fast_training``: the same
checks before any step, the same steps (full batch or its seeded mini-batches), a
report and a checkpoint every ``report_every`` steps, early stopping on its
monitored loss, and a ``TrainingDiverged`` for a loss or weights that stop being
finite; only here one ``session.run`` takes a chunk of steps for every member. A
member that stops early or diverges is left alone from then on (its later steps
still run in the graph; nothing of them is used). A Ctrl-C waits for the chunk.
"""

import dataclasses
import math

from . import process_guard
from .errors import TrainingInterrupted
from .fast_training import (_chunk_last_step, _time_major_batches, MAX_STEPS_PER_RUN,
                            MAX_WINDOW_VALUES_PER_RUN)
from .tf_compat import quiet_known_tf_lines
from .training import diverged_error, training_run, TrainingHistory


@dataclasses.dataclass
class _MemberRun:
    """One member's checked arrays and settings, its history, and where it stands."""

    run: object                 # training._TrainingRun
    history: TrainingHistory
    failure: Exception = None   # the TrainingDiverged that ended it
    last_saved: str = None      # its newest checkpoint

    @property
    def done(self):
        return self.failure is not None or self.history.stopped_early


def train_group(group, data, *, iterations, report_every, patience=None, batch_size=None,
                log=None, monitor_name="validation"):
    """Train every member of ``group`` from its initial weights -> one result per member.

    Args:
        group: a ``side_by_side.MemberGroup``.
        data: per member ``(train_x [b, seq_size, input_dim], train_y [b, seq_size],
            monitor_x, monitor_y)`` (monitored windows alike, or None, None).
        iterations, report_every, patience, batch_size, monitor_name: as
            ``SeriesPredictor.train``'s, shared by the members.
        log: where progress lines go (None: nowhere).

    Returns:
        per member its ``TrainingHistory`` (as the lone ``train`` returns it: the
        checkpoint holds its last weights, or with ``patience`` its best), or the
        ``TrainingDiverged`` that ended its training.

    Raises:
        InputShapeError, SettingError: bad arrays or settings, before any step.
        TrainingInterrupted: Ctrl-C (each member's newest checkpoint stays in its folder).
    """
    members = [_MemberRun(training_run((group.seq_size, group.input_dim, seed), *arrays,
                                       iterations, report_every, patience, batch_size,
                                       log is not None, monitor_name), TrainingHistory())
               for seed, arrays in zip(group.seeds, data)]
    rows = sum(m.run.batches.batch_size or len(m.run.x) for m in members)
    steps_per_run = max(1, min(MAX_STEPS_PER_RUN,
                               MAX_WINDOW_VALUES_PER_RUN // (rows * group.seq_size)))
    first = 0
    try:
        while first < iterations and not all(m.done for m in members):
            last = _chunk_last_step(first, iterations, report_every, steps_per_run)
            process_guard.raise_if_terminated()  # a SIGTERM whose interrupt was lost
            _train_chunk(group, members, first, last)
            if last % report_every == 0:
                _report(group, members, last, log)
            first = last + 1
        _keep_final_weights(group, members, log)
    except KeyboardInterrupt:
        raise TrainingInterrupted(
            f"training interrupted at step {first}; each member's newest checkpoint stays in "
            "its folder", None) from None
    return [m.failure or m.history for m in members]


def _train_chunk(group, members, first, last):
    """Steps ``first..last`` of every member in one ``session.run``; record the losses
    of the members still training, and end those whose loss is not finite."""
    steps = last - first + 1
    chunks = [_time_major_batches(m.run.x, m.run.y, [m.run.batches.next() for _ in range(steps)])
              for m in members]
    with quiet_known_tf_lines():
        losses = group.train_steps(chunks, steps)
    for i, member in enumerate(members):
        if member.done:
            continue
        for step, mse in enumerate((float(v) for v in losses[i]), start=first):
            if not math.isfinite(mse):
                member.failure = _diverged(group, member, step, mse)
                break
            member.history.loss.append(mse)
            member.run.step = step


def _diverged(group, member, step, loss):
    return diverged_error(step, loss, group.learning_rate, member.last_saved)


def _report(group, members, step, log):
    """Each training member's report at ``step``: record, print, save, stop early."""
    active = [i for i, m in enumerate(members) if not m.done]
    monitored = [i for i in active if members[i].run.monitor_x is not None]
    costs = dict(zip(monitored, group.monitor_costs(
        monitored, [(members[i].run.monitor_x, members[i].run.monitor_y) for i in monitored])))
    finite = group.finite()
    for i in active:
        member, history = members[i], members[i].history
        mse = history.loss[-1]
        history.report_steps.append(step)
        history.report_train_loss.append(mse)
        line = f"member {i + 1} (seed {group.seeds[i]}) step {step}: train loss {mse:.4f}"
        improved = False
        if i in costs:
            best = history.best_monitor_loss
            improved = best is None or costs[i] < best
            history.report_monitor_loss.append(costs[i])
            if improved:
                history.best_step = step
            line += f", {member.run.monitor_name} loss {costs[i]:.4f}"
        if log is not None:
            log(line)
        save, history.stopped_early = member.run.stopping.decide(improved)
        if save:
            _save(group, member, i, step, finite[i])
        if history.stopped_early and log is not None:
            log(f"member {i + 1} (seed {group.seeds[i]}) stopped early at step {step}: no "
                f"better {member.run.monitor_name} loss for {member.run.stopping.patience} "
                f"reports; kept step {history.best_step}.")


def _save(group, member, i, step, finite):
    """Save member ``i`` (its weights finite) or end it (TrainingDiverged, weights)."""
    if not finite:
        member.failure = _diverged(group, member, step, None)
        return
    member.history.checkpoint = member.last_saved = group.save(i, step)


def _keep_final_weights(group, members, log):
    """As the lone ``train`` ends: the monitored loss after a last step that was no report
    step; then a checkpoint of the last weights, or with ``patience`` the best one kept."""
    ran_out = [i for i, m in enumerate(members) if not m.done]
    late = [i for i in ran_out if members[i].run.monitor_x is not None
            and members[i].history.report_steps[-1:] != [len(members[i].history.loss) - 1]]
    costs = group.monitor_costs(late, [(members[i].run.monitor_x, members[i].run.monitor_y)
                                       for i in late]) if late else []
    for i, cost in zip(late, costs):
        members[i].history.final_monitor_loss = cost
    finite = group.finite()
    for i in ran_out:
        member = members[i]
        if member.run.stopping.patience is None:
            _save(group, member, i, member.run.step, finite[i])
        if log is not None and member.failure is None:
            log(f"member {i + 1} (seed {group.seeds[i]}) saved to {member.history.checkpoint}")
