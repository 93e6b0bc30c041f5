"""Checkpoint files: written without ever damaging the last good one, read with checks.

A checkpoint folder holds, for each checkpoint ``N``:

- ``model.ckpt-N.index`` and ``model.ckpt-N.data-00000-of-00001``: TensorFlow's files;
- ``model.ckpt-N.json``: this package's metadata of ``N``: the format version, the
  owner (a token of the predictor that saved it, with its process id and host),
  the training step, the model arguments (input_dim, seq_size, hidden_dim), and
  the size and SHA-256 of each TensorFlow file;

and one ``checkpoint`` state file, in TensorFlow's text format, naming the current
checkpoint by a path relative to the folder (so a copied or moved folder restores
its own weights, and ``tf.train.latest_checkpoint`` still reads it).

A save claims ``N`` by creating ``model.ckpt-N.json`` exclusively (two savers, even
in two processes, never share an ``N``), writes TensorFlow's files, then the
metadata, and only then points the state file at ``N``; each write is an atomic
rename. A save that fails removes its partial files and leaves the previous
checkpoint current. A save then removes the saver's own older checkpoints and those
of predictors that are closed or whose process has ended; it never touches a live
predictor's files. A restore checks the metadata (model arguments, sizes, digests)
before TensorFlow reads a byte, so a damaged or mismatched checkpoint gives a
``CheckpointError`` naming the file. Paths are never globbed: any legal path works.
"""

import codecs
import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile

from .errors import CheckpointError, CheckpointNotFoundError, OutputDirError

FORMAT_VERSION = 1
PREFIX = "model.ckpt"
STATE_FILE = "checkpoint"
LEGACY_MODEL_ARGS_FILE = "series_predictor.json"  # folder-wide; written before format 1
MODEL_ARG_NAMES = ("input_dim", "seq_size", "hidden_dim")

_INDEX_RE = re.compile(re.escape(PREFIX) + r"-(\d+)\.")
_GLOB_CHARS = re.compile(r"[][*?\\]")  # TensorFlow's file pattern characters
_FILE_SUFFIX = re.compile(r"\.(?:index|json|data-\d{5}-of-\d{5})$")
_STATE_KEYS = ("model_checkpoint_path", "all_model_checkpoint_paths",
               "all_model_checkpoint_timestamps", "last_preserved_timestamp")
_STATE_LINE = re.compile(r'^\s*(\w+)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|([-+.\deE]+))\s*$')
_HOST = socket.gethostname()
_live_owners = set()  # owner tokens of this process's open predictors


def _tf():
    from .tf_compat import tf
    return tf


def as_path(path):
    """``path`` (str, bytes or path-like) as a str; undecodable bytes are kept."""
    return os.fsdecode(os.fspath(path))


# ---------------------------------------------------------------- ownership
def register_owner(owner):
    """Mark ``owner`` (a predictor's token) as open: its checkpoints are never pruned."""
    _live_owners.add(owner)


def release_owner(owner):
    """Mark ``owner`` as closed: the next save into its folders may prune its files."""
    _live_owners.discard(owner)


def _process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, TypeError, ValueError):
        return True  # not ours to signal, or unreadable: assume it runs
    return True


def _owner_is_gone(record):
    """True when the predictor that wrote ``record`` is closed or its process ended."""
    if record.get("owner") in _live_owners or record.get("host") != _HOST:
        return False
    pid = record.get("pid")
    return pid == os.getpid() or not _process_exists(pid)


# -------------------------------------------------------------- file names
def _files_by_base(directory):
    """``{"model.ckpt-N": [file names]}`` for every ``model.ckpt-N.*`` in ``directory``:
    weights, metadata, and temporary files of a save."""
    found = {}
    for name in os.listdir(directory):
        match = _INDEX_RE.match(name)
        if match:
            found.setdefault(match.group(0)[:-1], []).append(name)
    return found


