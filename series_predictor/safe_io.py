"""Reading and writing files without following links, blocking on FIFOs or reading
without end.

Only regular files are read: a FIFO, a device (``/dev/zero``) or a socket is refused
by ``os.stat`` before it is opened, so nothing blocks; every read has a size cap.
"""

import errno
import os
import stat

from .errors import OutputDirError

MAX_INPUT_BYTES = 1 << 30      # 1 GiB: a CSV of about 50 million rows
MAX_SMALL_FILE_BYTES = 64 << 20  # run.json, checkpoint metadata and state files


def _kind(mode):
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def regular_file_size(path, what, error=OutputDirError, limit=MAX_INPUT_BYTES, follow=True):
    """The size in bytes of the regular file at ``path``, checked without opening it.

    Args:
        what: how the message names the file ("--data", "run.json", ...).
        error: the exception class raised.
        limit: the largest size accepted, in bytes.
        follow: False refuses a symbolic link itself.

    Raises:
        FileNotFoundError: nothing at ``path``.
        ``error``: a link (``follow=False``), a FIFO, a device, a folder, or over ``limit``.
    """
    path = os.fspath(path)
    info = os.stat(path) if follow else os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise error(f"{what} {path!r} is a symbolic link; only regular files are read here")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{what} {path!r} is {_kind(info.st_mode)}, not a regular file")
    if info.st_size > limit:
        raise error(f"{what} {path!r} holds {info.st_size:,} bytes, more than the "
                    f"{limit:,} bytes accepted")
    return info.st_size


def read_regular(path, what, error=OutputDirError, limit=MAX_SMALL_FILE_BYTES, follow=True):
    """The bytes of the regular file at ``path`` (see ``regular_file_size``); opened with
    O_NONBLOCK (and O_NOFOLLOW when ``follow`` is False) so a FIFO swapped in between the
    check and the open never blocks."""
    regular_file_size(path, what, error, limit, follow)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise error(f"{what} {os.fspath(path)!r} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise error(f"{what} {os.fspath(path)!r} holds more than the {limit:,} bytes accepted")
    return data


def check_replaceable(path, what, error=OutputDirError):
    """Refuse to replace anything at ``path`` but a regular file (no link, device, FIFO)."""
    path = os.fspath(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise error(f"{what} {path!r} is a symbolic link; it is not replaced (remove it or "
                    "choose another path)")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{what} {path!r} is {_kind(info.st_mode)}; only a regular file is "
                    "replaced")


def write_error(path, exc):
    """An OSError while writing ``path`` as a one-line OutputDirError naming it."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EFBIG:
        reason += " (the file size limit, ulimit -f, was reached)"
    return OutputDirError(f"cannot write {os.fspath(path)!r}: {reason}")


# Files that are not text, by their first bytes: named, instead of read as text (a
# workbook was 'byte 0x85 is not valid UTF-8 ... --encoding latin-1').
_NOT_TEXT = ((b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one)",
              "save the sheet as CSV, or unzip the archive"),
             (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel .xls workbook (or another "
              "old Office file)", "save the sheet as CSV"),
             (b"PAR1", "a Parquet file", "write it as CSV (pandas: "
              "pd.read_parquet(path).to_csv(...))"),
             (b"%PDF-", "a PDF document", "give the CSV file of its numbers"))


def read_data_file(path, error, limit=MAX_INPUT_BYTES):
    """The bytes of a data file: a regular file of at most ``limit`` bytes (1 GiB), read
    without blocking; a gzip file (``.csv.gz``) is decompressed, also up to ``limit``.

    Raises:
        FileNotFoundError: nothing at ``path``.
        ``error``: a FIFO, device or folder; too large; a damaged gzip file.
    """
    raw = read_regular(path, "data file", error, limit)
    for magic, what, remedy in _NOT_TEXT:
        if raw.startswith(magic) and (magic != b"PAR1" or raw.endswith(magic)):
            raise error(f"{os.fspath(path)!r} is {what}, not a CSV text file: {remedy}")
    if not raw.startswith(b"\x1f\x8b"):
        return raw
    import gzip
    import io
    import zlib
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise error(f"{os.fspath(path)!r} is a gzip file that cannot be decompressed: "
                    f"{exc}") from None
    if len(data) > limit:
        raise error(f"{os.fspath(path)!r} decompresses to more than the {limit:,} bytes "
                    "accepted")
    return data
