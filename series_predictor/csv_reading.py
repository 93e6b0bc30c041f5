"""Read one column of a CSV file as the reader meant it: rows, header, notes, shape checks.

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
  ``01/1949``, ``Jan 1949``, ``1949 Jan``, ``1949M01``; quarters ``1990Q1``, ``1990 Q1``,
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

The file's text and its numbers are read by ``csv_text``; time labels are
checked by ``time_labels``; the time axis by ``time_axis``.
"""

import collections
import dataclasses

import numpy as np

from .csv_text import (_cell, _check_dot_thousands, _check_encoding, _check_split_into_empty,
                       _check_split_numbers, _csv_rows, _EXPECTED_NUMBER, _is_missing, _is_number,
                       _joined, _LINE_BREAK, _parse_number, _read_text, _resolve_path, _show,
                       _width)
from .errors import DataFormatError
from .time_labels import _check_dates, _label_kind, label_dates
from .validation import check_int


_FOREIGN_DELIMITERS = {";": "';'", "\t": "a tab"}
_Shape = collections.namedtuple("_Shape", "width line what")
_Shape.__doc__ = """The field count data rows must have, from the row on ``line``
(``what``: 'the header' or 'the first data row')."""
_Block = collections.namedtuple("_Block", "header data shape")


# ---------------------------------------------------------------- rows and the data block

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
    if len(rows) <= 1:  # nothing to read a row's shape from: name the one expected
        held = (f": line {rows[0].line}, {delimiter.join(rows[0].cells)!r:.60}, and no data "
                 "below it" if rows else
                ": the file is empty or blank")
        return DataFormatError(
            f"{message[:-1]}{held}); expected a header line, then one line per time such "
            "as " + ("'1949-01,112' (the time, then the value)" if series_idx == 1 else
                     f"a time label in column 0 and the value in column {series_idx}"))
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
        message += _numbers_elsewhere(rows, series_idx, max(widths))
    return DataFormatError(message)


def _numbers_elsewhere(rows, series_idx, width):
    """A hint naming a later column that holds numbers on every line after the first,
    and a first column counting 0, 1, 2, ... (pandas' ``to_csv`` writes its index
    first: ``,date,value``), whose numbers would be taken for the times; or ''."""
    numeric = [k for k in range(series_idx + 1, width)
               if all(_is_number(_cell(row, k)) for row in rows[1:])]
    if not numeric:
        return ""
    hint = (f"; column {numeric[0]} holds numbers on every line after the first: are the "
            f"values there? (--column {numeric[0]})")
    counts = [_cell(row, 0) for row in rows[1:]]
    if [c.strip() for c in counts] == [str(k) for k in range(len(counts))] \
            or [c.strip() for c in counts] == [str(k + 1) for k in range(len(counts))]:
        hint += ("; column 0 counts the rows (pandas' index?) and the times are read from "
                 "column 0: save the file with to_csv(index=False)")
    return hint


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


def _check_block(path, block, series_idx, delimiter):
    """Every data row of ``block`` acceptable (``_refuse_row``), and no split numbers."""
    head = block.header and [c.strip() for c in block.header.cells]
    again = next((row for row in block.data if [c.strip() for c in row.cells] == head), None)
    if again:  # it read "not a number: 'value'", the header itself left unnamed
        raise DataFormatError(
            f"{path}, line {again.line}: the header line {_show(_joined(again, delimiter))} "
            f"again, inside the data (line {block.header.line} is the first); expected one "
            "header line, then numbers: files joined together? delete the repeated line")
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
        """The time axis: ``[n]`` ``datetime64`` when every label names a date, else ``0..n-1``.

        ISO dates (``YYYY-MM``, ``YYYY-MM-DD``, date-times) keep their unit; the other
        forms the loader reads become dates (``time_labels.label_dates``): months
        ``datetime64[M]``, quarters their first day, ISO weeks their Monday, years
        ``datetime64[Y]``. Fiscal years and other labels stay row numbers.
        """
        axis = label_dates(self.labels)
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
