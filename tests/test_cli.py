"""The chapter script's command line (issues 2, 3 and 5)."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT, run_python


def run_script(*args, cwd=ROOT, timeout=300):
    return subprocess.run([sys.executable, os.path.join(ROOT, "simple_regression.py"), *args],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, PYTHONPATH=ROOT))


def test_help_does_not_import_tensorflow():
    result = run_python(
        "import sys\n"
        "from series_predictor.cli import build_parser\n"
        "text = build_parser().format_help()\n"
        "print('tensorflow' in sys.modules, '--horizon' in text, '--normalize' in text)\n")
    assert result.stdout.split() == ["False", "True", "True"], result.stderr


def test_dummy_listing_from_the_command_line(tmp_path):
    result = run_script("--dummy", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the book expects 1, 3, 5, 7" in result.stdout
    assert "the book expects 4, 9, 11, 13" in result.stdout
    assert os.listdir(tmp_path) == []  # nothing written into the current folder
    assert "I0000" not in result.stderr and "deprecated" not in result.stderr


def test_chapter_from_the_command_line(tmp_path):
    out = tmp_path / "results"
    result = run_script("--iterations", "30", "--out", str(out), "--horizon", "40",
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "seasonal naive (lag 12)" in result.stdout
    assert f"Wrote {out / 'predictions.png'}" in result.stdout
    assert sorted(os.listdir(out)) == ["checkpoint", "hallucinations.png", "loss.png",
                                       "metrics.json", "predictions.png"]


@pytest.mark.parametrize("args, message", [
    (["--data", "no-such-file.csv"], "data file not found: 'no-such-file.csv'"),
    (["--iterations", "0"], "iterations must be a positive integer; found 0"),
    (["--horizon", "-3"], "horizon must be a positive integer; found -3"),
    (["--seq-size", "100"], "at least"),
])
def test_mistakes_end_with_one_line_and_nonzero_status(tmp_path, args, message):
    result = run_script(*args, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("series-predictor: error:")
    assert message in lines[0]
    assert not (tmp_path / "out").exists()
