"""A run folder (``--out``) that describes itself and can be kept, copied or moved.

The run claims its folder first: it takes a lock (a second run on the same folder
is refused at once, naming the holder), and checks that every file and folder it
will write can be written, before any training. It writes each file whole (a
temporary file, then a rename) and ``run.json`` last: the settings, the transform
and normalization, the series' last values and dates, the ensemble's members and
their checkpoints, the interval calibration, and a SHA-256 digest of every file.
``load_run(path)`` checks those digests and forecasts from the folder alone.
"""

import contextlib
import datetime
import hashlib
import json
import os
import stat
import sys
import tempfile

from .atomic import digest, write_atomic
from .atomic import write_atomic as write_text  # the old name (cli, outputs)
from .errors import FolderInUseError, OutputDirError, RunFolderError
from .ownership import RUN_FORMAT

MANIFEST = "run.json"
FORMAT = RUN_FORMAT  # one source: ownership.py, which recognises run.json by it
LOCK_NAME = ".series-predictor.lock"
OUTPUTS = ("predictions.png", "hallucinations.png", "loss.png", "forecast.png",
           "backtest.png", "metrics.json", "forecast.csv")
CHECKPOINT_PATTERNS = ("model.ckpt-", "checkpoint", "series_predictor.json")


def member_folder(seed, ensemble_size):
    """Name of a member's checkpoint folder inside the run folder."""
    return "checkpoint" if ensemble_size == 1 else f"checkpoint-{seed}"


def _reason(exc):
    return exc.strerror or str(exc)


def make_writable_dir(path):
    """Create ``path`` and prove it writable (a temporary file), or raise OutputDirError."""
    path = os.fspath(path)
    if os.path.islink(path) and not os.path.exists(path):
        raise OutputDirError(f"folder {path!r} is a link to {os.readlink(path)!r}, which does "
                             "not exist")
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        blocker = _file_in_the_way(path)
        reason = f"{blocker!r} is a file, not a folder" if blocker else _reason(exc)
        raise OutputDirError(f"folder {path!r} cannot be written: {reason}") from None
    return path


def _file_in_the_way(path):
    """``path`` or the nearest of its parents that exists, when that is not a folder."""
    while path and not os.path.lexists(path):
        parent = os.path.dirname(path)
        path = parent if parent != path else ""
    return path if path and not os.path.isdir(path) else None


def _is_member_folder_name(name):
    """Whether ``name`` is one that ``member_folder`` gives (``checkpoint``, ``checkpoint-7``)."""
    return name == "checkpoint" or (name.startswith("checkpoint-")
                                    and name[len("checkpoint-"):].isdigit())


def part_of_run(path, folder, member_folders=()):
    """The name inside run ``folder`` that ``path`` is or lies in, when a run writes or
    removes it there (an output, ``run.json``, the lock, a member folder); else None."""
    relative = os.path.relpath(os.path.realpath(path), os.path.realpath(folder))
    top = relative.split(os.sep)[0]
    if top == os.pardir or relative == os.curdir:
        return None
    if (relative in OUTPUTS + (MANIFEST, LOCK_NAME) or top in member_folders
            or _is_member_folder_name(top)):
        return relative
    return None


def check_input_outside(path, what, folder, member_folders=()):
    """Refuse an input file (``what``: how the user named it) that the run in ``folder``
    would replace or remove, before anything is written."""
    name = part_of_run(path, folder, member_folders)
    if name is not None:
        raise OutputDirError(f"{what} {os.fspath(path)!r} is {name!r} in the run folder "
                             f"{os.fspath(folder)!r}, one of the run's own files, which would "
                             "be overwritten: use a path outside them")


def _holder_text():
    started = datetime.datetime.now().isoformat(timespec="seconds")
    return f"pid {os.getpid()}, started {started}: {' '.join(sys.argv) or 'python'}"


def _open_lock(path):
    """Open the lock file at ``path`` -> ``(fd, created)``: created by this call (never
    an existing file, ``O_EXCL``), else opened as it is; without following a link or
    blocking on a FIFO."""
    flags = (os.O_RDWR | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_CLOEXEC", 0))
    for _ in range(3):  # a lock file removed between the two opens is made again
        try:
            try:
                return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644), True
            except FileExistsError:
                return os.open(path, flags), False
        except FileNotFoundError:
            continue
        except OSError as exc:
            why = "it is a symbolic link" if os.path.islink(path) else _reason(exc)
            raise OutputDirError(f"cannot use the lock file {path!r}: {why}; remove "
                                 "it") from None
    raise FolderInUseError(f"the lock file {path!r} keeps disappearing: another run is "
                           "starting on this folder; try again")


