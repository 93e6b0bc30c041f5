"""How a message names a setting: in the caller's own terms.

The command line types ``--validation 12``; Python passes ``validation=12``. A message
that tells the user what to change names the setting through ``option``, which
spells it for the caller in force: the command line's by default, Python's inside
``python_caller()`` (the Python API's entry points: ``fit``, ``Forecaster``'s
methods, ``fit_collection``). The standard library only.
"""

import contextlib
import contextvars

_CALLER = contextvars.ContextVar("series_predictor_caller", default="cli")


def option(name, value=None):
    """``name`` (a ChapterConfig field or an argument, ``_`` for ``-``) as the caller
    types it: ``--name-part VALUE`` on the command line, ``name_part=VALUE`` from
    Python; ``value`` (any text, such as ``"N"``) left out when None."""
    if _CALLER.get() == "python":
        return f"{name}=" + ("" if value is None else str(value))
    flag = "--" + name.replace("_", "-")
    return flag if value is None else f"{flag} {value}"


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
