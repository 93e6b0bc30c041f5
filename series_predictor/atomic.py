"""Files written whole or not at all, and the digest of a file: one of each for the package.

Every file the package writes (checkpoint state and metadata, the run folder's
files, figures) goes through ``write_atomic``: the data is written to a fresh
temporary name beside the file and renamed over it, so a reader never sees half
a file and a failed write leaves the old one. ``digest`` is the SHA-256 the
checkpoint metadata and the run folder's manifest record.

The standard library only.
"""

import contextlib
import hashlib
import os


def temporary_path(path):
    """A fresh name beside ``path``: ``path.tmp-<pid>-<8 hex digits>``.

    It starts with the file's own name, so the files of a checkpoint ``model.ckpt-N``
    (``checkpoints``) include the temporary files of its save.
    """
    return f"{path}.tmp-{os.getpid()}-{os.urandom(4).hex()}"


def remove_temporaries(path):
    """Remove this process's ``temporary_path`` files of ``path`` (a write cut short by a
    signal, whose own cleanup will not run)."""
    import glob
    for name in glob.glob(f"{glob.escape(os.fspath(path))}.tmp-{os.getpid()}-*"):
        with contextlib.suppress(OSError):
            os.remove(name)


def _fsync_folder(directory):
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path, data, *, sync=False):
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Args:
        path: the file to write (str or path-like); its folder must exist.
        data: ``str`` (written as UTF-8), ``bytes``, or a callable that writes into
            the binary stream it is given (``lambda stream: fig.savefig(stream)``).
        sync: True flushes the file and its folder to disk (``os.fsync``) so that
            the file survives a power cut, as checkpoint files must.

    Raises:
        OSError: the file cannot be written, naming ``path`` (not the temporary name:
            "[Errno 27] File too large: 'run.json'"); the temporary file is removed and
            an existing file at ``path`` is left as it was.
    """
    path = os.fspath(path)
    tmp = temporary_path(path)
    try:
        with open(tmp, "xb") as stream:
            if callable(data):
                data(stream)
            else:
                stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        if isinstance(exc, OSError) and type(exc).__module__ == "builtins" \
                and exc.filename in (None, tmp):
            raise OSError(exc.errno, exc.strerror, path) from None
        raise
    if sync:
        _fsync_folder(os.path.dirname(path) or ".")


def digest(path, *, sync=False):
    """The SHA-256 of the file at ``path``, as 64 hex digits.

    ``sync=True`` also flushes the file to disk (a checkpoint's files, before its
    metadata names them).
    """
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
        if sync:
            os.fsync(handle.fileno())
    return sha.hexdigest()
