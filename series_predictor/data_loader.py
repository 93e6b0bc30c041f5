"""Load, normalize, split and window a series (listing 10.7 and the loops of 10.9).

NumPy and the standard library only: importing this module does not import
TensorFlow.

The file format is the one the book's readers download: comma-separated rows,
the value in column ``series_idx``, optionally the time in column 0. Unlike the
book, the file needs no hand-editing. A reader's own file never gives a silent
wrong number: what is not read as intended is refused with a one-line
``DataFormatError`` naming the file, the line, the text found and what was
expected.

Read as intended:

- a header row (also one quoted over several lines; a one-field title line
  counts as a header), blank lines, notes after the data that follow a blank
  line or have no value column;
- UTF-8 with or without a byte-order mark, UTF-16 and UTF-32 with one;
  ``encoding='latin-1'`` (any Python codec) for other files;
- ``\\n``, ``\\r\\n`` and ``\\r`` line ends; Excel's ``sep=,`` first line (a
  ``sep=;``, ``sep=|`` or tab line makes that the delimiter); quoted values;
  spaces around values; empty fields at the end of rows (trailing commas) are
  not counted; a column the header names may be left empty (``1949-01,112,``
  under ``Month,Pass,Note``);
- the book's ``load_series('international-airline-passengers.csv')`` from any
  folder: a bare file name that is missing but bundled with the package reads
  the bundled copy and says so on stderr.

Refused:

- a data row with more or fewer fields than the header (or, without one, the
  first data row): a thousands separator or a decimal comma split a number;
  likewise an integer value followed by digits in columns most rows leave empty
  (``1949-01,1,120`` among ``1949-02,118,``);
- a field holding ``;`` or a tab (the file uses another delimiter);
- values other than plain ASCII decimal or exponent numbers (``7``, ``-1.5e3``,
  ``.5``): ``1,120``, ``112,3``, ``1 120``, ``1_000``, non-ASCII digits,
  ``12%``, ``$5``, NaN and infinity, and magnitudes float64 cannot hold
  (``1e999``; ``1e-400``, which would read as 0; tiny values that would lose
  digits);
- header-less rows whose value is an integer followed, in every row, only by
  columns of digits (``1949-01,1,120``): one number split by a separator. A
  header naming the columns says they are separate;
- ``1.120`` among whole numbers below 1000: a ``.`` thousands separator;
- a first row whose label looks like the data's labels (a date, a number) but
  whose value is missing (``1949-01,NA``): a data row, not a header. A first
  row with a number but a label without digits (``Month,2020``; pandas' ``,0``)
  is a header;
- time labels, in the form most of them share (ISO dates ``YYYY-MM``,
  ``YYYY-MM-DD`` and date-times; years ``1990``; ``1949-1``, ``1949/01``,
  ``01/1949``, ``Jan 1949``, ``1949 Jan``; quarters ``1990Q1``, ``1990 Q1``,
  ``Q1 1990``; ISO weeks ``2020-W01``; ``2020/01/31``), where a label is of
  another form (the first too: ``1949-1`` above ``1949-02``, ``Q1,2021`` above
  dates), invalid, repeated or out of order; a missing period: a month in
  monthly or coarser data (days all on one day D of the month, the last day
  of months shorter than D, or all on last days; date-times all at one time
  of day count as their dates), a year, quarter or week; a day in
  daily data on every day of the week, a week in weekly data (daily data of a
  trading week, weekdays only, Sunday to Thursday or Monday to Saturday, may
  miss holidays); a date off the day of the month most dates are on.
  Four-digit numbers are years when most steps between them are one step;
- a last row whose label is not of the others' form or, for labels of no such
  form, not of the shape all the others share (``Total`` under ``Jan-0`` ..
  ``Jan-29`` or under numbers): a total or note row;
- a row after the data, without a blank line before it, that looks like a data
  row cut short (``1960-12`` alone, ``1960-12,NA``) or holds ``;`` or a tab;
  likewise a one-field first row holding ``;`` or a tab;
- a quoted field running over several lines in the data (a missing quote);
  bytes that are not text in the encoding; NUL characters (UTF-16 without a
  byte-order mark?).

Not caught: a file whose values are all written with a ``.`` thousands
separator (``1.120``, ``2.345``) reads as three decimals, as a ``%.3f`` export
must. Labels of other forms (``Jan-49`` and other two-digit years, ``01/02/2020``,
time zones) are kept as text, checked only for order: day-month-year dates must run
forward read one way round or the other, and a four-digit year in every label must
never go back (newest-first exports); labels of the checked forms other
than ISO dates are kept as text too: the time axis counts points. Missing hours
in hourly or finer data, missing points in other number labels, and a mistake
in four-digit years too irregular to be taken for years, are not caught.

``Normalization`` divides by a power of two near the largest magnitude before
taking the mean and std (exact, so ordinary series give the plain formula's
bits) so that values up to float64's largest normalize and invert.
"""

import codecs
import collections
import csv
import dataclasses
import datetime
import decimal
import io
import math
import os
import re
import sys

import numpy as np

from .errors import (DataFileNotFoundError, DataFormatError, InputShapeError, SettingError,
                     SeriesTooShortError)
from .validation import MAX_STEPS, check_fraction, check_int, check_positive_int, check_text

BUNDLED_CSV = "international-airline-passengers.csv"

# Date labels and the NumPy unit of each form (told apart by length).
_DATE = re.compile(r"\d{4}-\d{2}(-\d{2}([T ]\d{2}(:\d{2}){0,2})?)?", re.ASCII)
_DATE_UNITS = {7: "M", 10: "D", 13: "h", 16: "m", 19: "s"}
_DATE_FORMS = {"M": "YYYY-MM", "D": "YYYY-MM-DD", "h": "YYYY-MM-DDThh",
               "m": "YYYY-MM-DDThh:mm", "s": "YYYY-MM-DDThh:mm:ss"}
_LAST_DRAWABLE = np.datetime64("9999-12-31", "D")  # NumPy and matplotlib draw up to here

