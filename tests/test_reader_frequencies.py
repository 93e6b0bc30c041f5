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
    assert lines == ["Season: 4 (quarterly dates (1990 Q1 ...): 4 quarters a year)"]


def test_the_advice_for_a_series_without_dates_fits_python_too():
    from series_predictor import season
    reason = season.infer(np.arange(40)).reason
    assert "--season N, or fit(..., season=N)" in reason


# -------------------------------------------------------------- dates on the time axis
def _axis_cases():
    """``{name: [n] times}``: every label form the loader turns into dates."""
    weeks = np.datetime64("2015-01-05") + np.arange(0, 300 * 7, 7).astype("timedelta64[D]")
    return {
        "trading days": np.busday_offset("2022-01-03", np.arange(300),
                                         roll="forward").astype("datetime64[D]"),
        "hours": np.arange("2023-05-01T00", "2023-05-15T00", dtype="datetime64[h]"),
        "5 minutes": np.arange("2023-05-01T00:00", "2023-05-01T06:00", 5,
                               dtype="datetime64[m]"),
        "days": np.arange("2021-03-01", "2021-09-17", dtype="datetime64[D]"),
        "weeks": weeks,
        "months": np.arange("1949-01", "1961-01", dtype="datetime64[M]"),
        "quarters": np.arange("1990-01", "2002-01", 3, dtype="datetime64[M]"),
        "years": np.arange("1950", "2020", dtype="datetime64[Y]"),
    }


def _x_labels(fig):
    """``(labels, boxes, offset)`` of the x axis' visible tick labels, left to right."""
    from test_figures import _visible_ticks, drawn
    renderer, ax = drawn(fig), fig.axes[0]
    ticks = sorted(_visible_ticks(ax.xaxis), key=lambda t: t.get_loc())
    return ([t.label1.get_text() for t in ticks],
            [t.label1.get_window_extent(renderer) for t in ticks], ax.xaxis.get_offset_text())


def _x_dates(fig):
    """The x axis' visible ticks as datetimes, left to right."""
    from matplotlib.dates import num2date
    from test_figures import _visible_ticks
    return [num2date(t.get_loc()) for t in
            sorted(_visible_ticks(fig.axes[0].xaxis), key=lambda t: t.get_loc())]


def _date_figures(times):
    n, h = len(times), 20
    values = 100 + 10 * np.sin(np.arange(n) / 5.0)
    future = times[-1] + (times[-h:] - times[-h - 1])
    start = int(n * 0.8)
    return {"forecast": plots.plot_forecast(times, values, future, values[-h:]),
            "hallucinations": plots.plot_hallucinations(times, values, start, times[start:],
                                                        values[start:])}


def test_date_ticks_are_apart_and_say_the_year_and_the_time_of_day():
    """forecast.png of 80 trading days once labelled 2022-11-15, 2022-12-01, ... 2 pixels
    apart (touching); hourly figures read "05-12 00" (no year, no minutes) and 5-minute
    ones "05-01 03" for 03:00."""
    import re
    for name, times in _axis_cases().items():
        for figure, fig in _date_figures(times).items():
            labels, boxes, offset = _x_labels(fig)
            gaps = [b.x0 - a.x1 for a, b in zip(boxes, boxes[1:])]
            assert len(labels) >= 3 and min(gaps) >= 12, (name, figure, labels, gaps)
            shown = " ".join(labels + [offset.get_text()])
            assert re.search(r"\b(1[89]|20)\d\d\b", shown), (name, figure, shown)  # a year
            for label, when in zip(labels, _x_dates(fig)):  # a tick inside a day
                if (when.hour, when.minute) != (0, 0):      # says its time of day
                    assert re.fullmatch(r"\d\d:\d\d", label), (name, figure, labels)
            assert overflowing_text(fig) == [], (name, figure)
            if offset.get_text():
                box = offset.get_window_extent(fig.canvas.get_renderer())
                assert 0 <= box.x0 and box.x1 <= fig.bbox.width and box.y0 >= 0


