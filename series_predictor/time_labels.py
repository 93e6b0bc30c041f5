"""Time labels: the forms a label column is read in (ISO dates, years, quarters,
weeks, month names ...), and the checks that refuse a label of another form,
repeated, out of order or a total row. Gaps are checked by ``time_axis``.

NumPy and the standard library only.
"""

import collections
import datetime
import re

import numpy as np

from .csv_text import _NUMBER, _show
from .errors import DataFormatError
from .iso_times import DATE_FORMS, PATTERNS, check_offsets, date_axis, date_unit, iso_time
from .time_axis import _check_steps, _check_time_gaps


# ---------------------------------------------------------------- labels and dates

def _label_kind(label):
    """'date', 'number', 'empty' or 'text': what a label cell looks like."""
    label = label.strip()
    if date_unit(label):
        return "date"
    if _NUMBER.fullmatch(label):
        return "number"
    return "text" if label else "empty"


# Forms of time labels, most specific first: ISO dates (the time axis), then
# other notations, checked but kept as text.
_Form = collections.namedtuple("_Form", "notation pattern period")
_Form.__doc__ = """A form of time labels: ``notation`` for messages, ``pattern`` a
label matches in full, ``period``: an ISO unit of ``DATE_FORMS`` or 'day', 'week',
'quarter', 'month', 'year'."""
_ISO_FORMS = {unit: _Form(DATE_FORMS[unit], re.compile(pattern, re.ASCII), unit)
              for unit, pattern in PATTERNS.items()}
_OTHER_FORMS = tuple(_Form(notation, re.compile(pattern, re.ASCII | re.IGNORECASE), period)
                     for notation, pattern, period in (
    ("YYYY-Www", r"(?P<y>\d{4})-?W(?P<w>\d{2})", "week"),
    ("YYYYQn", r"(?P<y>\d{4}) ?-? ?Q(?P<q>\d)", "quarter"),
    ("Qn YYYY", r"Q(?P<q>\d)[ /-]?(?P<y>\d{4})", "quarter"),
    ("YYYY/MM/DD", r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})", "day"),
    ("YYYYMmm", r"(?P<y>\d{4})M(?P<m>\d{2})", "month"),
    ("YYYY-M", r"(?P<y>\d{4})-(?P<m>\d{1,2})", "month"),
    ("YYYY/MM", r"(?P<y>\d{4})/(?P<m>\d{1,2})", "month"),
    ("MM/YYYY", r"(?P<m>\d{1,2})[/-](?P<y>\d{4})", "month"),
    ("Mon YYYY", r"(?P<n>[a-z]{3,9})\.?[ -]?(?P<y>\d{4})", "month"),
    ("YYYY Mon", r"(?P<y>\d{4})[ -]?(?P<n>[a-z]{3,9})", "month"),
    ("YYYY", r"(?P<y>\d{4})", "year")))
_FISCAL_FORM = _Form("YYYY-YY", re.compile(r"(?P<y>\d{4})[-/](?P<z>\d{2})", re.ASCII),
                     "fiscal year")
_ALL_FORMS = (_FISCAL_FORM, *_ISO_FORMS.values(), *_OTHER_FORMS)  # 2019-20 before YYYY-MM
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTH_NUMBERS = {**{name: i for i, name in enumerate(_MONTH_NAMES, 1)},
                  **{name[:3]: i for i, name in enumerate(_MONTH_NAMES, 1)}, "sept": 9}
_TOTAL_HINT = ("; a total or note row? delete it (notes after the data go after a blank line, "
               "without a number in the value column)")


def _steady(years):
    """Whether at least half the steps between ``years`` (texts of integers), and two
    or more, are one same step: a column of years (perhaps with a mistake), not of
    four-digit values; and that step is not 0 more often than any other (a year
    column beside a month or quarter column: ``2018,1,5`` ``2018,2,7``)."""
    steps = np.diff(np.array([int(year) for year in years], dtype=np.int64))
    if len(steps) < 2:
        return True
    values, counts = np.unique(steps, return_counts=True)
    most = int(np.max(counts))
    repeats = int(counts[values == 0].sum())
    return most >= 2 and 2 * most >= len(steps) and not repeats > int(counts[values != 0].max(
        initial=0))


