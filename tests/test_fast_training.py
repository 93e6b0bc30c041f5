"""``fast_training=True``: several Adam steps per session.run, the book's losses.

Tolerance: the fast route computes the same float32 equations in another order
(its own matmul split, reductions and backward pass), so its losses, monitored
losses and predictions must equal the default route's within a relative 1e-5
(absolute 1e-6 near zero), step by step; on one route, the same seed gives the
same result bit for bit.
"""

import numpy as np
import pytest

from series_predictor import fast_training, model
from series_predictor.errors import TrainingDiverged, TrainingInterrupted
from simple_regression import SeriesPredictor

RTOL, ATOL = 1e-5, 1e-6


def windows(count, seq_size, input_dim, seed=0):
    """``count`` windows of a noisy sine (each feature shifted): ``x``, next-step ``y``."""
    rng = np.random.default_rng(seed)
    t = np.arange(count + seq_size + 1)[:, None] + np.arange(input_dim)[None, :]
    series = np.sin(t / 3.0) + 0.1 * rng.standard_normal(t.shape)
    starts = np.arange(count)[:, None] + np.arange(seq_size)[None, :]
    return series[starts].astype(np.float32), series[starts + 1, 0].astype(np.float32)


def train_both(input_dim, seq_size, x, y, *args, hidden_dim=8, learning_rate=0.01, **kwargs):
    """Train the default and the fast route from one seed -> {fast: (history, predictions)}."""
    kwargs.setdefault("verbose", False)
    out = {}
    for fast in (False, True):
        with SeriesPredictor(input_dim, seq_size, hidden_dim, seed=3, fast_training=fast,
                             learning_rate=learning_rate) as p:
            history = p.train(x, y, *args, **kwargs)
            out[fast] = history, p.predict(x)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("input_dim, seq_size, batch_size", [
    (1, 5, None), (1, 5, 4), (3, 5, None), (3, 5, 7), (1, 1, None), (2, 1, 4)])
def test_fast_losses_and_predictions_equal_the_default_routes(input_dim, seq_size, batch_size):
    x, y = windows(20, seq_size, input_dim)
    runs = train_both(input_dim, seq_size, x, y, iterations=200, report_every=50,
                      batch_size=batch_size)
    (slow, slow_pred), (fast, fast_pred) = runs[False], runs[True]
    assert len(fast.loss) == len(slow.loss) == 200
    np.testing.assert_allclose(fast.loss, slow.loss, rtol=RTOL, atol=ATOL)
    assert fast.loss[-1] < 0.5 * fast.loss[0]  # it did train: the equality is not vacuous
    np.testing.assert_allclose(fast_pred, slow_pred, rtol=RTOL, atol=ATOL)
    assert fast.report_steps == slow.report_steps == [0, 50, 100, 150]


