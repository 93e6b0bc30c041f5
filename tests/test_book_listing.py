"""Listing 10.9 typed from the chapter runs from an empty folder (issue 9)."""

import os
import shutil
import subprocess
import sys
import pytest

from conftest import ROOT

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LISTING = os.path.join(ROOT, "docs", "listing_10_9.py")


def installed_env():
    """The environment of an installed package: nothing from the checkout on the path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["MPLBACKEND"] = "Agg"
    return env


def test_listing_edits_are_only_the_imports_and_the_session():
    code = [line for line in open(LISTING, encoding="utf-8").read().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    assert [line for line in code if "import" in line] == [
        "import numpy as np", "import tensorflow as tf", "import data_loader",
        "from simple_regression import SeriesPredictor, plot_results"]
    assert sum("tf.compat.v1.Session()" in line for line in code) == 1
    assert "data_loader.load_series('international-airline-passengers.csv')" in "\n".join(code)


@pytest.mark.slow
def test_listing_10_9_as_typed_runs_from_an_empty_folder(tmp_path):
    script = tmp_path / "listing_10_9.py"
    shutil.copy(LISTING, script)
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=600, env=installed_env())
    assert result.returncode == 0, result.stderr
    assert "predicted_vals (23,)" in result.stdout
    assert "using the bundled copy" in result.stderr
    assert "temporary folder" in result.stdout
    assert sorted(os.listdir(tmp_path)) == ["hallucinations.png", "listing_10_9.py",
                                           "predictions.png"]
    for name in ("predictions.png", "hallucinations.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG_MAGIC)