def _choice_record(names, chosen):
    return {"origins": ["2022-03-28", "2022-06-20"], "horizon": 60, "combine": "median",
            "candidates": {n: {"validation_ratio": 0.5 + 0.1 * k} for k, n in enumerate(names)},
            "chosen": chosen, "beats_seasonal_naive_on_validation": False,
            "combination_ratio": 1.114}


def test_the_choice_of_a_run_without_a_season_says_no_seasonal_word():
    """Daily prices: "sdiff_ar  autoregression on seasonal differences" was printed for a
    series judged to have no season (its autoregression differences at lag 1)."""
    from series_predictor.choice_text import format_choice
    text = format_choice(_choice_record(["theta", "ets", "sdiff_ar", "drift"],
                                        ["ets", "sdiff_ar", "drift"]), season=1)
    assert "seasonal" not in text and "RMSE / persistence's:" in text
    assert "  sdiff_ar  autoregression on first differences" in text
    monthly = format_choice(_choice_record(["airline", "sdiff_ar"], ["sdiff_ar"]), season=12)
    assert "  sdiff_ar  autoregression on seasonal differences" in monthly


def test_the_choice_marks_the_fixed_set_as_combined_not_kept():
    """Quarters: the two best-scored structures (airline 0.207, sdiff_ar 0.208) sat unmarked
    above three marked "kept", which read as a choice that passed them over; the
    combined set is fixed for the season."""
    from series_predictor.choice_text import format_choice
    lines = format_choice(_choice_record(["airline", "ets", "drift"], ["ets", "drift"]),
                          season=4).splitlines()
    assert lines[1].rstrip().endswith("0.500") and lines[2].endswith("0.600  combined")
    assert "kept" not in "\n".join(lines)
    assert lines[-1].startswith("  the median of the combined ones (a fixed set, not "
                                "picked by these scores): 1.114")


def test_an_auto_runs_loss_figure_says_what_the_network_learned_and_if_it_was_kept(book_run):
    """An auto run whose network was left out drew its training under the plain title
    "Training progress", as if the forecast's own errors were plotted."""
    titles = {}
    for kept in (None, False, True):
        run = book_run if kept is None else dataclasses.replace(
            book_run, auto={"network": {"kept": kept}})
        fig = _figures_of(run)["loss.png"]
        titles[kept] = fig.axes[0].get_title().replace("\n", " ")
        assert overflowing_text(fig) == []
    assert titles[None] == "Training progress"
    assert titles[True] == "Training progress of the network on the structures' one-step errors"
    assert titles[False] == titles[True] + " (left out of the forecast)"


def _quarterly_csv(path, n=60):
    path.write_text("quarter,sales\n" + "".join(
        f"{1990 + i // 4}Q{i % 4 + 1},{100 + i + 10 * (i % 4)}\n" for i in range(n)))
    return str(path)


def _planned(config, monkeypatch):
    """The lines a run prints and the config it would train with, stopped before training."""
    from series_predictor import chapter

    class Planned(Exception):
        pass

    planned = []

    def stop(_loaded, config, *_args, **_kwargs):
        planned.append(config)
        raise Planned
    monkeypatch.setattr(chapter, "plan_chapter", stop)
    lines = []
    try:
        chapter.run_chapter(config, log=lines.append)
    except Planned:
        pass
    return lines, planned[0]


