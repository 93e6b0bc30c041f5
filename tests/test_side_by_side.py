"""Members trained side by side in one graph (issue 18) give the losses of members
trained one by one: each starts from its lone initial weights, takes the same steps,
saves checkpoints a lone predictor restores, and fails alone.

Tolerance: the lone predictor with ``fast_training`` runs the same float32 equations
(``fast_training._lstm_cost_and_gradients``), so losses agree within a relative 1e-5
(absolute 1e-6 near zero), as the fast route's tests require of the default route.
"""

import os

import numpy as np
import pytest

from series_predictor import fitting
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.errors import TrainingDiverged, TrainingInterrupted
from series_predictor.kept_run import load_run
from series_predictor.model import SeriesPredictor
from series_predictor.side_by_side import lone_initial_weights, MemberGroup, WEIGHTS
from series_predictor.side_by_side_training import train_group

RTOL, ATOL = 1e-5, 1e-6
LEARNING_RATE = 0.01


def windows(count, seq_size, seed, scale=1.0):
    """``count`` windows of a noisy sine: ``x [count, seq_size, 1]``, next-step ``y``."""
    rng = np.random.default_rng(seed)
    t = np.arange(count + seq_size + 1)
    series = scale * (np.sin(t / 3.0 + seed) + 0.1 * rng.standard_normal(t.shape))
    starts = np.arange(count)[:, None] + np.arange(seq_size)[None, :]
    return series[starts][..., None].astype(np.float32), series[starts + 1].astype(np.float32)


def member_data(k, seq_size=5):
    """Member i's own windows (a count of its own, as auto's candidates have) and
    monitored windows."""
    return [windows(20 + 3 * i, seq_size, i) + windows(6, seq_size, 10 + i) for i in range(k)]


def lone_variable_values(predictor):
    """A lone predictor's initial weights by our names, from its initial feed."""
    from series_predictor.tf_compat import tf
    variables = predictor.graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)
    values = {v.op.name: predictor._initial_feed[t]
              for v, t in zip(variables, predictor._initial_values)}
    names = {"kernel": "series_predictor/rnn/basic_lstm_cell/kernel",
             "bias": "series_predictor/rnn/basic_lstm_cell/bias",
             "W_out": "series_predictor/W_out", "b_out": "series_predictor/b_out"}
    return {k: values[name] for k, name in names.items()}


@pytest.mark.slow
@pytest.mark.parametrize("input_dim, hidden_dim", [(1, 8), (2, 5)])
def test_each_member_starts_from_the_weights_it_gets_alone(tmp_path, input_dim, hidden_dim):
    seeds = [0, 3, 12345]
    with MemberGroup(seeds, [tmp_path / str(s) for s in seeds], 4, hidden_dim,
                     input_dim=input_dim) as group:
        started = group.initial_weights()
        now = [group.weights(i) for i in range(len(seeds))]
    for seed, weights, current in zip(seeds, started, now):
        with SeriesPredictor(input_dim, 4, hidden_dim, seed=seed) as lone:
            expected = lone_variable_values(lone)
        for key in WEIGHTS:
            np.testing.assert_array_equal(weights[key], expected[key])
            np.testing.assert_array_equal(current[key], expected[key])
    assert not np.array_equal(started[0]["kernel"], started[1]["kernel"])


def train_alone(seed, arrays, **settings):
    """One member trained alone with fast_training -> (history, predictions on its x)."""
    with SeriesPredictor(1, 5, 8, seed=seed, learning_rate=LEARNING_RATE,
                         fast_training=True) as lone:
        history = lone.train(*arrays, verbose=False, **settings)
        return history, lone.predict(arrays[0])


def restored_predictions(prefix, x):
    with SeriesPredictor(1, 5, 8, seed=0) as predictor:
        predictor.restore(prefix)
        return predictor.predict(x)


@pytest.mark.slow
@pytest.mark.parametrize("patience, batch_size", [(None, None), (1, 7)])
def test_members_side_by_side_give_the_losses_of_members_trained_one_by_one(
        tmp_path, patience, batch_size):
    seeds, data = [3, 4, 5], member_data(3)
    settings = dict(iterations=150, report_every=10, patience=patience, batch_size=batch_size)
    with MemberGroup(seeds, [tmp_path / f"m{i}" for i in range(3)], 5, 8,
                     learning_rate=LEARNING_RATE) as group:
        together = train_group(group, data, **settings)
    for seed, arrays, history in zip(seeds, data, together):
        alone, predictions = train_alone(seed, arrays, **settings)
        assert len(history.loss) == len(alone.loss)
        np.testing.assert_allclose(history.loss, alone.loss, rtol=RTOL, atol=ATOL)
        assert history.loss[-1] < 0.5 * history.loss[0]  # it trained: not vacuous
        np.testing.assert_allclose(history.report_monitor_loss, alone.report_monitor_loss,
                                   rtol=RTOL, atol=ATOL)
        assert (history.report_steps, history.best_step, history.stopped_early) == \
            (alone.report_steps, alone.best_step, alone.stopped_early)
        assert (history.final_monitor_loss is None) == (alone.final_monitor_loss is None)
        assert os.path.dirname(history.checkpoint) == str(tmp_path / f"m{seeds.index(seed)}")
        np.testing.assert_allclose(restored_predictions(history.checkpoint, arrays[0]),
                                   predictions, rtol=RTOL, atol=ATOL)
    if patience:
        assert any(h.stopped_early for h in together)  # the case is exercised