# Values: plain ASCII decimal or exponent notation, and the near misses.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_MISSING = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "none", "-", "?", "."})  # ".": FRED
_GROUPED = re.compile(r"[+-]?\d{1,3}(([ '\u00a0\u202f\u2009\u2019]\d{3})+|(\.\d{3}){2,})(\.\d+)?")
_DOT_THOUSANDS = re.compile(r"[+-]?\d{1,3}\.\d{3}", re.ASCII)
_SMALL_INTEGER = re.compile(r"[+-]?\d{1,3}", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_DIGITS = re.compile(r"\d+", re.ASCII)
_LAST_DIGITS = re.compile(r"\d+(\.\d*)?", re.ASCII)  # the last group of 1,000.5
_SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)
_EXPECTED_NUMBER = "expected a plain number such as 1120, 112.3 or -1.5e3"

# Text and rows.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SEP_LINE = re.compile(r'"?sep=([,;\t|])"?[ \t]*(\r\n|\r|\n|\Z)', re.IGNORECASE)
_FOREIGN_DELIMITERS = {";": "';'", "\t": "a tab"}

_Row = collections.namedtuple("_Row", "line cells after_blank")
_Row.__doc__ = """A non-blank CSV row: ``line`` is the physical line (1-based) where it
starts, ``cells`` its fields, ``after_blank`` whether a blank line precedes it."""
_Shape = collections.namedtuple("_Shape", "width line what")
_Shape.__doc__ = """The field count data rows must have, from the row on ``line``
(``what``: 'the header' or 'the first data row')."""
_Block = collections.namedtuple("_Block", "header data shape")


def _show(text, limit=60):
    """``repr`` of ``text`` on one line, cut after ``limit`` characters."""
    return repr(text[:limit]) + ("..." if len(text) > limit else "")


def _line_of(text, index):
    """Physical line (1-based) of character ``index`` of ``text``."""
    return len(_LINE_BREAK.findall(text, 0, index)) + 1


# ---------------------------------------------------------------- the file

def bundled_data_path(name=BUNDLED_CSV):
    """Path of a CSV shipped with the package (or, in a source checkout, under data/)."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "data", name),
                      os.path.join(os.path.dirname(here), "data", name)):
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"bundled data file {name!r} not found next to {here}")


def _current_folder():
    try:
        return os.getcwd()
    except OSError:
        return "(a folder that no longer exists)"


def _resolve_path(filename):
    """The file to read for ``filename``.

    A missing bare file name (no folder part) that names a bundled file gives
    the bundled copy, said in one line on stderr; any other missing path is a
    ``FileNotFoundError`` naming the path and the current folder.
    """
    try:
        path = os.fsdecode(os.fspath(filename))
    except TypeError:
        raise SettingError(f"filename must be a path to a CSV file; found {filename!r}") from None
    if os.path.exists(path):
        return path
    if path and os.path.basename(path) == path and not (os.altsep and os.altsep in path):
        try:
            bundled = bundled_data_path(path)
        except FileNotFoundError:
            pass
        else:
            print(f"data_loader: no {path!r} in {_current_folder()}; "
                  f"using the bundled copy {bundled}", file=sys.stderr)
            return bundled
    raise DataFileNotFoundError(
        f"data file not found: {path!r} (current folder: {_current_folder()})")


def _check_encoding(encoding):
    """None (automatic) or the name of a text codec Python knows."""
    if encoding is None:
        return None
    try:
        if not isinstance(encoding, str):
            raise LookupError
        b"a".decode(encoding)  # b"" would not look the codec up
    except UnicodeDecodeError:
        pass  # a codec such as UTF-32 that needs more bytes
    except LookupError:
        raise SettingError(f"encoding must be a text encoding such as 'utf-8' or 'latin-1' "
                           f"(or None to detect UTF-8/16/32); found {encoding!r}") from None
    return encoding


def _bom_encoding(raw):
    """The codec a byte-order mark at the start of ``raw`` names, or None."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return codec
    return None


def _decode(path, raw, encoding):
    """Text of the bytes ``raw``: UTF-8, or UTF-16/32 by their BOM, or ``encoding``."""
    bom = _bom_encoding(raw)
    if encoding and bom and not codecs.lookup(encoding).name.startswith("utf"):
        raise DataFormatError(
            f"{path}, line 1: the file starts with a {bom.upper()} byte-order mark, but "
            f"encoding={encoding!r} was asked; leave encoding out to read it as {bom.upper()}")
    codec = encoding or bom or "utf-8"
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        shown = "UTF-8" if codec.startswith("utf-8") else codec
        before = raw[:exc.start].decode(codec, "replace")
        line = _line_of(before, len(before))
        hint = ("re-save the file as UTF-8, or pass encoding='latin-1' (--encoding latin-1) "
                "or the encoding it was saved in") if encoding is None else \
            "pass the encoding the file was saved in, or re-save it as UTF-8"
        bad = (raw[exc.start:exc.end] or raw[-1:])[0]
        raise DataFormatError(f"{path}, line {line}: byte 0x{bad:02x} is not "
                              f"valid {shown} ({exc.reason}); {hint}") from None
    return text[1:] if text.startswith("\ufeff") else text


def _read_text(path, encoding):
    """The decoded text of the file at ``path`` (see ``_decode``); refuses NUL characters."""
    from .safe_io import read_data_file  # regular files only, at most 1 GiB; gzip read
    raw = read_data_file(path, DataFormatError)
    text = _decode(path, raw, encoding)
    nul = text.find("\x00")
    if nul >= 0:
        raise DataFormatError(
            f"{path}, line {_line_of(text, nul)}: a NUL character (0x00) in text read as "
            f"{encoding or 'UTF-8'}: is the file UTF-16 or UTF-32 without a byte-order mark? "
            "pass encoding='utf-16-le' (or the file's encoding), or re-save it as UTF-8")
    return text


def _csv_rows(path, text):
    """The non-blank rows of ``text`` as ``([_Row], delimiter)``.

    An Excel ``sep=X`` first line sets the delimiter (',' otherwise) and is
    skipped; line numbers stay those of the file.
    """
    declared = _SEP_LINE.match(text)
    delimiter = declared.group(1) if declared else ","
    first_line = 2 if declared else 1
    reader = csv.reader(io.StringIO(text[declared.end():] if declared else text, newline=""),
                        delimiter=delimiter, skipinitialspace=True)
    rows, line, after_blank = [], first_line, False
    try:
        for cells in reader:
            if all(not cell.strip() for cell in cells):
                after_blank = True
            else:
                rows.append(_Row(line, cells, after_blank))
                after_blank = False
            line = first_line + reader.line_num
    except csv.Error as exc:
        raise DataFormatError(f"{path}, line {line}: not readable as CSV ({exc})") from None
    return rows, delimiter


