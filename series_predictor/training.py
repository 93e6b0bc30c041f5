"""The training loop behind ``SeriesPredictor.train`` (listing 10.4): argument
checks before any step, full-batch or seeded mini-batch steps, a report and a
checkpoint every ``report_every`` steps, early stopping on the monitored loss,
and the errors for a loss that diverges or a Ctrl-C, each leaving the session
with the last good checkpoint.
"""

import contextlib
import dataclasses
import math

import numpy as np

from . import process_guard
from .errors import SettingError, TrainingDiverged, TrainingInterrupted
from .tf_compat import quiet_known_tf_lines
from .validation import check_positive_int, check_windows_x, check_windows_y


@dataclasses.dataclass
class TrainingHistory:
    """What ``SeriesPredictor.train`` did. Losses are MSE in the units of ``y``.

    The monitored data is what ``train`` got as ``test_x, test_y``: the book's test
    windows, or a validation tail carved from the training data.

    Attributes:
        loss: training MSE at every step, measured before that step's update
            (as the book's ``sess.run([train_op, cost])`` does).
        report_steps: the steps at which progress was printed (0, 100, ...).
        report_train_loss: training MSE at those steps.
        report_monitor_loss: MSE on the monitored data after those steps' updates;
            empty without it.
        best_step: the report step with the lowest monitored MSE, or None without
            monitored data.
        stopped_early: True when ``patience`` ended training before ``iterations``.
        checkpoint: prefix of the checkpoint that holds the weights now in the session.
        final_monitor_loss: MSE on the monitored data after the last step's update, when
            that step was no report step (so that the monitored curve reaches it); None
            otherwise or without monitored data. Not used by early stopping.
    """

    loss: list = dataclasses.field(default_factory=list)
    report_steps: list = dataclasses.field(default_factory=list)
    report_train_loss: list = dataclasses.field(default_factory=list)
    report_monitor_loss: list = dataclasses.field(default_factory=list)
    best_step: int = None
    stopped_early: bool = False
    checkpoint: str = None
    final_monitor_loss: float = None

    @property
    def final_loss(self):
        """Training MSE of the last step run."""
        return self.loss[-1]

    @property
    def best_monitor_loss(self):
        """Lowest monitored MSE seen at a report step, or None without monitored data."""
        return min(self.report_monitor_loss) if self.report_monitor_loss else None

    def curves(self):
        """The curves ``loss.png`` draws, each reaching the last step run ->
        ``(steps [k], train MSE [k], monitor steps [m], monitored MSE [m])``: the report
        steps, then the last step when it was none (its training loss, and the monitored
        loss measured after it); the monitored pair is empty without monitored data."""
        steps, train = list(self.report_steps), list(self.report_train_loss)
        if self.loss and (not steps or steps[-1] != len(self.loss) - 1):
            steps.append(len(self.loss) - 1)
            train.append(self.loss[-1])
        monitor_steps, monitor = list(self.report_steps), list(self.report_monitor_loss)
        if self.final_monitor_loss is not None:
            monitor_steps.append(len(self.loss) - 1)
            monitor.append(self.final_monitor_loss)
        if not monitor:
            monitor_steps = []
        return steps, train, monitor_steps, monitor


@dataclasses.dataclass
class _TrainingRun:
    """One ``train`` call: its checked arrays and settings, and the step it is at."""

    x: np.ndarray
    y: np.ndarray
    monitor_x: np.ndarray
    monitor_y: np.ndarray
    iterations: int
    report_every: int
    stopping: "_EarlyStopping"
    batches: "_BatchOrder"
    verbose: bool
    monitor_name: str
    step: int = 0


class _EarlyStopping:
    """When to save and when to stop, decided at each report step.

    Without ``patience``: save at every report, never stop. With it: save at each
    new best monitored loss, stop after ``patience`` reports without one.
    """

    def __init__(self, patience):
        self.patience = patience
        self.reports_without_improvement = 0

    def decide(self, improved):
        """Return ``(save, stop)`` for a report whose monitored loss ``improved``."""
        if self.patience is None:
            return True, False
        if improved:
            self.reports_without_improvement = 0
            return True, False
        self.reports_without_improvement += 1
        return False, self.reports_without_improvement >= self.patience


class _BatchOrder:
    """Row indices of each step: None (full batch) or a seeded per-epoch shuffle."""

    def __init__(self, n, batch_size, seed):
        self.n = n
        self.batch_size = None if batch_size is None or batch_size >= n else batch_size
        self.rng = np.random.default_rng(seed)
        self.order = None
        self.pos = n

    def next(self):
        if self.batch_size is None:
            return None
        if self.pos + self.batch_size > self.n:
            self.order = self.rng.permutation(self.n)
            self.pos = 0
        rows = self.order[self.pos:self.pos + self.batch_size]
        self.pos += self.batch_size
        return np.sort(rows)


