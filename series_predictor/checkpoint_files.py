"""The files of a checkpoint folder, by name: the ``checkpoint`` state file,
each checkpoint's metadata, the file names, the error reasons, and the paths
TensorFlow can read as they are (it globs ``[ ] * ?``).

The format is described in ``checkpoints``; this module reads and names files and
saves nothing but the state file.
"""

import codecs
import contextlib
import errno
import json
import os
import re
import shutil
import tempfile

from .atomic import write_atomic
from .errors import CheckpointError, OutputDirError


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


def _tf():
    from .tf_compat import tf
    return tf


def as_path(path):
    """``path`` (str, bytes or path-like) as a str; undecodable bytes are kept."""
    return os.fsdecode(os.fspath(path))


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
    write_atomic(os.path.join(directory, STATE_FILE),
                 f'model_checkpoint_path: "{base}"\n'
                 f'all_model_checkpoint_paths: "{base}"\n', sync=True)


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
