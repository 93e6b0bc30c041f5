"""What a run may replace or remove in its ``--out`` folder: only what this package
can prove it wrote.

Proof is a record the package owns: ``.series-predictor-owned.json`` (the names a
run of this package created in the folder, written before it creates them), and a
finished run's ``run.json`` (its format line, the files it lists and its member
folders). Anything else that has one of the run's output names is a clash: refused
at the start, naming it, unless ``--force`` (then a file or a link itself is
replaced; a folder is used, but only this package's files in it are ever removed).
A name that merely shares a prefix (``checkpoint-2023/``, ``checkpoint-backup.tar``)
is never touched. Links are never followed: a link in the way is refused (or, with
``--force``, removed itself). Every check is made before the first removal.
"""

import contextlib
import json
import os
import re
import stat

from . import checkpoints, safe_io
from .atomic import write_atomic
from .errors import OutputDirError, RunFolderError

OWNED = ".series-predictor-owned.json"
OWNED_FORMAT = "series-predictor owned names, version 1"
RUN_FORMAT = "series-predictor run folder, version 1"  # run.json's "format" (run_folder.FORMAT)
# Temporary names: ``atomic.temporary_path``'s ``NAME.tmp-<pid>-<8 hex>`` (ours when NAME
# is in the folder's record), and earlier versions' ``.tmp-<32 hex>-NAME`` / ``.tmp-<32 hex>.ext``.
_TMP_NAME = re.compile(r"^(?P<name>.+)\.tmp-\d+-[0-9a-f]{8}$")
_TMP_EARLIER = re.compile(r"^\.tmp-[0-9a-f]{32}(?:-.+|\.[A-Za-z0-9]+)$")


def _plain(name):
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name
            and "\x00" not in name and os.sep not in name)


def _load_json(path, what):
    try:
        raw = safe_io.read_regular(path, what, RunFolderError, follow=False)
        return json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError, RunFolderError):
        return None


def owned_names(folder, manifest="run.json"):
    """Top-level names in ``folder`` that a run of this package wrote (a set)."""
    names = set()
    record = _load_json(os.path.join(folder, OWNED), OWNED)
    if isinstance(record, dict) and record.get("format") == OWNED_FORMAT \
            and isinstance(record.get("names"), list):
        names.update(n for n in record["names"] if _plain(n))
    run = _load_json(os.path.join(folder, manifest), manifest)
    if isinstance(run, dict) and run.get("format") == RUN_FORMAT:
        names.add(manifest)
        if isinstance(run.get("files"), dict):
            names.update(rel.split("/")[0] for rel in run["files"] if isinstance(rel, str))
        for member in run.get("members") or []:
            if isinstance(member, dict):
                names.add(member.get("folder"))
    return {n for n in names if _plain(n)}


def record_owned(folder, names):
    """Add ``names`` to the folder's record of what this package wrote (before writing)."""
    path = os.path.join(folder, OWNED)
    safe_io.check_replaceable(path, "the ownership record")
    names = sorted(owned_names(folder) | set(names))
    try:
        write_atomic(path, json.dumps({"format": OWNED_FORMAT, "names": names}, indent=1) + "\n")
    except OSError as exc:
        raise safe_io.write_error(path, exc) from None


def _clash(path, why):
    from .option_names import option
    return OutputDirError(f"{path!r} {why}, not written by series-predictor; move it away, "
                          f"choose another {option('out')}, or pass {option('force', True)} "
                          "to replace it")


def _check_name(folder, name, is_folder, owned, force):
    """What to do with ``name`` before the run: None (nothing), "remove", "unlink"
    (a link itself), or "use" (a folder). Raises OutputDirError on a clash."""
    path = os.path.join(folder, name)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        if not force:
            from .option_names import option
            raise OutputDirError(f"{path!r} is a symbolic link; a run never writes through "
                                 f"a link: remove it, or pass {option('force', True)} to "
                                 "replace the link itself (never what it points to)")
        return "unlink"
    if is_folder != stat.S_ISDIR(info.st_mode):
        raise OutputDirError(f"{path!r} is a {'file' if is_folder else 'folder'}, but the run "
                             f"{'keeps a checkpoint folder' if is_folder else 'writes a file'} "
                             "there; move it away or choose another --out")
    if not is_folder and not stat.S_ISREG(info.st_mode):
        raise OutputDirError(f"{path!r} is not a regular file; move it away")
    if name not in owned and not force:
        raise _clash(path, "is a folder" if is_folder else "exists")
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        raise OutputDirError(f"{path!r} exists and cannot be replaced: permission denied")
    if is_folder:
        return "use" if name in owned else "adopt"
    return "remove"


