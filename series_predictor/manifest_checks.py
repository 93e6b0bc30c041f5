"""Range checks of every value a kept run folder's ``run.json`` gives, before use.

A ``run.json`` may come from anyone: its self-digest is an unkeyed SHA-256, which
catches accidents (a truncated copy, an edit), not forgery. So each value a forecast
uses is checked here: member folders and checkpoints are plain names inside the
folder, the model's sizes are within the package's caps (checked before any graph is
built), the time unit is one NumPy unit, the dropped members' keys are seeds.
Each failure is one ``RunFolderError`` line naming the entry.
"""

import math
import numbers
import re

from .errors import RunFolderError
from .validation import MAX_HIDDEN_DIM, MAX_SEQ_SIZE

MAX_MANIFEST_HORIZON = 100_000  # config.MAX_HORIZON
_TIME_UNIT = re.compile(r"^(?:datetime64\[(?:Y|M|W|D|h|m|s|ms|us|ns)\]|int64|int32|float64)$")
_CHECKPOINT = re.compile(r"^model\.ckpt-\d{1,18}$")
_MEMBER_FOLDER = re.compile(r"^checkpoint(?:-\d{1,10})?$")


def _int(value, low, high):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) \
        and low <= value <= high


def _fail(path, entry, value, rule):
    raise RunFolderError(f"{path!r} has {entry} {str(value)[:80]!r}: {rule}")


def _check_member(path, member, n_candidates):
    if not isinstance(member, dict):
        _fail(path, "a member", member, "expected an object")
    if not (isinstance(member.get("folder"), str) and _MEMBER_FOLDER.match(member["folder"])):
        _fail(path, "member folder", member.get("folder"),
              "expected checkpoint or checkpoint-SEED inside the run folder")
    if not (isinstance(member.get("checkpoint"), str)
            and _CHECKPOINT.match(member["checkpoint"])):
        _fail(path, "member checkpoint", member.get("checkpoint"), "expected model.ckpt-N")
    if not _int(member.get("seed"), 0, 2**31 - 1):
        _fail(path, "member seed", member.get("seed"), "expected a seed")
    if not _int(member.get("candidate"), 0, n_candidates - 1):
        _fail(path, "member candidate", member.get("candidate"), "expected a candidate index")
    args = member.get("model_args")
    limits = {"input_dim": (1, 1), "seq_size": (1, MAX_SEQ_SIZE),
              "hidden_dim": (1, MAX_HIDDEN_DIM)}
    if not isinstance(args, dict) or set(args) != set(limits):
        _fail(path, "member model_args", args, "expected input_dim, seq_size and hidden_dim")
    for name, (low, high) in limits.items():
        if not _int(args[name], low, high):
            _fail(path, f"model_args {name}", args[name], f"expected {low} to {high}")


def _check_tail(path, tail, n_points):
    unit = tail.get("time_unit")
    if not (isinstance(unit, str) and _TIME_UNIT.match(unit)):
        _fail(path, "time_unit", unit, "expected datetime64[unit], int64 or float64")
    values, times = tail.get("values"), tail.get("times")
    if not isinstance(values, list) or not isinstance(times, list) or not values \
            or len(values) != len(times) or len(values) > n_points:
        _fail(path, "tail", f"{len(values or [])} values, {len(times or [])} times",
              "expected as many times as values, at least one, at most n_points")
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        _fail(path, "a tail value", next(v for v in values if not isinstance(v, numbers.Real)
                                         or isinstance(v, bool)), "expected a number")
    lowest = tail.get("lowest")   # absent in folders written before it was recorded
    if lowest is not None and not (isinstance(lowest, numbers.Real)
                                   and not isinstance(lowest, bool) and math.isfinite(lowest)):
        _fail(path, "tail lowest", lowest, "expected the series' lowest value, a number")


def check_values(path, manifest):
    """Raise RunFolderError unless every value of ``manifest`` is in range (see above)."""
    if not _int(manifest["horizon"], 1, MAX_MANIFEST_HORIZON):
        _fail(path, "horizon", manifest["horizon"], f"expected 1 to {MAX_MANIFEST_HORIZON}")
    if not _int(manifest["n_points"], 1, 10**9):
        _fail(path, "n_points", manifest["n_points"], "expected a count of points")
    if not manifest["candidates"]:
        _fail(path, "candidates", [], "expected at least one")
    for member in manifest["members"]:
        _check_member(path, member, len(manifest["candidates"]))
    _check_tail(path, manifest["tail"], manifest["n_points"])
    envelope = manifest["envelope"]
    if set(envelope) != {"low", "high", "season", "log"} \
            or not all(isinstance(envelope[k], numbers.Real) and not isinstance(envelope[k], bool)
                       and math.isfinite(envelope[k]) for k in ("low", "high")) \
            or not envelope["low"] <= envelope["high"] \
            or not _int(envelope["season"], 1, 100_000) or not isinstance(envelope["log"], bool):
        _fail(path, "envelope", envelope, "expected finite low <= high, a season and log")
    for key in manifest["dropped"]:
        if not (isinstance(key, str) and re.fullmatch(r"\d{1,10}", key)):
            _fail(path, "a dropped member's key", key, "expected a seed")


def check_member_checkpoint(path, prefix, model_args):
    """Refuse a member whose ``model_args`` disagree with its checkpoint's own record
    (``model.ckpt-N.json``), before a graph of that size is built."""
    from .checkpoints import read_metadata
    record = read_metadata(prefix)
    if record is not None and record["model_args"] != model_args:
        _fail(path, "member model_args", model_args,
              f"its checkpoint {prefix!r} was saved with {record['model_args']}")