@pytest.mark.slow
def test_a_member_whose_loss_overflows_fails_alone(tmp_path):
    data = member_data(3)
    x, y, mx, my = data[1]
    data[1] = (x * np.float32(1e30), y * np.float32(1e30), mx, my)
    with MemberGroup([3, 4, 5], [tmp_path / f"m{i}" for i in range(3)], 5, 8,
                     learning_rate=LEARNING_RATE) as group:
        together = train_group(group, data, iterations=30, report_every=10)
    assert isinstance(together[1], TrainingDiverged)
    assert together[1].step == 0 and "scale the data down" in str(together[1])
    for i in (0, 2):
        alone, _ = train_alone(3 + i, data[i], iterations=30, report_every=10)
        np.testing.assert_allclose(together[i].loss, alone.loss, rtol=RTOL, atol=ATOL)


@pytest.mark.slow
def test_a_members_checkpoint_holds_what_a_lone_checkpoint_holds(tmp_path):
    from series_predictor.tf_compat import tf
    with MemberGroup([3, 4], [tmp_path / "a", tmp_path / "b"], 5, 8) as group:
        together = train_group(group, member_data(2), iterations=5, report_every=5)
    with SeriesPredictor(1, 5, 8, seed=4, checkpoint_dir=tmp_path / "lone") as lone:
        alone = lone.train(*member_data(2)[1], iterations=5, report_every=5, verbose=False)
    assert tf.train.list_variables(together[1].checkpoint) == \
        tf.train.list_variables(alone.checkpoint)
    np.testing.assert_allclose(tf.train.load_checkpoint(together[1].checkpoint).get_tensor(
        "series_predictor/beta1_power"), 0.9 ** 6, rtol=1e-6)


@pytest.mark.slow
def test_an_ensemble_with_fast_training_trains_side_by_side_and_keeps_its_run(
        tmp_path, monkeypatch):
    def config(out):
        return ChapterConfig(out=str(out), iterations=40, report_every=20, ensemble=3,
                             seed=7, fast_training=True, diff=(12,), validation=12,
                             normalize="train", hidden_dim=8, horizon=12, quiet=False)
    lines = []
    together = run_chapter(config(tmp_path / "together"), log=lines.append)
    assert any("3 members side by side" in line for line in lines)
    monkeypatch.setattr(fitting, "side_by_side", lambda config, members: False)
    alone = run_chapter(config(tmp_path / "alone"), log=lambda *_: None)
    for a, b in zip(together.members, alone.members):
        assert a.seed == b.seed
        np.testing.assert_allclose(a.history.loss, b.history.loss, rtol=RTOL, atol=ATOL)
        for name in b.forecasts:
            np.testing.assert_allclose(a.forecasts[name], b.forecasts[name], rtol=1e-4)
    kept = load_run(tmp_path / "together").forecast(12)
    np.testing.assert_allclose(kept.point, together.future_point, rtol=1e-6)


def test_lone_initial_weights_are_repeatable_and_seeded():
    first, again = lone_initial_weights(5, 1, 4), lone_initial_weights(5, 1, 4)
    other = lone_initial_weights(6, 1, 4)
    for key in WEIGHTS:
        np.testing.assert_array_equal(first[key], again[key])
    assert not np.array_equal(first["W_out"], other["W_out"])
    assert first["kernel"].shape == (5, 16) and not first["bias"].any()


@pytest.mark.slow
def test_a_ctrl_c_between_chunks_keeps_each_members_last_checkpoint(tmp_path, monkeypatch):
    folders = [tmp_path / "a", tmp_path / "b"]
    with MemberGroup([3, 4], folders, 5, 8) as group:
        real, chunks = group.train_steps, []

        def interrupted_second_chunk(*args):
            chunks.append(args)
            if len(chunks) == 2:
                raise KeyboardInterrupt
            return real(*args)
        monkeypatch.setattr(group, "train_steps", interrupted_second_chunk)
        with pytest.raises(TrainingInterrupted, match="interrupted at step 1;"):
            train_group(group, member_data(2), iterations=30, report_every=10)
    for folder, arrays in zip(folders, member_data(2)):
        with SeriesPredictor(1, 5, 8, seed=0) as predictor:  # step 0's weights, restorable
            assert predictor.restore(folder).endswith("model.ckpt-1")
            assert np.all(np.isfinite(predictor.predict(arrays[0])))