@pytest.mark.slow
def test_chunks_capped_below_the_report_interval_give_the_same_losses(monkeypatch):
    monkeypatch.setattr(fast_training, "MAX_STEPS_PER_RUN", 7)
    x, y = windows(20, 5, 1)
    runs = train_both(1, 5, x, y, x[:6], y[:6], iterations=45, report_every=10)
    np.testing.assert_allclose(runs[True][0].loss, runs[False][0].loss, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(runs[True][0].report_monitor_loss,
                               runs[False][0].report_monitor_loss, rtol=RTOL, atol=ATOL)
    assert runs[True][0].report_steps == [0, 10, 20, 30, 40]


@pytest.mark.parametrize("first, iterations, report_every, steps_per_run, last", [
    (0, 1000, 100, 100, 0), (1, 1000, 100, 100, 100), (101, 150, 100, 100, 149),
    (5, 1000, 1, 100, 5), (1, 5000, 1000, 100, 100), (0, 1, 100, 100, 0),
    (1, 1000, 100, 31, 31), (7, 1000, 100, 1, 7)])
def test_a_chunk_ends_at_the_next_report_step(first, iterations, report_every, steps_per_run,
                                              last):
    assert model._chunk_last_step(first, iterations, report_every, steps_per_run) == last


@pytest.mark.slow
def test_large_batches_take_fewer_steps_per_run(monkeypatch):
    x, y = windows(40, 5, 1)
    monkeypatch.setattr(fast_training, "MAX_WINDOW_VALUES_PER_RUN", 40 * 5 * 3)  # 3 steps a run
    with SeriesPredictor(1, 5, 4, seed=0, fast_training=True) as p:
        steps, real = [], p._train_steps
        monkeypatch.setattr(p, "_train_steps", lambda *args: steps.append(args[2]) or real(*args))
        p.train(x, y, iterations=12, report_every=10, verbose=False)
        p.train(x, y, iterations=12, report_every=10, batch_size=8, verbose=False)
    assert steps == [1, 3, 3, 3, 1, 1] + [1, 10, 1]  # full batch: 3 a run; batches of 8: 15


@pytest.mark.slow
def test_same_seed_same_fast_losses_bit_for_bit():
    x, y = windows(20, 5, 1)
    losses = []
    for _ in range(2):
        with SeriesPredictor(1, 5, 8, seed=3, fast_training=True) as p:
            losses.append(p.train(x, y, iterations=30, batch_size=6, verbose=False).loss)
    assert losses[0] == losses[1]


@pytest.mark.slow
def test_early_stopping_keeps_the_same_step_on_both_routes():
    x, y = windows(40, 5, 1)
    noise = np.random.default_rng(9).standard_normal(y.shape).astype(np.float32)
    runs = train_both(1, 5, x[:30], y[:30] + noise[:30], x[30:], y[30:], iterations=3000,
                      report_every=20, patience=3, hidden_dim=16, learning_rate=0.05)
    (slow, slow_pred), (fast, fast_pred) = runs[False], runs[True]
    assert slow.stopped_early and fast.stopped_early
    assert fast.best_step == slow.best_step and fast.report_steps == slow.report_steps
    assert len(fast.loss) == len(slow.loss) < 3000
    np.testing.assert_allclose(fast.report_monitor_loss, slow.report_monitor_loss,
                               rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(fast_pred, slow_pred, rtol=RTOL, atol=ATOL)  # the best kept


def divergence(tmp_path, fast, x, y, **kwargs):
    """Train until TrainingDiverged; return (message with the folder cut, step, kept weights)."""
    folder = tmp_path / ("fast" if fast else "default")
    with SeriesPredictor(1, 5, 4, seed=0, checkpoint_dir=folder, fast_training=fast,
                         learning_rate=kwargs.pop("learning_rate", 0.001)) as p:
        with pytest.raises(TrainingDiverged) as info:
            p.train(x, y, verbose=False, **kwargs)
        assert info.value.checkpoint == p.checkpoint
        kept = p.predict(x[:3]) if p.checkpoint else None
    return str(info.value).replace(str(folder), "<dir>"), info.value.step, kept


@pytest.mark.slow
@pytest.mark.parametrize("report_every", [1, 100])
def test_a_planted_huge_learning_rate_diverges_at_the_same_step(tmp_path, report_every):
    x, y = windows(20, 5, 1)
    slow = divergence(tmp_path, False, x, y, learning_rate=1e30, iterations=300,
                      report_every=report_every)
    fast = divergence(tmp_path, True, x, y, learning_rate=1e30, iterations=300,
                      report_every=report_every)
    assert fast[:2] == slow[:2]
    assert fast[1] == 1 and "training diverged at step 1: the loss is" in fast[0]
    assert np.all(np.isfinite(fast[2]))
    np.testing.assert_allclose(fast[2], slow[2], rtol=RTOL)  # step 0's weights, kept


@pytest.mark.slow
def test_a_huge_window_mid_chunk_names_the_same_step(tmp_path):
    x, y = windows(40, 5, 1)
    x[17], y[17] = 1e30, 1e30  # the first mini-batch holding window 17 overflows its loss
    slow = divergence(tmp_path, False, x, y, iterations=300, batch_size=4)
    fast = divergence(tmp_path, True, x, y, iterations=300, batch_size=4)
    assert fast[:2] == slow[:2]
    assert 1 <= fast[1] < 100  # inside the chunk of steps 1..100, not at its start
    assert fast[0].endswith("restored the last finite checkpoint: <dir>/model.ckpt-1")


@pytest.mark.slow
def test_ctrl_c_in_a_chunk_names_its_first_step_and_keeps_the_last_checkpoint(
        tmp_path, monkeypatch):
    x, y = windows(20, 5, 1)
    with SeriesPredictor(1, 5, 4, seed=0, checkpoint_dir=tmp_path, fast_training=True) as p:
        calls, real = [], p._train_steps

        def interrupt_the_fourth(*args):
            calls.append(args[2])
            if len(calls) == 4:
                raise KeyboardInterrupt
            return real(*args)
        monkeypatch.setattr(p, "_train_steps", interrupt_the_fourth)
        with pytest.raises(TrainingInterrupted) as info:
            p.train(x, y, iterations=100, report_every=10, verbose=False)
        assert calls == [1, 10, 10, 10]  # steps 0, 1-10, 11-20, then 21-30
        assert str(info.value) == ("training interrupted at step 21; last good checkpoint: "
                                   f"{tmp_path / 'model.ckpt-3'}")
        assert p.checkpoint == info.value.checkpoint


@pytest.mark.slow
def test_the_op_count_never_changes_after_init(tmp_path, capsys):
    x, y = windows(20, 5, 1)
    with SeriesPredictor(1, 5, 4, seed=0, fast_training=True, checkpoint_dir=tmp_path) as p:
        ops = len(p.graph.get_operations())
        assert p.graph.finalized
        p.train(x, y, x[:5], y[:5], iterations=30, report_every=10, patience=2)
        p.train(x, y, iterations=12, batch_size=5, report_every=5)
        p.predict(x)
        p.hallucinate(x[0], 4)
        with pytest.raises(TrainingDiverged):
            p.train(x * 1e30, y * 1e30, iterations=5, verbose=False)
        assert len(p.graph.get_operations()) == ops
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith("step ")] == [
        "step 0", "step 10", "step 20", "step 0", "step 5", "step 10"]
    assert sum(line.startswith("Model saved to ") for line in lines) == 2


# The default graph of SeriesPredictor(1, 5, 4), as built before fast training existed:
# how many ops of each type (TensorFlow 2.21), and every variable's name and shape.
DEFAULT_OP_TYPES = {
    'AddV2': 5, 'All': 15, 'AssignVariableOp': 30, 'BatchMatMulV2': 3,
    'BroadcastGradientArgs': 2, 'Cast': 1, 'ConcatV2': 5, 'Const': 144, 'EmptyTensorList': 15,
    'ExpandDims': 6, 'Fill': 4, 'FloorMod': 1, 'GatherV2': 1, 'Identity': 74,
    'InvertPermutation': 1, 'IsFinite': 14, 'Maximum': 1, 'Mean': 1, 'Minimum': 1, 'Mul': 7,
    'Neg': 1, 'NoOp': 7, 'Pack': 3, 'Placeholder': 4, 'PlaceholderWithDefault': 2, 'Prod': 1,
    'RandomStandardNormal': 2, 'Range': 5, 'ReadVariableOp': 40, 'RealDiv': 1, 'Reshape': 10,
    'ResourceApplyAdam': 4, 'RestoreV2': 1, 'SaveV2': 1, 'Shape': 12, 'Square': 1,
    'Squeeze': 1, 'StatelessRandomGetKeyCounter': 1, 'StatelessRandomUniformV2': 1,
    'StatelessWhile': 2, 'StridedSlice': 6, 'Sub': 2, 'Sum': 6, 'TensorListFromTensor': 2,
    'TensorListReserve': 3, 'TensorListStack': 2, 'Tile': 2, 'Transpose': 4, 'VarHandleOp': 14,
    'VarIsInitializedOp': 14, 'While': 1, 'ZerosLike': 5}
WEIGHTS = {"W_out": [4, 1], "b_out": [1], "rnn/basic_lstm_cell/kernel": [5, 16],
           "rnn/basic_lstm_cell/bias": [16]}


@pytest.mark.slow
def test_the_default_graph_is_unchanged_without_fast_training():
    import collections
    import tensorflow as tf
    with SeriesPredictor(1, 5, 4, seed=0) as p:
        ops = [(op.name, op.type) for op in p.graph.get_operations()]
        variables = {v.name: v.shape.as_list() for v in p.graph.get_collection("variables")}
        assert not p.fast_training
    if tf.__version__.startswith("2.21."):
        assert len(ops) == sum(DEFAULT_OP_TYPES.values()) == 492
        assert dict(collections.Counter(kind for _, kind in ops)) == DEFAULT_OP_TYPES
    expected = {f"series_predictor/{name}:0": shape for name, shape in WEIGHTS.items()}
    expected.update({"series_predictor/beta1_power:0": [], "series_predictor/beta2_power:0": []})
    expected.update({f"series_predictor/series_predictor/{name}/{slot}:0": shape
                     for name, shape in WEIGHTS.items() for slot in ("Adam", "Adam_1")})
    assert variables == expected
    with SeriesPredictor(1, 5, 4, seed=0, fast_training=True) as p:
        fast_ops = [(op.name, op.type) for op in p.graph.get_operations()]
        fast_variables = {v.name: v.shape.as_list() for v in p.graph.get_collection("variables")}
    assert set(ops) < set(fast_ops) and fast_variables == variables  # fast only adds ops


@pytest.mark.slow
def test_a_fast_checkpoint_restores_into_a_default_predictor(tmp_path):
    x, y = windows(20, 5, 1)
    with SeriesPredictor(1, 5, 4, seed=0, fast_training=True, checkpoint_dir=tmp_path) as p:
        p.train(x, y, iterations=30, verbose=False)
        trained = p.predict(x)
    with SeriesPredictor(1, 5, 4, seed=1) as plain:
        plain.restore(tmp_path)
        assert np.array_equal(plain.predict(x), trained)