def _weight_files(directory, base):
    """Sorted names of TensorFlow's files of checkpoint ``base`` (index and data)."""
    pattern = re.compile(re.escape(base) + r"\.(?:index|data-\d{5}-of-\d{5})$")
    return sorted(name for name in os.listdir(directory) if pattern.match(name))


def _remove_files(directory, names):
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(directory, name))


def _index_of(base):
    return int(base.rsplit("-", 1)[1])


# ------------------------------------------------------------ atomic writes
def _fsync_folder(directory):
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _atomic_write_text(path, text):
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    tmp = f"{path}.tmp-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_folder(os.path.dirname(path) or ".")


def _read_bytes(path, what):
    """The bytes of the file at ``path``, or None when it does not exist.

    Raises:
        CheckpointError: it exists but cannot be read (names ``what`` and ``path``).
    """
    from .safe_io import read_regular
    try:
        return read_regular(path, what, CheckpointError)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CheckpointError(f"cannot read {what} {path!r}: {_os_error_reason(exc)}") \
            from None


# --------------------------------------------------------------- state file
def write_state(directory, base):
    """Point the ``checkpoint`` state file of ``directory`` at ``base`` (relative)."""
    _atomic_write_text(os.path.join(directory, STATE_FILE),
                       f'model_checkpoint_path: "{base}"\n'
                       f'all_model_checkpoint_paths: "{base}"\n')


def _unescape(text, path, number):
    try:
        return codecs.escape_decode(text.encode("utf-8"))[0].decode("utf-8")
    except (ValueError, UnicodeError):
        raise CheckpointError(f"checkpoint state file {path!r}, line {number}: "
                              f"the path {text!r} is not a valid quoted string") from None


def _parse_state(text, path):
    """The path named by ``model_checkpoint_path`` in a state file's ``text``."""
    expected = 'expected TensorFlow\'s format, a line model_checkpoint_path: "model.ckpt-N"'
    named = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _STATE_LINE.match(line)
        if not match or match.group(1) not in _STATE_KEYS:
            raise CheckpointError(f"checkpoint state file {path!r} is damaged: line {number} "
                                  f"is {line[:80]!r}; {expected}")
        if match.group(1) == "model_checkpoint_path" and match.group(2) is not None:
            named = _unescape(match.group(2), path, number)
    if not named:
        state = "empty" if not text.strip() else "without a model_checkpoint_path"
        raise CheckpointError(f"checkpoint state file {path!r} is {state}; {expected}")
    return named


def read_state(directory):
    """The prefix the state file of ``directory`` names, or None without a state file.

    A relative path is taken inside ``directory``; an absolute one (older versions
    wrote those) by its file name inside ``directory``, so a moved or copied folder
    restores its own files.

    Raises:
        CheckpointError: the state file is unreadable, empty or garbled.
    """
    path = os.path.join(directory, STATE_FILE)
    raw = _read_bytes(path, "checkpoint state file")
    if raw is None:
        return None
    named = _parse_state(raw.decode("utf-8", errors="replace"), path)
    if os.path.isabs(named):
        named = os.path.basename(named)
    elif named != os.path.basename(named) or named in ("", ".", ".."):
        raise CheckpointError(f"checkpoint state file {path!r} names {named!r}, which is not "
                              "a checkpoint inside its folder (changed by hand?)")
    return os.path.join(directory, named)


def _current_base(directory):
    """The base name the state file names, or None when it names none or is unreadable."""
    with contextlib.suppress(CheckpointError):
        prefix = read_state(directory)
        return None if prefix is None else os.path.basename(prefix)
    return None


# ----------------------------------------------------------------- metadata
def _metadata_path(prefix):
    return prefix + ".json"


def _owner_record(owner):
    return {"format": FORMAT_VERSION, "owner": owner, "pid": os.getpid(), "host": _HOST}


