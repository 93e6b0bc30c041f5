"""What ``fit`` and ``Forecaster.backtest`` say while they run.

Every line is kept (``Forecaster.report``). A verbose run prints them all, as the
command line does; a quiet one prints nothing and gives each warning to Python's
``warnings`` module (``SeriesPredictorWarning``) when the call returns, so a notebook
user can silence, filter or raise it. A warning may sit inside a longer entry (the
printed report ends with its verdict's warnings): each of its lines is looked at.
"""

import os
import sys
import warnings

from .errors import SeriesPredictorWarning

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
WARNING_PREFIX = "Warning: "  # how a warning line starts (stages.Progress.warn writes it)

# Each fit is a new run, so its warnings are shown every time, also when a notebook cell
# is run again (Python's default shows a warning once per line of code). Appended: the
# user's own filters, and -W or PYTHONWARNINGS, come first and win.
warnings.filterwarnings("always", category=SeriesPredictorWarning, append=True)


class RunLog:
    """A callable log: ``log(entry)`` keeps ``entry`` (one line or several).

    ``temporary``: the run's temporary folder, if it is one; the entry that names the
    files written there says that they go with the model unless it is saved."""

    def __init__(self, echo, temporary=None):
        self.echo, self.lines, self.warned, self.temporary = echo, [], [], temporary

    def __call__(self, entry):
        if self.temporary and str(entry).startswith(f"Wrote {self.temporary}"):
            entry = (f"{entry} (a temporary folder, removed with the model: "
                     "model.save(path) keeps it)")
        self.lines.append(entry)
        if self.echo:
            print(entry)
            return
        self.warned += [line[len(WARNING_PREFIX):] for line in str(entry).splitlines()
                        if line.startswith(WARNING_PREFIX)]

    def emit(self):
        """Warn of what a quiet run kept, once each, in order, naming the user's line
        that called into the package (``fit``'s caller, however many of the package's
        own frames, decorators included, lie between)."""
        warned, self.warned = self.warned, []
        for text in dict.fromkeys(warned):
            warnings.warn(text, SeriesPredictorWarning, stacklevel=_callers_level())


def _callers_level():
    """``warnings.warn``'s stacklevel of the first frame outside this package, counted
    from ``emit``'s caller of ``warnings.warn`` (1: ``emit`` itself)."""
    frame, level = sys._getframe(2), 2   # emit's caller
    while frame is not None and os.path.dirname(os.path.abspath(
            frame.f_code.co_filename)) == _PACKAGE:
        frame, level = frame.f_back, level + 1
    return level
