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


def stopped_at(series_id, reason):
    """The CollectionIncomplete of a failure that stops a collection run without
    ``keep_going``, naming the series, its reason and how to go on past it."""
    from .option_names import option
    return CollectionIncomplete(f"series {series_id!r} failed: {reason} (use "
                                f"{option('keep_going', True)} to go on with the others)")


def failed_result(task, error):
    """The failed SeriesResult of ``task`` (``(id, folder, config, state folder)``)."""
    return SeriesResult(task[0], task[1], "failed", error)


def one_line(exc):
    """A series' error as one line: the package's own message, or the exception's type
    and message."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if not isinstance(exc, SeriesPredictorError) \
        else text
