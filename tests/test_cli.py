"""The chapter script's command line (issues 2, 3, 5, 9, 10 and 11)."""

import csv
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, run_python
from series_predictor.cli import build_parser, config_from_args
from series_predictor.config import ChapterConfig, check_config, settings
from series_predictor.errors import SettingError


def run_script(*args, cwd=ROOT, timeout=300):
    return subprocess.run([sys.executable, os.path.join(ROOT, "simple_regression.py"), *args],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, PYTHONPATH=ROOT))


@pytest.mark.slow
def test_help_names_the_program_as_run_and_imports_no_tensorflow():
    result = run_script("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: simple_regression.py ")
    assert "forecast RUN_DIR" in result.stdout
    probe = run_python(
        "import sys\n"
        "from series_predictor.cli import build_parser\n"
        "text = build_parser('series-predictor').format_help()\n"
        "print('tensorflow' in sys.modules, '--horizon' in text, '--report-every' in text)\n")
    assert probe.stdout.split() == ["False", "True", "True"], probe.stderr


def test_every_setting_has_its_flag_help_and_default_from_the_config():
    parser = build_parser("series-predictor")
    by_dest = {action.dest: action for action in parser._actions}  # reading, not patching
    for field in settings():
        if field.metadata["group"] is None:
            continue
        action = by_dest[field.name]
        assert action.help.startswith(field.metadata["help"].replace("%", "%%")), field.name
    assert config_from_args(parser.parse_args([])) == ChapterConfig()


def test_options_typed_win_over_the_recipe():
    parser = build_parser("series-predictor")
    args = parser.parse_args(["--recipe", "seasonal", "--ensemble", "2", "--seq-size", "7",
                              "--no-log"])
    config = config_from_args(args)
    assert (config.ensemble, config.seq_size, config.log) == (2, 7, False)
    assert config.diff == (1, 12) and config.recipe == "seasonal"


@pytest.mark.slow
@pytest.mark.parametrize("value, api_value", [
    ("-1", -1), ("2.5", 2.5), ("inf", float("inf")), ("2147483648", 2**31)])
def test_the_cli_and_the_api_refuse_a_value_with_the_same_words(tmp_path, value, api_value):
    with pytest.raises(SettingError) as api:
        check_config(ChapterConfig(seed=api_value))
    result = run_script("--seed", value, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"simple_regression.py: error: {api.value}"


@pytest.mark.slow
def test_dummy_listing_from_the_command_line(tmp_path):
    result = run_script("--dummy", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the book expects 1, 3, 5, 7" in result.stdout
    assert "the book expects 4, 9, 11, 13" in result.stdout
    assert os.listdir(tmp_path) == []  # nothing written into the current folder
    assert "I0000" not in result.stderr and "deprecated" not in result.stderr


@pytest.mark.slow
def test_dummy_refuses_options_it_would_ignore(tmp_path):
    result = run_script("--dummy", "--data", "x.csv", "--hidden-dim", "0", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("takes only --seed (and --quiet); found --data, "
                                          "--hidden-dim")


@pytest.mark.slow
def test_chapter_from_the_command_line(tmp_path):
    out = tmp_path / "results"
    result = run_script("--iterations", "30", "--out", str(out), "--horizon", "40",
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "seasonal naive (lag 12)" in result.stdout
    assert f"Wrote {out / 'predictions.png'}" in result.stdout
    assert "Hallucination: 40 steps" not in result.stdout
    rows = list(csv.reader(open(out / "forecast.csv")))
    assert len(rows) == 41 and rows[1][0] == "1961-01" and rows[-1][0] == "1964-04"
    manifest = json.load(open(out / "run.json"))
    assert manifest["horizon"] == 40 and manifest["settings"]["iterations"] == 30
    assert os.listdir(tmp_path) == ["results"]


@pytest.mark.slow
@pytest.mark.parametrize("args, message", [
    (["--data", "no-such-file.csv"], "data file not found: 'no-such-file.csv'"),
    (["--iterations", "0"], "iterations must be a positive integer; found 0"),
    (["--iterations", "2.5"], "iterations must be a positive integer; found 2.5"),
    (["--horizon", "-3"], "horizon must be a positive integer; found -3"),
    (["--horizon", "100001"], "horizon must be at most 100000"),
    (["--hidden-dim", "1000000"], "hidden_dim must be at most 4096"),
    (["--learning-rate", "inf"], "learning_rate must be a positive, finite number; found inf"),
    (["--learning-rate", "1e300"], "learning_rate must be at most 3.403e+38"),
    (["--seq-size", "100"], "at least"),
    (["--no-such-option"], "unrecognized arguments: --no-such-option"),
    (["--normalize", "both"], "invalid choice: 'both'"),
    (["--seed"], "expected one argument"),
])
def test_mistakes_end_with_one_line_and_status_1(tmp_path, args, message):
    result = run_script(*args, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("simple_regression.py: error:")
    assert message in lines[0]
    assert not (tmp_path / "out").exists()
