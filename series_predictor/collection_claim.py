"""What a collection may write in its ``OUT`` folder (issue 16's rules, for collections).

Checked before anything is written, each clash refused naming it: the collection's own
``forecast.csv``, ``metrics.json`` and ``summary.png`` and its state folder
``.collection/`` in OUT, and in every series folder ``OUT/ID/`` the single run's output
names (``ownership.plan``) and the ``series.csv`` a table series is written to. A name
is the collection's when the folder's ownership record (``ownership.OWNED``) or a
finished run's ``run.json`` lists it; anything else with one of those names is the
user's: refused, or with ``--force`` replaced (a link itself, never its target). A link
in place of a series folder or of ``.collection/`` is never followed, even with
``--force``. Only then are the names recorded, before they are written.
"""

import os
import stat

from . import ownership
from .errors import OutputDirError
from .run_folder import COLLECTION_STATE

STATE = COLLECTION_STATE


def _lstat(path):
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _check_folder(path, what, owned, force):
    """A folder the collection writes into: missing, or a real folder (no link)."""
    info = _lstat(path)
    if info is None:
        return
    if stat.S_ISLNK(info.st_mode):
        raise OutputDirError(f"{path!r} ({what}) is a symbolic link; a collection never "
                             "writes through a link: remove it or choose another --out")
    if not stat.S_ISDIR(info.st_mode):
        raise OutputDirError(f"{path!r} ({what}) is not a folder; move it away or choose "
                             "another --out")
    if owned is not None and os.path.basename(path) not in owned and not force:
        raise ownership._clash(path, "is a folder")


def planned_members(config):
    """The member folders a series' run with ``config`` writes (``checkpoint``, or
    ``checkpoint-SEED`` for each of an ensemble's seeds; every recipe plans one
    candidate, ``fitting.plan_chapter``)."""
    from .run_folder import member_folder
    from .stages import member_seeds
    return tuple(member_folder(seed, config.ensemble) for _, seed in member_seeds(config, 1))


def _check_series(out, item, force, series_csv, members=()):
    """The series folder ``OUT/ID``: no link; no user's file with an output's name or a
    member folder's (``members``)."""
    from .run_folder import MANIFEST, OUTPUTS
    folder = os.path.join(out, item.folder)
    _check_folder(folder, f"the folder of series {item.id!r}", None, force)
    if _lstat(folder) is None:
        return
    ownership.plan(folder, (MANIFEST,) + OUTPUTS, members, force)
    if item.path is None:
        owned = ownership.owned_names(folder)
        ownership._check_name(folder, series_csv, False, owned, force)


def claim(out, items, force=False, configs=None):
    """Check ``OUT`` and every series folder, then record the collection's names.

    Args:
        out: the collection's folder, already made and locked
            (``run_folder.locked_folder``).
        items: ``[SeriesInput]`` (``collection_io``).
        force: replace a user's file (or link) that has an output's name.
        configs: ``{id: ChapterConfig}`` of the series, whose member folders are
            checked too (a user's ``OUT/ID/checkpoint-N/``: at the start, not when
            that series' turn comes).

    Raises:
        OutputDirError: the first clash, naming it; nothing has been written.
    """
    from .collection_io import SERIES_CSV
    from .collection_report import OUTPUTS
    owned = ownership.owned_names(out)
    for name in OUTPUTS:
        ownership._check_name(out, name, False, owned, force)
    _check_folder(os.path.join(out, STATE), "the collection's state folder", owned, force)
    for item in items:
        config = (configs or {}).get(item.id)
        _check_series(out, item, force, SERIES_CSV,
                      planned_members(config) if config is not None else ())
    ownership.record_owned(out, OUTPUTS + (STATE,))
    if owned:  # OUT was this package's: a killed run's temporaries are its own too
        ownership.remove_own_temporaries(out)


def record_series_csv(folder, name):
    """Record ``name`` in series folder ``folder`` as the collection's, before writing it."""
    ownership.record_owned(folder, (name,))
