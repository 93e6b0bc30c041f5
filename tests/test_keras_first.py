"""The package works in a process where user code already touched Keras 3 (issue 2)."""

import pytest

from conftest import run_python


@pytest.mark.slow
def test_import_after_tf_keras_was_touched():
    result = run_python(
        "import tensorflow as tf\n"
        "tf.keras.layers.Dense(1)\n"
        "_ = tf.compat.v1.nn.rnn_cell  # resolved under Keras 3 first\n"
        "from series_predictor import SeriesPredictor, dummy\n"
        "p = SeriesPredictor(1, 4, 10, seed=0)\n"
        "h = p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=300, verbose=False)\n"
        "print('KERAS', tf.keras.__version__)\n"
        "print('LOSS', h.loss[0], h.final_loss)\n")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["KERAS"].startswith("3.")  # the user's Keras stays Keras 3
    first, last = map(float, lines["LOSS"].split())
    assert last < first / 4


@pytest.mark.slow
def test_fresh_process_keeps_tf_keras_as_keras_3():
    result = run_python(
        "from series_predictor import SeriesPredictor\n"
        "SeriesPredictor(1, 3, 4, seed=0)\n"
        "import os, tensorflow as tf\n"
        "print(os.environ.get('TF_USE_LEGACY_KERAS'), tf.keras.__version__)\n")
    assert result.returncode == 0, result.stderr
    legacy_flag, version = result.stdout.split()
    assert legacy_flag == "None" and version.startswith("3.")
