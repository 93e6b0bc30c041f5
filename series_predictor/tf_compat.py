"""Import TensorFlow quietly and find the legacy ``BasicLSTMCell``.

The book imports ``rnn.BasicLSTMCell`` from ``tf.contrib``, which TensorFlow 2
removed. The same class now lives in ``tf.compat.v1.nn.rnn_cell``, which TensorFlow
routes to the ``tf-keras`` package, but only when ``TF_USE_LEGACY_KERAS=1`` is set
at the moment that attribute is first touched. Setting the variable for good would
also turn the user's ``tf.keras`` into Keras 2, so it is set only while the
attribute is resolved. If something already resolved the attribute under Keras 3
(a notebook that touched it first), TensorFlow has cached the refusal; then the
module TensorFlow would have routed to is imported directly.

TensorFlow's start-up lines (oneDNN and CUDA notices, CPU feature hints) are
dropped from stderr while TensorFlow loads and while a predictor starts its
session and its first training step; ``TF_CPP_MIN_LOG_LEVEL`` is never set, so
TensorFlow's own logs, in this process and its children, stay as the user asked.
"""

import contextlib
import importlib
import os
import re
import sys
import tempfile
import threading
import warnings

# Lines TensorFlow's C++ code prints that say nothing the user must act on: the
# start-up notices it prints while it loads (some before its logging is set up,
# so no log level silences them), when the first session starts and at the first
# training step; and its log lines for a failed save or restore op, an error that
# this package reports itself as one line. Seen on TensorFlow 2.21 on CPU; the GPU
# ones are the usual lines of a GPU build.
_KNOWN_LINES = re.compile(
    r"^(?:WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|To enable the following instructions: .*rebuild TensorFlow with the appropriate"
    r"|(?P<severity>[IWE])\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] (?:"
    r"oneDNN custom operations are on"
    r"|Could not find cuda drivers"
    r"|This TensorFlow binary is optimized to use available CPU instructions"
    r"|failed call to cuInit"
    r"|MLIR V1 optimization pass is not enabled"
    r"|oneDNN supports DT_INT32 only on platforms with AVX-512"
    r"|Created device /job:localhost"
    r"|successful NUMA node read"
    r"|Unable to register cu(?:DNN|FFT|BLAS) factory"
    r"|TF-TRT Warning: Could not find TensorRT"
    r"|OP_REQUIRES failed at save_restore_v2_ops"
    r"|Local rendezvous is aborting"
    r"))")
# TF_CPP_MIN_LOG_LEVEL hides the levels below its value; the lines without a level
# go with the INFO lines they come with.
_SEVERITY = {"I": 0, "W": 1, "E": 2}
_filter_lock = threading.RLock()
_filter_depth = 0


def _user_log_level():
    """The TF_CPP_MIN_LOG_LEVEL the user set, as an int, or None when unset or unreadable."""
    try:
        return int(os.environ["TF_CPP_MIN_LOG_LEVEL"])
    except (KeyError, ValueError):
        return None


def is_known_line(line):
    """True for a known TensorFlow line (see _KNOWN_LINES) to keep off the console.

    With TF_CPP_MIN_LOG_LEVEL unset, every known line is dropped. With a level
    set, only the known lines that level asks to hide are dropped (TensorFlow
    prints some of them before it reads the level); no other line ever is.
    """
    match = _KNOWN_LINES.match(line)
    if not match:
        return False
    level = _user_log_level()
    return level is None or _SEVERITY.get(match.group("severity"), 0) < level


def _write_fd2(data):
    while data:
        data = data[os.write(2, data):]


@contextlib.contextmanager
def quiet_known_tf_lines():
    """Drop TensorFlow's known lines (``is_known_line``) from file descriptor 2.

    Used around TensorFlow's import, a predictor's graph and session start, its
    first training step, and checkpoint saves and restores. Every other line is
    written to stderr when the block ends. The process environment is not touched.
    Nested uses are one use.
    """
    global _filter_depth
    with _filter_lock:
        try:
            sys.stderr.flush()
            saved_fd = os.dup(2) if _filter_depth == 0 else None
        except (OSError, ValueError, AttributeError):  # no real stderr: nothing to filter
            saved_fd = None
        if saved_fd is None:
            yield
            return
        with tempfile.TemporaryFile(mode="w+b") as captured:
            os.dup2(captured.fileno(), 2)
            _filter_depth += 1
            try:
                yield
            finally:
                _filter_depth -= 1
                os.dup2(saved_fd, 2)
                os.close(saved_fd)
                captured.seek(0)
                kept = [line for line in captured.read().splitlines(True)
                        if not is_known_line(line.decode(errors="replace"))]
                _write_fd2(b"".join(kept))


if "tensorflow" in sys.modules:
    import tensorflow as tf
else:
    with quiet_known_tf_lines():
        import tensorflow as tf

_TF_KERAS_RNN_CELL_MODULE = "tf_keras.api._v1.keras.__internal__.legacy.rnn_cell"


@contextlib.contextmanager
def _env_var(name, value):
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            del os.environ[name]
        else:
            os.environ[name] = old


def basic_lstm_cell_class():
    """Return ``tf.compat.v1.nn.rnn_cell.BasicLSTMCell`` on today's TensorFlow.

    Raises:
        ImportError: ``tf-keras`` is not installed (it is a dependency of this package).
    """
    with _env_var("TF_USE_LEGACY_KERAS", "1"):
        try:
            return tf.compat.v1.nn.rnn_cell.BasicLSTMCell
        except (AttributeError, ImportError):
            pass
    try:
        module = importlib.import_module(_TF_KERAS_RNN_CELL_MODULE)
    except ImportError as exc:
        raise ImportError(
            "BasicLSTMCell needs the 'tf-keras' package (pip install tf-keras)"
        ) from exc
    return module.BasicLSTMCell


@contextlib.contextmanager
def quiet_deprecations():
    """Silence TensorFlow's deprecation warnings for the book's TF1 API calls."""
    try:
        from tensorflow.python.util import deprecation
        silence = deprecation.silence()
    except (ImportError, AttributeError):  # private API moved: just be loud
        silence = contextlib.nullcontext()
    with silence, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*BasicLSTMCell.*is deprecated")
        warnings.filterwarnings("ignore", message=r".*static_rnn.*is deprecated")
        yield