def _claim(directory, owner):
    """Create ``model.ckpt-N.json`` exclusively for the next free ``N``; return its base."""
    index = max((_index_of(base) for base in _files_by_base(directory)), default=0) + 1
    claim = json.dumps({**_owner_record(owner), "complete": False}).encode()
    while True:
        base = f"{PREFIX}-{index}"
        try:
            fd = os.open(_metadata_path(os.path.join(directory, base)),
                         os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            index += 1
            continue
        try:
            os.write(fd, claim)
        finally:
            os.close(fd)
        return base


def _file_digest(path, sync=False):
    """``{"size": bytes, "sha256": hex}`` of the file at ``path``."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
        if sync:
            os.fsync(handle.fileno())
    return {"size": size, "sha256": digest.hexdigest()}


def _read_json(path):
    """The object in the JSON file at ``path``, or None when it does not exist."""
    raw = _read_bytes(path, "checkpoint metadata")
    if raw is None:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise CheckpointError(f"checkpoint metadata {path!r} is damaged: not valid JSON "
                              "(written by a save that did not finish?)") from None


def _read_record_quietly(directory, base):
    """The metadata of ``base``: a dict, None without a file, False when unreadable."""
    try:
        record = _read_json(_metadata_path(os.path.join(directory, base)))
    except CheckpointError:
        return False
    return record if record is None or isinstance(record, dict) else False


def read_metadata(prefix):
    """The complete metadata of the checkpoint ``prefix``, or None for an older checkpoint.

    Raises:
        CheckpointError: the metadata is unreadable, incomplete or of a newer format.
    """
    path = _metadata_path(prefix)
    record = _read_json(path)
    if record is None:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("format"), int):
        raise CheckpointError(f"checkpoint metadata {path!r} is damaged: expected an object "
                              "with a format version")
    if record["format"] > FORMAT_VERSION:
        raise CheckpointError(f"checkpoint metadata {path!r} has format {record['format']}, "
                              f"newer than this version reads ({FORMAT_VERSION}); upgrade "
                              "series-predictor")
    files = record.get("files")
    model_args = record.get("model_args")
    if record.get("complete") is not True or not isinstance(files, dict) \
            or not all(isinstance(entry, dict) for entry in files.values()) \
            or not isinstance(model_args, dict) \
            or not all(type(model_args.get(name)) is int for name in MODEL_ARG_NAMES):
        raise CheckpointError(f"checkpoint {prefix!r} is incomplete: {path!r} lacks its files "
                              "or model arguments (its save did not finish)")
    return record


# ------------------------------------------------------------ TensorFlow I/O
def _os_reason(text):
    """The operating system's words for the first errno message found in ``text``."""
    for code in sorted(errno.errorcode):
        words = os.strerror(code)
        if len(words) > 8 and not words.startswith("Unknown error") and words in text:
            return words
    return None


def _tf_reason(exc):
    """One line saying why a TensorFlow op failed, without its node and stack text."""
    message = getattr(exc, "message", None) or str(exc)
    reason = _os_reason(message)
    if reason:
        return reason
    skip = ("Graph execution error", "Detected at node", "File ", "Node:", "[[", "Original")
    lines = [line.strip() for line in message.splitlines()]
    lines = [line for line in lines if line and not line.startswith(skip)]
    return lines[0] if lines else type(exc).__name__


def _os_error_reason(exc):
    return exc.strerror or str(exc) or type(exc).__name__


def _save_error(directory, exc):
    """The one-line OutputDirError for a save into ``directory`` that raised ``exc``."""
    reason = _tf_reason(exc) if isinstance(exc, _tf().errors.OpError) else _os_error_reason(exc)
    return OutputDirError(f"cannot save a checkpoint into {directory!r}: {reason}")


def _tf_path(path):
    """``path`` as the bytes TensorFlow's file system takes literally: absolute (so a
    relative ``s3:/...`` is no URL) and in the file system's own encoding."""
    return os.fsencode(path if os.path.isabs(path) else os.path.join(os.getcwd(), path))


def _run_saver_op(sess, saver_def, op_name, prefix):
    from .tf_compat import quiet_known_tf_lines
    with quiet_known_tf_lines():
        sess.run(op_name, {saver_def.filename_tensor_name: _tf_path(prefix)})


def _run_save_op(sess, saver_def, prefix):
    """Write the session's variables as TensorFlow's files of ``prefix``."""
    _run_saver_op(sess, saver_def, saver_def.save_tensor_name, prefix)


def _tf_reads_as_is(path):
    """False for a path TensorFlow's readers would misread.

    Its restore op and checkpoint reader look the index file up as a file pattern,
    so ``[``, ``]``, ``*``, ``?`` and ``\\`` break them; and they take text, so the
    path must be UTF-8.
    """
    try:
        path.encode("utf-8")
    except UnicodeError:
        return False
    return not _GLOB_CHARS.search(path)


@contextlib.contextmanager
def _tf_readable(prefix, names):
    """A prefix TensorFlow reads as-is: ``prefix``, or links to ``names`` in a temp folder."""
    if _tf_reads_as_is(prefix):
        yield prefix
        return
    folder = tempfile.mkdtemp(prefix="series-predictor-restore-")
    try:
        if not _tf_reads_as_is(folder):
            raise CheckpointError(f"cannot read checkpoint {prefix!r}: its path and the "
                                  f"temporary folder {folder!r} both hold [ ] * ? or \\")
        base = os.path.basename(prefix)
        for name in names:
            source = os.path.join(os.path.dirname(prefix), name)
            alias = os.path.join(folder, "ckpt" + name[len(base):])
            try:
                os.symlink(os.path.abspath(source), alias)
            except OSError:
                shutil.copyfile(source, alias)
        yield os.path.join(folder, "ckpt")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _read_by_tensorflow(prefix, doing):
    """Yield a path by which TensorFlow reads ``prefix``; wrap its errors in CheckpointError.

    ``doing`` names the action in the message: "cannot <doing> checkpoint '<prefix>': why".
    """
    directory, base = os.path.split(prefix)
    tf = _tf()
    try:
        with _tf_readable(prefix, _weight_files(directory or ".", base)) as readable:
            yield readable
    except CheckpointError:
        raise
    except (tf.errors.OpError, OSError, ValueError) as exc:
        raise CheckpointError(f"cannot {doing} checkpoint {prefix!r}: {_tf_reason(exc)}") \
            from None


# --------------------------------------------------------------------- save
def _make_folder(directory):
    try:
        os.makedirs(directory, exist_ok=True)
        if not os.path.isdir(directory):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder")
    except OSError as exc:
        raise _save_error(directory, exc) from None


def _write_checkpoint(sess, saver_def, directory, base, record):
    """Write the weights and then the complete metadata of ``base``."""
    prefix = os.path.join(directory, base)
    _run_save_op(sess, saver_def, prefix)
    files = {name: _file_digest(os.path.join(directory, name), sync=True)
             for name in _weight_files(directory, base)}
    if not any(name.endswith(".index") for name in files):
        raise OSError(errno.ENOENT, "TensorFlow wrote no index file")
    _atomic_write_text(_metadata_path(prefix),
                       json.dumps({**record, "complete": True, "files": files}, indent=2) + "\n")


def save(sess, saver_def, directory, *, owner, model_args, step=None):
    """Save the session's variables as a new checkpoint in ``directory``; return its prefix.

    Args:
        sess, saver_def: the session and its graph's ``Saver.saver_def``.
        owner: the saving predictor's token (see ``register_owner``).
        model_args: ``{"input_dim", "seq_size", "hidden_dim"}`` stored with the weights.
        step: the training step of these weights, or None.

    Raises:
        OutputDirError: the folder or a file cannot be written (full disk,
            permissions, a file in the way); the previous checkpoint stays current
            and no file of the failed save is left.
    """
    _make_folder(directory)
    _refuse_foreign_state(directory)
    try:
        base = _claim(directory, owner)
    except OSError as exc:
        raise _save_error(directory, exc) from None
    record = {**_owner_record(owner), "step": step, "model_args": dict(model_args)}
    try:
        _write_checkpoint(sess, saver_def, directory, base, record)
        write_state(directory, base)
    except BaseException as exc:
        if _current_base(directory) != base:
            _remove_files(directory, _files_by_base(directory).get(base, []))
        if isinstance(exc, (OSError, _tf().errors.OpError)):
            raise _save_error(directory, exc) from None
        raise
    _prune(directory, base, owner)
    return os.path.join(directory, base)


def _refuse_foreign_state(directory):
    """Refuse to save into a folder whose state file this package did not write (it
    names an existing checkpoint without this package's metadata, is unreadable, or is
    a link): saving would overwrite it. A state file naming nothing left is stale."""
    path = os.path.join(directory, STATE_FILE)
    if os.path.islink(path):
        raise OutputDirError(f"cannot save a checkpoint into {directory!r}: its state file "
                             f"{path!r} is a symbolic link; choose another checkpoint_dir")
    try:
        prefix = read_state(directory)
    except CheckpointError as exc:
        raise OutputDirError(f"cannot save a checkpoint into {directory!r}: {exc}; it would "
                             "be overwritten: choose another checkpoint_dir") from None
    if prefix is not None and not os.path.isfile(_metadata_path(prefix)) \
            and os.path.lexists(prefix + ".index"):
        raise OutputDirError(
            f"cannot save a checkpoint into {directory!r}: its state file {path!r} names "
            f"{os.path.basename(prefix)!r}, a checkpoint series-predictor did not write, "
            "and would be overwritten; choose another checkpoint_dir")


def _prune(directory, keep, owner):
    """Remove the owner's checkpoints older than ``keep``, and those of closed predictors.

    The checkpoint the state file names and every checkpoint of an open predictor
    (in this process or another on this host) stay. Best effort: a file that cannot
    be removed is left.
    """
    current = _current_base(directory)
    with contextlib.suppress(OSError):
        for base, names in _files_by_base(directory).items():
            if base in (keep, current):
                continue
            record = _read_record_quietly(directory, base)
            if record is False:
                continue  # unreadable metadata: maybe a claim being written
            own_older = record is not None and record.get("owner") == owner \
                and _index_of(base) < _index_of(keep)
            if record is None:
                continue  # no metadata of this package: a user's own checkpoint stays
            if own_older or (record.get("owner") != owner and _owner_is_gone(record)):
                _remove_files(directory, names)
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(directory, LEGACY_MODEL_ARGS_FILE))