def plan(folder, files, member_folders, force=False):
    """Check every name the run will write; return ``{name: action}`` (see ``_check_name``).

    Raises:
        OutputDirError: the first clash, naming it; nothing has been changed.
    """
    owned = owned_names(folder)
    actions = {}
    for name in files:
        actions[name] = _check_name(folder, name, False, owned, force)
    for name in member_folders:
        actions[name] = _check_name(folder, name, True, owned, force)
    for name in sorted(owned - set(files) - set(member_folders)):
        path = os.path.join(folder, name)
        if _is_member_name(name) and os.path.isdir(path) and not os.path.islink(path):
            if not os.access(path, os.W_OK):
                raise OutputDirError(f"cannot remove an earlier run's checkpoints from "
                                     f"{path!r}: permission denied")
            actions[name] = "earlier"
    return actions


def _is_member_name(name):
    return name == "checkpoint" or (name.startswith("checkpoint-")
                                    and name[len("checkpoint-"):].isdigit())


def apply(folder, actions, first=("run.json",), temporaries=True):
    """Carry out ``plan``'s actions: ``first`` names go first; then files, links, and
    this package's own files in member folders (an earlier run's member folder goes
    when nothing else is left in it); then, when ``temporaries`` (the folder was this
    package's before the run), the temporary files a killed run left."""
    order = [n for n in first if n in actions] + [n for n in actions if n not in first]
    for name in order:
        action, path = actions[name], os.path.join(folder, name)
        with contextlib.suppress(FileNotFoundError):
            if action in ("remove", "unlink"):
                os.unlink(path)
            elif action in ("use", "adopt", "earlier"):
                clear_own_checkpoints(path, replace_state=action == "adopt")
                if action == "earlier":
                    with contextlib.suppress(OSError):
                        os.rmdir(path)
    if temporaries:
        remove_own_temporaries(folder)


def _ours(directory, base):
    record = _load_json(os.path.join(directory, base + ".json"), "checkpoint metadata")
    return isinstance(record, dict) and isinstance(record.get("format"), int) \
        and "owner" in record


def clear_own_checkpoints(directory, replace_state=False):
    """Remove from ``directory`` the checkpoints this package saved (those with its
    ``model.ckpt-N.json`` metadata), the state file when it names one of them (or any
    regular state file when ``replace_state``: ``--force``), and its own temporary
    files. Anything else, links included, stays."""
    ours = {base for base in checkpoints._files_by_base(directory) if _ours(directory, base)}
    state = os.path.join(directory, checkpoints.STATE_FILE)
    if os.path.isfile(state) and not os.path.islink(state) \
            and (replace_state or checkpoints._current_base(directory) in ours):
        os.unlink(state)
    for base, names in checkpoints._files_by_base(directory).items():
        if base in ours:
            for name in names:
                path = os.path.join(directory, name)
                if not os.path.islink(path) and os.path.isfile(path):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(path)
    for name in os.listdir(directory):
        if re.match(r"^checkpoint\.tmp-\d+-[0-9a-f]{8}$", name):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(directory, name))


def remove_own_temporaries(folder):
    """Remove temporary files that a killed run of this package left (``NAME.tmp-<pid>-<8
    hex digits>`` of a name in the folder's record, or an earlier version's ``.tmp-<32 hex
    digits>-name``; regular files only)."""
    owned = owned_names(folder) | {OWNED}
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        found = _TMP_NAME.match(name)
        ours = (found is not None and found.group("name") in owned) or _TMP_EARLIER.match(name)
        if ours and not os.path.islink(path) and os.path.isfile(path):
            with contextlib.suppress(OSError):
                os.unlink(path)


def check_manifest_path(folder, rel, what):
    """Refuse a path named in ``run.json`` that is not confined to ``folder``: absolute,
    with ``..``, or through a link (RunFolderError)."""
    parts = rel.split("/") if isinstance(rel, str) else [None]
    if not all(_plain(p) for p in parts) or os.path.isabs(rel):
        raise RunFolderError(f"{os.path.join(folder, 'run.json')!r} names {what} {rel!r}, "
                             "which is not a path inside the run folder")
    path = folder
    for part in parts:
        path = os.path.join(path, part)
        if os.path.islink(path):
            raise RunFolderError(f"{path!r} is a symbolic link; a run folder's files must "
                                 "lie in it")
    return os.path.join(folder, *parts)
