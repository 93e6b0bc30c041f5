"""Who owns a checkpoint: the registry of this process's open predictors, and
the process-id check that tells a live predictor's files from an ended one's.

A save prunes only the checkpoints of owners that are gone (``checkpoints``).
"""

import os
import socket


_HOST = socket.gethostname()
_live_owners = set()  # owner tokens of this process's open predictors


# ---------------------------------------------------------------- ownership
def register_owner(owner):
    """Mark ``owner`` (a predictor's token) as open: its checkpoints are never pruned."""
    _live_owners.add(owner)


def release_owner(owner):
    """Mark ``owner`` as closed: the next save into its folders may prune its files."""
    _live_owners.discard(owner)


def _process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, TypeError, ValueError):
        return True  # not ours to signal, or unreadable: assume it runs
    return True


def _owner_is_gone(record):
    """True when the predictor that wrote ``record`` is closed or its process ended."""
    if record.get("owner") in _live_owners or record.get("host") != _HOST:
        return False
    pid = record.get("pid")
    return pid == os.getpid() or not _process_exists(pid)