# ------------------------------------------------------------------ restore
def resolve(path):
    """Return the checkpoint prefix for a checkpoint folder or a checkpoint prefix.

    Raises:
        CheckpointNotFoundError: nothing restorable at ``path``.
        CheckpointError: the folder's state file is damaged, or names a checkpoint
            whose files are missing.
    """
    path = as_path(path)
    if os.path.isdir(path):
        prefix = read_state(path)
        if prefix is None:
            raise CheckpointNotFoundError(f"no checkpoint in folder {path!r} (it has no "
                                          f"'{STATE_FILE}' state file)")
        if not (os.path.exists(_metadata_path(prefix)) or os.path.exists(prefix + ".index")):
            raise CheckpointError(
                f"checkpoint state file {os.path.join(path, STATE_FILE)!r} names "
                f"{os.path.basename(prefix)!r}, but {prefix + '.index'!r} is missing")
        return prefix
    # A prefix, or one of its files (the .index a file dialog picked).
    prefix = _FILE_SUFFIX.sub("", path)
    if os.path.exists(_metadata_path(prefix)) or os.path.exists(prefix + ".index"):
        return prefix
    raise CheckpointNotFoundError(
        f"no checkpoint at {path!r} (expected a folder with a '{STATE_FILE}' file, "
        f"or a prefix with a '.index' file)")


