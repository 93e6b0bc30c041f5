"""The season of a series, inferred from its time labels (``--season`` overrides).

Quarters -> 4, months -> 12, ISO weeks or weekly dates -> 52, daily dates on every
day of the week -> 7, hours -> 24, half hours -> 48, quarter hours -> 96 (at every
time of the day); trading days (weekdays only), market hours, years, other steps and
plain row numbers -> no season. "No season" is the season 1: the seasonal naive
forecast at lag 1 is persistence, the season means are the mean,
and ``--recipe auto`` weighs no seasonal candidate. A season the training part
cannot hold twice is not used (said why). NumPy only.
"""

import dataclasses

import numpy as np

from .data_loader import train_size
from .time_axis import day_part

NONE = 1                # "no season": seasonal naive at lag 1 is persistence
MIN_SEASONS = 2         # full seasons the training part must hold to use a season


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
        """``'12 (monthly dates: ...)'`` or ``'no season (...): judged against
        persistence'`` (printed after "Season: ")."""
        if self.length == NONE:
            return f"no season ({self.reason}): judged against persistence"
        return f"{self.length} ({self.reason})"


def _daily(days):
    """Season of ``[n]`` int64 day numbers (days since 1970-01-01) by their common step."""
    step = int(np.median(np.diff(days)))
    if step == 1:
        weekday = (days + 3) % 7  # Monday 0; 1970-01-01 was a Thursday
        if np.all(weekday < 5) and np.any(np.diff(days) > 1):
            return Season(NONE, "trading days (weekdays only): no weekly season")
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


_PER_DAY = {3600: ("hourly", "24 hours a day"), 1800: ("half-hourly", "48 a day"),
            900: ("quarter-hourly", "96 a day")}


