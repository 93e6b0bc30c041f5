"""A script calling ``fit_collection`` without ``if __name__ == "__main__":`` runs
once: spawned workers imported it again (its top level ran in each of them, each
starting a collection of its own on the same folder: "is in use by another run", and
multiprocessing's "An attempt has been made to start a new process before the current
process has finished its bootstrapping phase")."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT

SCRIPT = """
import numpy as np
from series_predictor.collection import fit_collection
print("top level ran", flush=True)
y = lambda k: list(100 + k + 10 * np.sin(np.arange(48) * 2 * np.pi / 12) + np.arange(48) * 0.5)
r = fit_collection({"a": y(1), "b": y(2)}, out="out", recipe="book", iterations=2,
                   workers=2, log=lambda *a: None)
print("result", sorted((k, v.status) for k, v in r.items()), flush=True)
"""


@pytest.mark.slow
def test_a_script_without_a_main_guard_runs_once(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT)
    done = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, PYTHONPATH=ROOT))
    assert done.stdout.count("top level ran") == 1, done.stdout + done.stderr
    assert "result [('a', 'done'), ('b', 'done')]" in done.stdout
    assert "bootstrapping phase" not in done.stderr
    assert done.returncode == 0


def test_main_keeps_its_path_after_the_workers_start():
    from series_predictor.collection_pool import _script_not_rerun
    main = sys.modules["__main__"]
    before = (getattr(main, "__file__", None), getattr(main, "__spec__", None))
    with _script_not_rerun():
        assert not hasattr(main, "__file__") and getattr(main, "__spec__", None) is None
    assert (getattr(main, "__file__", None), getattr(main, "__spec__", None)) == before
