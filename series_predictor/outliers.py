"""Name a lone spike (one value far off its neighbours, like 1e9 in a series near 100)
before it silently skews the normalization, the training and every forecast; and a
last value far off the one before it (``last_jump``), which has no step out to show
whether it is a spike.

The rule, robust to trends and seasons: take the first differences ``d`` of the series
and their robust scale ``s = 1.4826 * median(|d - median(d)|)`` (the MAD, which equals
the standard deviation for normal steps). Value ``i`` is a spike when the step into it
and the step out of it have opposite signs and both exceed ``SPIKE_SCALES * s``. With
``SPIKE_SCALES = 20`` a normal step is that large with probability below 1e-80, so an
ordinary series (the airline passengers: largest step 4.3 s) is never flagged; a
steady exponential growth has steps of one sign and is never flagged either, and in a
positive series a spike must be one in the logarithm too (a season on an exponential
growth is not).
"""

import numpy as np

SPIKE_SCALES = 20.0


def spikes(values):
    """Indices of lone spikes in ``values`` (``[n]`` float64), at most 5, in order. A
    positive series' spike must be one in its logarithm too: the peaks of a season on
    an exponential growth are large steps in and out against the early ones, not in
    ratio."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 5:
        return []
    big = _lone(values)
    if np.any(big) and np.all(values > 0):
        big &= _lone(np.log(values))
    return [int(i) + 1 for i in np.flatnonzero(big)[:5]]


def last_jump(values):
    """Whether the last value of ``values`` (``[n]`` float64) is a step departing from
    the median step by over ``SPIKE_SCALES`` robust scales (in the logarithm too for a
    positive series): a spike with no step out yet, which ``spikes`` cannot see, or the
    first value of a new level; the forecast starts from it either way."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 5:
        return False
    if np.all(values > 0) and not _last_big(np.log(values)):
        return False
    return _last_big(values)


def _last_big(values):
    """Whether the last step departs from the median step by over ``SPIKE_SCALES``
    robust scales (a scale of rounding noise, as a straight line in the logarithm of
    an exponential growth has, counts as a billionth of the median step)."""
    steps = np.diff(values)
    median = np.median(steps)
    scale = max(_scale(steps), 1e-9 * np.median(np.abs(steps)))
    return bool(np.isfinite(scale) and scale > 0
                and abs(steps[-1] - median) > SPIKE_SCALES * scale)


def _scale(steps):
    """The robust scale of ``steps`` (1.4826 MAD; their mean absolute deviation from the
    median when the MAD is 0)."""
    scale = 1.4826 * np.median(np.abs(steps - np.median(steps)))
    if not np.isfinite(scale) or scale <= 0:
        scale = np.mean(np.abs(steps - np.median(steps)))
    return scale


def _lone(values):
    """``[n - 2]``: whether each inner value's steps in and out have opposite signs and
    both exceed ``SPIKE_SCALES`` robust scales of the steps (all False without a scale)."""
    steps = np.diff(values)
    scale = _scale(steps)
    into, out_of = steps[:-1], steps[1:]
    if not np.isfinite(scale) or scale <= 0:
        return np.zeros(len(into), dtype=bool)
    return (np.sign(into) == -np.sign(out_of)) & (np.minimum(np.abs(into), np.abs(out_of))
                                                  > SPIKE_SCALES * scale)


def spike_warnings(loaded):
    """One line per spike of ``loaded`` (``stages.LoadedSeries``), naming file, line and
    value; empty when there is none."""
    return [f"{loaded.path}, line {loaded.lines[i]}: {loaded.values[i]:g} is a lone spike "
            f"(its steps in and out are over {SPIKE_SCALES:g} robust scales of the series' "
            "steps); if it is a typo, fix it: it skews the normalization and every forecast"
            for i in spikes(loaded.values)] + _last_jump_warning(loaded)


def data_warnings(loaded):
    """Every warning about ``loaded``'s data, said before training and kept in
    metrics.json's ``data_warnings`` (a collection prints them): its spikes, a last
    jump, and times read in UTC (``loaded.utc_note``: a CSV's or a pandas index's)."""
    return spike_warnings(loaded) + ([loaded.utc_note] if loaded.utc_note else [])


def _last_jump_warning(loaded):
    """The line naming a last value that ``last_jump`` finds, in a list (or empty)."""
    values = loaded.values
    if not last_jump(values):
        return []
    return [f"{loaded.path}, line {loaded.lines[-1]}: the last value {values[-1]:g} is a "
            f"jump from {values[-2]:g} of over {SPIKE_SCALES:g} robust scales of the series' "
            "steps; if it is a typo, fix it: the forecast starts from it. If the level "
            "really changed, one value cannot show it: check the forecast against the next"]


def check_semi_monthly(loaded):
    """Refuse dates that fall on two fixed days of each month (the 1st and the 15th):
    their steps are 13 to 16 days, and the forecast's dates would go on by a fixed step
    (2024-02-29, 03-14, ...). Raises DataFormatError naming the file."""
    from .errors import DataFormatError
    times = np.asarray(loaded.times)
    if times.dtype.kind != "M" or len(times) < 4:
        return
    days = times.astype("datetime64[D]")
    if np.any(days != times):
        return
    day_of_month = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    months = days.astype("datetime64[M]").astype(int)
    if len(set(day_of_month.tolist())) == 2 and np.all(np.diff(months) <= 1) \
            and len(set(np.diff(days).astype(int).tolist())) > 1:
        first, second = sorted(set(day_of_month.tolist()))
        raise DataFormatError(
            f"{loaded.path}: the dates fall on day {first} and day {second} of each month "
            "(semi-monthly); their steps are not a fixed number of days, and forecast dates "
            "go on by months or by a fixed step only: use one row per month, or number the "
            "rows instead of dating them")
