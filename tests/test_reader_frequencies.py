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


def _table_report(scale):
    """A run's evaluation whose errors are about ``scale`` (tiny or huge units)."""
    errors = {"lstm": 1.293, "persistence": 3.832, "seasonal_naive": 5.995,
              "climatology": 24.64}
    period = {kind: {m: {"rmse": v * scale, "mae": v * scale * 0.81} for m, v in errors.items()}
              for kind in ("one_step", "hallucination")}
    return {"settings": {"season": 12, "patience": None}, "test_period": ["2016-05", "2017-12"],
            "n_test": 20, "units": "conc", **period, "validation": period,
            "validation_period": ["2015-02", "2016-04"], "verdict": "", "warnings": []}


def _right_edges(line):
    import re
    return [m.end() for m in re.finditer(r"\S+", line[28:])]


def test_the_table_keeps_its_columns_for_tiny_and_huge_errors():
    """Errors of 1e-8 or 1e7 (scientific notation, 9 characters) once overflowed the
    8-character MAE columns: "3.832e-08 3.22e-08" ran under the wrong headings."""
    for scale in (1e-8, 1e7, 1.0, 1000.0):
        lines = report.format_report(_table_report(scale)).splitlines()
        table = [lines[1], *lines[2:6], *lines[7:9]]
        header = [m.end() for m in __import__("re").finditer(r"RMSE|MAE", table[0][28:])]
        assert all(_right_edges(line) == header for line in table[1:]), (scale, table)
        assert "1.293e-08" in lines[2] if scale == 1e-8 else True


def test_the_book_sized_table_keeps_its_widths():
    lines = report.format_report(_table_report(10.0)).splitlines()
    assert lines[1] == f"{'':28s} {'one-step RMSE':>14s} {'MAE':>8s} " \
                      f"{'hallucination RMSE':>19s} {'MAE':>8s}"
    assert lines[2] == f"{'LSTM':28s} {'12.9':>14s} {'10.5':>8s} {'12.9':>19s} {'10.5':>8s}"


def test_the_season_and_why_is_printed_with_quiet_too(tmp_path):
    """--quiet ("results and warnings") once dropped the season line, so a quarterly run
    printed "seasonal naive (lag 4)" with no word of where the 4 came from."""
    from series_predictor import stages
    from series_predictor.chapter import ChapterConfig
    path = tmp_path / "q.csv"
    path.write_text("quarter,sales\n" + "".join(
        f"{1990 + i // 4} Q{i % 4 + 1},{100 + i + 10 * (i % 4)}\n" for i in range(40)))
    config = ChapterConfig(data=str(path), quiet=True)
    lines = []
    settled = stages.season_stage(stages.read_stage(config), config,
                                  stages.Progress(lines.append, quiet=True))
    assert settled.season == 4
    assert lines == ["Season: season 4 (quarterly dates (1990 Q1 ...): 4 quarters a year)"]


def test_the_advice_for_a_series_without_dates_fits_python_too():
    from series_predictor import season
    reason = season.infer(np.arange(40)).reason
    assert "--season N, or fit(..., season=N)" in reason