def _check_model_args(prefix, found, expected):
    for name in MODEL_ARG_NAMES:
        if name in found and found[name] != expected[name]:
            raise CheckpointError(
                f"checkpoint {prefix!r} was made with {name}={found[name]}, but this "
                f"predictor has {name}={expected[name]}; build SeriesPredictor with "
                f"{name}={found[name]} to restore it")


def _check_files(prefix, files):
    """Raise CheckpointError unless each file has the size and SHA-256 recorded."""
    directory, base = os.path.split(prefix)
    if not any(name == base + ".index" for name in files):
        raise CheckpointError(f"checkpoint metadata {_metadata_path(prefix)!r} lists no "
                              f"{base + '.index'!r}")
    for name, expected in sorted(files.items()):
        path = os.path.join(directory, name)
        if os.path.basename(name) != name or not name.startswith(base + "."):
            raise CheckpointError(f"checkpoint metadata {_metadata_path(prefix)!r} lists "
                                  f"{name!r}, which is not a file of {base!r}")
        try:
            size = os.stat(path).st_size  # sizes first: a huge file is never hashed
            if size != expected.get("size"):
                raise CheckpointError(f"checkpoint file {path!r} is damaged: {size} bytes, "
                                      f"expected {expected.get('size')} bytes")
            found = _file_digest(path)
        except FileNotFoundError:
            raise CheckpointError(f"checkpoint {prefix!r} is missing its file {path!r}") \
                from None
        except OSError as exc:
            raise CheckpointError(f"cannot read checkpoint file {path!r}: "
                                  f"{_os_error_reason(exc)}") from None
        if found != expected:
            raise CheckpointError(
                f"checkpoint file {path!r} is damaged: {found['size']} bytes with SHA-256 "
                f"{found['sha256'][:12]}..., expected {expected.get('size')} bytes with "
                f"{str(expected.get('sha256'))[:12]}...")


