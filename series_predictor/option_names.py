"""How a message names a setting: in the caller's own terms.

The command line types ``--validation 12``; Python passes ``validation=12``. A message
that tells the user what to change names the setting through ``option``, which
spells it for the caller in force: the command line's by default, Python's inside
``python_caller()`` (the Python API's entry points: ``fit``, ``Forecaster``'s
methods, ``fit_collection``). The standard library only.
"""

import contextlib
import contextvars
import functools

_CALLER = contextvars.ContextVar("series_predictor_caller", default="cli")


def option(name, value=None, *, python=None):
    """``name`` (a ChapterConfig field or an argument, ``_`` for ``-``) as the caller
    types it: ``--name-part VALUE`` on the command line, ``name_part=VALUE`` from
    Python (``python``: Python's own name when it differs, as ``h`` for
    ``--horizon`` in ``Forecaster.forecast``).

    ``value``: left out when None; True is a flag (``--force``; ``force=True``); a
    lower-case word is quoted for Python (``--recipe auto``; ``recipe='auto'``), any
    other text or number is written as it is (``--validation N``; ``validation=N``)."""
    if _CALLER.get() == "python":
        if value is None:
            return f"{python or name}="
        shown = repr(value) if isinstance(value, str) and value.islower() else value
        return f"{python or name}={shown}"
    flag = "--" + name.replace("_", "-")
    return flag if value is None or value is True else f"{flag} {value}"


def from_python():
    """Whether messages are being spelled for a Python caller."""
    return _CALLER.get() == "python"


@contextlib.contextmanager
def python_caller():
    """Spell the settings in messages raised or printed in the ``with`` block as Python
    keywords (``validation=N``); nested blocks and the command line are unaffected."""
    token = _CALLER.set("python")
    try:
        yield
    finally:
        _CALLER.reset(token)


def speaks_python(function):
    """``function`` (an entry point of the Python API) run inside ``python_caller``."""
    @functools.wraps(function)
    def in_python_terms(*args, **kwargs):
        with python_caller():
            return function(*args, **kwargs)
    return in_python_terms
