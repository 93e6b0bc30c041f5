"""The text of a CSV file and the numbers in it: where the file is, its encoding,
its lines and delimiter, which cells are plain numbers, and the locale traps
(a thousands separator or a decimal comma that split a number).

NumPy and the standard library only. The rules are listed in ``csv_reading``.
"""

import codecs
import collections
import csv
import decimal
import io
import math
import os
import re
import sys

import numpy as np

from .errors import DataFileNotFoundError, DataFormatError, SettingError


BUNDLED_CSV = "international-airline-passengers.csv"

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

_Row = collections.namedtuple("_Row", "line cells after_blank")
_Row.__doc__ = """A non-blank CSV row: ``line`` is the physical line (1-based) where it
starts, ``cells`` its fields, ``after_blank`` whether a blank line precedes it."""


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
        f"data file not found: {path!r} (current folder: {_current_folder()})"
        + ("; standard input is read as --data /dev/stdin" if path == "-" else ""))


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


# ---------------------------------------------------------------- locale traps: split numbers

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