def _args_from_variables(prefix):
    """Infer hidden_dim and input_dim from the stored variable shapes (older checkpoints)."""
    with _read_by_tensorflow(prefix, "read") as readable:
        shapes = dict(_tf().train.list_variables(readable))
    found = {}
    for name, shape in shapes.items():
        if name.endswith("W_out"):
            found["hidden_dim"] = shape[0]
    for name, shape in shapes.items():
        if name.endswith("basic_lstm_cell/kernel") and "hidden_dim" in found:
            found["input_dim"] = shape[0] - found["hidden_dim"]
    return found


def verify(prefix, model_args, owner=None):
    """Check the checkpoint ``prefix`` against its metadata and ``model_args``.

    Args:
        owner: when given, the checkpoint must have been saved by this owner.

    Returns:
        Its metadata, or None for an older checkpoint without one (then the
        shapes are read from the stored variables).

    Raises:
        CheckpointError: another model shape or owner, a missing or damaged file.
    """
    record = read_metadata(prefix)
    if owner is not None and record is None:
        raise CheckpointError(f"checkpoint {prefix!r} is missing its file "
                              f"{_metadata_path(prefix)!r}")
    if owner is not None and record.get("owner") != owner:
        raise CheckpointError(f"checkpoint {prefix!r} is no longer this predictor's: another "
                              "save replaced its files")
    if record is None:
        if not os.path.exists(prefix + ".index"):
            raise CheckpointError(f"checkpoint {prefix!r} is missing its file "
                                  f"{prefix + '.index'!r}")
        _check_model_args(prefix, _args_from_variables(prefix), model_args)
        return None
    _check_model_args(prefix, record["model_args"], model_args)
    _check_files(prefix, record["files"])
    return record


def restore(sess, saver_def, prefix, model_args, owner=None):
    """Verify the checkpoint ``prefix``, then load it into ``sess``; return its metadata.

    Raises:
        CheckpointError: see ``verify``; any error of TensorFlow's restore op is
            wrapped in one naming ``prefix``.
    """
    record = verify(prefix, model_args, owner)
    with _read_by_tensorflow(prefix, "restore") as readable:
        _run_saver_op(sess, saver_def, saver_def.restore_op_name, readable)
    return record