def _years_column(labels, years):
    """Whether ``labels``, of which ``years`` are four-digit numbers, are years: steady,
    and no other label is a number (an index 0, 1, ..., 2999 is no column of years)."""
    known = set(years)
    if len(years) < len(labels) and any(_NUMBER.fullmatch(label.strip())
                                        for label in labels if label not in known):
        return False
    return _steady(years)


def _names_time(label, form):
    """Whether ``label`` matches ``form`` and, unless the form is ISO, names a time
    (``obs1001`` has the shape of ``Jan 1949`` but names no month)."""
    match = form.pattern.fullmatch(label)
    if match is None or form.period in DATE_FORMS:
        return match is not None
    try:
        _label_time(label, match, form.period)
    except (ValueError, KeyError):
        return False
    return True


def _labels_form(labels):
    """The ``_Form`` of the time labels, decided from all of them: the most specific
    that more than half of them match (``_names_time``; four-digit numbers are years
    only when ``_steady``); else the ISO date form of the first label; else None."""
    for form in _ALL_FORMS:
        matching = [label for label in labels if _names_time(label, form)]
        if 2 * len(matching) > len(labels) and (form.period != "year"
                                                or _years_column(labels, matching)):
            return form
    unit = date_unit(labels[0])
    return _ISO_FORMS[unit] if unit else None


def quarter_notation(labels):
    """``"YYYYQn"`` or ``"Qn YYYY"`` when ``labels`` are quarters in that notation
    (``1990Q1``, ``Q1 1990``: ``label_dates`` reads them as the quarters' first days,
    printed back in it by ``time_axis.shown_time``); else None."""
    if not labels or any(not isinstance(label, str) for label in labels) \
            or date_axis(labels) is not None:
        return None
    form = _labels_form(labels)
    return form.notation if form is not None and form.period == "quarter" else None


def _period_number(match, period):
    """The period a label's ``match`` names, counted in ``period``s (weeks from
    0001-01-01); ValueError (or KeyError) when it names none (week 54, Q5, 'Foo',
    fiscal year 2019-21)."""
    parts = match.groupdict()
    year = int(parts["y"])
    if period == "fiscal year" and int(parts["z"]) != (year + 1) % 100:
        raise ValueError(parts["z"])
    if period in ("year", "fiscal year"):
        return year
    if period == "week":
        return (datetime.date.fromisocalendar(year, int(parts["w"]), 1).toordinal() - 1) // 7
    if period == "quarter":
        if not 1 <= int(parts["q"]) <= 4:
            raise ValueError(parts["q"])
        return year * 4 + int(parts["q"]) - 1
    month = _MONTH_NUMBERS[parts["n"].lower()] if parts.get("n") else int(parts["m"])
    if not 1 <= month <= 12:
        raise ValueError(month)
    return year * 12 + month - 1


def _show_period(number, period):
    """The label of period ``number`` (see ``_period_number``) in canonical form."""
    number = int(number)
    if period == "year":
        return str(number)
    if period == "fiscal year":
        return f"{number}-{(number + 1) % 100:02d}"
    if period == "quarter":
        return f"{number // 4}Q{number % 4 + 1}"
    if period == "month":
        return f"{number // 12}-{number % 12 + 1:02d}"
    year, week, _ = datetime.date.fromordinal(number * 7 + 1).isocalendar()
    return f"{year}-W{week:02d}"


def _label_time(label, match, period):
    """The time ``label`` names: datetime64 for ISO and YYYY/MM/DD dates, else an int."""
    if period in DATE_FORMS:
        return iso_time(label, period)
    if period == "day":
        parts = match.groupdict()
        return np.datetime64(datetime.date(int(parts["y"]), int(parts["m"]), int(parts["d"])), "D")
    return _period_number(match, period)


_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


