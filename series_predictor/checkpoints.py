"""Checkpoint files: save without ever damaging the last good one, restore with checks.

A checkpoint folder holds TensorFlow's ``model.ckpt-N.index``/``.data-*`` files,
TensorFlow's ``checkpoint`` state file naming the current ``model.ckpt-N``, and
``series_predictor.json`` with the arguments that rebuild the model (input_dim,
seq_size, hidden_dim). A save writes a new ``N`` beside the old one and only then
points the state file at it (an atomic rename), so a save that fails part-way
leaves the previous checkpoint current and intact.
"""

import glob
import json
import os
import re

from .errors import CheckpointError, CheckpointNotFoundError

PREFIX = "model.ckpt"
MODEL_ARGS_FILE = "series_predictor.json"
MODEL_ARG_NAMES = ("input_dim", "seq_size", "hidden_dim")
_INDEX_RE = re.compile(re.escape(PREFIX) + r"-(\d+)\.")


def _tf():
    from .tf_compat import tf
    return tf


def _saved_indices(directory):
    indices = set()
    for path in glob.glob(os.path.join(glob.escape(directory), PREFIX + "-*")):
        match = _INDEX_RE.match(os.path.basename(path))
        if match:
            indices.add(int(match.group(1)))
    return indices


def _atomic_write_text(path, text):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_model_args(directory, model_args):
    _atomic_write_text(
        os.path.join(directory, MODEL_ARGS_FILE), json.dumps(model_args, indent=2) + "\n"
    )


def read_model_args(directory):
    """Return the stored model arguments of a checkpoint folder, or {} when absent."""
    path = os.path.join(directory, MODEL_ARGS_FILE)
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"cannot read {path}: {exc}") from None


def _update_state(directory, prefix):
    from .tf_compat import quiet_deprecations
    # TensorFlow writes the state file through a temporary file and a rename.
    with quiet_deprecations():
        _tf().compat.v1.train.update_checkpoint_state(
            directory, prefix, all_model_checkpoint_paths=[prefix]
        )


def save(saver, sess, directory, model_args):
    """Save the session's variables as a new checkpoint in ``directory``.

    Returns:
        The new checkpoint's prefix (``<directory>/model.ckpt-N``).
    """
    os.makedirs(directory, exist_ok=True)
    existing = _saved_indices(directory)
    prefix = os.path.join(directory, f"{PREFIX}-{max(existing, default=0) + 1}")
    saver.save(sess, prefix, write_meta_graph=False, write_state=False)
    write_model_args(directory, model_args)
    _update_state(directory, prefix)
    for index in existing:
        for path in glob.glob(glob.escape(os.path.join(directory, f"{PREFIX}-{index}")) + ".*"):
            os.remove(path)
    return prefix


def resolve(path):
    """Return ``(directory, prefix)`` for a checkpoint folder or a checkpoint prefix.

    Raises:
        CheckpointNotFoundError: nothing restorable at ``path``.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        prefix = _tf().train.latest_checkpoint(path)
        if prefix is None:
            raise CheckpointNotFoundError(f"no checkpoint in folder {path!r}")
        return path, prefix
    if os.path.exists(path + ".index"):
        return os.path.dirname(path) or ".", path
    raise CheckpointNotFoundError(
        f"no checkpoint at {path!r} (expected a folder with a 'checkpoint' file, "
        f"or a prefix with a '.index' file)"
    )


def _args_from_variables(prefix):
    """Infer hidden_dim and input_dim from the stored variable shapes."""
    shapes = dict(_tf().train.list_variables(prefix))
    found = {}
    for name, shape in shapes.items():
        if name.endswith("W_out"):
            found["hidden_dim"] = shape[0]
    for name, shape in shapes.items():
        if name.endswith("basic_lstm_cell/kernel") and "hidden_dim" in found:
            found["input_dim"] = shape[0] - found["hidden_dim"]
    return found


def check_compatible(directory, prefix, expected):
    """Raise CheckpointError if the checkpoint was made for another model shape."""
    found = read_model_args(directory) or _args_from_variables(prefix)
    for name in MODEL_ARG_NAMES:
        if name in found and found[name] != expected[name]:
            raise CheckpointError(
                f"checkpoint {prefix!r} was made with {name}={found[name]}, but this "
                f"predictor has {name}={expected[name]}; build SeriesPredictor with "
                f"{name}={found[name]} to restore it"
            )