def training_run(network, train_x, train_y, test_x, test_y, iterations, report_every,
                 patience, batch_size, verbose, monitor_name):
    """Check one predictor's ``train`` arguments (before any step) -> _TrainingRun.

    ``network`` is ``(seq_size, input_dim, seed)``: the windows' shape and the seed of
    the mini-batch order. The arrays are as ``SeriesPredictor.train`` takes them.
    """
    seq_size, input_dim, seed = network
    x = check_windows_x(train_x, seq_size, input_dim, "train_x")
    y = check_windows_y(train_y, x, "train_y")
    if (test_x is None) != (test_y is None):
        raise SettingError("give both test_x and test_y, or neither")
    monitor_x = monitor_y = None
    if test_x is not None:
        monitor_x = check_windows_x(test_x, seq_size, input_dim, "test_x")
        monitor_y = check_windows_y(test_y, monitor_x, "test_y")
    iterations = check_positive_int(iterations, "iterations")
    report_every = check_positive_int(report_every, "report_every")
    if patience is not None:
        patience = check_positive_int(patience, "patience")
        if monitor_x is None:
            raise SettingError("patience (early stopping) needs test_x and test_y")
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
    return _TrainingRun(x, y, monitor_x, monitor_y, iterations, report_every,
                        _EarlyStopping(patience), _BatchOrder(len(x), batch_size, seed),
                        bool(verbose), str(monitor_name))


class TrainingLoop:
    """The steps of ``SeriesPredictor.train``: checked arguments, the step loop,
    reports, early stopping, divergence and Ctrl-C."""

    def _training_run(self, train_x, train_y, test_x, test_y, iterations, report_every,
                      patience, batch_size, verbose, monitor_name):
        """Check ``train``'s arguments (before any step); return them as a _TrainingRun."""
        return training_run((self.seq_size, self.input_dim, self.seed), train_x, train_y,
                            test_x, test_y, iterations, report_every, patience, batch_size,
                            verbose, monitor_name)

    def _run_steps(self, run, history):
        """Run the optimizer steps, reporting (and saving) every ``report_every``."""
        if self.fast_training:
            self._run_chunks(run, history)
            return
        for step in range(run.iterations):
            run.step = step
            process_guard.raise_if_terminated()  # a SIGTERM whose interrupt was lost
            history.loss.append(self._one_step(run, step))
            if step % run.report_every == 0 and self._report(run, history, step):
                return

    def _one_step(self, run, step):
        """One Adam step on the full batch or the next mini-batch; return its MSE.

        Raises:
            TrainingDiverged: the MSE is NaN or infinite.
        """
        rows = run.batches.next()
        x, y = (run.x, run.y) if rows is None else (run.x[rows], run.y[rows])
        with quiet_known_tf_lines() if step == 0 else contextlib.nullcontext():
            _, mse = self._train_step(x, y)
        mse = float(mse)
        if not math.isfinite(mse):
            raise self._diverged(step, mse)
        self._last_step = step
        return mse

    def _report(self, run, history, step):
        """Record, print and save at a report step; return True to stop early."""
        mse = history.loss[-1]
        history.report_steps.append(step)
        history.report_train_loss.append(mse)
        line = f"step {step}: train loss {mse:.4f}"
        improved = False
        if run.monitor_x is not None:
            monitor_mse = float(self._eval_cost(run.monitor_x, run.monitor_y))
            best = history.best_monitor_loss
            improved = best is None or monitor_mse < best
            history.report_monitor_loss.append(monitor_mse)
            if improved:
                history.best_step = step
            line += f", {run.monitor_name} loss {monitor_mse:.4f}"
        if run.verbose:
            print(line, flush=True)
        save, history.stopped_early = run.stopping.decide(improved)
        if save:
            history.checkpoint = self._save_finite(None, step)
        return history.stopped_early

    def _keep_final_weights(self, run, history):
        """Measure the monitored loss after the last step when it was no report step
        (one evaluation, the op built in ``__init__``); then save the last weights, or
        with ``patience`` go back to the best ones."""
        last = len(history.loss) - 1
        if run.monitor_x is not None and last >= 0 and history.report_steps[-1:] != [last]:
            history.final_monitor_loss = float(self._eval_cost(run.monitor_x, run.monitor_y))
        if run.stopping.patience is None:
            history.checkpoint = self._save_finite(None, run.step)
        else:
            self._restore_into(self.sess, history.checkpoint, own=True)

    def _interrupted(self, step):
        """The TrainingInterrupted for a Ctrl-C at ``step``, with the weights restored."""
        checkpoint = self._back_to_last_saved()
        if checkpoint is None:
            return TrainingInterrupted(
                f"training interrupted at step {step}; no checkpoint of this run was saved "
                "yet", None)
        return TrainingInterrupted(
            f"training interrupted at step {step}; last good checkpoint: {checkpoint}",
            checkpoint)

    def _diverged(self, step, loss=None):
        """The TrainingDiverged for a non-finite ``loss`` (None: non-finite weights) at
        ``step``, with this predictor's last saved weights restored."""
        return diverged_error(step, loss, self.learning_rate, self._back_to_last_saved())


def diverged_error(step, loss, learning_rate, checkpoint):
    """The TrainingDiverged for a non-finite ``loss`` (None: non-finite weights) at
    ``step``; ``checkpoint``: the last finite one, now restored (None: none saved)."""
    if loss is None:
        what, advice = ("the weights became NaN or infinite",
                        f"try a learning_rate below {learning_rate:g}")
    elif step == 0:  # before any update: the data's squared errors overflow
        what, advice = f"the loss is {loss}", "scale the data down (normalize it)"
    else:
        what, advice = f"the loss is {loss}", f"try a learning_rate below {learning_rate:g}"
    where = (f"restored the last finite checkpoint: {checkpoint}" if checkpoint else
             "no checkpoint of this run was saved before it, so the predictor is not "
             "trained")
    return TrainingDiverged(f"training diverged at step {step}: {what}; {advice}; {where}",
                            step, checkpoint)