def _as_dates(numbers, period):
    """``[n]`` datetime64 of period ``numbers`` (see ``_period_number``): months as
    ``datetime64[M]``; quarters as the first day of their first month and ISO weeks as
    their Monday (``datetime64[D]``: quarter-start dates, as FRED writes quarterly data);
    years as ``datetime64[Y]``; None for fiscal years (no calendar date)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if period == "month":
        return (numbers - 1970 * 12).astype("datetime64[M]")
    if period == "quarter":
        return (3 * numbers - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")
    if period == "week":
        return (7 * numbers + 1 - _EPOCH_ORDINAL).astype("datetime64[D]")
    if period == "year":
        return (numbers - 1970).astype("datetime64[Y]")
    return None


def label_dates(labels):
    """The dates ``labels`` name, when all of them name one in the form they share.

    ISO dates and date-times keep their unit; other notations the loader reads become
    ISO dates (``_as_dates``): ``Jan 1949``, ``1949M01``, ``1949/1`` -> 1949-01;
    ``1990Q1``, ``Q1 1990`` -> 1990-01-01; ``2020-W05`` -> 2020-01-27 (its Monday);
    ``1990`` -> 1990; ``1990/3/7`` -> 1990-03-07.

    Args:
        labels: ``[n]`` label strings (column 0), or None.

    Returns:
        ``[n]`` datetime64, or None (no labels, fiscal years, labels of no time form,
        or a label naming no time).
    """
    if not labels or any(not isinstance(label, str) for label in labels):
        return None
    times = date_axis(labels)
    if times is not None:
        return times
    form = _labels_form(labels)
    if form is None or form.period in DATE_FORMS:
        return None
    matches = [form.pattern.fullmatch(label) for label in labels]
    if not all(matches):
        return None
    try:
        points = [_label_time(label, match, form.period)
                  for label, match in zip(labels, matches)]
    except (ValueError, KeyError):
        return None
    return np.array(points) if form.period == "day" else _as_dates(points, form.period)


def _total_hint(data, row, label):
    """The hint for a refused label: a total or note row, when it is the last and
    of no form or holds a word other than a month's name (``Total 1951``)."""
    words = [word for word in _SHAPE_LETTERS.findall(label)
             if len(word) > 1 and word.lower() not in _MONTH_NUMBERS]
    note = words or not any(form.pattern.fullmatch(label) for form in _ALL_FORMS)
    return _TOTAL_HINT if row is data[-1] and note else ""


def _form_times(path, data, labels, form):
    """``[n]`` time of each label (see ``_label_time``); raises for the first label
    not of ``form``, as most labels are, or naming no time."""
    times = date_axis(labels) if form.period in DATE_FORMS else None
    if times is not None:
        return times
    check_offsets(path, data, labels)
    example = next(i for i, label in enumerate(labels) if form.pattern.fullmatch(label))
    points = []
    for row, label in zip(data, labels):
        match = form.pattern.fullmatch(label)
        if match is None:
            raise DataFormatError(
                f"{path}, line {row.line}: label {_show(label)} is not a date of the form "
                f"{form.notation} like {labels[example]!r} on line {data[example].line}"
                f"{_total_hint(data, row, label)}")
        try:
            points.append(_label_time(label, match, form.period))
        except (ValueError, KeyError):
            what = form.period if form.period in ("week", "quarter", "month",
                                                  "fiscal year") else "date"
            raise DataFormatError(f"{path}, line {row.line}: {label!r} is not a valid {what}; "
                                  f"expected {form.notation}{_total_hint(data, row, label)}") \
                from None
    return np.array(points)


def _check_date_order(path, data, labels, times):
    """Times must run forward: none repeated, none earlier than the one before."""
    steps = np.diff(times.view(np.int64) if times.dtype.kind == "M" else times)
    bad = np.flatnonzero(steps <= 0)
    if bad.size:
        i = int(bad[0])
        what = "date repeated" if steps[i] == 0 else "dates out of order"
        hint = ""
        if np.all(steps <= 0) and np.any(steps < 0):
            hint = ("; the rows run newest first (down to "
                    f"{labels[-1]!r} on line {data[-1].line}): reverse their order")
        elif times.dtype.kind == "M" and np.datetime_data(times.dtype)[0] in "hms":
            hint = "; clocks set back for daylight saving? write the times in UTC"
        raise DataFormatError(
            f"{path}, lines {data[i].line} and {data[i + 1].line}: {what} ({labels[i]!r}, "
            f"then {labels[i + 1]!r}); expected one row per date, earliest first{hint}")


_SHAPE_DIGITS = re.compile(r"[+-]?\d+")  # t-5 .. t0 share a shape
_SHAPE_LETTERS = re.compile(r"[^\W\d_]+")


