"""What a reader sees at every frequency (issues 18 and 20, a fresh-eyes pass):
quarters, ISO weeks, hours, trading days without a season, tiny and huge values.

Each test names the misleading output it once gave, and asserts the text, the
numbers or the matplotlib artists that replace it.
"""

import dataclasses

import numpy as np

from series_predictor import backtest, outputs, plots, report
from test_figures import _figures_of, overflowing_text, points_under_legend


def _backtest_record(stride, count=2, horizon=6):
    steps = np.arange(1.0, horizon + 1)
    rows = {m: {"rmse": list(steps * k), "mae": list(steps * k), "mase": list(steps)}
            for k, m in enumerate(backtest.METHODS, start=1)}
    rows["seasonal_naive"] = rows["persistence"] if stride == 1 else rows["seasonal_naive"]
    return {"origins": [f"2022-12-0{2 + k}" for k in range(count)], "stride": stride,
            "horizon": horizon, "window": "expanding",
            "overall": {m: {"rmse": float(k), "mae": float(k), "mase": float(k)}
                        for k, m in enumerate(backtest.METHODS, start=1)},
            "by_horizon": rows}


def _labels(fig):
    return [line.get_label() for ax in fig.axes for line in ax.lines]


def test_a_backtest_without_a_season_draws_persistence_once_not_seasonal_naive():
    """Daily prices (no season): backtest.png drew "seasonal naive" (lag 1, i.e.
    persistence) over persistence, whose legend entry then had no visible line."""
    fig = plots.plot_backtest(_backtest_record(1))
    assert _labels(fig) == ["LSTM", "persistence", "climatology"]
    assert overflowing_text(fig) == [] and points_under_legend(fig) == []


def test_the_backtest_table_names_the_baselines_as_the_runs_table_does():
    """Rows once read "seasonal naive" with no lag and origins "4 apart" with no unit."""
    text = report.format_backtest(_backtest_record(4), "sales", "auto: structures")
    lines = text.splitlines()
    assert lines[0].startswith("Backtest: 2 origins (2022-12-02 .. 2022-12-03, 4 points apart)")
    assert [line[:28].strip() for line in lines[2:6]] == [
        "auto: structures", "persistence (last value)", "seasonal naive (lag 4)",
        "climatology (season means)"]
    prices = report.format_backtest(_backtest_record(1), "Close", "auto: structures")
    assert "1 point apart" in prices.splitlines()[0]
    assert [line[:28].strip() for line in prices.splitlines()[2:5]] == [
        "auto: structures", "persistence (last value)", "climatology (the mean)"]


def test_a_runs_backtest_figure_names_seasonal_naive_with_its_lag(book_run):
    run = dataclasses.replace(book_run, metrics=dict(book_run.metrics,
                                                     backtest=_backtest_record(12)))
    fig = _figures_of(run)["backtest.png"]
    assert _labels(fig) == ["LSTM", "persistence (last value)", "seasonal naive (lag 12)",
                            "climatology (season means)"]
    assert outputs.forecast_name(run) == "LSTM"
