"""SeriesPredictor: listings 10.2-10.6 and 10.8 (issue 2)."""

import os

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


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_listing_10_6_learns_the_book_values(seed):
    predictor, history = train_dummy(seed)
    with predictor:
        predicted = predictor.predict(dummy.TEST_X)
    assert len(history.loss) == 1000
    assert history.final_loss < 2.0
    assert history.loss[0] > 20 * history.final_loss
    assert np.abs(predicted - np.array(dummy.EXPECTED)).max() < 1.5


@pytest.mark.slow
def test_same_seed_same_losses_and_predictions_bit_for_bit(trained):
    first, first_history = trained
    with train_dummy(0)[0] as again:
        again_history = again.train(dummy.TRAIN_X, dummy.TRAIN_Y, verbose=False)
        assert again_history.loss == first_history.loss
        assert np.array_equal(again.predict(dummy.TEST_X), first.predict(dummy.TEST_X))


@pytest.mark.slow
def test_another_seed_other_weights(trained):
    first, first_history = trained
    with train_dummy(1)[0] as other:
        assert other.train(dummy.TRAIN_X, dummy.TRAIN_Y, verbose=False).loss != \
            first_history.loss


@pytest.mark.slow
def test_seed_none_draws_a_seed_that_repeats_the_run():
    with SeriesPredictor(1, 4, 10) as a:
        ha = a.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=50, verbose=False)
        with SeriesPredictor(1, 4, 10, seed=a.seed) as b:
            hb = b.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=50, verbose=False)
    assert ha.loss == hb.loss


@pytest.mark.slow
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
    import tensorflow as tf
    with tf.compat.v1.Session(graph=predictor.graph) as sess:
        predictor.test(sess, dummy.TEST_X)
    assert len(predictor.graph.get_operations()) == ops_before
    assert predictor.graph.finalized


def _numpy_lstm_outputs(predictor, x):
    """Listing 10.3 in NumPy: BasicLSTMCell (forget bias 1) over x, then W_out, b_out."""
    weights = {v.name: value for v, value in zip(
        predictor.graph.get_collection("variables"),
        predictor.sess.run(predictor.graph.get_collection("variables")))}
    kernel = weights["series_predictor/rnn/basic_lstm_cell/kernel:0"]
    bias = weights["series_predictor/rnn/basic_lstm_cell/bias:0"]
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    x = np.asarray(x, dtype=np.float64)
    h = c = np.zeros((len(x), predictor.hidden_dim))
    outputs = []
    for t in range(x.shape[1]):
        i, j, f, o = np.split(np.concatenate([x[:, t], h], axis=1) @ kernel + bias, 4, axis=1)
        c = c * sigmoid(f + 1.0) + sigmoid(i) * np.tanh(j)
        h = np.tanh(c) * sigmoid(o)
        outputs.append(h @ weights["series_predictor/W_out:0"]
                       + weights["series_predictor/b_out:0"])
    return np.concatenate(outputs, axis=1)


@pytest.mark.slow
def test_book_attributes_and_shapes(trained):
    import tensorflow as tf
    predictor, _ = trained
    names = {attr: getattr(predictor, attr).name for attr in ("W_out", "b_out", "x", "y")}
    assert names == {"W_out": "series_predictor/W_out:0", "b_out": "series_predictor/b_out:0",
                     "x": "series_predictor/x:0", "y": "series_predictor/y:0"}
    for attr in ("W_out", "b_out", "x", "y", "cost"):
        assert getattr(predictor, attr).dtype == tf.float32, attr
    assert predictor.W_out.shape.as_list() == [10, 1]
    assert predictor.b_out.shape.as_list() == [1]
    assert predictor.x.shape.as_list() == [None, 4, 1]
    assert predictor.y.shape.as_list() == [None, 4]
    assert predictor.cost.shape.as_list() == []
    assert predictor.model().shape.as_list() == [None, 4]
    assert predictor.train_op.type == "NoOp" and predictor.train_op.name.endswith("Adam")
    assert isinstance(predictor.saver, tf.compat.v1.train.Saver)
    assert predictor.learning_rate == 0.001
    # The graph computes listing 10.3, and cost is the MSE of model() against y.
    x, y = np.array(dummy.TRAIN_X, np.float32), np.array(dummy.TRAIN_Y, np.float32)
    out, cost = predictor.sess.run([predictor.model(), predictor.cost],
                                   {predictor.x: x, predictor.y: y})
    np.testing.assert_allclose(out, _numpy_lstm_outputs(predictor, x), rtol=1e-5, atol=1e-5)
    assert cost == pytest.approx(np.mean((out.astype(np.float64) - y) ** 2), rel=1e-6)
    assert cost == pytest.approx(np.mean((_numpy_lstm_outputs(predictor, x) - y) ** 2), rel=1e-4)


