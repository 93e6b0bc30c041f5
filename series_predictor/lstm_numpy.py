"""The trained network's forecast in NumPy: a kept run forecasts without TensorFlow.

A forecast past the data needs only the four weights of the book's network (the
LSTM cell's kernel and bias, the output layer's ``W_out`` and ``b_out``) and
BasicLSTMCell's equations. ``read_weights`` takes them from a TensorFlow
checkpoint's own files (the tensor bundle: an ``.index`` table of entries and a
``.data-00000-of-00001`` file of raw little-endian values), and ``hallucinate``
runs listing 10.9's feedback loop on them in float32. The run computes its
forecast past the data with this same code (``stages.forecast_member``), so the
run and ``load_run(path).forecast(h)`` give the same numbers. NumPy only.
"""

import os
import struct

import numpy as np

from .errors import RunFolderError

SCOPE = "series_predictor/"
NAMES = {"kernel": SCOPE + "rnn/basic_lstm_cell/kernel", "bias": SCOPE + "rnn/basic_lstm_cell/bias",
         "W_out": SCOPE + "W_out", "b_out": SCOPE + "b_out"}
FORGET_BIAS = 1.0  # BasicLSTMCell's default, which the book uses
_FOOTER = 48
_MAGIC = 0xdb4775248b80fb57
_FLOAT32 = 1  # TensorFlow's DT_FLOAT


def _varint(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _fields(message):
    """A protobuf message -> ``{field number: [values]}`` (varints, bytes, fixed32)."""
    out, pos = {}, 0
    while pos < len(message):
        key, pos = _varint(message, pos)
        number, kind = key >> 3, key & 7
        if kind == 0:
            value, pos = _varint(message, pos)
        elif kind == 2:
            size, pos = _varint(message, pos)
            value, pos = message[pos:pos + size], pos + size
        elif kind == 5:
            value, pos = message[pos:pos + 4], pos + 4
        elif kind == 1:
            value, pos = message[pos:pos + 8], pos + 8
        else:
            raise ValueError(f"protobuf wire type {kind}")
        out.setdefault(number, []).append(value)
    return out


def _block(data, offset, size):
    """The ``{key: value}`` entries of one uncompressed table block."""
    block = data[offset:offset + size]
    restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    limit, pos, key, entries = len(block) - 4 * (restarts + 1), 0, b"", {}
    while pos < limit:
        shared, pos = _varint(block, pos)
        unshared, pos = _varint(block, pos)
        length, pos = _varint(block, pos)
        key = key[:shared] + block[pos:pos + unshared]
        pos += unshared
        entries[key] = block[pos:pos + length]
        pos += length
    return entries


def _index_entries(data):
    """Every ``{tensor name: BundleEntryProto bytes}`` of a bundle's ``.index`` table."""
    if len(data) < _FOOTER or struct.unpack_from("<Q", data, len(data) - 8)[0] != _MAGIC:
        raise ValueError("not a TensorFlow checkpoint index")
    footer = data[len(data) - _FOOTER:]
    _, pos = _varint(footer, 0)
    _, pos = _varint(footer, pos)          # the metaindex block: unused
    offset, pos = _varint(footer, pos)
    size, _ = _varint(footer, pos)
    entries = {}
    for handle in _block(data, offset, size).values():
        block_offset, pos = _varint(handle, 0)
        block_size, _ = _varint(handle, pos)
        entries.update(_block(data, block_offset, block_size))
    return entries


def _tensor(entry, data_file):
    fields = _fields(entry)
    if fields.get(1, [None])[0] != _FLOAT32 or fields.get(3, [0])[0] != 0:
        raise ValueError("a weight that is not float32 in shard 0")
    shape = [_fields(dim).get(1, [0])[0] for dim in _fields(fields.get(2, [b""])[0]).get(2, [])]
    offset, size = fields.get(4, [0])[0], fields.get(5, [0])[0]
    if size != 4 * int(np.prod(shape)):
        raise ValueError(f"a weight of shape {shape} stored in {size} bytes")
    data_file.seek(offset)
    raw = data_file.read(size)
    if len(raw) != size:
        raise ValueError("the data file ends early")
    return np.frombuffer(raw, dtype="<f4").reshape(shape).astype(np.float32)


def read_weights(prefix, hidden_dim):
    """The four weights of checkpoint ``prefix`` (``.../model.ckpt-N``), checked for shape.

    Returns:
        ``{"kernel": [1 + h, 4h], "bias": [4h], "W_out": [h, 1], "b_out": [1]}`` float32.

    Raises:
        RunFolderError: the files cannot be read as this network's checkpoint.
    """
    expected = {"kernel": [1 + hidden_dim, 4 * hidden_dim], "bias": [4 * hidden_dim],
                "W_out": [hidden_dim, 1], "b_out": [1]}
    try:
        with open(prefix + ".index", "rb") as handle:
            entries = _index_entries(handle.read())
        with open(prefix + ".data-00000-of-00001", "rb") as data_file:
            weights = {k: _tensor(entries[name.encode()], data_file) for k, name in NAMES.items()}
    except (OSError, ValueError, KeyError, IndexError, struct.error) as exc:
        raise RunFolderError(f"checkpoint {prefix!r} cannot be read as this network's weights "
                             f"({type(exc).__name__}: {exc})") from None
    for key, shape in expected.items():
        if list(weights[key].shape) != shape:
            raise RunFolderError(f"checkpoint {os.fspath(prefix)!r}: {key} has shape "
                                 f"{list(weights[key].shape)}; the run's network needs {shape}")
    return weights


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return np.float32(1) / (np.float32(1) + np.exp(-x))


def hallucinate(weights, window, steps):
    """Listing 10.9's loop: predict the point after ``window``, append it, crop, repeat.

    Args:
        weights: as ``read_weights`` returns (float32).
        window: ``[seq_size]`` normalized values.
        steps: how many points.

    Returns:
        ``[steps]`` float32: the network's output after each window (BasicLSTMCell from
        the zero state over the window, then ``h @ W_out + b_out``).
    """
    kernel, bias = weights["kernel"], weights["bias"]
    hidden = weights["W_out"].shape[0]
    window = np.asarray(window, dtype=np.float32).reshape(-1).copy()
    out = np.empty(steps, dtype=np.float32)
    for k in range(steps):
        h = c = np.zeros((1, hidden), dtype=np.float32)
        for t in range(len(window)):
            gates = np.concatenate([window[t:t + 1, None], h], axis=1) @ kernel + bias
            i, j, f, o = np.split(gates, 4, axis=1)
            c = c * _sigmoid(f + np.float32(FORGET_BIAS)) + _sigmoid(i) * np.tanh(j)
            h = np.tanh(c) * _sigmoid(o)
        out[k] = (h @ weights["W_out"] + weights["b_out"])[0, 0]
        window = np.concatenate([window[1:], out[k:k + 1]])
    return out


def hallucinator(weights):
    """``(window, steps) -> [steps]``: ``hallucinate`` on ``weights``, shaped as
    ``SeriesPredictor.hallucinate`` is."""
    return lambda window, steps: hallucinate(weights, window, steps)


def session_weights(predictor):
    """The four weights a trained ``SeriesPredictor`` holds now (float32 arrays)."""
    variables = {v.op.name: v for v in predictor.graph.get_collection("trainable_variables")}
    values = predictor.sess.run([variables[name] for name in NAMES.values()])
    return {key: np.asarray(value, dtype=np.float32) for key, value in zip(NAMES, values)}