# ---------------------------------------------------------------- values

def _why_not_a_number(found):
    """Why the stripped cell ``found`` is not a plain number: a phrase for a message."""
    lowered = found.lower()
    if lowered in _MISSING and lowered != "nan":
        return ("missing value" + (f" ({found!r})" if found else "")
                + " (fill it in, or delete its row where the dates may skip it, as on holidays)")
    try:
        loose = float(found)
    except ValueError:
        loose = None
    if loose is not None and not math.isfinite(loose):
        return f"{_show(found)} is not a finite number (NaN and infinity are refused)"
    if loose is not None:
        what = "groups digits with '_'" if "_" in found else "is not in ASCII digits"
        return f"{_show(found)} {what}"
    if "," in found:
        return f"{_show(found)} holds a comma (a thousands separator or a decimal comma?)"
    if found.endswith("%") and _NUMBER.fullmatch(found[:-1].strip()):
        return f"{_show(found)} is a percentage (write it as a plain number)"
    if _GROUPED.fullmatch(found):
        return f"{_show(found)} holds a thousands separator"
    odd = next((char for char in found if ord(char) > 127), None)
    if odd:  # a Unicode minus sign, a currency sign...
        return f"{_show(found)} holds the non-ASCII character {odd!r} (U+{ord(odd):04X})"
    return f"not a number: {_show(found)}"


def _loses_digits(found, value):
    """Whether float64 ``value`` fails to hold the decimal ``found``: it underflowed
    to 0, or, in the subnormal range, it is further from ``found`` than a normal
    rounding and does not print back as ``found`` (``5e-324`` does)."""
    exact = decimal.Decimal(found)
    if value == 0:
        return exact != 0
    close = abs(decimal.Decimal(value) - exact) <= abs(exact) * decimal.Decimal(2) ** -53
    return not close and decimal.Decimal(repr(value)) != exact


def _parse_number(text):
    """``(value, None)`` for a plain number float64 holds, else ``(None, why)``.

    ``text`` is a cell (spaces around it are ignored) or None (no such cell).
    """
    if text is None:
        return None, "no value"
    found = text.strip()
    if not _NUMBER.fullmatch(found):
        return None, _why_not_a_number(found)
    value = float(found)
    if math.isinf(value):
        return None, f"{_show(found)} is beyond the range of float64 (about 1.8e308)"
    if abs(value) < _SMALLEST_NORMAL and _loses_digits(found, value):
        return None, f"{_show(found)} is too small for float64 (it would read as {value!r})"
    return value, None


def _is_number(text):
    return _parse_number(text)[1] is None


def _is_missing(text):
    return text is not None and text.strip().lower() in _MISSING


# ---------------------------------------------------------------- labels and dates

def _date_unit(label):
    """NumPy unit of a date label ('M', 'D', 'h', 'm', 's'), or None when it is no date."""
    return _DATE_UNITS[len(label)] if _DATE.fullmatch(label) else None


def _label_kind(label):
    """'date', 'number', 'empty' or 'text': what a label cell looks like."""
    label = label.strip()
    if _date_unit(label):
        return "date"
    if _NUMBER.fullmatch(label):
        return "number"
    return "text" if label else "empty"


def _date_axis(labels):
    """``[n]`` datetime64 of ``labels`` when all are valid dates of one form, else None."""
    if not labels or any(label is None for label in labels):
        return None
    unit = _date_unit(labels[0])
    if unit is None or any(_date_unit(label) != unit for label in labels):
        return None
    try:
        return np.array([label.replace(" ", "T") for label in labels],
                        dtype=f"datetime64[{unit}]")
    except ValueError:
        return None


_Months = collections.namedtuple("_Months", "months day")
_Months.__doc__ = """A month-like time axis: ``months`` counts months since 1970-01;
``day`` is None (``YYYY-MM`` dates), 'last' (last days of months), 'trading'
(weekdays in the last week of months: the last trading day, as pandas' business
month ends and market data sites date monthly prices; continued on the last
weekday) or the day offset ``d`` (0 for the first) shared by every date: each
date is day ``d + 1`` of its month, or the month's last day when the month is
shorter (the 30th, and February's last)."""


def _month_offsets(dates):
    """``(months, offsets, lasts)`` of ``datetime64[D]`` dates: each one's month
    (datetime64[M]), its day offset in it (0 for the first) and the offset of that
    month's last day."""
    months = dates.astype("datetime64[M]")
    firsts = months.astype("datetime64[D]")
    lasts = ((months + 1).astype("datetime64[D]") - firsts).astype(np.int64) - 1
    return months, (dates - firsts).astype(np.int64), lasts


def _monthly(times):
    """``_Months`` when ``times`` (datetime64) step by whole months, else None.

    ``YYYY-MM`` axes always do; day axes do when every date is the same day of
    its month (at most the 28th), the last day of its month, or one day of the
    month that shorter months end before (the 30th, and February 28 or 29), or
    are weekdays in the last week of distinct months (the last trading day).
    """
    unit = np.datetime_data(times.dtype)[0]
    if unit == "M":
        return _Months(times.view(np.int64), None)
    if unit != "D" or len(times) < 2:
        return None
    months, offsets, lasts = _month_offsets(times)
    if np.all(offsets == offsets[0]) and offsets[0] < 28:
        return _Months(months.view(np.int64), int(offsets[0]))
    if np.all(offsets == lasts):
        return _Months(months.view(np.int64), "last")
    day = int(offsets[np.argmax(offsets < lasts)])
    if np.all(offsets == np.minimum(day, lasts)):
        return _Months(months.view(np.int64), day)
    if np.all(np.is_busday(times) & (offsets > lasts - 7)) and np.all(np.diff(months) > 0):
        return _Months(months.view(np.int64), "trading")
    return None


def _month_dates(months, day):
    """Dates of ``months`` (ints, months since 1970-01) placed by ``day`` (see ``_Months``)."""
    as_months = np.asarray(months, dtype=np.int64).astype("datetime64[M]")
    if day is None:
        return as_months
    lasts = (as_months + 1).astype("datetime64[D]") - 1
    if day == "last":
        return lasts
    if day == "trading":
        return np.busday_offset(lasts, 0, roll="backward")
    return np.minimum(as_months.astype("datetime64[D]") + day, lasts)