@pytest.mark.slow
def test_train_returns_history_and_prints_progress(capsys, tmp_path):
    with SeriesPredictor(1, 4, 10, seed=0) as predictor:
        history = predictor.train(dummy.TRAIN_X, dummy.TRAIN_Y, dummy.TEST_X, dummy.EXPECTED)
        folder = predictor.checkpoint_dir
    out = capsys.readouterr().out
    # The temporary folder is gone after close(): the message says so.
    assert ("Model saved to a temporary folder, removed when the predictor is closed "
            f"(pass checkpoint_dir= to keep it): {history.checkpoint}") in out
    assert history.checkpoint.startswith(folder) and not os.path.exists(folder)
    assert history.report_steps == list(range(0, 1000, 100))
    assert len(history.report_monitor_loss) == 10
    assert history.best_monitor_loss == min(history.report_monitor_loss)
    assert "step 0: train loss" in out and "step 900: train loss" in out
    assert out.count("test loss") == 10
    with SeriesPredictor(1, 4, 4, seed=0, checkpoint_dir=tmp_path) as kept:
        history = kept.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=3)
    out = capsys.readouterr().out
    assert out.endswith(f"\nModel saved to {history.checkpoint}\n")
    assert os.path.exists(history.checkpoint + ".index")


@pytest.mark.slow
def test_monitored_losses_say_what_they_hold(capsys):
    with SeriesPredictor(1, 4, 4, seed=0) as predictor:
        history = predictor.train(dummy.TRAIN_X, dummy.TRAIN_Y, dummy.TEST_X, dummy.EXPECTED,
                                  iterations=21, report_every=10, monitor_name="validation")
        expected_last = float(np.mean((predictor.predict(dummy.TEST_X) - dummy.EXPECTED) ** 2))
    out = capsys.readouterr().out
    assert out.count("validation loss") == 3 and "test loss" not in out
    assert history.report_steps == [0, 10, 20]
    assert len(history.report_monitor_loss) == 3
    assert history.best_monitor_loss == min(history.report_monitor_loss)
    assert history.best_step == history.report_steps[
        history.report_monitor_loss.index(history.best_monitor_loss)]
    # The last report is measured after step 20's update, the weights kept.
    assert history.report_monitor_loss[-1] == pytest.approx(expected_last, rel=1e-5)


def test_no_function_of_the_model_and_checkpoints_is_longer_than_60_lines():
    import ast
    import inspect
    from series_predictor import checkpoints, model
    for module in (model, checkpoints):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                assert length <= 60, f"{module.__name__}.{node.name} has {length} lines"


@pytest.mark.slow
def test_test_prints_and_squeezes_like_the_book(trained, capsys):
    predictor, _ = trained
    both = predictor.test(dummy.TEST_X)
    assert both.shape == (2, 4)
    assert "[[" in capsys.readouterr().out
    one = predictor.test([dummy.TEST_X[0]])
    assert one.shape == (4,)
    assert predictor.predict([dummy.TEST_X[0]]).shape == (1, 4)


