"""A quiet start that leaves TF_CPP_MIN_LOG_LEVEL, and TensorFlow's own logs, alone."""

import re

import pytest

from conftest import run_python

# Any line of TensorFlow's C++ logging, and the start-up lines printed around it.
TF_LOG_LINE = re.compile(r"^([IWEF]\d{4} |WARNING: All log messages|To enable the following)",
                         re.MULTILINE)

TRAIN_AND_USE = (
    "import os, sys\n"
    "before = os.environ.get('TF_CPP_MIN_LOG_LEVEL')\n"
    "from series_predictor import SeriesPredictor, dummy\n"
    "import tensorflow as tf\n"
    "p = SeriesPredictor(1, 4, 4, seed=0)\n"
    "p.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=30, report_every=10, verbose=False)\n"
    "p.predict(dummy.TEST_X); p.hallucinate(dummy.TEST_X[0], 3)\n"
    "q = SeriesPredictor(1, 4, 4, seed=1); q.restore(p.checkpoint); q.predict(dummy.TEST_X)\n"
    "with tf.compat.v1.Session(graph=p.graph) as sess: p.test(sess, dummy.TEST_X)\n"
    "print('LEVEL', before, os.environ.get('TF_CPP_MIN_LOG_LEVEL'))\n"
    "sys.stdout.flush()\n")

USER_ERROR = (
    "g = tf.Graph()\n"
    "with g.as_default():\n"
    "    x = tf.compat.v1.placeholder(tf.float32, [None]); y = tf.reshape(x, [2, 2])\n"
    "with tf.compat.v1.Session(graph=g) as s:\n"
    "    try: s.run(y, {x: [1.0, 2.0, 3.0]})\n"
    "    except tf.errors.InvalidArgumentError: print('RAISED')\n")


@pytest.mark.slow
def test_import_and_training_are_quiet_and_leave_the_environment_alone(monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    result = run_python(TRAIN_AND_USE + USER_ERROR)
    assert result.returncode == 0, result.stderr
    assert "LEVEL None None" in result.stdout and "RAISED" in result.stdout
    # TensorFlow's log of an error in the user's own graph still shows ...
    assert "Input to reshape is a tensor with 3 values" in result.stderr
    # ... and nothing else of TensorFlow's does.
    noise = TF_LOG_LINE.findall(result.stderr)
    assert len(noise) == 1, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("level", ["1", "3"])
def test_a_level_the_user_set_is_kept(monkeypatch, level):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", level)
    result = run_python(TRAIN_AND_USE + USER_ERROR)
    assert result.returncode == 0, result.stderr
    assert f"LEVEL {level} {level}" in result.stdout
    shown = "Input to reshape is a tensor with 3 values" in result.stderr
    assert shown == (level == "1")  # TensorFlow logs it as a warning (level 1)


def test_known_lines_follow_the_users_level(monkeypatch):
    from series_predictor.tf_compat import is_known_line
    info = ("I0000 00:00:1795774847.932270    3606 port.cc:153] oneDNN custom operations are "
            "on. You may see slightly different numerical results")
    error = ("E0000 00:00:1795774883.644822    4202 cuda_platform.cc:52] failed call to "
             "cuInit: INTERNAL: CUDA error")
    other = "E0000 00:00:1795774883.644822    4202 op_kernel.cc:1] something the user must see"
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    assert is_known_line(info) and is_known_line(error) and not is_known_line(other)
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "1")
    assert is_known_line(info) and not is_known_line(error)
    assert is_known_line("WARNING: All log messages before absl::InitializeLog() is called "
                         "are written to STDERR")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    assert not is_known_line(info) and not is_known_line(error)
