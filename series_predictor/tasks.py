"""The forecasts every member of a run makes (its tasks), and their times.

A task is named (``"test one-step"``, ``"hallucination"``, ``"validation one-step"``,
``"validation hallucination"``, ``"calibration from T"``, ``"forecast"``); the names are
the keys of ``metrics.json`` and the combined forecasts. ``is_calibration`` is the one
rule that tells the calibration paths (used only for the bands) from the rest.
"""

import dataclasses

from . import data_loader
from .errors import SettingError

CALIBRATION = "calibration from "  # a calibration path's name: CALIBRATION + its origin


def is_calibration(name):
    """Whether task ``name`` is a calibration path (for the bands only, never reported)."""
    return name.startswith(CALIBRATION)


@dataclasses.dataclass(frozen=True)
class Task:
    """One forecast every member makes: ``count`` points from time ``start``.

    ``kind`` is "one_step" (each point from the true values before it) or "path"
    (hallucinated: each point fed back as the next input).
    """

    name: str
    kind: str
    start: int
    count: int


def plan_tasks(split, horizon, future=True, calibration=True):
    """The forecasts of a run, in order: test, validation, calibration (with
    ``calibration``: paths from inside the validation tail, for the bands), and (with
    ``future``) the forecast past the end of the data."""
    tasks = [Task("test one-step", "one_step", split.n_train, split.n_test),
             Task("hallucination", "path", split.n_train, max(split.n_test, horizon))]
    if split.validation:
        tasks += [Task("validation one-step", "one_step", split.fit_end, split.validation),
                  Task("validation hallucination", "path", split.fit_end, split.validation)]
        tasks += [Task(f"{CALIBRATION}{t}", "path", t, split.n_train - t)
                  for t in range(split.fit_end + 1, split.n_train) if calibration]
    if future:
        tasks.append(Task("forecast", "path", split.n, horizon))
    return tasks


def future_times_stage(loaded, split, tasks):
    """Times of every forecast point, checked drawable before any training.

    The forecast past the data is checked first: it ends last, so its limit is the
    horizon's.
    """
    shown = [t for t in tasks if t.kind == "path" and not is_calibration(t.name)]
    times = {}
    for task in sorted(shown, key=lambda t: -t.start):
        try:
            times[task.name] = data_loader.future_times(loaded.times, task.start, task.count)
        except SettingError as exc:
            raise SettingError(f"horizon: {exc}") from None
    return times
