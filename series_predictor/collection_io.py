"""Reading a collection of series: a long table, a wide one, a folder of CSV files, or
(from Python) a dict of arrays or a long pandas DataFrame. NumPy-free, TensorFlow-free.

Layouts (``detect_layout``):

- ``folder``: a folder; every ``*.csv`` file in it is one series (its name without
  ``.csv`` is the id), read as a single run reads ``--data`` (``--column`` applies).
- ``long``: a CSV whose header names an id column (``id``, ``unique_id``, ``series``,
  ``series_id``, ``item_id``, ``key``) beside a date and a value column
  (``id,date,value``; statsforecast's ``unique_id,ds,y`` too). Rows of one id stay in
  their order.
- ``wide``: a CSV with a date column and two or more value columns, one per series
  (the header gives the ids), when ``--column`` is not typed.
- ``single``: anything else, read exactly as before (one series, ``--column``).

The id rule (``folder_name``): an id becomes its folder name ``OUT/ID/`` with every
character other than ``A-Z a-z 0-9 . _ -`` replaced by ``_`` and leading dots removed,
at most 100 characters; an id that is empty after that, one that would take the name
of a collection output, and two ids that would share a folder (compared ignoring
case) are refused, naming them.
"""

import csv
import io
import dataclasses
import itertools
import os
import re

from .errors import DataFormatError, SettingError

LAYOUTS = ("auto", "single", "long", "wide", "folder")
ID_NAMES = ("id", "unique_id", "series", "series_id", "item_id", "key")
DATE_NAMES = ("date", "ds", "time", "timestamp", "month", "period", "week", "day", "year")
VALUE_NAMES = ("value", "y", "values", "target", "sales", "demand")
MAX_ID_LENGTH = 100
# Names in OUT that the collection itself writes; no series folder may take them.
RESERVED = ("forecast.csv", "metrics.json", "summary.png", "collection.log", ".collection")
SERIES_CSV = "series.csv"
ID_RULE = ("characters other than A-Z a-z 0-9 . _ - become '_', leading dots go, at most "
           f"{MAX_ID_LENGTH} characters")


@dataclasses.dataclass
class SeriesInput:
    """One series of a collection.

    Attributes:
        id: the id as given (str).
        folder: its folder name under OUT (``folder_name(id)``).
        path: a CSV to read as the run's ``--data`` (folder layout), else None.
        dates: ``[n]`` date texts, or None when the series has no dates.
        values: ``[n]`` value texts or floats (written as given; the run checks them).
        source: the user's table the series comes from (long or wide layout), else None.
        lines: ``[n + 1]`` the table's line of ``csv_text``'s header, then of each row.
        columns: the table's columns of ``csv_text``'s date and value columns.
    """

    id: str
    folder: str = ""
    path: str = None
    dates: list = None
    values: list = None
    source: str = None
    lines: list = None
    columns: tuple = None

    def csv_text(self):
        """The per-series CSV a run reads: ``date,value`` rows, or ``value`` alone."""
        values = [v if isinstance(v, str) else repr(float(v)) for v in self.values]
        if self.dates is None:
            return "value\n" + "".join(f"{v}\n" for v in values)
        rows = (f"{_quoted(d)},{_quoted(v)}\n" for d, v in zip(self.dates, values))
        return "date,value\n" + "".join(rows)

    @property
    def column(self):
        """The column of the values in ``csv_text``."""
        return 0 if self.dates is None else 1


def _quoted(text):
    text = str(text)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text


