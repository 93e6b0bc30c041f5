"""SeriesPredictor: listings 10.2-10.6 and 10.8 (issue 2)."""

import numpy as np
import pytest

from series_predictor import dummy
from simple_regression import SeriesPredictor


def train_dummy(seed, **kwargs):
    predictor = SeriesPredictor(input_dim=1, seq_size=4, hidden_dim=10, seed=seed, **kwargs)
    history = predictor.train(dummy.TRAIN_X, dummy.TRAIN_Y, verbose=False)
    return predictor, history


@pytest.fixture(scope="module")
def trained():
    predictor, history = train_dummy(0)
    yield predictor, history
    predictor.close()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_listing_10_6_learns_the_book_values(seed):
    predictor, history = train_dummy(seed)
    with predictor:
        predicted = predictor.predict(dummy.TEST_X)
    assert len(history.loss) == 1000
    assert history.final_loss < 2.0
    assert history.loss[0] > 20 * history.final_loss
    assert np.abs(predicted - np.array(dummy.EXPECTED)).max() < 1.5


def test_same_seed_same_losses_and_predictions_bit_for_bit(trained):
    first, first_history = trained
    with train_dummy(0)[0] as again:
        again_history = again.train(dummy.TRAIN_X, dummy.TRAIN_Y, verbose=False)
        assert again_history.loss == first_history.loss
        assert np.array_equal(again.predict(dummy.TEST_X), first.predict(dummy.TEST_X))


def test_another_seed_other_weights(trained):
    first, first_history = trained
    with train_dummy(1)[0] as other:
        assert other.train(dummy.TRAIN_X, dummy.TRAIN_Y, verbose=False).loss != \
            first_history.loss


def test_seed_none_draws_a_seed_that_repeats_the_run():
    with SeriesPredictor(1, 4, 10) as a:
        ha = a.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=50, verbose=False)
        with SeriesPredictor(1, 4, 10, seed=a.seed) as b:
            hb = b.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=50, verbose=False)
    assert ha.loss == hb.loss


def test_graph_is_built_once_and_no_call_adds_ops(trained):
    predictor, _ = trained
    ops_before = len(predictor.graph.get_operations())
    assert predictor.model() is predictor.model()
    predictor.train(dummy.TRAIN_X, dummy.TRAIN_Y, dummy.TEST_X, dummy.EXPECTED,
                    iterations=20, verbose=False)
    predictor.test(dummy.TEST_X)
    for _ in range(5):
        predictor.predict(dummy.TEST_X)
    predictor.hallucinate(dummy.TEST_X[0], 10)
    predictor.restore()
    predictor.save()
    assert len(predictor.graph.get_operations()) == ops_before
    assert predictor.graph.finalized


def test_book_attributes_and_shapes(trained):
    predictor, _ = trained
    assert predictor.W_out.shape.as_list() == [10, 1]
    assert predictor.b_out.shape.as_list() == [1]
    assert predictor.x.shape.as_list() == [None, 4, 1]
    assert predictor.y.shape.as_list() == [None, 4]
    assert predictor.cost.shape.as_list() == []
    assert predictor.train_op is not None and predictor.saver is not None
    assert predictor.learning_rate == 0.001


def test_train_returns_history_and_prints_progress(capsys):
    with SeriesPredictor(1, 4, 10, seed=0) as predictor:
        history = predictor.train(dummy.TRAIN_X, dummy.TRAIN_Y, dummy.TEST_X, dummy.EXPECTED)
    out = capsys.readouterr().out
    assert history.report_steps == list(range(0, 1000, 100))
    assert len(history.report_test_loss) == 10
    assert "step 0: train loss" in out and "step 900: train loss" in out
    assert out.count("test loss") == 10
    assert f"Model saved to {history.checkpoint}" in out


def test_test_prints_and_squeezes_like_the_book(trained, capsys):
    predictor, _ = trained
    both = predictor.test(dummy.TEST_X)
    assert both.shape == (2, 4)
    assert "[[" in capsys.readouterr().out
    one = predictor.test([dummy.TEST_X[0]])
    assert one.shape == (4,)
    assert predictor.predict([dummy.TEST_X[0]]).shape == (1, 4)