def _label_shape(label):
    """'N' for a number, else ``label`` with digit runs (and a sign before them) as '9'
    and letter runs as 'a'."""
    if _NUMBER.fullmatch(label):
        return "N"
    return _SHAPE_LETTERS.sub("a", _SHAPE_DIGITS.sub("9", label))


def _check_last_label(path, data, labels):
    """Labels of no time form: a last label shaped unlike all the others, which
    share one shape, labels a total or note row (``Jan-0``..``Jan-29``, ``Total``)."""
    if len(labels) < 3:
        return
    shapes = {_label_shape(label) for label in labels[:-1]}
    if len(shapes) == 1 and _label_shape(labels[-1]) not in shapes:
        raise DataFormatError(
            f"{path}, line {data[-1].line}: label {_show(labels[-1])} is not shaped like the "
            f"other labels (such as {labels[0]!r} on line {data[0].line}){_TOTAL_HINT}")


_YEAR_TOKEN = re.compile(r"(?<!\d)[12]\d{3}(?!\d)")


def _check_years_forward(path, data, labels):
    """Labels of no time form that each hold one four-digit year (``03/31/2023``,
    ``31.03.2023``, a time zone): the years must not run backwards (newest-first
    exports would otherwise be read in reverse)."""
    years = []
    for label in labels:
        found = _YEAR_TOKEN.findall(label)
        if len(found) != 1 or _NUMBER.fullmatch(label.strip()):  # numbers: maybe no years
            return
        years.append(int(found[0]))
    steps = np.diff(np.array(years, dtype=np.int64))
    bad = np.flatnonzero(steps < 0)
    if bad.size:
        i = int(bad[0])
        hint = "; the rows run newest first: reverse their order" if np.all(steps <= 0) else ""
        raise DataFormatError(
            f"{path}, lines {data[i].line} and {data[i + 1].line}: dates out of order "
            f"({labels[i]!r}, then {labels[i + 1]!r}: the year goes back); expected the "
            f"earliest first{hint}")


_DAY_MONTH_YEAR = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*")


def _ordinals(matches, month_first):
    """Day numbers of ``matches`` read as MM/DD/YYYY (or DD/MM/YYYY), or None when some
    label is no valid date that way."""
    try:
        return np.array([datetime.date(int(m[3]), int(m[1 if month_first else 2]),
                                       int(m[2 if month_first else 1])).toordinal()
                         for m in matches], dtype=np.int64)
    except ValueError:
        return None


def _check_day_month_year(path, data, labels):
    """``03/31/2023`` or ``31.03.2023`` labels (kept as text: month and day may be either
    way round) must run forward read one way or the other."""
    matches = [_DAY_MONTH_YEAR.fullmatch(label) for label in labels]
    if len(labels) < 2 or not all(matches):
        return
    readings = [(name, days) for name, days in (("MM/DD/YYYY", _ordinals(matches, True)),
                                                ("DD/MM/YYYY", _ordinals(matches, False)))
                if days is not None]
    if not readings or any(np.all(np.diff(days) > 0) for _, days in readings):
        return
    name, days = readings[0]
    steps = np.diff(days)
    i = int(np.flatnonzero(steps <= 0)[0])
    hint = "; the rows run newest first: reverse their order" if np.all(steps < 0) else ""
    raise DataFormatError(
        f"{path}, lines {data[i].line} and {data[i + 1].line}: dates out of order or repeated "
        f"({labels[i]!r}, then {labels[i + 1]!r}, read as {name}); expected one row per date, "
        f"earliest first{hint}")


def _check_dates(path, data, labels):
    """Time labels of a form most of them share (see ``_labels_form``): every label
    of that form and valid, running forward, one row per time, no period missing
    (``_check_time_gaps``; other forms by their period). Labels of no form: the
    last one shaped like the others (``_check_last_label``), and years that never
    go back (``_check_years_forward``)."""
    form = _labels_form(labels)
    if form is None:
        _check_last_label(path, data, labels)
        _check_years_forward(path, data, labels)
        _check_day_month_year(path, data, labels)
        return
    times = _form_times(path, data, labels, form)
    _check_date_order(path, data, labels, times)
    if times.dtype.kind == "M":
        _check_time_gaps(path, data, labels, times)
    else:
        _check_steps(path, data, labels, times, form.period,
                     lambda number: _show_period(number, form.period))