def _same_file(fd, path):
    """Whether ``path`` still names the file open as ``fd`` (a refused run removes the
    lock file it made: a lock taken on the removed file would lock nothing)."""
    try:
        here, there = os.fstat(fd), os.lstat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _take_lock(folder, handle, path):
    """Lock the open lock file ``handle`` or raise FolderInUseError naming the holder;
    refuse a file that is not this package's lock; write this process' holder line."""
    import fcntl
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = handle.read(1000).decode("utf-8", "replace").strip() or "another process"
        raise FolderInUseError(f"folder {folder!r} is in use by another run ({holder}); "
                               "wait for it to finish or choose another --out") from None
    text = handle.read(1000)
    if text and not text.startswith(b"pid "):
        raise OutputDirError(f"{path!r} is not a lock file of series-predictor; move it "
                             "away or choose another --out")


@contextlib.contextmanager
def folder_lock(folder):
    """Hold ``folder``'s lock file (``LOCK_NAME``) for the ``with`` block; a second
    holder, in this process or another, gets FolderInUseError naming the first.

    Opened without following a link or blocking on a FIFO; only a lock file of this
    package (empty, or a holder line) is rewritten. It stays after a block that ends
    normally (free once no process holds it); after a refusal, an error or Ctrl-C in
    the block, a lock file this call created is removed (one that was there before is
    left, only unlocked).
    """
    import fcntl
    path = os.path.join(folder, LOCK_NAME)
    for _ in range(3):
        fd, created = _open_lock(path)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OutputDirError(f"the lock file {path!r} is not a regular file (a FIFO "
                                 "or device?); remove it")
        with os.fdopen(fd, "r+b") as handle:
            _take_lock(folder, handle, path)
            if not _same_file(fd, path):
                continue  # locked a removed file: open the one there now
            handle.seek(0)
            handle.truncate()
            handle.write((_holder_text() + "\n").encode("utf-8"))
            handle.flush()
            try:
                yield
            except BaseException:
                if created and _same_file(fd, path):
                    with contextlib.suppress(OSError):
                        os.unlink(path)  # still locked: nobody holds the file it names
                raise
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
            return
    raise FolderInUseError(f"folder {folder!r} is in use by another run (its lock file "
                           "was replaced while this run took it); try again")


@contextlib.contextmanager
def locked_folder(out):
    """Make ``out`` when missing (``make_writable_dir``) and hold its lock
    (``folder_lock``) for the ``with`` block -> the folder's path. After a refusal, an
    error or Ctrl-C, ``out`` is removed too when this call made it and it is empty."""
    made = not os.path.lexists(out)
    folder = make_writable_dir(out)
    try:
        with folder_lock(folder):
            yield folder
    except BaseException:
        if made:
            with contextlib.suppress(OSError):
                os.rmdir(folder)  # only an empty folder goes
        raise


@contextlib.contextmanager
def claimed(out, member_folders, force=False):
    """Claim the run folder for the length of the ``with`` block.

    Creates it, locks it (``locked_folder``: the lock file stays after a run that
    ends normally; one this run made goes after a refusal or an error), and checks every
    output file and member checkpoint folder against what this package can prove it
    wrote (``ownership.py``): a user's file with an output's name is refused, naming
    it, unless ``force``. Only then does it record the names it will write and remove
    the earlier run's ``run.json`` first, its outputs, and its own checkpoint files
    (an earlier run's member folder goes when nothing else is left in it): a run that
    then fails leaves no outputs of another run behind, and no folder that claims to
    be whole. Nothing the package did not write is removed.

    Raises:
        OutputDirError, FolderInUseError: before anything is trained or removed.
    """
    from . import ownership
    with locked_folder(out) as folder:
        actions = ownership.plan(folder, (MANIFEST,) + OUTPUTS, member_folders, force)
        ours = bool(ownership.owned_names(folder))
        ownership.record_owned(folder, (MANIFEST,) + OUTPUTS + tuple(member_folders))
        ownership.apply(folder, actions, first=(MANIFEST,), temporaries=ours)
        for name in member_folders:
            make_writable_dir(os.path.join(folder, name))
        yield folder