def _day_part(times):
    """``(dates, clock)`` when ``times`` are two or more date-times (unit h, m or s)
    all at one time of day: their ``datetime64[D]`` dates and that time of day (a
    timedelta64); else None. Such date-times count as their dates."""
    times = np.asarray(times)
    if times.dtype.kind != "M" or np.datetime_data(times.dtype)[0] not in ("h", "m", "s") \
            or len(times) < 2:
        return None
    dates = times.astype("datetime64[D]")
    clocks = times - dates
    return (dates, clocks[0]) if np.all(clocks == clocks[0]) else None


def _common_step(steps):
    """The most common of ``steps`` (the smallest among ties); 1 when there are none."""
    if len(steps) == 0:
        return 1
    values, counts = np.unique(steps, return_counts=True)
    return values[np.argmax(counts)].item()


# Forms of time labels, most specific first: ISO dates (the time axis), then
# other notations, checked but kept as text.
_Form = collections.namedtuple("_Form", "notation pattern period")
_Form.__doc__ = """A form of time labels: ``notation`` for messages, ``pattern`` a
label matches in full, ``period``: an ISO unit of ``_DATE_FORMS`` or 'day', 'week',
'quarter', 'month', 'year'."""
_ISO_FORMS = {unit: _Form(_DATE_FORMS[unit], re.compile(pattern, re.ASCII), unit)
              for unit, pattern in (("M", r"\d{4}-\d{2}"), ("D", r"\d{4}-\d{2}-\d{2}"),
                                    ("h", r"\d{4}-\d{2}-\d{2}[T ]\d{2}"),
                                    ("m", r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"),
                                    ("s", r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}"))}
_OTHER_FORMS = tuple(_Form(notation, re.compile(pattern, re.ASCII | re.IGNORECASE), period)
                     for notation, pattern, period in (
    ("YYYY-Www", r"(?P<y>\d{4})-?W(?P<w>\d{2})", "week"),
    ("YYYYQn", r"(?P<y>\d{4}) ?-? ?Q(?P<q>\d)", "quarter"),
    ("Qn YYYY", r"Q(?P<q>\d)[ /-]?(?P<y>\d{4})", "quarter"),
    ("YYYY/MM/DD", r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})", "day"),
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
    if match is None or form.period in _DATE_FORMS:
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
    unit = _date_unit(labels[0])
    return _ISO_FORMS[unit] if unit else None


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
    if period in _DATE_FORMS:
        return np.datetime64(label.replace(" ", "T"), period)
    if period == "day":
        parts = match.groupdict()
        return np.datetime64(datetime.date(int(parts["y"]), int(parts["m"]), int(parts["d"])), "D")
    return _period_number(match, period)


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
    times = _date_axis(labels) if form.period in _DATE_FORMS else None
    if times is not None:
        return times
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


def _check_steps(path, data, labels, points, unit, show):
    """``points`` (ints, in ``unit``s) must step by one common step; ``show`` gives
    the label of a point, to name the first one missing."""
    steps = np.diff(points)
    step = _common_step(steps)
    bad = np.flatnonzero(steps != step)
    if bad.size:
        i = int(bad[0])
        gap = int(steps[i])
        missing = ""
        if gap > step and gap % step == 0:
            missing = f"; {show(points[i] + step)!r} is missing"
        raise DataFormatError(
            f"{path}, lines {data[i].line} and {data[i + 1].line}: {labels[i]!r} is followed "
            f"by {labels[i + 1]!r}, {gap} {unit}(s) later; expected a row every {step} "
            f"{unit}(s){missing}")


def _check_time_gaps(path, data, labels, times):
    """Dates (date-times all at one time of day count as their dates) miss no period:
    monthly or coarser ones no month; weekly ones no week (a row may sit on another
    day of its week); daily ones on every day of the week no day. Daily dates of a trading week (``_trading_week``: weekdays
    only, Sunday to Thursday, Monday to Saturday...) may miss holidays."""
    dates, clock = _day_part(times) or (times, None)

    def show(date):
        return str(date if clock is None else date.astype(times.dtype) + clock)

    monthly = _monthly(dates)
    if monthly is not None:
        _check_steps(path, data, labels, monthly.months, "month",
                     lambda month: show(_month_dates([month], monthly.day)[0]))
    elif np.datetime_data(dates.dtype)[0] == "D" and len(dates) > 2:
        _check_month_days(path, data, labels, dates)
        days = dates.view(np.int64)
        step = _common_step(np.diff(days))
        if step == 7:  # one row a week, on any day of it (a holiday moves a Friday row)
            weeks = (days + 3) // 7  # Monday-first weeks; 1970-01-01 was a Thursday
            offset = int(days[0] - 7 * weeks[0])
            _check_steps(path, data, labels, weeks, "week",
                         lambda week: show(np.datetime64(int(7 * week + offset), "D")))
        elif step == 1 and _trading_week(dates) is None:
            _check_steps(path, data, labels, days, "day",
                         lambda day: show(np.datetime64(int(day), "D")))


def _trading_week(dates):
    """The weekmask (``'1111100'``: Monday first) of daily ``datetime64[D]`` dates that
    skip days of the week, as markets do: Monday to Friday when every date is a
    weekday; else, over two weeks or more, the days of the week that hold at least
    half as many dates as the most frequent one (an odd Saturday session is not
    one). None when that is every day: calendar-daily data."""
    if np.all(np.is_busday(dates)):
        return "1111100"
    if dates[-1] - dates[0] < np.timedelta64(14, "D"):
        return None
    counts = np.bincount((dates.view(np.int64) + 3) % 7, minlength=7)  # 1970-01-01: Thursday
    kept = 2 * counts >= counts.max()
    return None if kept.all() else "".join("1" if day else "0" for day in kept)


def _check_month_days(path, data, labels, dates):
    """``datetime64[D]`` dates mostly on one day of their months (by the rules of
    ``_Months``) that are not monthly: refuse the first date off that day."""
    _, offsets, lasts = _month_offsets(dates)
    day = _common_step(offsets)
    for on_day, what in ((offsets == np.minimum(day, lasts), f"day {day + 1} of its month"),
                         (offsets == lasts, "the last day of its month")):
        if 2 * np.count_nonzero(on_day) > len(dates) and not np.all(on_day):
            i, j = int(np.argmin(on_day)), int(np.argmax(on_day))
            raise DataFormatError(
                f"{path}, line {data[i].line}: {labels[i]!r} is not on {what} like most dates "
                f"(such as {labels[j]!r} on line {data[j].line}); expected one row a month")


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


# ---------------------------------------------------------------- rows

def _cell(row, index):
    return row.cells[index] if index < len(row.cells) else None


def _width(row):
    """Number of fields of ``row`` without the empty ones at its end."""
    width = len(row.cells)
    while width and not row.cells[width - 1].strip():
        width -= 1
    return width


def _joined(row, delimiter=","):
    return delimiter.join(row.cells)


def _fits(row, shape):
    """Whether ``row`` has ``shape.width`` fields: text in no more of them, and no
    fewer fields, though the last ones may be empty (``1949-01,112,`` under
    ``Month,Pass,Note``); empty fields past the width are trailing commas."""
    return _width(row) <= shape.width <= len(row.cells)


def _width_error(path, row, series_idx, shape):
    """The error for a row that does not fit ``shape`` (see ``_fits``)."""
    many = _width(row) > shape.width
    found = _width(row) if many else len(row.cells)
    empty = len(row.cells) - _width(row)
    count = f"{found} column(s)"
    if empty and not many:
        count += f" (the last {empty} empty)"
    elif empty:
        count += f" besides {empty} empty one(s) at its end"
    hint = ("a thousands separator or a decimal comma splitting a number, or an unquoted "
            "comma in a label? write plain numbers such as 1120 or 112.3" if many
            else "a value or a separator missing?")
    if _width(row) <= series_idx:
        hint = f"there is no column {series_idx} (series_idx counts from 0); {hint}"
    return DataFormatError(
        f"{path}, line {row.line}: row has {count}, expected {shape.width} like "
        f"{shape.what} (line {shape.line}): {_show(_joined(row))}; {hint}")


def _looks_like_data(row, series_idx, label_kind):
    """Whether a row whose value is not a number is a data row with a bad value.

    With a label column: its label is a date or a number, as the data's labels
    (``label_kind``) are. Without (``series_idx == 0``): its value is a
    missing-value token.
    """
    if series_idx == 0:
        return _is_missing(row.cells[0])
    return label_kind in ("date", "number") and _label_kind(row.cells[0]) == label_kind


def _is_header(row, series_idx, label_kind):
    """Whether the first row names the columns rather than holding the first value.

    Its value cell is not a number and it does not look like a data row; or it
    is a number but the label has no digit while the data's labels are dates
    or numbers (``Month,2020``, pandas' ``,0``).
    """
    if _is_number(_cell(row, series_idx)):
        return (series_idx > 0 and label_kind in ("date", "number")
                and not any(char.isdigit() for char in row.cells[0]))
    return not _looks_like_data(row, series_idx, label_kind)


def _foreign_delimiter(row, delimiter):
    """The advice for a row holding ';' or a tab (not the delimiter), else None."""
    for char, name in _FOREIGN_DELIMITERS.items():
        if char != delimiter and char in _joined(row):
            return (f"holds {name}: is {name} the delimiter? expected {delimiter!r} (re-save "
                    f"the file comma-separated, or make {'sep=' + char!r} its first line)")
    return None


def _unclosed_quote(row):
    """The advice for a row whose quoted field runs over several lines, else None."""
    breaks = len(_LINE_BREAK.findall(_joined(row).rstrip("\r\n")))
    return (f"a quoted field runs from line {row.line} to line {row.line + breaks} "
            f"({_show(_joined(row))}): a quote without its closing quote?") if breaks else None


def _no_numbers_error(path, rows, series_idx, delimiter):
    """The error for a file with no number in column ``series_idx``, with the likely cause."""
    message = (f"{path}: no numeric value in column {series_idx} "
               f"({len(rows)} non-blank line(s))")
    widths = {len(row.cells) for row in rows}
    if widths and max(widths) <= series_idx:
        message += (f"; the file has {max(widths)} column(s), counted from 0: the values "
                    f"may be in column {max(widths) - 1} (--column {max(widths) - 1})")
    for row in rows:
        if _foreign_delimiter(row, delimiter):
            return DataFormatError(
                f"{message}; line {row.line} {_foreign_delimiter(row, delimiter)}")
        if _unclosed_quote(row):
            return DataFormatError(f"{message}; {_unclosed_quote(row)}")
    if len(rows) > 1 and _cell(rows[1], series_idx) is not None:
        message += f"; line {rows[1].line}: {_parse_number(rows[1].cells[series_idx])[1]}"
    return DataFormatError(message)


def _refuse_row(path, row, series_idx, delimiter, shape, note=None):
    """Raise the first problem of a row that is not acceptable data: another
    delimiter, an unclosed quote, a value that is not a number, a field count
    other than ``shape.width``. ``note`` explains why the row was judged."""
    advice = _foreign_delimiter(row, delimiter)
    if advice:
        raise DataFormatError(
            f"{path}, line {row.line}: {_show(_joined(row, delimiter))} {advice}")
    if _unclosed_quote(row):
        raise DataFormatError(f"{path}: {_unclosed_quote(row)}")
    cell = _cell(row, series_idx)
    if cell is not None and not _is_number(cell):
        tail = f" ({note})" if note else f"; {_EXPECTED_NUMBER}"
        raise DataFormatError(
            f"{path}, line {row.line}, column {series_idx}: {_parse_number(cell)[1]}{tail}")
    if not _fits(row, shape):
        raise _width_error(path, row, series_idx, shape)


def _check_notes(path, notes, series_idx, delimiter, label_kind, shape):
    """Rows after the last value are notes when a blank line precedes them, or when
    the first is on one line, has no value column, holds no ';' or tab and does not
    look like a data row."""
    if not notes or notes[0].after_blank:
        return
    row = notes[0]
    if _looks_like_data(row, series_idx, label_kind):
        _refuse_row(path, row, series_idx, delimiter, shape)
    if _cell(row, series_idx) is not None or _unclosed_quote(row) \
            or _foreign_delimiter(row, delimiter):
        _refuse_row(path, row, series_idx, delimiter, shape,
                    note="notes after the data must follow a blank line")


def _data_block(path, rows, series_idx, delimiter):
    """Split ``rows`` into ``_Block(header or None, data rows, shape)``.

    The data run from the first row to the last whose value is a number, after
    at most one header row; rows after them must be notes (``_check_notes``).
    """
    numeric = [i for i, row in enumerate(rows) if _is_number(_cell(row, series_idx))]
    if not numeric:
        raise _no_numbers_error(path, rows, series_idx, delimiter)
    label_kind = next((_label_kind(rows[i].cells[0]) for i in numeric if i > 0), None) \
        if series_idx > 0 else None
    header = rows[0] if _is_header(rows[0], series_idx, label_kind) else None
    start = 1 if header else 0
    if header and _width(header) > series_idx:
        shape = _Shape(_width(header), header.line, "the header")
    else:
        shape = _Shape(_width(rows[numeric[0]]), rows[numeric[0]].line, "the first data row")
        if header and _foreign_delimiter(header, delimiter):  # a title, or a data row?
            _refuse_row(path, header, series_idx, delimiter, shape)
    if numeric[0] > start:
        row = rows[start]
        if header is None or _looks_like_data(row, series_idx, label_kind):
            _refuse_row(path, row, series_idx, delimiter, shape)
        raise DataFormatError(
            f"{path}, line {row.line}: expected a number in column {series_idx}, found "
            f"{_show(_cell(row, series_idx) or '')} (only one header line may precede the data)")
    _check_notes(path, rows[numeric[-1] + 1:], series_idx, delimiter, label_kind, shape)
    return _Block(header, rows[start:numeric[-1] + 1], shape)


def _looks_split(cells):
    """Whether ``cells`` read as one number split at commas: an integer, then groups
    of digits, the last one possibly with decimals (``1``, ``000``, ``000.5``)."""
    stripped = [cell.strip() for cell in cells]
    return bool(_INTEGER.fullmatch(stripped[0]) and _LAST_DIGITS.fullmatch(stripped[-1])
                and all(_DIGITS.fullmatch(cell) for cell in stripped[1:-1]))


def _check_split_numbers(path, data, series_idx):
    """Header-less data: an integer followed, in every row, only by columns of
    digits is one number split by a thousands separator or a decimal comma."""
    width = _width(data[0])
    if width <= series_idx + 1 or not all(
            _looks_split(row.cells[series_idx:width]) for row in data):
        return
    shown = ",".join(cell.strip() for cell in data[0].cells[series_idx:width])
    raise DataFormatError(
        f"{path}, line {data[0].line}: columns {series_idx}..{width - 1} hold {shown!r} and "
        "only digits in every row: one number split by a thousands separator or a decimal "
        f"comma? {_EXPECTED_NUMBER} (if the columns are separate, add a header row naming them)")


def _check_dot_thousands(path, data, series_idx):
    """``1.120`` among whole numbers below 1000 is 1120 with a '.' thousands separator."""
    texts = [row.cells[series_idx].strip() for row in data]
    dotted = [i for i, text in enumerate(texts) if _DOT_THOUSANDS.fullmatch(text)]
    plain = [i for i, text in enumerate(texts) if _SMALL_INTEGER.fullmatch(text)]
    if dotted and plain and len(dotted) + len(plain) == len(texts):
        i, j = dotted[0], plain[0]
        raise DataFormatError(
            f"{path}, line {data[i].line}, column {series_idx}: {texts[i]!r} among whole numbers "
            f"below 1000 (such as {texts[j]!r} on line {data[j].line}) looks like "
            f"{texts[i].replace('.', '')} written with a '.' thousands separator; "
            f"{_EXPECTED_NUMBER} (write {float(texts[i])!r} if a fraction is meant)")


def _check_split_into_empty(path, data, series_idx):
    """An integer value followed only by digits in columns that most rows leave
    empty is one number split by a separator (``1949-01,1,120`` among ``1949-02,118,``)."""
    filled = [row for row in data if _width(row) > series_idx + 1]
    if 2 * len(filled) >= len(data):
        return
    for row in filled:
        if _looks_split(row.cells[series_idx:_width(row)]):
            shown = ",".join(cell.strip() for cell in row.cells[series_idx:_width(row)])
            raise DataFormatError(
                f"{path}, line {row.line}: columns {series_idx}..{_width(row) - 1} hold "
                f"{shown!r}, but most rows have nothing after column {series_idx}: one number "
                f"split by a thousands separator or a decimal comma? {_EXPECTED_NUMBER}")


def _check_block(path, block, series_idx, delimiter):
    """Every data row of ``block`` acceptable (``_refuse_row``), and no split numbers."""
    for row in block.data:
        _refuse_row(path, row, series_idx, delimiter, block.shape)
    if block.shape.what != "the header":
        _check_split_numbers(path, block.data, series_idx)
    _check_split_into_empty(path, block.data, series_idx)
    _check_dot_thousands(path, block.data, series_idx)


# ---------------------------------------------------------------- the series

@dataclasses.dataclass(frozen=True)
class Series:
    """A series as read from a file, in its own units.

    Attributes:
        values: ``[n]`` float64 values.
        labels: ``[n]`` strings from column 0 (the time), or None when the value
            column is column 0.
        name: the header text of the value column, or None without a header.
        path: the file read.
        lines: ``[n]`` physical line (1-based) where the row of each value starts.
    """

    values: np.ndarray
    labels: tuple
    name: str
    path: str
    lines: tuple

    def times(self):
        """The time axis: ``[n]`` ``datetime64`` when every label is a date, else ``0..n-1``.

        Dates are ``YYYY-MM``, ``YYYY-MM-DD`` or ISO date-times, all of one form.
        """
        axis = _date_axis(self.labels)
        return axis if axis is not None else np.arange(len(self.values))

    def describe(self, start=0, stop=None, part=None):
        """Where values ``start:stop`` come from, for messages:
        ``'data.csv, training part (lines 2..116)'``."""
        lines = self.lines[start:stop]
        span = f"lines {lines[0]}..{lines[-1]}" if lines else "no lines"
        return f"{self.path}, {part} ({span})" if part else f"{self.path}, {span}"


def read_series(filename, series_idx=1, *, encoding=None):
    """Read column ``series_idx`` of a CSV file, in the file's own units.

    Skips blank lines, one header row before the data, and notes after the
    data that follow a blank line or have no value column. See the module
    docstring for what else is read and what is refused.

    Args:
        filename: path of the file; a missing bare name of a bundled file reads
            the bundled copy (said on stderr).
        series_idx: the value column, counted from 0.
        encoding: None reads UTF-8, or UTF-16/UTF-32 with a byte-order mark;
            else a Python codec name such as ``'latin-1'``.

    Raises:
        FileNotFoundError: no file at ``filename`` (names the path and the
            current folder).
        SettingError: ``series_idx`` or ``encoding`` is not one.
        DataFormatError: the file is not read as intended; the message names
            the file, the line, the text found and what was expected.
    """
    series_idx = check_int(series_idx, "series_idx", 0)
    encoding = _check_encoding(encoding)
    path = _resolve_path(filename)
    rows, delimiter = _csv_rows(path, _read_text(path, encoding))
    block = _data_block(path, rows, series_idx, delimiter)
    _check_block(path, block, series_idx, delimiter)
    labels = None if series_idx == 0 else tuple(row.cells[0].strip() for row in block.data)
    if labels:
        _check_dates(path, block.data, labels)
    name = _cell(block.header, series_idx) if block.header else None
    values = [_parse_number(row.cells[series_idx])[0] for row in block.data]
    return Series(values=np.array(values, dtype=np.float64), labels=labels,
                  name=(" ".join(name.split()) or None) if name else None,
                  path=path, lines=tuple(row.line for row in block.data))


# ---------------------------------------------------------------- future times

_Axis = collections.namedtuple("_Axis", "kind step day last")
_Axis.__doc__ = """How a time axis goes on: ``kind`` 'count' (numbers), 'months',
'busdays' or 'step' (in the datetime64 unit); ``step`` per point; ``day`` the
day rule of 'months' (see ``_Months``), the weekmask of 'busdays'; ``last`` the
last point as a number (months since 1970-01 for 'months', the int64 of the
datetime for 'step')."""


def _business_week(times):
    """The weekmask of daily dates of a trading week (``_trading_week``) that cross a
    day off and are mostly one trading day apart; else None."""
    if np.datetime_data(times.dtype)[0] != "D" or len(times) < 2:
        return None
    week = _trading_week(times)
    if week is None:
        return None
    business = np.busday_count(times[:-1], times[1:], weekmask=week)
    crosses = bool(np.any(np.diff(times.view(np.int64)) > business))
    return week if crosses and _common_step(business) == 1 else None


def _continuation(times):
    """The ``_Axis`` continuing ``times``: numbers count on by their common step;
    monthly dates by months; daily data of a trading week by its trading days
    (``day``: the weekmask); other dates by their most common step."""
    if not np.issubdtype(times.dtype, np.datetime64):
        return _Axis("count", _common_step(np.diff(times)), None, times[-1])
    monthly = _monthly(times)
    if monthly is not None:
        return _Axis("months", _common_step(np.diff(monthly.months)), monthly.day,
                     int(monthly.months[-1]))
    week = _business_week(times)
    if week is not None:
        return _Axis("busdays", 1, week, None)
    as_ints = times.view(np.int64)
    return _Axis("step", _common_step(np.diff(as_ints)), None, int(as_ints[-1]))


def _room(times, axis):
    """``(points, end)``: how many points fit after ``times[-1]`` up to ``end``, the last
    drawable date (9999-12-31, earlier for units whose int64 ends before); None for numbers."""
    if axis.kind == "count":
        return None, None
    if axis.kind == "busdays":
        return int(np.busday_count(times[-1] + 1, _LAST_DRAWABLE + 1, weekmask=axis.day)), \
            "9999-12-31"
    unit, multiple = ("M", 1) if axis.kind == "months" else np.datetime_data(times.dtype)
    end, limit = "9999-12-31", None
    if unit in ("Y", "M", "W", "D"):
        limit = int(_LAST_DRAWABLE.astype(np.dtype(f"datetime64[{multiple}{unit}]"))
                    .astype(np.int64))
    else:
        per_day = int(np.timedelta64(1, "D") / np.timedelta64(multiple, unit))
        limit = int((_LAST_DRAWABLE + 1).astype(np.int64)) * per_day - 1
        if limit > np.iinfo(np.int64).max:
            limit = int(np.iinfo(np.int64).max)
            end = f"{np.int64(limit).view(times.dtype)} (the last datetime64[{unit}])"
    return max(0, (limit - axis.last) // axis.step), end


def _continue(times, axis, extra):
    """``[extra]`` times after ``times[-1]`` along ``axis``."""
    ahead = np.arange(1, extra + 1, dtype=np.int64)
    if axis.kind == "count":
        return axis.last + axis.step * ahead
    if axis.kind == "busdays":
        return np.busday_offset(times[-1], ahead, roll="backward", weekmask=axis.day)
    if axis.kind == "months":
        return _month_dates(axis.last + axis.step * ahead, axis.day)
    return (axis.last + axis.step * ahead).view(times.dtype)


def future_times(times, start, count):
    """Times of ``count`` points from ``times[start]`` on, continued past the data.

    Args:
        times: ``[n]`` time axis, n >= 1 (``Series.times()``): datetime64 or numbers.
        start: index of the first point, ``0 <= start <= n`` (n: the point after the data).
        count: number of points, >= 0.

    Returns:
        ``[count]`` array: ``times[start:start + count]``, then the axis continued
        after ``times[-1]`` (date-times all at one time of day as their dates,
        at that time): monthly (or coarser) dates by months, keeping the day
        rule; daily dates of a trading week by its trading days; other
        dates by their most common step; numbers count on by theirs.

    Raises:
        SettingError: bad arguments; the times would pass 9999-12-31 (the last
            date NumPy and matplotlib draw; checked before building anything);
            more than ``MAX_STEPS`` points.
    """
    times = np.asarray(times)
    if times.ndim != 1 or len(times) == 0:
        raise SettingError(f"times must be a non-empty 1-D time axis; found shape {times.shape}")
    split = _day_part(times)  # date-times all at one time of day go on as their dates
    if split is not None:
        return future_times(split[0], start, count).astype(times.dtype) + split[1]
    start = check_int(start, "start", 0, len(times))
    count = check_int(count, "count", 0)
    inside = times[start:start + count]
    extra = count - len(inside)
    if extra == 0:
        return inside.copy()
    axis = _continuation(times)
    if not axis.step > 0:
        raise SettingError(f"times must increase to be continued; their common step is {axis.step}")
    room, end = _room(times, axis)
    if room is not None and extra > room:
        begin = times[start] if start < len(times) else f"after {times[-1]}"
        raise SettingError(
            f"{count} points from {begin} would pass {end}, the last date NumPy and "
            f"matplotlib can draw (the data end at {times[-1]}); at most {len(inside) + room} fit")
    check_int(count, "count", 0, MAX_STEPS, "more points than a run can hallucinate")
    return np.concatenate([inside, _continue(times, axis, extra)])


# ---------------------------------------------------------------- normalization

def _power_of_two_scale(magnitude):
    """A power of two near ``magnitude`` > 0: dividing by it is exact and brings
    ``magnitude`` into [1, 2)."""
    return math.ldexp(1.0, math.frexp(magnitude)[1] - 1)


def _show_number(value):
    """Shortest text of a float that reads back to it: 5.0 -> '5', 1e200 -> '1e+200'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


@dataclasses.dataclass(frozen=True)
class Normalization:
    """``z = (value - mean) / std``, and back.

    Computed after dividing by a power of two near the largest magnitude, which
    is exact, so that values up to float64's largest normalize without overflow
    and give the same bits as the plain formula elsewhere.
    """

    mean: float
    std: float

    @classmethod
    def fit(cls, values, source=None):
        """Statistics of ``values`` (population std, as ``np.std`` in the book).

        Args:
            values: array of finite numbers (any shape; all of them count).
            source: text naming where the values come from, for messages,
                e.g. ``'data.csv, training part (lines 2..116)'``.

        Raises:
            SeriesTooShortError: no values.
            DataFormatError: a value is not finite; every value is the same; the
                values differ by less than float64 resolves (std 0 or subnormal).
        """
        where = f"{check_text(source, 'source')}: " if source else ""
        values = np.asarray(values, dtype=np.float64)
        if values.size == 0:
            raise SeriesTooShortError(f"{where}cannot normalize an empty series")
        bad = np.flatnonzero(~np.isfinite(values.ravel()))
        if bad.size:
            raise DataFormatError(f"{where}cannot normalize: value {values.flat[bad[0]]} at "
                                  f"index {int(bad[0])} is not a finite number")
        if np.all(values == values.flat[0]):
            raise DataFormatError(
                f"{where}cannot normalize a constant series (every value is "
                f"{_show_number(values.flat[0])}): its standard deviation is 0")
        scale = _power_of_two_scale(float(np.max(np.abs(values))))
        mean = float(np.mean(values / scale)) * scale
        std = float(np.std(values / scale)) * scale
        if not math.isfinite(std):
            raise DataFormatError(f"{where}cannot normalize: the standard deviation of values "
                                  f"up to {_show_number(np.max(np.abs(values)))} overflows float64")
        if std < _SMALLEST_NORMAL:
            raise DataFormatError(
                f"{where}cannot normalize: the values (from {_show_number(values.min())} to "
                f"{_show_number(values.max())}) differ by less than float64 can resolve "
                f"(standard deviation {_show_number(std)}); multiply them by a large power of 10")
        return cls(mean, std)

    def _scale(self):
        return _power_of_two_scale(max(abs(self.mean), self.std))

    def apply(self, values):
        """``(values - mean) / std``, as an array of the shape of ``values``."""
        scale = self._scale()
        return (np.asarray(values, dtype=np.float64) / scale - self.mean / scale) \
            / (self.std / scale)

    def invert(self, normalized):
        """``normalized * std + mean``: back to the series' units."""
        scale = self._scale()
        return (np.asarray(normalized, dtype=np.float64) * (self.std / scale)
                + self.mean / scale) * scale


def load_series(filename, series_idx=1, *, return_normalization=False, encoding=None):
    """The book's loader: column ``series_idx`` of a CSV, normalized over the whole series.

    Returns:
        ``[n]`` float64 array ``(value - mean) / std``; with
        ``return_normalization=True``, the pair ``(array, Normalization)`` so that
        results can be given back in the series' own units.

    Raises:
        FileNotFoundError, SettingError, DataFormatError: see ``read_series``.
        (The book returns None when the file cannot be read.)
    """
    series = read_series(filename, series_idx, encoding=encoding)
    normalization = Normalization.fit(series.values, source=series.describe())
    normalized = normalization.apply(series.values)
    return (normalized, normalization) if return_normalization else normalized


# ---------------------------------------------------------------- split and windows

def train_size(n, percent_train=0.80):
    """How many of ``n`` points ``split_data`` puts in the training part."""
    return int(n * check_fraction(percent_train, "percent_train"))


def split_data(data, percent_train=0.80):
    """Split a series into its first ``int(len * percent_train)`` points and the rest.

    The book computes ``len(data) * percent_train`` and slices with that float,
    a TypeError on Python 3; the count is rounded down here.
    """
    num_rows = train_size(len(data), percent_train)
    return data[:num_rows], data[num_rows:]


def _series_array(data):
    """``data`` as a ``[n]`` float64 array; InputShapeError naming ``data`` when it is
    not a 1-D sequence of real numbers."""
    try:
        array = np.asarray(data)
    except ValueError:  # ragged nested lists
        raise InputShapeError("data must be a 1-D series of numbers; found a ragged "
                              f"sequence ({type(data).__name__})") from None
    if array.dtype.kind not in "iuf" or array.ndim != 1:
        raise InputShapeError(f"data must be a 1-D series of numbers; found an array of "
                              f"shape {array.shape} and dtype {array.dtype}")
    return array.astype(np.float64)


def make_windows(data, seq_size, *, drop_last_window=False):
    """Slide a window over a series (the loops of listing 10.9).

    Args:
        data: ``[n]`` series.
        seq_size: window length.
        drop_last_window: True reproduces the book's ``range(len(data) - seq_size - 1)``,
            which leaves out the last full window.

    Returns:
        ``(x, y)``: ``x`` is ``[n - seq_size, seq_size, 1]`` with ``x[i, :, 0] =
        data[i:i+seq_size]``, and ``y`` is ``[n - seq_size, seq_size]`` with
        ``y[i] = data[i+1:i+seq_size+1]``, each target its input shifted by one.

    Raises:
        SeriesTooShortError: fewer than ``seq_size + 1`` points (+2 with
            ``drop_last_window``).
        InputShapeError: ``data`` is not a 1-D series of numbers.
    """
    seq_size = check_positive_int(seq_size, "seq_size")
    data = _series_array(data)
    count = len(data) - seq_size - (1 if drop_last_window else 0)
    if count < 1:
        raise SeriesTooShortError(
            f"a series of {len(data)} point(s) is too short for seq_size={seq_size}: "
            f"windows need at least {seq_size + 1 + (1 if drop_last_window else 0)} points")
    starts = np.arange(count)[:, None] + np.arange(seq_size)[None, :]
    return data[starts][:, :, None], data[starts + 1]
