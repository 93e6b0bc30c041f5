"""What became of a collection's series (shared by the runners and the report)."""

import dataclasses

from .errors import SeriesPredictorError


class CollectionIncomplete(SeriesPredictorError):
    """Some series of a collection failed (the others' outputs are written)."""


@dataclasses.dataclass
class SeriesResult:
    """What became of one series: ``status`` is ``done``, ``kept`` (complete from an
    earlier run, skipped) or ``failed`` (``error`` says why); ``seconds`` of wall time."""

    id: str
    folder: str
    status: str
    error: str = None
    seconds: float = 0.0


def failed_result(task, error):
    """The failed SeriesResult of ``task`` (``(id, folder, config, state folder)``)."""
    return SeriesResult(task[0], task[1], "failed", error)


def one_line(exc):
    """A series' error as one line: the package's own message, or the exception's type
    and message."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if not isinstance(exc, SeriesPredictorError) \
        else text
