"""Bad input gets a clear error of the right type, before any work (issue 5)."""

import math

import numpy as np
import pytest

from series_predictor import dummy
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.errors import (CheckpointError, CheckpointNotFoundError, InputShapeError,
                                     NotTrainedError, OutputDirError, SeriesTooShortError,
                                     SettingError)
from simple_regression import SeriesPredictor

GOOD_X = dummy.TRAIN_X
GOOD_Y = dummy.TRAIN_Y


@pytest.fixture(scope="module")
def predictor(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ckpt")
    p = SeriesPredictor(1, 4, 10, seed=0, checkpoint_dir=folder)
    p.train(GOOD_X, GOOD_Y, iterations=10, verbose=False)
    yield p
    p.close()


BAD_X = [
    ("ragged", [[[1], [2], [3], [4]], [[1], [2], [3]]], "ragged"),
    ("seq_size", [[[1], [2], [3]]], r"sequences of length 3, expected seq_size=4"),
    ("input_dim", [[[1, 1], [2, 2], [3, 3], [4, 4]]], r"input_dim 2, expected input_dim=1"),
    ("empty", np.zeros((0, 4, 1)), r"empty batch \(shape \(0, 4, 1\)\)"),
    ("rank", [1, 2, 3, 4], r"must have shape \[batch, seq_size=4, input_dim=1\]; found shape \(4,\)"),
    ("nan", [[[1], [math.nan], [3], [4]]], r"must be finite; found nan at index \(0, 1, 0\)"),
    ("inf", [[[1], [2], [math.inf], [4]]], r"must be finite; found inf at index \(0, 2, 0\)"),
    ("text", [[["a"], [2], [3], [4]]], "non-numbers"),
    ("beyond float32", [[[1], [2], [1e39], [4]]],
     r"within float32's range .*found 1e\+39 at index \(0, 2, 0\)"),
    ("complex", np.ones((1, 4, 1)) * (1 + 2j), "complex numbers"),
]


@pytest.mark.slow
@pytest.mark.parametrize("case, x, message", BAD_X, ids=[c[0] for c in BAD_X])
def test_predict_and_test_refuse_bad_windows(predictor, case, x, message):
    with pytest.raises(InputShapeError, match=message):
        predictor.predict(x)
    with pytest.raises(InputShapeError, match=message):
        predictor.test(x)


@pytest.mark.slow
@pytest.mark.parametrize("case, x, message", BAD_X, ids=[c[0] for c in BAD_X])
def test_train_refuses_bad_windows_before_any_step(case, x, message):
    with SeriesPredictor(1, 4, 10, seed=0) as fresh:
        with pytest.raises(InputShapeError, match=message) as info:
            fresh.train(x, GOOD_Y, verbose=False)
        assert str(info.value).startswith("train_x ")
        with pytest.raises(NotTrainedError):
            fresh.predict(dummy.TEST_X)  # nothing was trained


@pytest.mark.slow
@pytest.mark.parametrize("y, message", [
    ([[1, 3, 7, 11], [5, 12, 14, 15]], r"train_y must have shape \[batch, seq_size\] = \(3, 4\).*found shape \(2, 4\)"),
    ([[1, 3, 7], [5, 12, 14], [3, 7, 9]], r"found shape \(3, 3\)"),
    ([[1, 3, 7, 11], [5, 12, math.nan, 15], [3, 7, 9, 12]], r"train_y must be finite; found nan"),
    ([[1, 3, 7, 11], [5, 12, 14], [3, 7, 9, 12]], "ragged"),
])
def test_train_refuses_y_that_does_not_match_x(y, message):
    with SeriesPredictor(1, 4, 10, seed=0) as fresh:
        with pytest.raises(InputShapeError, match=message):
            fresh.train(GOOD_X, y, verbose=False)


@pytest.mark.slow
def test_test_data_is_checked_too():
    with SeriesPredictor(1, 4, 10, seed=0) as fresh:
        with pytest.raises(InputShapeError, match="test_x has sequences of length 3"):
            fresh.train(GOOD_X, GOOD_Y, [[[1], [2], [3]]], [[1, 2, 3]], verbose=False)
        with pytest.raises(SettingError, match="give both test_x and test_y"):
            fresh.train(GOOD_X, GOOD_Y, dummy.TEST_X, verbose=False)


@pytest.mark.slow
@pytest.mark.parametrize("kwargs, message", [
    ({"iterations": 0}, "iterations must be a positive integer; found 0"),
    ({"iterations": -5}, "iterations must be a positive integer; found -5"),
    ({"iterations": 2.5}, "iterations must be a positive integer; found 2.5"),
    ({"patience": 3}, "patience .* needs test_x and test_y"),
    ({"batch_size": 0}, "batch_size must be a positive integer"),
])
def test_bad_training_settings(kwargs, message):
    with SeriesPredictor(1, 4, 10, seed=0) as fresh:
        with pytest.raises(SettingError, match=message):
            fresh.train(GOOD_X, GOOD_Y, verbose=False, **kwargs)


@pytest.mark.slow
@pytest.mark.parametrize("args, message", [
    ((0, 4), "input_dim must be a positive integer; found 0"),
    ((1, -1), "seq_size must be a positive integer; found -1"),
    ((1, 4, 0), "hidden_dim must be a positive integer; found 0"),
])
def test_bad_model_sizes(args, message):
    with pytest.raises(SettingError, match=message):
        SeriesPredictor(*args)


@pytest.mark.slow
def test_bad_hallucination_horizon(predictor):
    for steps in (0, -1):
        with pytest.raises(SettingError, match=f"steps must be a positive integer; found {steps}"):
            predictor.hallucinate(dummy.TEST_X[0], steps)
    for steps in (2**31, 10**9):  # TensorFlow's TypeError, or std::bad_alloc, before
        with pytest.raises(SettingError, match=f"steps must be at most 10000000; found {steps}"):
            predictor.hallucinate(dummy.TEST_X[0], steps)


@pytest.mark.slow
@pytest.mark.parametrize("value", [np.float32(0.01), np.float64(0.01), 0.01, 1])
def test_numpy_numbers_are_settings_too(value):
    with SeriesPredictor(1, 4, 4, seed=np.int64(3), learning_rate=value) as p:
        assert p.learning_rate == pytest.approx(float(value)) and p.seed == 3


@pytest.mark.slow
@pytest.mark.parametrize("kwargs, message", [
    ({"seed": -1}, "seed must be an integer >= 0; found -1"),
    ({"seed": 2**31}, "seed must be at most 2147483647"),
    ({"seed": 1.5}, "seed must be an integer >= 0; found 1.5"),
    ({"learning_rate": float("inf")}, "learning_rate must be a positive, finite number"),
    ({"learning_rate": 1e300}, "learning_rate must be at most 3.403e\\+38"),
    ({"learning_rate": True}, "learning_rate must be a positive number; found True"),
    ({"learning_rate": 1e-50}, r"learning_rate must be at least 1.175e-38 .*found 1e-50"),
    ({"learning_rate": 1e-40}, r"learning_rate must be at least 1.175e-38"),
    ({"unroll": "no"}, "unroll must be True or False; found 'no'"),
    ({"fast_training": "False"}, "fast_training must be True or False; found 'False'"),
])
def test_seed_and_learning_rate_are_checked_at_the_boundary(kwargs, message):
    with pytest.raises(SettingError, match=message):
        SeriesPredictor(1, 4, 4, **kwargs)


@pytest.mark.slow
def test_predict_before_training_says_what_to_call():
    with SeriesPredictor(1, 4, 10, seed=0) as fresh:
        for call in (lambda: fresh.predict(dummy.TEST_X), lambda: fresh.test(dummy.TEST_X),
                     lambda: fresh.hallucinate(dummy.TEST_X[0], 3)):
            with pytest.raises(NotTrainedError, match=r"call train\(train_x, train_y\) or restore"):
                call()


@pytest.mark.slow
def test_restoring_a_missing_checkpoint_names_it(tmp_path):
    with SeriesPredictor(1, 4, 10, seed=0) as fresh:
        with pytest.raises(CheckpointNotFoundError, match="no checkpoint in folder"):
            fresh.restore(tmp_path)
        with pytest.raises(FileNotFoundError, match="nowhere/model.ckpt-3"):
            fresh.restore(tmp_path / "nowhere" / "model.ckpt-3")


@pytest.mark.slow
@pytest.mark.parametrize("args, name, found, has", [
    ((1, 4, 20), "hidden_dim", 10, 20),
    ((1, 5, 10), "seq_size", 4, 5),
    ((2, 4, 10), "input_dim", 1, 2),
])
def test_restoring_a_checkpoint_of_another_shape_names_both_values(predictor, args, name,
                                                                   found, has):
    with SeriesPredictor(*args, seed=0) as other:
        with pytest.raises(CheckpointError, match=f"made with {name}={found}, but this "
                                                  f"predictor has {name}={has}"):
            other.restore(predictor.checkpoint_dir)


@pytest.mark.slow
def test_shape_check_works_for_an_older_folder_without_metadata(predictor, tmp_path):
    import shutil
    folder = tmp_path / "bare [1]"  # glob characters: the variables are read without a glob
    shutil.copytree(predictor.checkpoint_dir, folder)
    for json_file in folder.glob("*.json"):
        json_file.unlink()
    with SeriesPredictor(1, 4, 20, seed=0) as other:
        with pytest.raises(CheckpointError,
                           match="hidden_dim=10, but this predictor has hidden_dim=20"):
            other.restore(folder)
    with SeriesPredictor(2, 4, 10, seed=0) as other:
        with pytest.raises(CheckpointError,
                           match="input_dim=1, but this predictor has input_dim=2"):
            other.restore(folder)


@pytest.mark.slow
def test_unwritable_output_folder_is_found_before_training(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    log = []
    with pytest.raises(OutputDirError, match="folder .*a-file/out.* cannot be written: .*a-file. is a file, not a folder"):
        run_chapter(ChapterConfig(out=str(blocker / "out")), log=log.append)
    assert not any("Training" in line for line in log)  # only the season was said


@pytest.mark.slow
def test_bad_chapter_settings():
    with pytest.raises(SettingError, match="normalize must be one of 'all', 'train'; found 'both'"):
        run_chapter(ChapterConfig(normalize="both"))
    with pytest.raises(SettingError, match="horizon must be a positive integer; found 0"):
        run_chapter(ChapterConfig(horizon=0))


@pytest.mark.slow
def test_a_closed_predictor_says_so():
    from series_predictor.errors import PredictorClosedError
    p = SeriesPredictor(1, 4, 4, seed=0)
    p.train(GOOD_X, GOOD_Y, iterations=5, verbose=False)
    p.close()
    for call in (lambda: p.predict(GOOD_X), lambda: p.hallucinate(GOOD_X[0], 3),
                 lambda: p.train(GOOD_X, GOOD_Y), lambda: p.save(), lambda: p.restore()):
        with pytest.raises(PredictorClosedError, match="this SeriesPredictor was closed"):
            call()


def test_a_missing_data_file_is_a_package_error_too(tmp_path):
    import data_loader
    from series_predictor.errors import DataFileNotFoundError, SeriesPredictorError
    with pytest.raises(SeriesPredictorError) as info:
        data_loader.load_series(str(tmp_path / "nope.csv"))
    assert isinstance(info.value, (DataFileNotFoundError, FileNotFoundError))


@pytest.mark.slow
def test_a_learning_rate_too_small_for_float32_is_refused_on_the_command_line(tmp_path):
    """1e-50 rounds to 0 in float32: the run would report an untrained network's scores."""
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "series_predictor.cli", "--learning-rate",
                             "1e-50", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "step 0" not in result.stdout
    assert result.stderr.count("\n") == 1 and "at least 1.175e-38" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_hallucinating_from_values_beyond_float32_names_the_value(predictor):
    with pytest.raises(InputShapeError, match=r"found 1e\+39"):
        predictor.hallucinate([1e39, 1.0, 1.0, 1.0], 3)


@pytest.mark.parametrize("recipe, start", [("auto", "1 point is too few for recipe='auto'"),
                                           ("book", "1 point is too few for seq_size=5")])
def test_a_one_point_series_is_refused_in_the_singular(recipe, start):
    import series_predictor as sp
    with pytest.raises(SeriesTooShortError) as caught:
        sp.fit([5.0], recipe=recipe)
    assert start in str(caught.value) and "1 points" not in str(caught.value)
