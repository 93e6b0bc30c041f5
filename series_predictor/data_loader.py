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
  not counted;
- the book's ``load_series('international-airline-passengers.csv')`` from any
  folder: a bare file name that is missing but bundled with the package reads
  the bundled copy and says so on stderr.

Refused:

- a data row with more or fewer fields than the header (or, without one, the
  first data row): a thousands separator or a decimal comma split a number;
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
- date labels (``YYYY-MM``, ``YYYY-MM-DD``, ISO date-times) of mixed forms,
  invalid, repeated or out of order; a missing month in monthly or coarser data
  (``YYYY-MM``, or days that are all the same day of the month or its last);
- a row after the data, without a blank line before it, that looks like a data
  row cut short (``1960-12`` alone, ``1960-12,NA``) or holds ``;`` or a tab;
  likewise a one-field first row holding ``;`` or a tab;
- a quoted field running over several lines in the data (a missing quote);
  bytes that are not text in the encoding; NUL characters (UTF-16 without a
  byte-order mark?).

Not caught: a file whose values are all written with a ``.`` thousands
separator (``1.120``, ``2.345``) reads as three decimals, as a ``%.3f`` export
must. Labels of other forms (``01/1949``, ``Jan-49``, time zones) are kept as
text and the time axis counts points.

``Normalization`` divides by a power of two near the largest magnitude before
taking the mean and std (exact, so ordinary series give the plain formula's
bits) so that values up to float64's largest normalize and invert.
"""

import codecs
import collections
import csv
import dataclasses
import decimal
import io
import math
import os
import re
import sys

import numpy as np

from .errors import DataFileNotFoundError, DataFormatError, SettingError, SeriesTooShortError
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
_MISSING = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "none", "-", "?"})
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
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except IsADirectoryError:
        raise DataFormatError(f"{path!r} is a folder, not a data file") from None
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
        return "missing value" + (f" ({found!r})" if found else "")
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
``day`` is None (``YYYY-MM`` dates), 'last' (last days of months) or the day
offset (0 for the first) shared by every date."""


def _monthly(times):
    """``_Months`` when ``times`` (datetime64) step by whole months, else None.

    ``YYYY-MM`` axes always do; day axes do when every date is the same day of
    its month (at most the 28th) or the last day of its month.
    """
    unit = np.datetime_data(times.dtype)[0]
    if unit == "M":
        return _Months(times.view(np.int64), None)
    if unit != "D" or len(times) < 2:
        return None
    months = times.astype("datetime64[M]")
    offsets = (times - months.astype("datetime64[D]")).astype(np.int64)
    if np.all(offsets == offsets[0]) and offsets[0] < 28:
        return _Months(months.view(np.int64), int(offsets[0]))
    if np.all(times == (months + 1).astype("datetime64[D]") - 1):
        return _Months(months.view(np.int64), "last")
    return None


def _month_dates(months, day):
    """Dates of ``months`` (ints, months since 1970-01) placed by ``day`` (see ``_Months``)."""
    as_months = np.asarray(months, dtype=np.int64).astype("datetime64[M]")
    if day is None:
        return as_months
    if day == "last":
        return (as_months + 1).astype("datetime64[D]") - 1
    return as_months.astype("datetime64[D]") + day


def _common_step(steps):
    """The most common of ``steps`` (the smallest among ties); 1 when there are none."""
    if len(steps) == 0:
        return 1
    values, counts = np.unique(steps, return_counts=True)
    return values[np.argmax(counts)].item()


def _refuse_date_label(path, data, labels, unit):
    """Raise for the first label that is not a valid date of ``unit``'s form."""
    for row, label in zip(data, labels):
        if _date_unit(label) != unit:
            raise DataFormatError(
                f"{path}, line {row.line}: label {_show(label)} is not a date of the form "
                f"{_DATE_FORMS[unit]} like {labels[0]!r} on line {data[0].line}")
        try:
            np.datetime64(label.replace(" ", "T"), unit)
        except ValueError:
            raise DataFormatError(f"{path}, line {row.line}: {label!r} is not a valid date; "
                                  f"expected {_DATE_FORMS[unit]}") from None
    raise DataFormatError(f"{path}: the date labels cannot be read as dates")


def _check_date_order(path, data, labels, times):
    """Dates must run forward: no repeated date, none earlier than the one before."""
    steps = np.diff(times.view(np.int64))
    bad = np.flatnonzero(steps <= 0)
    if bad.size:
        i = int(bad[0])
        what = "date repeated" if steps[i] == 0 else "dates out of order"
        raise DataFormatError(
            f"{path}, lines {data[i].line} and {data[i + 1].line}: {what} ({labels[i]!r}, "
            f"then {labels[i + 1]!r}); expected one row per date, earliest first")


