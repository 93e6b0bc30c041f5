"""The season of a series, inferred from its time labels (``--season`` overrides).

Quarters -> 4, months -> 12, ISO weeks or weekly dates -> 52, daily dates on every
day of the week -> 7, hours -> 24; trading days (weekdays only), years, other
steps and plain row numbers -> no season. "No season" is the season 1: the
seasonal naive forecast at lag 1 is persistence, the season means are the mean,
and ``--recipe auto`` weighs no seasonal candidate. A season the training part
cannot hold twice is not used (said why). NumPy only.
"""

import dataclasses
import re

import numpy as np

from .data_loader import train_size

NONE = 1                # "no season": seasonal naive at lag 1 is persistence
MIN_SEASONS = 2         # full seasons the training part must hold to use a season

_QUARTER = re.compile(r"^\s*(\d{4}\s*-?\s*Q[1-4]|Q[1-4][\s/-]?\d{4})\s*$", re.IGNORECASE)
_WEEK = re.compile(r"^\s*\d{4}-?W\d{2}(-?\d)?\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^\s*\d{4}\s*$")


@dataclasses.dataclass(frozen=True)
class Season:
    """The season used and why.

    Attributes:
        length: points per season (1: none).
        reason: one line, e.g. "monthly dates: 12 months a year".
    """

    length: int
    reason: str

    def describe(self):
        """``'season 12 (monthly dates: ...)'`` or ``'no season (...)'``."""
        head = "no season" if self.length == NONE else f"season {self.length}"
        return f"{head} ({self.reason})"


def _from_labels(labels):
    """A Season from label text the time axis keeps as row numbers (quarters, weeks,
    years), or None."""
    if not labels:
        return None
    if all(_QUARTER.match(label) for label in labels):
        return Season(4, f"quarterly labels ({labels[0]}): 4 quarters a year")
    if all(_WEEK.match(label) for label in labels):
        return Season(52, f"ISO week labels ({labels[0]}): 52 weeks a year")
    if all(_YEAR.match(label) for label in labels):
        return Season(NONE, f"yearly labels ({labels[0]}): no season within a year")
    return None


def _daily(days):
    """Season of ``[n]`` int64 day numbers (days since 1970-01-01) by their common step."""
    step = int(np.median(np.diff(days)))
    if step == 1:
        weekday = (days + 3) % 7  # Monday 0; 1970-01-01 was a Thursday
        if np.all(weekday < 5) and np.any(np.diff(days) > 1):
            return Season(NONE, "trading days (weekdays only): no weekly season; "
                                "judged against persistence")
        return Season(7, "daily dates on every day of the week: 7 days a week")
    if step == 7:
        return Season(52, "weekly dates: 52 weeks a year")
    if 28 <= step <= 31:
        return Season(12, "monthly dates: 12 months a year")
    if 89 <= step <= 92:
        return Season(4, "quarterly dates: 4 quarters a year")
    if 365 <= step <= 366:
        return Season(NONE, "yearly dates: no season within a year")
    return Season(NONE, f"dates {step} days apart: no calendar season known")


def _from_dates(times):
    unit, _ = np.datetime_data(times.dtype)
    if len(times) < 2:
        return Season(NONE, "a single date")
    if unit == "Y":
        return Season(NONE, "yearly dates: no season within a year")
    if unit == "M":
        step = int(np.median(np.diff(times.astype(np.int64))))
        return {1: Season(12, "monthly dates: 12 months a year"),
                3: Season(4, "quarterly dates: 4 quarters a year")}.get(
            step, Season(NONE, f"dates {step} months apart: no season within a year"))
    if unit in ("W", "D"):
        return _daily(times.astype("datetime64[D]").astype(np.int64))
    seconds = np.diff(times.astype("datetime64[s]").astype(np.int64))
    step = int(np.median(seconds))
    if step == 3600:
        return Season(24, "hourly times: 24 hours a day")
    if step == 86400:
        return _daily(times.astype("datetime64[D]").astype(np.int64))
    return Season(NONE, f"times {step} s apart: no calendar season known")


def infer(times, labels=None):
    """The season of a series from its time axis and label text.

    Args:
        times: ``[n]`` datetime64 dates, or row numbers (``Series.times()``).
        labels: ``[n]`` label strings (column 0), or None.

    Returns:
        Season.
    """
    times = np.asarray(times)
    if np.issubdtype(times.dtype, np.datetime64):
        return _from_dates(times)
    found = _from_labels(labels)
    if found is not None:
        return found
    return Season(NONE, "no dates (row numbers): no season known; set --season N if "
                        "the data has one")


def resolve(given, times, labels, n_train):
    """The season a run uses: ``given`` (``--season``) when set, else ``infer(...)``,
    dropped when the ``n_train`` training points hold fewer than ``MIN_SEASONS`` of it.

    Returns:
        Season.
    """
    if given is not None:
        return Season(int(given), "set by --season" if given != NONE
                      else "--season 1: none")
    found = infer(times, labels)
    if found.length > NONE and n_train < MIN_SEASONS * found.length:
        return Season(NONE, f"{found.reason}, but the {n_train} training points hold fewer "
                            f"than {MIN_SEASONS} seasons of {found.length}")
    return found


def season_stage(loaded, config, progress=None):
    """``config`` with its season settled: ``--season`` when given, else inferred from
    ``loaded``'s time labels (``resolve``); says which and why -> ChapterConfig."""
    found = resolve(config.season, loaded.times, loaded.labels,
                    train_size(len(loaded.values), config.percent_train))
    if progress is not None:
        progress.step(f"Season: {found.describe()}")
    return dataclasses.replace(config, season=found.length)