def test_the_seasonal_recipe_differences_at_the_series_own_season(tmp_path, monkeypatch):
    """--recipe seasonal (--diff 1,12, chosen on months) differenced a quarterly series at
    lag 12, three years, with only a warning: its lags now follow the season, and the run
    says so before any training; prices (no season) get lag 1 alone."""
    from series_predictor.config import with_recipe
    config = with_recipe("seasonal", data=_quarterly_csv(tmp_path / "q.csv"),
                         out=str(tmp_path / "out"), quiet=True)
    lines, planned = _planned(config, monkeypatch)
    assert lines[0].startswith("Season: 4 (quarterly dates (1990Q1 ...)")
    assert lines[1] == ("--recipe seasonal differences at lag 1 and 4 (the season, 4; its lag "
                        "12 is for months; --diff chooses others)")
    assert tuple(planned.diff) == (1, 4) and not any("Warning" in line for line in lines)
    told = with_recipe("seasonal", data=str(tmp_path / "q.csv"), out=str(tmp_path / "o2"),
                       quiet=True, diff=(1, 2))
    lines, planned = _planned(told, monkeypatch)
    assert tuple(planned.diff) == (1, 2) and lines[1].startswith("Warning: --diff 1,2")


def test_the_seasonal_recipe_keeps_lag_12_on_months():
    from series_predictor import season
    from series_predictor.config import with_recipe
    months = with_recipe("seasonal", season=12)
    assert season.recipe_lags(months) == (months, None)
    prices, note = season.recipe_lags(with_recipe("seasonal", season=1))
    assert tuple(prices.diff) == (1,) and "no season" in note


def test_the_diff_warning_fits_the_settings():
    from series_predictor import season
    from series_predictor.chapter import ChapterConfig
    assert season.diff_warning(ChapterConfig(diff=(1, 12), season=12)) is None
    assert season.diff_warning(ChapterConfig(diff=(4,), season=4)) is None
    assert season.diff_warning(ChapterConfig(season=1)) is None       # the book's run
    prices = season.diff_warning(ChapterConfig(diff=(1, 5), season=1))
    assert prices == ("--diff 1,5 differences at lag 5, but this series has no season: pass "
                      "--diff 1 (diff=(1,) in Python), or use --recipe auto")


def test_the_diff_lag_warning_reaches_a_collections_summary(book_run):
    """A collection's series run in workers, whose warnings reach no screen: the summary
    prints the data warnings metrics.json keeps, and the diff-lag warning was not one
    (--recipe seasonal on quarterly series said nothing in a collection)."""
    config = dataclasses.replace(book_run.config, diff=(1, 4))
    evaluated = report.evaluate(dataclasses.replace(book_run, config=config))
    assert evaluated["data_warnings"] == [
        "--diff 1,4 differences at lag 4, but this series' season is 12: pass --diff 1,12 "
        "(diff=(1, 12) in Python), or use --recipe auto"]
    assert report.evaluate(book_run)["data_warnings"] == []


def _collection_entries():
    from series_predictor import collection_report
    from series_predictor.collection_result import SeriesResult
    entries = {}
    for name, season, own, naive in [("gas_quarterly", 4, 130.7, 114.4),
                                     ("djia_prices", 1, 728.4, 761.6)]:
        scores = {m: {"rmse": v, "mae": v} for m, v in
                  [("lstm", own), ("persistence", naive), ("seasonal_naive", naive),
                   ("climatology", 2 * naive)]}
        metrics = {"settings": {"season": season}, "units": "value",
                   "one_step": scores, "hallucination": scores}
        entries[name] = collection_report._entry(
            SeriesResult(name, name, "done", None, 1.0), metrics)
    return entries, collection_report


def test_a_collections_summary_names_each_series_baseline():
    """A collection of quarters and market prices: the summary's header said "LSTM RMSE"
    and "seasonal naive RMSE" for every series, and "below seasonal naive" at the end,
    though a series without a season is compared with persistence."""
    entries, collection_report = _collection_entries()
    summary = collection_report._summary(entries)
    lines = collection_report.format_summary(entries, summary).splitlines()
    assert lines[0].startswith("Hallucination RMSE")
    assert lines[1].split() == ["series", "forecast", "RMSE", "naive", "RMSE", "ratio",
                                "naive", "baseline"]
    assert lines[2].startswith("djia_prices") and lines[2].endswith("  persistence (no season)")
    assert lines[3].startswith("gas_quarterly") and lines[3].endswith("seasonal naive (lag 4)")
    assert "0.956" in lines[2] and "1.142" in lines[3]
    assert lines[4].endswith("1 below their naive baseline")


