"""Exception types raised by series_predictor.

Each one also derives from the built-in type a caller would expect
(``ValueError``, ``RuntimeError``), so ``except ValueError`` keeps working, while
``except SeriesPredictorError`` catches every mistake this package diagnoses.
"""


class SeriesPredictorError(Exception):
    """Base class of every error this package raises on purpose."""


class DataFormatError(SeriesPredictorError, ValueError):
    """A data file or array does not hold what was expected (names file/line/value)."""


class InputShapeError(SeriesPredictorError, ValueError):
    """An array given to train/test/predict has the wrong shape or bad values."""


class SeriesTooShortError(SeriesPredictorError, ValueError):
    """A series has too few points for the sequence size and split asked for."""


class NotTrainedError(SeriesPredictorError, RuntimeError):
    """A prediction was asked of a predictor that was neither trained nor restored."""


class CheckpointError(SeriesPredictorError, ValueError):
    """A checkpoint is missing, unreadable, or was made for another model shape."""


class OutputDirError(SeriesPredictorError, OSError):
    """The output folder cannot be created or written."""


class SettingError(SeriesPredictorError, ValueError, TypeError):
    """A setting (a size, a count, a fraction) has the wrong type or is out of range."""


class CheckpointNotFoundError(SeriesPredictorError, FileNotFoundError):
    """No checkpoint exists at the path given."""


class TrainingInterrupted(KeyboardInterrupt):
    """Training was interrupted (Ctrl-C); ``checkpoint`` is the last good one, or None.

    A KeyboardInterrupt, so that ``except Exception`` does not swallow a Ctrl-C.
    """

    def __init__(self, message, checkpoint):
        super().__init__(message)
        self.checkpoint = checkpoint
