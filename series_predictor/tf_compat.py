"""Import TensorFlow quietly and find the legacy ``BasicLSTMCell``.

The book imports ``rnn.BasicLSTMCell`` from ``tf.contrib``, which TensorFlow 2
removed. The same class now lives in ``tf.compat.v1.nn.rnn_cell``, which TensorFlow
routes to the ``tf-keras`` package, but only when ``TF_USE_LEGACY_KERAS=1`` is set
at the moment that attribute is first touched. Setting the variable for good would
also turn the user's ``tf.keras`` into Keras 2, so it is set only while the
attribute is resolved. If something already resolved the attribute under Keras 3
(a notebook that touched it first), TensorFlow has cached the refusal; then the
module TensorFlow would have routed to is imported directly.
"""

import contextlib
import importlib
import os
import re
import sys
import tempfile
import warnings

# Keep TensorFlow's C++ chatter (oneDNN notices, CUDA probing on machines without
# a GPU) off the console unless the user set a level of their own. Python
# exceptions still carry every real error.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# Lines that TensorFlow's C++ code writes to the process's stderr while loading,
# before its logging is set up, so TF_CPP_MIN_LOG_LEVEL cannot silence them.
_STARTUP_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\)"
    r"|I0000 .*\] (oneDNN custom operations are on|Could not find cuda drivers))")


@contextlib.contextmanager
def _filter_startup_noise():
    """Drop TensorFlow's known start-up lines from file descriptor 2; keep the rest."""
    try:
        sys.stderr.flush()
        saved_fd = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr: nothing to filter
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            captured.seek(0)
            kept = [line for line in captured.read().decode(errors="replace").splitlines(True)
                    if not _STARTUP_NOISE.match(line)]
            if kept:
                sys.stderr.write("".join(kept))


if "tensorflow" in sys.modules or os.environ.get("TF_CPP_MIN_LOG_LEVEL") != "3":
    import tensorflow as tf
else:
    with _filter_startup_noise():
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