def test_book_session_usage_of_listing_10_8(trained):
    import tensorflow as tf
    predictor, _ = trained
    expected = predictor.predict(dummy.TEST_X)
    with tf.compat.v1.Session() as sess:
        out = predictor.test(sess, dummy.TEST_X)
        # The hallucination loop of listing 10.9, as printed.
        prev_seq = dummy.TEST_X[0]
        predicted_vals = []
        for _ in range(3):
            next_seq = predictor.test(sess, [prev_seq])
            predicted_vals.append(next_seq[-1])
            prev_seq = np.vstack((prev_seq[1:], next_seq[-1]))
    assert np.array_equal(out, expected)
    assert np.allclose(predicted_vals, predictor.hallucinate(dummy.TEST_X[0], 3), atol=1e-6)


def test_session_on_the_predictors_graph_gets_the_checkpoint(trained):
    import tensorflow as tf
    predictor, _ = trained
    with tf.compat.v1.Session(graph=predictor.graph) as sess:
        assert np.array_equal(predictor.test(sess, dummy.TEST_X),
                              predictor.predict(dummy.TEST_X))


def test_checkpoint_round_trip_predicts_exactly_the_same(tmp_path):
    with SeriesPredictor(1, 4, 10, seed=3, checkpoint_dir=tmp_path) as trained:
        trained.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=200, verbose=False)
        expected = trained.predict(dummy.TEST_X)
    with SeriesPredictor(1, 4, 10, seed=99, checkpoint_dir=tmp_path) as fresh:
        assert np.array_equal(fresh.test(dummy.TEST_X), expected)  # restores on first use
    with SeriesPredictor(1, 4, 10, seed=7) as other:
        other.restore(tmp_path)
        assert np.array_equal(other.predict(dummy.TEST_X), expected)


def test_predictors_side_by_side_do_not_disturb_each_other():
    a, _ = train_dummy(0)
    before = a.predict(dummy.TEST_X)
    b, _ = train_dummy(1)  # "re-running the notebook cell"
    c = SeriesPredictor(1, 4, 10, seed=0)
    assert a.checkpoint_dir != b.checkpoint_dir
    assert np.array_equal(a.predict(dummy.TEST_X), before)
    assert not np.array_equal(b.predict(dummy.TEST_X), before)
    for predictor in (a, b, c):
        predictor.close()


def test_close_removes_the_temporary_checkpoint_folder():
    import os
    predictor, _ = train_dummy(0)
    folder = predictor.checkpoint_dir
    assert os.path.isdir(folder)
    predictor.close()
    assert not os.path.exists(folder)


def test_hallucinate_feeds_predictions_back(trained):
    predictor, _ = trained
    steps = predictor.hallucinate(dummy.TEST_X[1], 3)
    window = np.array(dummy.TEST_X[1], dtype=np.float32)
    for value in steps:
        nxt = predictor.predict([window])[0, -1]
        assert value == pytest.approx(nxt, abs=1e-6)
        window = np.vstack((window[1:], [[nxt]]))


def test_unrolled_graph_gives_the_same_losses():
    default, default_history = train_dummy(5)
    unrolled, unrolled_history = train_dummy(5, unroll=True)
    with default, unrolled:
        np.testing.assert_allclose(unrolled_history.loss, default_history.loss,
                                   rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(unrolled.predict(dummy.TEST_X),
                                   default.predict(dummy.TEST_X), atol=1e-3)


def test_minibatches_are_seeded_and_learn():
    x = np.sin(np.arange(300) / 5.0)
    from data_loader import make_windows
    wx, wy = make_windows(x, 5)
    runs = []
    for _ in range(2):
        with SeriesPredictor(1, 5, 10, seed=4) as predictor:
            runs.append(predictor.train(wx, wy, iterations=300, batch_size=32,
                                        verbose=False).loss)
    assert runs[0] == runs[1]
    assert np.mean(runs[0][-20:]) < 0.2 * np.mean(runs[0][:20])


def test_dummy_listing_prints_beside_the_book(capsys):
    from series_predictor.dummy import run_dummy
    predicted, history = run_dummy(seed=0)
    out = capsys.readouterr().out
    assert "the book expects 1, 3, 5, 7" in out and "the book expects 4, 9, 11, 13" in out
    assert np.abs(predicted - np.array(dummy.EXPECTED)).max() < 1.5
