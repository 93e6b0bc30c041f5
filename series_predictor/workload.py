"""How much work a run may ask for: long series are refused at the start, with the way
out, rather than left running for hours without a word. NumPy-free.

Measured on this project's 2-core machine (other jobs running): a full-batch Adam step
of the book's network (100 units) takes about 1e-4 s per window (79,995 windows: 5 to
9 s a step, so the book's 1000 steps would take hours); ``--recipe auto`` on 20,000
points ran in 49 s in all, on 100,000 points in 210 s, silent for 130 s while its
structures were fitted at its origins and refitted over the test period.
"""

from .errors import SeriesTooLongError
from .option_names import option

MAX_AUTO_POINTS = 20_000          # --recipe auto: points of the whole series
# Full-batch training (the book's) is refused when one Adam step is heavy (more windows
# than MAX_STEP_WINDOWS, counted at 100 units: the cost grows with the units squared)
# and all of them are many (MAX_FULL_BATCH_WORK window-steps over the members): hours,
# with minutes between progress lines. Light steps (a long run on a short series,
# stopped with Ctrl-C) and few heavy ones (--iterations 3) run.
MAX_STEP_WINDOWS = 10_000
MAX_FULL_BATCH_WORK = 5_000_000
SECONDS_PER_WINDOW_STEP = 1e-4    # measured above, at 100 units


def check_auto_length(n, path):
    """Refuse a series of more than ``MAX_AUTO_POINTS`` points for ``--recipe auto``.

    Raises:
        SeriesTooLongError: naming ``path``, ``n`` and the ways out.
    """
    if n > MAX_AUTO_POINTS:
        raise SeriesTooLongError(
            f"{path}: {n} points are too many for {option('recipe', 'auto')}, which takes "
            f"at most {MAX_AUTO_POINTS} (its structures are fitted at every validation and band "
            f"origin and refitted over the test period: about a minute at {MAX_AUTO_POINTS} "
            "points on 2 cores, several beyond); keep the most recent "
            f"{MAX_AUTO_POINTS} rows, or use {option('recipe', 'book')} with "
            f"{option('batch_size', 64)}")


def check_full_batch(windows, config, path):
    """Refuse full-batch training (``config.batch_size`` None, the book's) whose step
    holds over ``MAX_STEP_WINDOWS`` windows (at 100 units; ``(hidden_dim / 100) ** 2``
    as many at other sizes) and whose steps over the members exceed
    ``MAX_FULL_BATCH_WORK`` window-steps.

    Args:
        windows: training windows of one member (``[windows, seq_size, 1]``).

    Raises:
        SeriesTooLongError: naming ``path``, the windows, the steps and the ways out.
    """
    step = windows * (config.hidden_dim / 100) ** 2
    work = step * config.iterations * config.ensemble
    if config.batch_size is None and step > MAX_STEP_WINDOWS and work > MAX_FULL_BATCH_WORK:
        members = f" x {config.ensemble} members" if config.ensemble > 1 else ""
        seconds = step * SECONDS_PER_WINDOW_STEP
        raise SeriesTooLongError(
            f"{path}: {windows} training windows in one full batch, {config.iterations} "
            f"Adam steps{members}, {config.hidden_dim} units: about {seconds:.2g} s a step on "
            f"a busy 2-core machine, {work * SECONDS_PER_WINDOW_STEP / 60:.0f} minutes in "
            f"all and {seconds * config.report_every / 60:.2g} between progress lines; pass "
            f"{option('batch_size', 64)} (mini-batches), fewer "
            f"{option('iterations').rstrip('=')}, or fewer points")