def test_a_collections_summary_figure_says_what_the_ratio_is_over(tmp_path, monkeypatch):
    entries, collection_report = _collection_entries()
    made = {}
    monkeypatch.setattr(plots, "_save", lambda fig, path: made.setdefault("fig", fig))
    collection_report.draw_summary(entries, collection_report._summary(entries), None)
    fig = made["fig"]
    assert "persistence without one" in fig.axes[0].get_xlabel()
    assert overflowing_text(fig) == []


def test_the_choice_says_which_validation_it_judged_beside_the_tails_warning():
    """UK gas: "(what is forecast: it beats seasonal naive on validation)" then "Warning:
    on the validation tail the forecast loses to seasonal naive (one-step)": two
    validations, told apart only by the reader. The choice names its origins."""
    from series_predictor.choice_text import format_choice
    record = dict(_choice_record(["ets"], ["ets"]), beats_seasonal_naive_on_validation=True)
    last = format_choice(record, season=4).splitlines()[-1]
    assert last.endswith("(what is forecast: it beats seasonal naive at these origins)")


def test_hourly_times_are_printed_with_a_space_not_isos_t():
    """Hourly runs printed "Test period 2023-05-12T04:00 .. 2023-05-14T23:00", origins
    "2023-05-06T12:00" and forecast rows "2023-05-15T00:00:00"; the CSV keeps ISO 8601."""
    from series_predictor.choice_text import format_choice
    from series_predictor.forecast_table import ForecastTable
    record = dict(_table_report(1.0), test_period=["2023-05-12T04:00", "2023-05-14T23:00"],
                  validation_period=["2023-05-09T23:00", "2023-05-12T03:00"])
    lines = report.format_report(record).splitlines()
    assert lines[0].startswith("Test period 2023-05-12 04:00 .. 2023-05-14 23:00 (20 points)")
    assert lines[6].startswith("Validation tail 2023-05-09 23:00 .. 2023-05-12 03:00")
    choice = dict(_choice_record(["ets"], ["ets"]), origins=["2023-05-06T12:00"])
    assert "(2023-05-06 12:00)" in format_choice(choice, season=24).splitlines()[0]
    backtest_record = dict(_backtest_record(24), origins=["2023-05-11T04:00", "2023-05-12T04:00"])
    assert "(2023-05-11 04:00 .. 2023-05-12 04:00, 24 points apart)" in \
        report.format_backtest(backtest_record, "MW")
    times = np.arange("2023-05-15T00", "2023-05-15T02", dtype="datetime64[h]").astype(
        "datetime64[s]")
    table = ForecastTable(times, np.array([49.99, 54.18]), {}, {}, {}, "MW")
    assert str(table).splitlines()[2].startswith("2023-05-15 00:00:00  ")
    assert "2023-05-15T00:00:00" in table.to_csv()
    assert str(ForecastTable(np.array([108, 109]), np.array([1.0, 2.0]), {}, {}, {})) \
        .splitlines()[2].startswith("108")


def test_the_time_axis_says_date_and_time_for_hours():
    """Hourly and 5-minute figures labelled their axis "date" under ticks of 12:00."""
    expected = {"hours": "date and time", "5 minutes": "date and time", "days": "date",
                "trading days": "date", "weeks": "date", "months": "date", "quarters": "date",
                "years": "date"}
    for name, times in _axis_cases().items():
        for figure, fig in _date_figures(times).items():
            assert fig.axes[0].get_xlabel() == expected[name], (name, figure)
    midnights = np.arange("2023-05-01", "2023-05-20", dtype="datetime64[D]").astype(
        "datetime64[s]")   # daily dates read as date-times at 00:00
    assert plots.plot_series(midnights, np.arange(19.0)).axes[0].get_xlabel() == "date"
    assert plots.plot_series(np.arange(19), np.arange(19.0)).axes[0].get_xlabel() == "time step"


