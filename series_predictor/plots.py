"""The chapter's figures. Each function returns a matplotlib ``Figure`` (shown inline
in a notebook) and writes a file only when given ``path``.

Figures are made with ``matplotlib.figure.Figure`` rather than ``pyplot``, so they
need no display, hold no global state, and are freed with the object.
"""

import os

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, ScalarFormatter


def _save(fig, path):
    if path is not None:
        fig.savefig(os.fspath(path), dpi=100)
    return fig


def _axes(title, units, time_is_date):
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_xlabel("date" if time_is_date else "time step")
    ax.set_ylabel(units)
    ax.grid(alpha=0.3)
    return fig, ax


def _is_date(times):
    return np.issubdtype(np.asarray(times).dtype, np.datetime64)


def plot_predictions(times, values, n_train, predictions, *, units="value",
                     title="One-step predictions over the test period", path=None):
    """The series and the one-step predictions of ``values[n_train:]``.

    Args:
        times: ``[n]`` time of each value (dates or indices).
        values: ``[n]`` the series, in its own units.
        n_train: how many leading points were used for training.
        predictions: ``[n - n_train]``; ``predictions[i]`` predicts ``values[n_train + i]``
            and is drawn at that time.
    """
    fig, ax = _axes(title, units, _is_date(times))
    ax.plot(times[:n_train], values[:n_train], color="tab:blue", label="training data")
    ax.plot(times[n_train - 1:], values[n_train - 1:], color="tab:green", label="actual")
    ax.plot(times[n_train:], predictions, color="tab:red", marker=".",
            label="predicted (one step ahead)")
    ax.axvline(times[n_train], color="grey", linestyle=":", linewidth=1)
    ax.legend(loc="upper left")
    return _save(fig, path)


def plot_hallucinations(times, values, n_train, future_times, hallucinated, *,
                        units="value", title=None, path=None):
    """The series and the model fed its own predictions from the end of training.

    Args:
        future_times: ``[h]`` time of each hallucinated point (may run past the data).
        hallucinated: ``[h]`` values; ``hallucinated[0]`` predicts ``values[n_train]``.
    """
    if title is None:
        title = f"Hallucination: {len(hallucinated)} steps fed back from the end of training"
    fig, ax = _axes(title, units, _is_date(times))
    ax.plot(times[:n_train], values[:n_train], color="tab:blue", label="training data")
    ax.plot(times[n_train - 1:], values[n_train - 1:], color="tab:green", label="actual")
    ax.plot(future_times, hallucinated, color="tab:red", marker=".",
            label="hallucinated (own predictions fed back)")
    ax.axvline(times[n_train], color="grey", linestyle=":", linewidth=1)
    ax.legend(loc="upper left")
    return _save(fig, path)


def plot_loss(steps, train_rmse, test_rmse=None, *, units="value",
              title="Training progress", monitor_label="test", path=None):
    """Train (and test, or validation) RMSE by step."""
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.plot(steps, train_rmse, marker=".", label="train")
    if test_rmse is not None and len(test_rmse):
        ax.plot(steps, test_rmse, marker=".", label=monitor_label)
    ax.set_xlabel("training step")
    ax.set_ylabel(f"RMSE ({units})")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, path)


def plot_series(times, values, *, units="value", title="The series", path=None):
    """The whole series in its own units."""
    fig, ax = _axes(title, units, _is_date(times))
    ax.plot(times, values, color="tab:blue")
    return _save(fig, path)