def folder_name(series_id):
    """The folder of ``series_id`` under OUT (see the module's id rule), or raise."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", str(series_id)).lstrip(".")[:MAX_ID_LENGTH]
    if not name:
        raise DataFormatError(f"series id {series_id!r} leaves no folder name ({ID_RULE})")
    if name.lower() in RESERVED:
        raise DataFormatError(f"series id {series_id!r} would take the name of the "
                              f"collection's own {name!r}; rename the series")
    return name


def assign_folders(series):
    """Give each SeriesInput its folder; refuse duplicate ids and shared folders."""
    seen_ids, seen_folders = set(), {}
    for item in series:
        if item.id in seen_ids:
            raise DataFormatError(f"series id {item.id!r} appears twice in the collection; "
                                  "ids must be unique")
        seen_ids.add(item.id)
        item.folder = folder_name(item.id)
        other = seen_folders.setdefault(item.folder.lower(), item.id)
        if other != item.id:
            raise DataFormatError(f"series ids {other!r} and {item.id!r} would share the "
                                  f"folder {item.folder!r} ({ID_RULE}); rename one")
    if not series:
        raise DataFormatError("the collection holds no series")
    return series


def _delimiter(first_line):
    """``(delimiter, whether first_line is an Excel 'sep=X' line)``, as the single-series
    reader takes it (``csv_text._SEP_LINE``): a table saved with ``sep=;`` first was
    read with commas, so a wide one ran as one series and a long one was refused."""
    from .csv_text import _SEP_LINE
    declared = _SEP_LINE.match(first_line)
    return (declared.group(1), True) if declared else (",", False)


def _header(path, encoding):
    """The first row of CSV ``path`` and the first row after it (or [])."""
    try:
        with open(path, encoding=encoding or "utf-8-sig", newline="") as handle:
            first = handle.readline()
            delimiter, declared = _delimiter(first)
            lines = itertools.chain([] if declared else [first], handle)
            rows = csv.reader(lines, delimiter=delimiter)
            return next(rows, []), next(rows, [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return [], []  # the single-series reader then says what is wrong


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return text.strip() == ""


def _find(header, names):
    lowered = [h.strip().strip('"').lower() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def detect_layout(path, encoding=None, column_typed=False):
    """``folder``, ``long``, ``wide`` or ``single`` for ``--data path`` (module docstring)."""
    if path is None:
        return "single"
    if os.path.isdir(path):
        return "folder"
    if not os.path.isfile(path):  # a FIFO or device is never opened: the reader refuses it
        return "single"
    header, first = _header(path, encoding)
    if len(header) >= 3 and _find(header, ID_NAMES) is not None:
        return "long"
    while header and not header[-1].strip() and len(first) == len(header) \
            and not first[-1].strip():  # a trailing separator: no column
        header, first = header[:-1], first[:-1]
    # A column with numbers and no name makes a wide table still (read_wide refuses it,
    # naming it): it was read as one series, column 1, the others left without a word.
    wide = (len(header) >= 3 and len(first) == len(header) and any(h.strip() for h in header[1:])
            and not _is_number(header[1] or "x") and all(_is_number(c) for c in first[1:]))
    return "wide" if wide and not column_typed else "single"


def _rows(path, encoding):
    """``[(line, cells)]`` of the CSV's non-blank records; ``line``: where each starts
    in the file (1-based, an Excel ``sep=`` line counted)."""
    from .safe_io import read_data_file  # regular files only, at most 1 GiB; gzip read
    try:
        text = read_data_file(path, DataFormatError).decode(encoding or "utf-8-sig")
        delimiter, declared = _delimiter(text)
        if declared:
            text = text[len(text.splitlines(True)[0]):]
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows, start = [], 1 + declared
        for row in reader:
            if any(c.strip() for c in row):
                rows.append((start, row))
            start = reader.line_num + 1 + declared
        if not rows:
            raise DataFormatError(f"{path}: the file holds no rows (a collection's table "
                                  "starts with a header line, then one row per value)")
        return rows
    except FileNotFoundError:
        raise DataFormatError(f"no such file: {path!r}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataFormatError(f"{path}: cannot be read as CSV: {exc}") from None


def read_long(path, encoding=None):
    """``[SeriesInput]`` of a long CSV (``id,date,value``), ids in order of appearance."""
    (header_line, header), *rows = _rows(path, encoding)
    id_col = _find(header, ID_NAMES)
    date_col = _find(header, DATE_NAMES)
    value_col = _find(header, VALUE_NAMES)
    if len(header) == 3 and id_col == 0:
        date_col = 1 if date_col is None else date_col
        value_col = 2 if value_col is None else value_col
    if date_col is None or value_col is None:
        raise DataFormatError(f"{path}: a long table needs id, date and value columns "
                              f"(e.g. 'id,date,value'); found {','.join(header)}")
    series = {}
    for line, row in rows:
        if len(row) != len(header):
            raise DataFormatError(f"{path}, line {line}: {len(row)} fields where the header "
                                  f"has {len(header)}")
        if not row[id_col].strip():
            raise DataFormatError(f"{path}, line {line}: no series id in column {id_col} "
                                  f"({header[id_col]!r}); every row needs one")
        item = series.setdefault(row[id_col], SeriesInput(
            row[id_col], dates=[], values=[], source=path, lines=[header_line],
            columns=(date_col, value_col)))
        item.dates.append(row[date_col])
        item.values.append(row[value_col])
        item.lines.append(line)
    if not series:
        raise DataFormatError(f"{path}: the long table holds no rows after its header")
    return assign_folders(list(series.values()))


def read_wide(path, encoding=None):
    """``[SeriesInput]`` of a wide CSV: a date column, then one column per series.
    Empty cells at either end of a column (series of different lengths) are left out."""
    (header_line, header), *rows = _rows(path, encoding)
    from .time_labels import _label_kind
    if len(header) < 2 or _label_kind(header[0]) in ("date", "number") and all(
            name.strip() and _is_number(name) for name in header[1:]):
        raise DataFormatError(
            f"{path}, line {header_line}: a wide table's first line names its series (a "
            f"date column, then one column per series, e.g. 'date,north,south'); found "
            f"{','.join(header)!r}, which holds {'numbers' if len(header) > 1 else 'one column'}")
    series = []
    for k, name in enumerate(header[1:], start=1):
        if not name.strip():
            raise DataFormatError(f"{path}, line {header_line}: column {k} has no name; a "
                                  "wide table's first line names every series' column")
        rows_k = [(line, row[0], row[k] if k < len(row) else "") for line, row in rows]
        while rows_k and not rows_k[-1][2].strip():
            rows_k.pop()
        while rows_k and not rows_k[0][2].strip():
            rows_k.pop(0)
        series.append(SeriesInput(name.strip(), dates=[d for _, d, _ in rows_k],
                                  values=[v for _, _, v in rows_k], source=path,
                                  lines=[header_line] + [line for line, _, _ in rows_k],
                                  columns=(0, k)))
    return assign_folders(series)


def read_folder(path, note=None):
    """``[SeriesInput]`` of a folder of CSV files, in name order (id: the name less .csv);
    ``note`` (a log) is told what else the folder holds and is not read (a spreadsheet, a
    subfolder), which was skipped without a word."""
    if not os.path.isdir(path):
        raise DataFormatError(f"layout 'folder' needs a folder of CSV files; {path!r} is "
                              f"{'a file' if os.path.exists(path) else 'not there'}")
    try:
        names = sorted(n for n in os.listdir(path) if n.lower().endswith(".csv")
                       and os.path.isfile(os.path.join(path, n)))
    except OSError as exc:
        raise DataFormatError(f"folder {path!r} cannot be listed: {exc.strerror}") from None
    if not names:
        raise DataFormatError(f"folder {path!r} holds no .csv file")
    others = sorted(n for n in os.listdir(path) if n not in names and not n.startswith("."))
    if others and note is not None:
        note(f"Note: {len(others)} entr{'y' if len(others) == 1 else 'ies'} of {path!r} "
             f"read as no series (only .csv files are): {', '.join(others[:5])}"
             + (", ..." if len(others) > 5 else ""))
    return assign_folders([SeriesInput(n[:-4], path=os.path.join(path, n)) for n in names])


def read_collection(path, layout, encoding=None, note=None):
    """``[SeriesInput]`` of ``--data path`` in ``layout`` (``folder``, ``long``, ``wide``);
    ``note``: see ``read_folder``."""
    readers = {"folder": lambda: read_folder(path, note), "long": lambda: read_long(path, encoding),
               "wide": lambda: read_wide(path, encoding)}
    if layout not in readers:
        raise SettingError(f"layout must be one of {', '.join(readers)}; found {layout!r}")
    return readers[layout]()


def _date_text(value):
    """A date as the per-series CSV writes it: ISO (``_dates_of_one_form`` drops a
    midnight time that every date of the series has)."""
    if getattr(value, "tzinfo", None) is not None:  # its wall-clock time, as fit reads it
        value = value.replace(tzinfo=None)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _dates_of_one_form(texts):
    """``texts`` without their ``T00:00:00`` when every one has it: dates. An hourly
    series keeps its midnights (``2000-01-01T00:00:00``: a bare ``2000-01-01`` among
    date-times was refused as a label of another form)."""
    if texts and all(isinstance(t, str) and t.endswith("T00:00:00") for t in texts):
        return [t[:10] for t in texts]
    return texts


def _value(value):
    """A value as given: text stays text (the run's own checks judge it), None is missing."""
    if isinstance(value, str):
        return value
    return "" if value is None else float(value)


def _index_dates(values):
    """The date texts of a pandas Series' index, as ``fit`` reads it (``pandas_times.index_times``:
    a tz-aware index by its wall-clock times, a PeriodIndex by its periods' starts), or
    None when ``values`` has no such index (they were lost before: a PeriodIndex or a
    tz-aware index left the series undated, its times read as positions)."""
    index = getattr(values, "index", None)
    if index is None or not (hasattr(index, "to_pydatetime") or hasattr(index, "to_timestamp")):
        return None
    from .pandas_times import index_times
    return _dates_of_one_form([_date_text(t) for t in index_times(index)])


def _dict_values(key, values):
    """``[n]`` values of one series of a dict: a masked entry (NumPy masked array) is
    missing (None); not one series of real numbers: DataFormatError naming ``key``."""
    import numpy as np
    if np.ndim(values) != 1 or isinstance(values, (str, bytes, dict)):
        raise DataFormatError(f"series {key!r}: its values must be one sequence of numbers "
                              f"(1-D); found {type(values).__name__} of shape "
                              f"{np.shape(values)}")
    if np.iscomplexobj(values):
        raise DataFormatError(f"series {key!r}: its values must be real numbers; found "
                              "complex ones")
    if len(values) == 0:
        raise DataFormatError(f"series {key!r} has no values")
    if np.ma.isMaskedArray(values):
        values = [None if hidden else v for v, hidden
                  in zip(np.ma.getdata(values).tolist(), np.ma.getmaskarray(values))]
    return [_value(v) for v in values]


def from_python(data):
    """``[SeriesInput]`` of a dict ``{id: values}`` (values: a sequence, or a pandas Series
    whose index holds the dates) or of a long pandas DataFrame (id, date, value columns)."""
    if isinstance(data, dict):
        series = [SeriesInput(str(key), dates=_index_dates(values),
                              values=_dict_values(key, values))
                  for key, values in data.items()]
        return assign_folders(series)
    columns = [str(c) for c in getattr(data, "columns", ())]
    if not columns:
        raise SettingError("data must be a dict of arrays, a long pandas DataFrame or a "
                           f"path; found {type(data).__name__}")
    picks = [_find(columns, names) for names in (ID_NAMES, DATE_NAMES, VALUE_NAMES)]
    if None in picks:
        raise DataFormatError("a long DataFrame needs id, date and value columns (e.g. "
                              f"'id', 'date', 'value'); found {', '.join(columns)}")
    id_col, date_col, value_col = (data.columns[i] for i in picks)
    dates = data[date_col]
    if getattr(getattr(dates, "dt", None), "tz", None) is not None:  # as fit reads them
        import pandas as pd

        from .pandas_times import naive_times
        dates = pd.DatetimeIndex(naive_times(pd.DatetimeIndex(dates)))
    series = {}
    for row, (key, date, value) in enumerate(zip(data[id_col], dates, data[value_col])):
        if key is None or key != key:  # None or NaN: not the id "None" or "nan"
            raise DataFormatError(f"the DataFrame's row {row} has no id (column "
                                  f"{id_col!r} is missing there)")
        item = series.setdefault(str(key), SeriesInput(str(key), dates=[], values=[]))
        item.dates.append(_date_text(date))
        item.values.append(_value(value))
    for item in series.values():
        item.dates = _dates_of_one_form(item.dates)
        _numbers_increase(item, date_col)
    return assign_folders(list(series.values()))


def _numbers_increase(item, column):
    """Times that are numbers (a DataFrame's ``ds`` of 0, 1, 2 ...) must increase, as
    ``fit``'s times must (a CSV's number labels are not checked: they may be values)."""
    try:
        numbers = [float(text) for text in item.dates]
    except (TypeError, ValueError):
        return
    for i in range(1, len(numbers)):
        if not numbers[i] > numbers[i - 1]:
            raise DataFormatError(f"series {item.id!r}: its times (column {column!r}) must "
                                  f"increase; index {i} ({item.dates[i]}) is not after "
                                  f"{item.dates[i - 1]}")
