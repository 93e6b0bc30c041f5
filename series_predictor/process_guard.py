"""What a predictor must not do: run in a forked child, be pickled, or run one
uninterruptible graph call for minutes.

TensorFlow's runtime does not survive ``fork``: a child that uses a predictor it
inherited, or builds a new one after the parent started TensorFlow, would hang. The
process that started TensorFlow is recorded (and ``os.register_at_fork`` marks each
child), so such a child gets a ``ForkedProcessError`` at once instead.
"""

import contextlib
import os

from .errors import SeriesPredictorError

SLICE_WORK = 1_000_000  # hallucinated steps x seq_size x hidden_dim per session.run (~0.2 s)
_tf_pid = None            # the process that started TensorFlow's runtime, if any


class ForkedProcessError(SeriesPredictorError, RuntimeError):
    """TensorFlow was started before this process was forked; it cannot run here."""


def note_tf_started():
    """Record that this process started TensorFlow's runtime (a session)."""
    global _tf_pid
    if _tf_pid is None:
        _tf_pid = os.getpid()


def check_process(owner_pid=None):
    """Raise ForkedProcessError in a forked child of a process that started TensorFlow
    (``owner_pid``: the process that built the predictor, when there is one)."""
    pid = os.getpid()
    started = owner_pid if owner_pid is not None else _tf_pid
    if started is not None and started != pid:
        raise ForkedProcessError(
            f"TensorFlow was started in process {started} before it forked this one "
            f"({pid}); TensorFlow cannot run after fork: use the 'spawn' start method "
            "(multiprocessing.get_context('spawn')) and build the predictor in the child")


def hallucinate_in_slices(run, first, steps, seq_size, hidden_dim):
    """``run(window, k) -> [k]`` called on slices of about half a second each, so that
    Ctrl-C is honoured between them; the same values as one call (each slice starts
    from the last ``seq_size`` values, which is all the loop carries).

    Args:
        first: ``[seq_size]`` float32 starting window.
        steps: points to generate.
    Returns:
        ``[steps]`` float32 array.
    """
    import numpy as np
    size = max(1, SLICE_WORK // max(1, seq_size * hidden_dim))
    if steps <= size:
        return run(first, steps)
    parts, window, done = [], first, 0
    while done < steps:
        k = min(size, steps - done)
        part = run(window, k)
        parts.append(part)
        window = np.concatenate([window, part])[-seq_size:]
        done += k
    return np.concatenate(parts)


def refuse_pickle(obj):
    """The TypeError for pickling ``obj`` (a predictor holds a TensorFlow session)."""
    return TypeError(f"a {type(obj).__name__} cannot be pickled: it holds a TensorFlow "
                     "session; save a checkpoint (checkpoint_dir=, save()) and restore it "
                     "in a new predictor instead")


class _Terminated:
    received = False


def _on_sigterm(signum, frame):
    """SIGTERM as Ctrl-C: the SIGINT handler in force decides (a save in progress
    defers it; otherwise KeyboardInterrupt unwinds, removing temporary folders)."""
    import signal
    _Terminated.received = True
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler) and handler is not signal.default_int_handler:
        handler(signal.SIGINT, frame)
        return
    raise KeyboardInterrupt


def raise_if_terminated():
    """Raise KeyboardInterrupt when a SIGTERM arrived (``_on_sigterm`` ran) and training
    goes on: its own KeyboardInterrupt was lost, raised inside a callback whose exceptions
    Python only prints ("Exception ignored in: ... _get_module_lock ..."). Called at each
    training step or chunk boundary."""
    if _Terminated.received:
        raise KeyboardInterrupt


def sigterm_as_interrupt():
    """Install ``_on_sigterm`` (main thread, default SIGTERM handling only); return a
    function that says whether a SIGTERM arrived."""
    import signal
    import threading
    if threading.current_thread() is threading.main_thread() \
            and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)
    _Terminated.received = False
    return lambda: _Terminated.received


@contextlib.contextmanager
def sigterm_unwinds():
    """Within the block, SIGTERM unwinds as Ctrl-C does (so ``except``/``finally`` blocks
    remove temporary folders and a save in progress finishes), and then the process ends
    by SIGTERM as it would have (status -15, no traceback). Only in the main thread and
    where SIGTERM has its default handling (a program's own handler is left alone)."""
    import signal
    import threading
    installed = threading.current_thread() is threading.main_thread() \
        and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    if installed:
        _Terminated.received = False
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            if _Terminated.received:
                os.kill(os.getpid(), signal.SIGTERM)
