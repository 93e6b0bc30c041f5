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

import contextlib
import errno
import json
import os

from .atomic import digest, write_atomic
from .checkpoint_files import (as_path, _current_base, _FILE_SUFFIX, _files_by_base,
                               FORMAT_VERSION, _index_of, LEGACY_MODEL_ARGS_FILE, _metadata_path,
                               MODEL_ARG_NAMES, _os_error_reason, PREFIX, _read_by_tensorflow,
                               read_metadata, _read_record_quietly, read_state, _remove_files,
                               _run_saver_op, _save_error, STATE_FILE, _tf, _weight_files,
                               write_state)
from .errors import CheckpointError, CheckpointNotFoundError, OutputDirError
from .owners import _HOST, _owner_is_gone

# Moved names, re-exported so that old import paths keep working.
from .owners import register_owner, release_owner  # noqa: F401


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
    return {"size": os.path.getsize(path), "sha256": digest(path, sync=sync)}


def _run_save_op(sess, saver_def, prefix):
    """Write the session's variables as TensorFlow's files of ``prefix``."""
    _run_saver_op(sess, saver_def, saver_def.save_tensor_name, prefix)


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
    write_atomic(_metadata_path(prefix),
                 json.dumps({**record, "complete": True, "files": files}, indent=2) + "\n",
                 sync=True)


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