@pytest.mark.slow
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


@pytest.mark.slow
def test_session_on_the_predictors_graph_gets_the_checkpoint(trained):
    import tensorflow as tf
    predictor, _ = trained
    with tf.compat.v1.Session(graph=predictor.graph) as sess:
        assert np.array_equal(predictor.test(sess, dummy.TEST_X),
                              predictor.predict(dummy.TEST_X))


@pytest.mark.slow
def test_callers_session_follows_later_training_and_restores(tmp_path):
    import tensorflow as tf
    with SeriesPredictor(1, 4, 4, seed=0, checkpoint_dir=tmp_path) as predictor:
        predictor.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=5, verbose=False)
        first = predictor.checkpoint
        with tf.compat.v1.Session(graph=predictor.graph) as sess:
            after_5 = predictor.test(sess, dummy.TEST_X)
            assert np.array_equal(after_5, predictor.predict(dummy.TEST_X))
            predictor.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=50, verbose=False)
            after_50 = predictor.predict(dummy.TEST_X)
            assert not np.allclose(after_50, after_5)
            assert np.array_equal(predictor.test(sess, dummy.TEST_X), after_50)
            # Back to an older checkpoint, saved elsewhere before it was replaced.
            with SeriesPredictor(1, 4, 4, seed=0) as other:
                other.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=5, verbose=False)
                older = other.save(tmp_path / "older")
            assert first != older
            predictor.restore(older)
            assert np.array_equal(predictor.test(sess, dummy.TEST_X), after_5)


@pytest.mark.slow
def test_checkpoint_round_trip_predicts_exactly_the_same(tmp_path):
    with SeriesPredictor(1, 4, 10, seed=3, checkpoint_dir=tmp_path) as trained:
        trained.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=200, verbose=False)
        expected = trained.predict(dummy.TEST_X)
    with SeriesPredictor(1, 4, 10, seed=99, checkpoint_dir=tmp_path) as fresh:
        assert np.array_equal(fresh.test(dummy.TEST_X), expected)  # restores on first use
    with SeriesPredictor(1, 4, 10, seed=7) as other:
        other.restore(tmp_path)
        assert np.array_equal(other.predict(dummy.TEST_X), expected)


@pytest.mark.slow
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


@pytest.mark.slow
def test_close_removes_the_temporary_checkpoint_folder():
    predictor, _ = train_dummy(0)
    folder = predictor.checkpoint_dir
    assert os.path.isdir(folder)
    predictor.close()
    assert not os.path.exists(folder)


@pytest.mark.slow
def test_hallucinate_feeds_predictions_back(trained):
    predictor, _ = trained
    steps = predictor.hallucinate(dummy.TEST_X[1], 3)
    window = np.array(dummy.TEST_X[1], dtype=np.float32)
    for value in steps:
        nxt = predictor.predict([window])[0, -1]
        assert value == pytest.approx(nxt, abs=1e-6)
        window = np.vstack((window[1:], [[nxt]]))


@pytest.mark.slow
def test_unrolled_graph_gives_the_same_losses():
    default, default_history = train_dummy(5)
    unrolled, unrolled_history = train_dummy(5, unroll=True)
    with default, unrolled:
        np.testing.assert_allclose(unrolled_history.loss, default_history.loss,
                                   rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(unrolled.predict(dummy.TEST_X),
                                   default.predict(dummy.TEST_X), atol=1e-3)


@pytest.mark.slow
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


@pytest.mark.slow
def test_dummy_listing_prints_beside_the_book(capsys):
    from series_predictor.dummy import run_dummy
    predicted, history = run_dummy(seed=0)
    out = capsys.readouterr().out
    assert "the book expects 1, 3, 5, 7" in out and "the book expects 4, 9, 11, 13" in out
    assert np.abs(predicted - np.array(dummy.EXPECTED)).max() < 1.5