def _intraday(seconds, step):
    """Season of ``[n]`` int64 times (seconds since 1970) ``step`` seconds apart: the
    day's ``86400 // step``, unless data spanning a day or more leave out some of the
    day's times (market hours: 13 half hours a day, not 48; seasonal naive at lag 48
    went back almost four trading days)."""
    what, per_day = _PER_DAY[step], 86400 // step
    slots = len(np.unique(seconds % 86400 // step))
    if seconds[-1] - seconds[0] >= 86400 and slots < per_day:
        return Season(NONE, f"{what[0]} times, {slots} of the day's {per_day}: no daily "
                            "season known (market hours?)")
    return Season(per_day, f"{what[0]} times: {what[1]}")


def _from_dates(times):
    if len(times) < 2:
        return Season(NONE, "a single date")
    split = day_part(times)  # date-times all at one time of day count as their dates
    times = split[0] if split is not None else times
    unit, _ = np.datetime_data(times.dtype)
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
    if step in _PER_DAY:  # electricity and load data: the day is their season
        return _intraday(times.astype("datetime64[s]").astype(np.int64), step)
    if step == 86400:
        return _daily(times.astype("datetime64[D]").astype(np.int64))
    return Season(NONE, f"times {step} s apart: no calendar season known")


EXCEL_EPOCH = np.datetime64("1899-12-30")  # day 0 of Excel's (1900) date serials
EXCEL_SPAN = (20_000, 80_000)             # serials of 1954-10-03 .. 2119-01-10
EXCEL_STEPS = ({1}, {7}, {28, 29, 30, 31}, {89, 90, 91, 92}, {365, 366})


def _excel_serials(times):
    """A hint when ``times`` (numbers, or the labels' texts) look like Excel date serials
    that a spreadsheet saved without their date format: whole numbers in ``EXCEL_SPAN``,
    consecutive days, weeks, months, quarters or years apart; else ''. They were read
    as plain numbers, with no word of the dates they stand for."""
    try:
        values = np.asarray([float(t) for t in times], dtype=np.float64)
    except (TypeError, ValueError):
        return ""
    steps = set(np.diff(values).tolist())
    if len(values) < 3 or not np.all(values == np.round(values)) \
            or values.min() < EXCEL_SPAN[0] or values.max() > EXCEL_SPAN[1] \
            or not any(steps <= allowed for allowed in EXCEL_STEPS):
        return ""
    first = EXCEL_EPOCH + np.timedelta64(int(values[0]), "D")
    return (f"; Excel date serials? {int(values[0])} is {first} in a spreadsheet: format "
            "that column as dates (YYYY-MM-DD) before saving the CSV")


def infer(times, labels=None):
    """The season of a series from its time axis, named with its first label.

    Args:
        times: ``[n]`` datetime64 dates (``Series.times()``: every label form the
            loader reads as dates, ``1990Q1``, ``Jan 1949`` and ``2020-W05`` too),
            or row numbers.
        labels: ``[n]`` label strings (column 0), or None.

    Returns:
        Season.
    """
    times = np.asarray(times)
    if not np.issubdtype(times.dtype, np.datetime64):
        numbered = len(times) == 0 or np.array_equal(times, np.arange(len(times)))
        what = f"no calendar dates (labels like {labels[0]!r})" if labels else \
            "no dates (row numbers)" if numbered else \
            f"no dates (numbers: {', '.join(map(str, times[:2]))} ...)"
        return Season(NONE, f"{what}: no season known; give one (--season N, or "
                              "fit(..., season=N)) if the data has one"
                      + _excel_serials(labels or times))
    found = _from_dates(times)
    if labels and labels[0] != str(times[0]).replace("T", " "):
        what, _, why = found.reason.partition(":")  # name the form the labels are in
        found = Season(found.length, f"{what} ({labels[0]} ...):{why}")
    return found


def resolve(given, times, labels, n_train):
    """The season a run uses: ``given`` (``--season``) when set, else ``infer(...)``,
    dropped when the ``n_train`` training points hold fewer than ``MIN_SEASONS`` of it.

    Returns:
        Season.
    """
    found = infer(times, labels)
    if given is not None:
        told = "set by --season" if given != NONE else "--season 1: none"
        inferred = "none" if found.length == NONE else found.length
        return Season(int(given), f"{told}; from the labels: {inferred}, {found.reason}")
    if found.length > NONE and n_train < MIN_SEASONS * found.length:
        return Season(NONE, f"{found.reason}, but the {n_train} training points hold fewer "
                            f"than {MIN_SEASONS} seasons of {found.length}")
    return found


def season_stage(loaded, config, progress=None):
    """``config`` with its season settled: ``--season`` when given, else inferred from
    ``loaded``'s time labels (``resolve``); says which and why -> ChapterConfig."""
    found = resolve(config.season, loaded.times, loaded.labels,
                    train_size(len(loaded.values), config.percent_train))
    if progress is not None:  # a result, printed with --quiet too: it picks the baseline
        progress.result(f"Season: {found.describe()}")
    config = dataclasses.replace(config, season=found.length)
    config, note = recipe_lags(config)
    if progress is not None and note:
        progress.result(note)
    warning = diff_warning(config)
    if progress is not None and warning:
        progress.warn(warning)
    return config


def recipe_lags(config):
    """``(config, note)``: ``--recipe seasonal``'s differencing lags (1, 12), chosen on
    monthly data, made to follow the settled season: (1, season), or (1,) without one,
    with a sentence saying so (None when nothing changed: months, another recipe, or
    other lags given with ``--diff``)."""
    from .recipes import RECIPES
    default = tuple(RECIPES["seasonal"]["diff"])
    if config.recipe != "seasonal" or tuple(config.diff or ()) != default:
        return config, None
    lags = (1, config.season) if config.season > NONE else (1,)
    if lags == default:
        return config, None
    what = f"the season, {config.season}" if config.season > NONE else "no season"
    return dataclasses.replace(config, diff=lags), (
        f"--recipe seasonal differences at lag {' and '.join(map(str, lags))} ({what}; "
        f"its lag {default[-1]} is for months; --diff chooses others)")


def diff_warning(config):
    """A sentence when ``config.diff`` (``--diff``, or ``--recipe seasonal``'s 1,12)
    differences at a lag above 1 that is not the run's settled ``config.season``, else
    None: the seasonal recipe's lag 12 fits months only, and a quarterly or daily
    series was differenced at it without a word."""
    lags = [lag for lag in config.diff or () if lag > 1 and lag != config.season]
    if not lags:
        return None
    from .recipes import RECIPES
    given = ",".join(str(lag) for lag in config.diff)
    whose = (f"--recipe seasonal's --diff {given}" if config.recipe == "seasonal"
             and tuple(config.diff) == tuple(RECIPES["seasonal"]["diff"]) else f"--diff {given}")
    fits = (1,) if config.season <= NONE else (1, config.season)
    what = "this series has no season" if config.season <= NONE else \
        f"this series' season is {config.season}"
    return (f"{whose} differences at lag {', '.join(map(str, lags))}, but {what}: pass "
            f"--diff {','.join(map(str, fits))} (diff={fits} in Python), or use --recipe auto")
