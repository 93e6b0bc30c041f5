"""Exception types raised by series_predictor.

Each one also derives from the built-in type a caller would expect
(``ValueError``, ``RuntimeError``, ``OSError``), so ``except ValueError`` keeps
working, while ``except SeriesPredictorError`` catches every mistake this package
diagnoses. ``TrainingInterrupted`` is the exception: it is a ``KeyboardInterrupt``.
"""


class SeriesPredictorError(Exception):
    """Base class of every error this package raises on purpose."""


class DataFormatError(SeriesPredictorError, ValueError):
    """A data file or array does not hold what was expected (names file/line/value)."""


class InputShapeError(SeriesPredictorError, ValueError):
    """An array given to train/test/predict has the wrong shape or bad values."""


class DataFileNotFoundError(SeriesPredictorError, FileNotFoundError):
    """No data file at the path given (the message names the path and the current folder)."""


class SeriesTooShortError(SeriesPredictorError, ValueError):
    """A series has too few points for the sequence size and split asked for."""


class SeriesTooLongError(SeriesPredictorError, ValueError):
    """A series has more points than the settings can train on in reasonable time."""


def too_few(count):
    """``"1 point is too few"`` / ``"N points are too few"``: the start of a too-short message."""
    return f"{count} point is too few" if count == 1 else f"{count} points are too few"


class NotTrainedError(SeriesPredictorError, RuntimeError):
    """A prediction was asked of a predictor that was neither trained nor restored."""


class PredictorClosedError(SeriesPredictorError, RuntimeError):
    """The predictor was closed (``close()`` or the end of its ``with`` block)."""


class SettingError(SeriesPredictorError, ValueError, TypeError):
    """A setting (a size, a count, a fraction) has the wrong type or is out of range."""


class CheckpointError(SeriesPredictorError, ValueError):
    """A checkpoint cannot be used: missing, unreadable, damaged, written by another
    run, or made for another model shape. The message names the file or folder.

    ``CheckpointNotFoundError`` is the case where nothing exists at the path.
    """


class CheckpointNotFoundError(CheckpointError, FileNotFoundError):
    """No checkpoint exists at the path given (a ``CheckpointError`` and a
    ``FileNotFoundError``)."""


class OutputDirError(SeriesPredictorError, OSError):
    """A folder or file the run must write cannot be created or written
    (names it and the reason: permissions, a full disk, a file in the way)."""


class FolderInUseError(OutputDirError):
    """Another run or predictor holds the folder; the message names the holder."""


class FigureError(SeriesPredictorError, RuntimeError):
    """Drawing a figure failed in a worker process with an exception that does not pickle
    (``figure_workers``). ``figure``: the file's name; ``kind``: the exception's class
    name; ``detail``: its message. It pickles, so that it travels from the worker."""

    def __init__(self, figure, kind, detail):
        super().__init__(f"drawing {figure} failed: {kind}: {detail}")
        self.figure, self.kind, self.detail = figure, kind, detail

    def __reduce__(self):
        return type(self), (self.figure, self.kind, self.detail)


class RunFolderError(SeriesPredictorError, ValueError):
    """A kept run folder is incomplete or its files disagree; the message names the file."""


class TrainingDiverged(SeriesPredictorError, FloatingPointError):
    """The training loss became NaN or infinite.

    ``step`` is the step whose loss was not finite; ``checkpoint`` is the last
    checkpoint with finite weights (now restored), or None when none was saved (or
    when ``fit`` removed the temporary run folder that held it).
    """

    def __init__(self, message, step=None, checkpoint=None):
        super().__init__(message)
        self.step = step
        self.checkpoint = checkpoint


class TrainingInterrupted(KeyboardInterrupt):
    """Training was interrupted (Ctrl-C); ``checkpoint`` is the last good one, or None.

    A KeyboardInterrupt, so that ``except Exception`` does not swallow a Ctrl-C.
    """

    def __init__(self, message, checkpoint):
        super().__init__(message)
        self.checkpoint = checkpoint


class SeriesPredictorWarning(UserWarning):
    """What a quiet ``fit`` or ``backtest`` warns of (a lone spike, a forecast that loses
    to its baseline on validation, ...), given to Python's ``warnings`` module, so that
    ``warnings.filterwarnings`` can show, silence or raise it."""
