"""The rolling-origin backtest (issue 12)."""

import dataclasses
import os

import numpy as np
import pytest

from conftest import quiet_log
from series_predictor import backtest, stages
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.errors import SeriesTooShortError

SMALL = dict(iterations=10, report_every=5, hidden_dim=4, quiet=True)


def test_origins_are_a_season_apart_and_end_at_the_split():
    split = stages.Split(n=144, n_train=115, validation=0)
    assert backtest.origins(split, 4, 12, 26) == [79, 91, 103, 115]
    with pytest.raises(SeriesTooShortError, match=r"use fewer origins \(at most 8\)"):
        backtest.origins(split, 9, 12, 26)


def test_origins_without_a_season_are_a_test_length_apart_or_as_far_as_the_data_allow():
    """Daily prices (no season) had origins a day apart: each forecast nearly the one
    before it. Now a test length apart (150 here), closer when the training part is
    short, never below 1; a season keeps its own stride."""
    prices = stages.Split(n=750, n_train=600, validation=0)
    assert backtest.stride(prices, 3, 1, 32) == 150
    assert backtest.origins(prices, 3, backtest.stride(prices, 3, 1, 32), 32) == [
        300, 450, 600]
    short = stages.Split(n=100, n_train=80, validation=0)
    assert backtest.stride(short, 4, 1, 32) == 16      # (80 - 32) // 3 < 20
    assert backtest.stride(short, 60, 1, 32) == 1
    assert backtest.stride(short, 1, 1, 32) == 20
    assert backtest.stride(prices, 3, 12, 32) == 12


def test_origins_a_test_length_apart_are_not_read_as_a_season():
    """Without a season the stride is the test length (24), and the table, its verdict
    and backtest.png read the stride as the season: 'seasonal naive (lag 24)' and
    'climatology (season means)', scored as persistence and the mean, and a verdict
    that the forecast 'loses to persistence and seasonal naive'."""
    from series_predictor import plots, report
    results = [backtest.OriginResult(o, np.array([1.0, 2.0]),
                                     {m: np.array([1.0, 2.0]) + (m != "lstm")
                                      for m in backtest.METHODS}, 1.0, {}) for o in (48, 72)]
    record = backtest.summarize(results, np.arange(120), 2, 24, 1)
    assert (record["stride"], record["season"]) == (24, 1)
    text = report.format_backtest(record, "value")
    assert "24 points apart" in text.splitlines()[0]
    assert [line[:28].strip() for line in text.splitlines()[2:5]] == [
        "LSTM", "persistence (last value)", "climatology (the mean)"]
    assert "seasonal" not in text
    fig = plots.plot_backtest(record)
    assert [line.get_label() for ax in fig.axes for line in ax.lines] == [
        "LSTM", "persistence", "climatology"]


@pytest.mark.slow
def test_too_many_origins_are_refused_before_any_training(tmp_path):
    with pytest.raises(SeriesTooShortError, match="at most"):
        run_chapter(ChapterConfig(backtest=50, out=str(tmp_path / "out")), log=quiet_log)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_an_origin_never_sees_its_future():
    config = ChapterConfig(**SMALL, normalize="train", validation=12, log=True, diff=(12,))
    loaded = stages.read_stage(config)
    origin, horizon = 91, 29
    changed = loaded.values.copy()
    changed[origin:] *= 3.0  # the future is different; the past is the same
    other = dataclasses.replace(loaded, values=changed)
    progress = stages.Progress(quiet_log, quiet=True)
    first = backtest.fit_origin(loaded, config, origin, horizon, progress)
    second = backtest.fit_origin(other, config, origin, horizon, progress)
    for method in backtest.METHODS:
        np.testing.assert_array_equal(first.forecasts[method], second.forecasts[method])
    np.testing.assert_array_equal(second.actual, 3.0 * first.actual)
    assert first.mase_scale == second.mase_scale


def test_scores_by_hand():
    results = [backtest.OriginResult(10, np.array([1.0, 2.0]),
                                     {m: np.array([2.0, 4.0]) for m in backtest.METHODS}, 2.0, {}),
               backtest.OriginResult(22, np.array([1.0, 2.0]),
                                     {m: np.array([1.0, 5.0]) for m in backtest.METHODS}, 1.0, {})]
    report = backtest.summarize(results, np.arange(40), 2, 12)
    rows = report["by_horizon"]["lstm"]
    assert rows["mae"] == [0.5, 2.5]
    assert rows["rmse"] == pytest.approx([np.sqrt(0.5), np.sqrt((4 + 9) / 2)])
    assert rows["mase"] == [0.25, (1.0 + 3.0) / 2]
    overall = report["overall"]["lstm"]
    assert overall["mae"] == pytest.approx((1.5 + 1.5) / 2)
    assert overall["mase"] == pytest.approx((1.5 / 2 + 1.5 / 1) / 2)
    assert report["origins"] == ["10", "22"]


@pytest.mark.slow
def test_backtest_run_writes_its_table_and_figure(tmp_path):
    lines = []
    run = run_chapter(ChapterConfig(**SMALL, backtest=3, out=str(tmp_path)), log=lines.append)
    report = run.metrics["backtest"]
    assert report["origins"] == ["1956-08", "1957-08", "1958-08"]
    assert len(report["by_horizon"]["seasonal_naive"]["mae"]) == 29
    assert (tmp_path / "backtest.png").stat().st_size > 10_000
    assert any(line.startswith("Backtest: 3 origins") for line in "\n".join(lines).splitlines())
    assert "backtest.png" in os.listdir(tmp_path)