def _self_digest(manifest):
    body = {k: v for k, v in manifest.items() if k != "self_digest"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def write_manifest(folder, content, files):
    """Write ``run.json``: ``content`` plus the digest of each file (paths relative to
    ``folder``) and a digest of the manifest itself."""
    manifest = dict(content, format=FORMAT,
                    files={rel: digest(os.path.join(folder, rel)) for rel in files},
                    sizes={rel: os.path.getsize(os.path.join(folder, rel)) for rel in files})
    manifest["self_digest"] = _self_digest(manifest)
    write_atomic(os.path.join(folder, MANIFEST), json.dumps(manifest, indent=2) + "\n")
    return manifest


COLLECTION_STATE = ".collection"  # a collection's OUT/.collection/ (collection_claim.STATE)


def _collection_hint(folder):
    """'; it holds a collection: ...' naming one of its series' run folders, when
    ``folder`` is a collection's OUT (a ``.collection`` folder and series folders
    with a run.json each); else ''."""
    if not os.path.isdir(os.path.join(folder, COLLECTION_STATE)):
        return ""
    series = sorted(name for name in os.listdir(folder)
                    if os.path.isfile(os.path.join(folder, name, MANIFEST)))
    example = f", e.g. {os.path.join(folder, series[0])!r}" if series else ""
    return f"; it holds a collection: open one series' folder in it{example}"


def read_manifest(folder):
    """The checked manifest of a kept run folder.

    Raises:
        RunFolderError: no run.json, not this format, edited, or a file listed in it
            is missing or differs from what the run wrote (the message names it).
    """
    path = os.path.join(folder, MANIFEST)
    if not os.path.isdir(folder):
        raise RunFolderError(f"no run folder at {folder!r}")
    from .safe_io import read_regular
    try:
        manifest = json.loads(read_regular(path, "run manifest", RunFolderError,
                                           follow=False).decode("utf-8"))
    except FileNotFoundError:
        raise RunFolderError(f"{path!r} is missing: {folder!r} is not a finished run "
                             "folder" + _collection_hint(folder)) from None
    except (OSError, ValueError) as exc:
        raise RunFolderError(f"{path!r} cannot be read: {exc}") from None
    except RecursionError:
        raise RunFolderError(f"{path!r} cannot be read: its JSON is nested too deeply") \
            from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RunFolderError(f"{path!r} is not a series-predictor run manifest ({FORMAT!r})")
    if manifest.get("self_digest") != _self_digest(manifest):
        raise RunFolderError(f"{path!r} was changed after the run wrote it")
    _check_layout(path, manifest)
    from .manifest_checks import check_values
    check_values(path, manifest)
    sizes = manifest.get("sizes")
    _check_files(folder, manifest["files"], sizes if isinstance(sizes, dict) else {})
    return manifest


# What a kept run folder's run.json holds at its top level, and the type of each entry.
MANIFEST_ENTRIES = {"files": dict, "members": list, "candidates": list, "tail": dict,
                    "envelope": dict, "dropped": dict, "units": str, "n_points": int,
                    "horizon": int}


def _check_layout(path, manifest):
    """Every entry a forecast reads is there, of its type, with at least one member
    (none when the network is left out: ``structures_alone``)."""
    for name, kind in MANIFEST_ENTRIES.items():
        value = manifest.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise RunFolderError(f"{path!r} has no valid {name!r} entry (expected a "
                                 f"{kind.__name__}); it was not written by this version")
    if not (manifest["members"] or structures_alone(manifest)) or manifest["horizon"] < 1:
        raise RunFolderError(f"{path!r} lists no member or no horizon")


def structures_alone(manifest):
    """Whether every candidate of ``manifest`` forecasts with the structures alone
    (decay 0: an auto run's network left out, ``network_verdict.judge_network``), so
    that a forecast needs no member: its members may all have been dropped."""
    candidates = manifest["candidates"]
    return bool(candidates) and all(
        isinstance(c, dict) and isinstance(c.get("preprocessing"), dict)
        and c["preprocessing"].get("decay") == 0 for c in candidates)


def _check_files(folder, files, sizes):
    """Each listed file lies in ``folder`` (no absolute path, ``..`` or link), is a
    regular file of at most 1 GiB, of the recorded size (when recorded), and then of the
    recorded digest: sizes are compared before anything is hashed."""
    from .ownership import check_manifest_path
    from .safe_io import regular_file_size
    for rel, expected in files.items():
        path = check_manifest_path(folder, rel, "the file")
        if not os.path.lexists(path):
            raise RunFolderError(f"{path!r} is missing from the run folder")
        size = regular_file_size(path, "run folder file", RunFolderError, follow=False)
        if rel in sizes and sizes[rel] != size:
            raise RunFolderError(f"{path!r} differs from the file the run wrote ({size} "
                                 f"bytes, expected {sizes[rel]})")
        if digest(path) != expected:
            raise RunFolderError(f"{path!r} differs from the file the run wrote "
                                 "(changed or replaced after the run)")