def _check_month_gaps(path, data, labels, times):
    """Monthly (or coarser) dates must step by one common number of months."""
    monthly = _monthly(times)
    if monthly is None or len(times) < 2:
        return
    steps = np.diff(monthly.months)
    step = _common_step(steps)
    bad = np.flatnonzero(steps != step)
    if bad.size:
        i = int(bad[0])
        gap = int(steps[i])
        missing = ""
        if gap > step and gap % step == 0:
            first = _month_dates([monthly.months[i] + step], monthly.day)[0]
            missing = f"; {str(first)!r} is missing"
        raise DataFormatError(
            f"{path}, lines {data[i].line} and {data[i + 1].line}: {labels[i]!r} is followed "
            f"by {labels[i + 1]!r}, {gap} month(s) later; expected a row every {step} "
            f"month(s){missing}")


def _check_dates(path, data, labels):
    """When the first label is a date: all are valid dates of its form, in order,
    and monthly or coarser data miss no month."""
    unit = _date_unit(labels[0])
    if unit is None:
        return
    times = _date_axis(labels)
    if times is None:
        _refuse_date_label(path, data, labels, unit)
    _check_date_order(path, data, labels, times)
    _check_month_gaps(path, data, labels, times)


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


def _width_error(path, row, series_idx, shape):
    """The error for a row whose field count differs from ``shape``'s."""
    found = _width(row)
    hint = ("a thousands separator or a decimal comma splitting a number, or an unquoted "
            "comma in a label? write plain numbers such as 1120 or 112.3" if found > shape.width
            else "a value or a separator missing?")
    if found <= series_idx:
        hint = f"there is no column {series_idx} (series_idx counts from 0); {hint}"
    return DataFormatError(
        f"{path}, line {row.line}: row has {found} column(s), expected {shape.width} like "
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
    if _width(row) != shape.width:
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


def _check_block(path, block, series_idx, delimiter):
    """Every data row of ``block`` acceptable (``_refuse_row``), and no split numbers."""
    for row in block.data:
        _refuse_row(path, row, series_idx, delimiter, block.shape)
    if block.shape.what != "the header":
        _check_split_numbers(path, block.data, series_idx)
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
day rule of 'months' (see ``_Months``); ``last`` the last point as a number
(months since 1970-01 for 'months', the int64 of the datetime for 'step')."""


def _is_business_daily(times):
    """Daily dates, all weekdays, crossing a weekend, mostly one business day apart."""
    if np.datetime_data(times.dtype)[0] != "D" or len(times) < 2 \
            or not np.all(np.is_busday(times)):
        return False
    business = np.busday_count(times[:-1], times[1:])
    return bool(np.any(np.diff(times.view(np.int64)) > business)) and _common_step(business) == 1


def _continuation(times):
    """The ``_Axis`` continuing ``times``: numbers count on by their common step;
    monthly dates by months; weekday data with weekend gaps by business days;
    other dates by their most common step."""
    if not np.issubdtype(times.dtype, np.datetime64):
        return _Axis("count", _common_step(np.diff(times)), None, times[-1])
    monthly = _monthly(times)
    if monthly is not None:
        return _Axis("months", _common_step(np.diff(monthly.months)), monthly.day,
                     int(monthly.months[-1]))
    if _is_business_daily(times):
        return _Axis("busdays", 1, None, None)
    as_ints = times.view(np.int64)
    return _Axis("step", _common_step(np.diff(as_ints)), None, int(as_ints[-1]))


def _room(times, axis):
    """``(points, end)``: how many points fit after ``times[-1]`` up to ``end``, the last
    drawable date (9999-12-31, earlier for units whose int64 ends before); None for numbers."""
    if axis.kind == "count":
        return None, None
    if axis.kind == "busdays":
        return int(np.busday_count(times[-1] + 1, _LAST_DRAWABLE + 1)), "9999-12-31"
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
        return np.busday_offset(times[-1], ahead)
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
        after ``times[-1]``: monthly (or coarser) dates by months, keeping the
        day rule; weekday-only daily dates with weekend gaps by business days;
        other dates by their most common step; numbers count on by theirs.

    Raises:
        SettingError: bad arguments; the times would pass 9999-12-31 (the last
            date NumPy and matplotlib draw; checked before building anything);
            more than ``MAX_STEPS`` points.
    """
    times = np.asarray(times)
    if times.ndim != 1 or len(times) == 0:
        raise SettingError(f"times must be a non-empty 1-D time axis; found shape {times.shape}")
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
    """
    seq_size = check_positive_int(seq_size, "seq_size")
    data = np.asarray(data, dtype=np.float64)
    count = len(data) - seq_size - (1 if drop_last_window else 0)
    if count < 1:
        raise SeriesTooShortError(
            f"a series of {len(data)} point(s) is too short for seq_size={seq_size}: "
            f"windows need at least {seq_size + 1 + (1 if drop_last_window else 0)} points")
    starts = np.arange(count)[:, None] + np.arange(seq_size)[None, :]
    return data[starts][:, :, None], data[starts + 1]
