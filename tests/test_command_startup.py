"""The ``series-predictor`` command loads TensorFlow with tf-keras as its Keras
(issue 18, "Affordable"): Keras 3 is never imported in the command's process, and
what the command prints does not change."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT, run_python

DUMMY_RUN = (
    "import atexit, sys\n"
    "sys.argv = ['series-predictor', '--dummy', '--seed', '3']\n"
    "from series_predictor import cli\n"
    "atexit.register(lambda: print('KERAS3', any(m == 'keras' or m.startswith('keras.')\n"
    "                                            for m in sys.modules)))\n"
    "sys.exit(cli.{entry}())\n")


@pytest.mark.slow
def test_the_command_never_imports_keras_3_and_prints_the_same_run():
    command = run_python(DUMMY_RUN.format(entry="console_main"))
    library = run_python(DUMMY_RUN.format(entry="main"))
    assert command.returncode == library.returncode == 0, command.stderr + library.stderr
    *printed, keras3 = command.stdout.strip().splitlines()
    *printed_by_main, keras3_by_main = library.stdout.strip().splitlines()
    assert (keras3, keras3_by_main) == ("KERAS3 False", "KERAS3 True")
    def numbers(lines):  # a temporary folder's name is new every run
        return [line for line in lines if "temporary folder" not in line]
    assert numbers(printed) == numbers(printed_by_main)
    assert any(line.startswith("step 0: train loss") for line in printed)


@pytest.mark.slow
def test_a_users_own_setting_wins():
    result = run_python(
        "import os, sys\n"
        "sys.argv = ['series-predictor', '--help']\n"
        "from series_predictor import cli\n"
        "try:\n"
        "    cli.console_main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('FLAG', os.environ['TF_USE_LEGACY_KERAS'])\n",
        env={"TF_USE_LEGACY_KERAS": "0"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "FLAG 0"


def test_the_command_ends_with_its_code_after_the_exit_handlers_and_flushed_output():
    """``cli.end_process`` skips Python's teardown, not what was registered to run at
    exit: handlers run, buffered output is written, and the exit status is kept."""
    result = run_python(
        "import atexit\n"
        "from series_predictor import cli\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "print('buffered', end=' ')\n"
        "cli.end_process(3)\n"
        "print('never')\n")
    assert result.returncode == 3, result.stderr
    assert result.stdout == "buffered handler ran\n"



def test_the_command_keeps_its_code_with_standard_output_closed():
    """``series-predictor ... >&-``: Python sets sys.stdout to None; end_process must not
    fail on it (it raised AttributeError: exit 1 and a traceback instead of 3)."""
    result = subprocess.run(
        [sys.executable, "-c", "from series_predictor import cli; cli.end_process(3)"],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, timeout=120,
        preexec_fn=lambda: os.close(1))
    assert (result.returncode, result.stderr) == (3, "")