def test_bands_far_below_their_level_are_called_too_narrow():
    """Market prices: "the 80% band holds 2%, 95% band holds 38% of the points", said
    only as numbers beside runs whose bands held 82% and 100%."""
    def line(shares):
        record = dict(_table_report(1.0), intervals={
            "calibrated_on": "the structures' errors at origins inside the training part",
            "test_coverage": shares})
        return next(l for l in report.format_report(record).splitlines()
                    if l.startswith("Prediction intervals"))
    assert line({"0.8": 0.02, "0.95": 0.38}).endswith(
        "the 80% band holds 2%, 95% band holds 38% of the points; the 80% and 95% bands are "
        "too narrow here")
    assert line({"0.8": 0.5, "0.95": 0.9}).endswith("; the 80% band is too narrow here")
    assert line({"0.8": 0.82, "0.95": 1.0}).endswith("95% band holds 100% of the points")
    backtest_record = dict(_backtest_record(1), interval_coverage={"0.8": 0.02, "0.95": 0.53})
    assert report.format_backtest(backtest_record, "Close").splitlines()[-1] == (
        "Interval coverage over the 2 origins: 80% band holds 2%, 95% band holds 53%; the 80% "
        "and 95% bands are too narrow here")


def test_an_auto_runs_forecast_figure_names_what_was_forecast(book_run):
    """forecast.png of an auto run called its line "forecast" while its hallucination
    figure and table said "auto: structures"; the book's stays "forecast"."""
    from test_figures import _lines
    assert "forecast" in _lines(_figures_of(book_run)["forecast.png"])
    for kept, name in [(False, "auto: structures"), (True, "auto: structures + LSTM")]:
        run = dataclasses.replace(book_run, auto={"network": {"kept": kept}})
        fig = _figures_of(run)["forecast.png"]
        assert f"{name} (forecast)" in _lines(fig)
        assert overflowing_text(fig) == [] and points_under_legend(fig) == []
    assert outputs.forecast_label(None) == "forecast"


def test_the_coverage_line_counts_its_origins():
    """A backtest of 1 origin said "Interval coverage over the origins"."""
    one = dict(_backtest_record(52, count=1), interval_coverage={"0.8": 0.93, "0.95": 1.0})
    assert report.format_backtest(one, "visits").splitlines()[-1] == (
        "Interval coverage at its 1 origin: 80% band holds 93%, 95% band holds 100%")


def test_numeric_times_are_not_called_row_numbers():
    """fit(values, times=[1950, ..., 2019]) said "no dates (row numbers)"."""
    from series_predictor import season
    years = season.infer(np.arange(1950, 2020)).reason
    assert years.startswith("no dates (numbers: 1950, 1951 ...): no season known")
    assert season.infer(np.arange(70)).reason.startswith("no dates (row numbers)")


def test_a_global_collection_does_not_print_each_series_season_unnamed(tmp_path, monkeypatch):
    """With the season line a result (printed with --quiet), --recipe global's planning
    would print "Season: ..." once per series, naming none; spawned series print none."""
    from series_predictor import global_network
    from series_predictor.collection import fit_collection

    class Planned(Exception):
        pass

    def stop(*_args, **_kwargs):
        raise Planned
    monkeypatch.setattr(global_network, "train_network", stop)
    lines, i = [], np.arange(120)
    data = {f"s{k}": 100 + 0.1 * i + 10 * np.sin(2 * np.pi * i / 5 + k) for k in range(3)}
    try:
        fit_collection(data, out=str(tmp_path / "out"), recipe="global", quiet=True,
                       log=lines.append)
    except Planned:
        pass
    assert not [line for line in lines if line.startswith("Season:")], lines
