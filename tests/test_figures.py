"""What a reader sees: figures and messages that tell the truth at a glance (issue 20).

Every figure of a run is rendered and measured: its text inside the canvas, its
legend clear of every plotted point, its log axis labelled over the data's range;
the forecast figures show the baseline the table compares with, and the bands or
why there are none. Then the verdict and the messages, each fitted to its case.
"""

import dataclasses
import types

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from conftest import quiet_log
from series_predictor import auto, backtest, chapter, ensemble, outputs, plots, report, stages, verdicts
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.config import with_recipe

LONG_UNITS = ("Australian total wine sales by wine makers in bottles <= 1 litre, "
              "seasonally unadjusted monthly totals")


def drawn(fig):
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    return renderer


def _visible_ticks(axis):
    low, high = sorted(axis.get_view_interval())
    return [t for t in axis.get_major_ticks()
            if t.label1.get_visible() and t.label1.get_text() and low <= t.get_loc() <= high]


def texts_of(fig):
    """Every piece of text a reader looks at: titles, axis labels, tick labels, legend."""
    out = []
    for ax in fig.axes:
        out += [ax.title, ax.xaxis.label, ax.yaxis.label]
        out += [t.label1 for axis in (ax.xaxis, ax.yaxis) for t in _visible_ticks(axis)]
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        out += list(legend.get_texts()) + [legend.get_title()]
    return [t for t in out if t.get_visible() and t.get_text()]


def overflowing_text(fig):
    """The texts that reach past the figure's canvas, with their extents (pixels)."""
    renderer = drawn(fig)
    width, height = fig.bbox.width, fig.bbox.height
    bad = []
    for text in texts_of(fig):
        box = text.get_window_extent(renderer)
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5:
            bad.append((text.get_text()[:40], tuple(round(v) for v in box.extents)))
    return bad


def points_under_legend(fig):
    """Plotted points (in display pixels) that a legend covers."""
    renderer = drawn(fig)
    covered = []
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            for line in ax.lines:
                xy = line.get_transform().transform(line.get_xydata())
                inside = ((xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1)
                          & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1))
                covered += [(line.get_label(), tuple(p)) for p in xy[inside]]
    return covered


def _long_named_series(path):
    t = np.arange(150)
    values = 20000 + 40 * t + 6000 * np.sin(2 * np.pi * t / 12) + 900 * np.cos(7.3 * t)
    rows = [f'"Month of the year, as written by the statistics bureau","{LONG_UNITS}"']
    rows += [f"{1980 + i // 12}-{1 + i % 12:02d},{v:.0f}" for i, v in enumerate(values)]
    path.write_text("\n".join(rows) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def long_named_run(tmp_path_factory):
    """A run with bands and a backtest on a series whose header is 100 characters long."""
    folder = tmp_path_factory.mktemp("long-names")
    config = ChapterConfig(data=_long_named_series(folder / "sales.csv"), iterations=12,
                           report_every=5, hidden_dim=4, validation=12, normalize="train",
                           backtest=2, out=str(folder / "out"), quiet=True)
    return run_chapter(config, log=quiet_log)


def figures_of(run, monkeypatch, tmp_path):
    """name -> Figure, for every figure the run writes."""
    made = {}
    monkeypatch.setattr(plots, "_save", lambda fig, path: made.setdefault(
        str(path).rsplit("/", 1)[-1], fig))
    outputs.write_figures(str(tmp_path), run)
    return made


@pytest.mark.slow
def test_every_figure_of_a_long_named_run_fits_its_canvas_and_hides_no_point(
        long_named_run, monkeypatch, tmp_path):
    assert long_named_run.loaded.units == LONG_UNITS
    without_bands = dataclasses.replace(
        long_named_run, intervals=None,
        config=dataclasses.replace(long_named_run.config, validation=0))
    figures = figures_of(long_named_run, monkeypatch, tmp_path / "a")
    notes = figures_of(without_bands, monkeypatch, tmp_path / "b")
    assert sorted(figures) == sorted(outputs.PNG_FILES + ("backtest.png",))
    for name, fig in list(figures.items()) + [("no bands " + k, v) for k, v in notes.items()]:
        assert overflowing_text(fig) == [], name
        assert points_under_legend(fig) == [], name


def test_long_axis_labels_are_wrapped_not_clipped():
    """The backtest's label once ran off both ends of the figure."""
    rows = {"mae": list(np.linspace(1000.0, 3000.0, 29))}
    fig = plots.plot_backtest({"origins": ["1991", "1992", "1993"], "by_horizon": {
        "lstm": rows, "persistence": rows, "seasonal_naive": rows, "climatology": rows}},
        units=LONG_UNITS)
    assert fig.axes[0].get_ylabel().startswith("mean absolute error, Australian total")
    assert overflowing_text(fig) == []
    assert points_under_legend(fig) == []


def test_the_loss_axis_labels_the_range_of_the_data_in_plain_words():
    """The book's run: RMSE from about 130 down to 24; once labelled only at 50 and 100,
    with "RMSE (passengers (thousands))"."""
    train = [130.0, 36.0, 29.0, 27.0, 26.0, 25.5, 25.0, 24.6, 24.3, 24.1, 23.9]
    test = [104.0, 66.0, 62.0, 59.0, 59.0, 61.0, 65.0, 71.0, 73.0, 73.0]
    fig = plots.plot_loss(list(range(0, 1000, 100)) + [999], train, test,
                          monitor_steps=list(range(0, 1000, 100)),
                          units="passengers (thousands)")
    drawn(fig)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "RMSE, passengers (thousands)"
    labelled = [t.get_loc() for t in _visible_ticks(ax.yaxis)]
    assert min(labelled) <= min(train) and max(labelled) >= max(train)
    assert len(labelled) >= 4
    assert max(ax.lines[0].get_xdata()) == 999 and ax.get_xlim()[1] >= 999
    assert [t.label1.get_text() for t in _visible_ticks(ax.xaxis)][-1] == "1000"


def test_log_ticks_bracket_the_range_with_a_few_labels():
    assert plots.log_ticks(23.9, 130.0) == [20.0, 30.0, 50.0, 70.0, 100.0, 200.0]
    assert plots.log_ticks(5050.0, 6600.0) == [5000.0, 6000.0, 7000.0]
    wide = plots.log_ticks(0.003, 4000.0)
    assert wide[0] <= 0.003 and wide[-1] >= 4000.0 and len(wide) <= 8


def test_the_loss_figure_of_a_run_reaches_its_last_step(book_run):
    fig = outputs.loss_figure(book_run, None).draw()
    train = fig.axes[0].lines[0]
    assert train.get_xdata()[-1] == len(book_run.history.loss) - 1 == 59
    assert train.get_ydata()[-1] == pytest.approx(
        np.sqrt(book_run.history.loss[-1]) * book_run.prepared.preprocessing.normalization.std)


def _lines(fig):
    return {line.get_label(): line for line in fig.axes[0].lines}


def test_the_forecast_figure_shows_seasonal_naive_and_says_why_there_are_no_bands(book_run):
    values = book_run.loaded.values
    fig = outputs.forecast_figure(book_run, None).draw()
    baseline = _lines(fig)["seasonal naive (lag 12)"]
    np.testing.assert_array_equal(baseline.get_ydata(), values[-12:][np.arange(20) % 12])
    note = " ".join(fig.legends[0].get_title().get_text().split())
    assert "No 80%/95% bands" in note and "--validation N (e.g. --validation 24)" in note
    path = book_run.hallucinated  # the hallucination figure compares with the same baseline
    label, shown = outputs.baseline_path(book_run, 115, len(path))
    assert label == "seasonal naive (lag 12)"
    np.testing.assert_array_equal(shown, values[103:115][np.arange(29) % 12])


def test_the_forecast_figure_of_a_run_with_bands_draws_them(ensemble_run):
    fig = outputs.forecast_figure(ensemble_run, None).draw()
    bands = [c.get_label() for c in fig.axes[0].collections]
    assert bands == ["95% interval", "80% interval"]
    assert "seasonal naive (lag 12)" in _lines(fig)
    assert not fig.legends[0].get_title().get_text()


def test_without_a_season_the_baseline_is_persistence(book_run):
    run = dataclasses.replace(book_run, config=dataclasses.replace(book_run.config, season=1))
    label, path = outputs.baseline_path(run, 144, 5)
    assert label == "persistence (last value)"
    np.testing.assert_array_equal(path, np.full(5, book_run.loaded.values[-1]))


@pytest.mark.parametrize("validation, words", [
    (0, "add --validation N"), (1, "use --validation 2 or more"),
    (12, "they left the plausible range")])
def test_the_band_note_fits_the_settings(book_run, validation, words):
    run = dataclasses.replace(book_run, intervals=None, auto=None,
                              config=dataclasses.replace(book_run.config, validation=validation))
    assert words in outputs.band_note(run)
    assert outputs.band_note(dataclasses.replace(run, intervals=object())) is None


# ------------------------------------------------------------------ verdict
def _period(lstm, persistence, snaive, clim):
    return {name: {"rmse": value, "mae": value} for name, value in zip(
        ("lstm", "persistence", "seasonal_naive", "climatology"),
        (lstm, persistence, snaive, clim))}


def test_the_verdict_says_plainly_which_baselines_the_forecast_loses_to():
    wine = {"hallucination": _period(4173.2, 5330.6, 2804.1, 2208.7),
            "one_step": _period(2914.7, 7518.3, 2629.4, 2208.7)}
    assert report.verdict(wine) == (
        "The forecast loses to seasonal naive and climatology on the test period "
        "(hallucination RMSE); one step ahead it loses to seasonal naive and climatology too.")
    airline_auto = {"hallucination": _period(26.5, 93.1, 75.2, 208.6),
                    "one_step": _period(33.3, 52.5, 46.1, 208.6)}
    assert report.verdict(airline_auto) == (
        "The forecast beats persistence, seasonal naive and climatology on the test period "
        "(hallucination RMSE); one step ahead it beats them all.")


def test_a_forecast_that_is_persistence_matches_it_and_does_not_beat_it():
    """Market prices (djia_750_days.csv, --recipe auto): the median of the kept structures
    was persistence, 761.623 against 761.623; the verdict said it beat persistence."""
    prices = {"settings": {"season": 1},
              "hallucination": _period(761.6230, 761.6231, 761.6231, 1063.8),
              "one_step": _period(225.69, 225.69, 225.69, 1063.8)}
    assert report.verdict(prices) == (
        "The forecast matches persistence (RMSE within 0.1%) and beats climatology on the "
        "test period (hallucination RMSE); one step ahead it matches persistence (RMSE "
        "within 0.1%).")
    prices["hallucination"]["persistence"]["rmse"] = 761.623 * 1.002  # 0.2% worse: beaten
    assert report.verdict(prices).startswith(
        "The forecast beats persistence and climatology on the test period")
    prices["hallucination"]["persistence"]["rmse"] = 761.623 * 0.9995  # 0.05% better: a match
    prices["one_step"]["persistence"]["rmse"] = 225.69 / 1.002  # 0.2% better: a loss
    assert report.verdict(prices) == (
        "The forecast matches persistence (RMSE within 0.1%) and beats climatology on the "
        "test period (hallucination RMSE); one step ahead it loses to persistence.")
    tail = {"one_step": _period(322.552, 322.550, 322.550, 688.0),  # lost by 0.0006%
            "hallucination": _period(1636.558, 1636.558, 1636.558, 688.0)}
    assert verdicts._loses_on_validation({"validation": tail}, 1) == []  # no warning


def test_the_book_runs_table_says_what_it_loses_to(book_run):
    text = report.format_report(book_run.metrics)
    assert book_run.metrics["verdict"] in text.splitlines()
    assert text.splitlines()[6].startswith("The forecast loses to")


def _auto_record(ratio):
    return {"origins": ["1953-10", "1956-03"], "horizon": 29, "chosen": ["log-trend"],
            "candidates": {"log-trend": {"validation_ratio": 0.8},
                           "snaive": {"validation_ratio": 1.0}},
            "combination_ratio": ratio, "beats_seasonal_naive_on_validation": ratio < 1}


def test_an_auto_runs_rows_are_named_for_what_was_forecast(book_run):
    metrics = dict(book_run.metrics, auto=_auto_record(1.04))
    metrics["warnings"] = report.warnings(metrics, book_run.config, book_run.combined)
    text = report.format_report(metrics)
    rows = text.splitlines()
    assert rows[2].startswith("auto: structures + LSTM ")
    assert not any(row.startswith("LSTM ") for row in rows)
    assert "the median of the combined ones (a fixed set, not picked by these " \
           "scores): 1.040 (what is forecast: it does not beat" in text
    assert any("median of the auto recipe's combined structures" in w and "1.040" in w
               for w in metrics["warnings"])


def test_the_auto_verdict_judges_the_combination_not_the_best_candidate(monkeypatch):
    """The best candidate beats seasonal naive on validation (ratio 0.5), the combination
    of the five kept does not: the verdict is the combination's."""
    loaded = stages.read_stage(ChapterConfig())
    split = stages.Split(144, 115, 0)
    known = loaded.values[:115]
    plain = [c for c in auto.candidates(12) if not c.transform.log][:5]
    origins = [57, 86]

    def screen(*_):
        rows = [{"candidate": plain[0], "score": 0.5, "per_origin": [0.5, 0.5],
                 "paths": {o: known[o:o + 29].copy() for o in origins}}]
        rows += [{"candidate": c, "score": 3.0, "per_origin": [3.0, 3.0],
                  "paths": {o: known[o:o + 29] + 1000.0 for o in origins}} for c in plain[1:]]
        for row in rows:   # never below 0: the paths before the floor are the same
            row["unfloored"] = row["paths"]
        return origins, rows

    monkeypatch.setattr(auto, "screen", screen)
    choice = auto.choose(loaded, with_recipe("auto"), split, stages.Progress(quiet_log))
    assert choice.record["combination_ratio"] > 1
    assert choice.record["beats_seasonal_naive_on_validation"] is False


# ----------------------------------------------------------------- messages
def test_a_forecast_past_the_data_that_escapes_is_named_without_a_doubled_word():
    envelope = ensemble.Envelope.fit(np.arange(1.0, 40.0), 12)
    combined = ensemble.combine([(0, {"forecast": np.array([1e9, 1e9])}),
                                 (1, {"forecast": np.array([20.0, 21.0])})],
                                {"forecast": envelope})
    why = combined.dropped[0]["forecast"]
    assert why.startswith("its forecast past the data left the plausible range")
    assert "forecast forecast" not in why
    assert ensemble.forecast_words("hallucination") == "hallucination forecast"


def _no_forecast(config):
    combined = types.SimpleNamespace(forecasts={"test one-step": None, "hallucination": None,
                                                "forecast": None},
                                     dropped={3: {"training": "the loss became NaN at step 4"}})
    run = types.SimpleNamespace(combined=combined, config=config)
    with pytest.raises(chapter.TrainingDiverged) as info:
        chapter._require_forecasts(run)
    return str(info.value)


def test_the_advice_for_no_forecast_fits_the_settings():
    short = _no_forecast(ChapterConfig(iterations=10))
    assert "fewer --iterations" not in short
    assert "a smaller --learning-rate (this run: 0.001) or --recipe auto" in short
    long = _no_forecast(ChapterConfig())
    assert "fewer --iterations (this run: 1000)" in long
    auto_run = _no_forecast(with_recipe("auto"))
    assert "--recipe auto" not in auto_run and "(this run: 0.01)" in auto_run


def test_the_backtest_counts_every_origin_up_to_the_last(monkeypatch):
    """The last origin is the run itself (reused): the progress once stopped at 2 of 3."""
    def result(origin):
        return backtest.OriginResult(origin, np.zeros(29),
                                     {m: np.zeros(29) for m in backtest.METHODS}, 1.0, {})
    monkeypatch.setattr(backtest, "fit_origin", lambda _l, _c, origin, *_: result(origin))
    monkeypatch.setattr(backtest, "_score_origin", lambda _r, origin, *_: result(origin))
    times = np.arange("1949-01", "1961-01", dtype="datetime64[M]")
    run = types.SimpleNamespace(
        loaded=types.SimpleNamespace(times=times, values=np.arange(144.0), utc=False,
                                     notation=None),
        prepared=types.SimpleNamespace(split=stages.Split(144, 115, 0)),
        config=ChapterConfig(normalize="train"))
    lines = []
    backtest.run_backtest(run, [91, 103, 115], stages.Progress(lines.append))
    assert [line.split(":")[0] for line in lines] == [
        "Backtest origin 1 of 3", "Backtest origin 2 of 3", "Backtest origin 3 of 3"]
    assert "the run itself" in lines[2] and "forecast 1958-08..1960-12" in lines[2]


def test_the_forecast_command_says_what_it_wrote(book_run, tmp_path, capsys):
    from series_predictor.cli import main
    out = tmp_path / "f.csv"
    assert main(["forecast", book_run.config.out, "--out", str(out), "--horizon", "5"]) == 0
    printed = capsys.readouterr().out
    assert printed == f"Wrote {out} (5 points past the data, 1961-01 .. 1961-05)\n"
    assert out.read_text().count("\n") == 6


def test_the_backtest_table_says_what_the_forecast_loses_to():
    """The wine sales' auto backtest: mean RMSE 3232.8 against seasonal naive's 3029.1 and
    climatology's 2240.8."""
    overall = {"lstm": 3232.8, "persistence": 5365.7, "seasonal_naive": 3029.1,
               "climatology": 2240.8}
    result = {"origins": ["1989-09", "1990-09", "1991-09"], "stride": 12, "horizon": 36,
              "overall": {m: {"rmse": v, "mae": v, "mase": 1.0} for m, v in overall.items()}}
    text = report.format_backtest(result, "bottles", "auto: structures + LSTM")
    assert "The forecast loses to seasonal naive and climatology over the 3 origins " \
           "(mean RMSE)." in text.splitlines()
    assert text.splitlines()[2].startswith("auto: structures + LSTM ")
    result["overall"]["lstm"] = {"rmse": 10.0, "mae": 10.0, "mase": 0.1}
    assert "The forecast beats every baseline over the 3 origins (mean RMSE)." in \
        report.format_backtest(result, "bottles")


# ------------------------------------------------- the second pass (issue 20, figures2)
def _figures_of(run):
    """``{file name: Figure}`` that ``outputs.write_figures`` draws for ``run``, none
    written (``plots._save`` replaced while it runs)."""
    made = {}
    original = plots._save
    plots._save = lambda fig, path: made.setdefault(str(path).rsplit("/", 1)[-1], fig)
    try:
        outputs.write_figures("/nonexistent-folder", run)
    finally:
        plots._save = original
    return made


def test_the_predictions_figure_shows_the_one_step_baseline(book_run):
    """predictions.png once drew no baseline: seasonal naive one step ahead is the value
    a season before each test point."""
    made = _figures_of(book_run)
    fig, values = made["predictions.png"], book_run.loaded.values
    baseline = _lines(fig)["seasonal naive (lag 12)"]
    np.testing.assert_array_equal(baseline.get_ydata(), values[115 - 12:144 - 12])
    np.testing.assert_array_equal(baseline.get_xdata(), book_run.loaded.times[115:])
    assert overflowing_text(fig) == [] and points_under_legend(fig) == []


def test_the_one_step_baseline_without_a_season_is_persistence():
    values = np.arange(10.0) ** 2
    label, path = outputs.naive_baseline(values, 6, 4, None, one_step=True)
    assert label == "persistence (last value)"
    np.testing.assert_array_equal(path, values[5:9])
    label, path = outputs.naive_baseline(values, 6, 3, 4)
    assert label == "seasonal naive (lag 4)"
    np.testing.assert_array_equal(path, values[2:5])
    assert outputs.naive_baseline(values, 3, 3, 4) is None  # less than a season known


def test_the_monitored_loss_curve_reaches_the_last_step(book_run):
    """The test curve once stopped at the last report step (40 of 59 here; 900 of 999
    in the book's run): one evaluation after the last step now ends it there."""
    history = book_run.history
    assert history.report_steps == [0, 20, 40]
    fig = outputs.loss_figure(book_run, None).draw()
    train, test = fig.axes[0].lines[:2]
    assert test.get_label() == "test"
    assert list(test.get_xdata()) == [0, 20, 40, 59] and train.get_xdata()[-1] == 59
    std = book_run.prepared.preprocessing.normalization.std
    assert test.get_ydata()[-1] == pytest.approx(np.sqrt(history.final_monitor_loss) * std)
    assert np.isfinite(history.final_monitor_loss) and history.final_monitor_loss > 0


@pytest.mark.slow
def test_the_final_monitored_loss_is_the_last_weights_loss():
    from series_predictor import dummy
    from series_predictor.model import SeriesPredictor
    with SeriesPredictor(1, 4, 4, seed=0) as predictor:
        history = predictor.train(dummy.TRAIN_X, dummy.TRAIN_Y, dummy.TEST_X, dummy.EXPECTED,
                                  iterations=8, report_every=3, verbose=False)
        expected = float(np.mean((predictor.predict(dummy.TEST_X) - dummy.EXPECTED) ** 2))
        assert history.report_steps == [0, 3, 6]
        assert history.final_monitor_loss == pytest.approx(expected, rel=1e-5)
        assert len(history.report_monitor_loss) == 3  # early stopping never sees it
        again = predictor.train(dummy.TRAIN_X, dummy.TRAIN_Y, dummy.TEST_X, dummy.EXPECTED,
                                iterations=7, report_every=3, verbose=False)
        assert again.final_monitor_loss is None  # step 6 was a report step
        alone = predictor.train(dummy.TRAIN_X, dummy.TRAIN_Y, iterations=8, verbose=False)
        assert alone.final_monitor_loss is None  # nothing monitored


def _auto_with_network(kept):
    record = _auto_record(0.9)
    if kept is not None:
        record["network"] = {"validation_points": 24, "rmse_structures": 10.0,
                             "rmse_with_network": 12.0 if not kept else 8.0, "kept": kept,
                             "ratio": 1.2 if not kept else 0.8}
    return record


@pytest.mark.parametrize("kept, name", [(False, "auto: structures"),
                                        (True, "auto: structures + LSTM"),
                                        (None, "auto: structures + LSTM")])
def test_an_auto_runs_rows_name_the_network_only_when_it_was_kept(book_run, kept, name):
    metrics = dict(book_run.metrics, auto=_auto_with_network(kept))
    rows = report.format_report(metrics).splitlines()
    assert rows[2].startswith(name + " ")
    assert rows[2][len(name):].strip()[0].isdigit()  # the name ends where the numbers start
    run = dataclasses.replace(book_run, auto=metrics["auto"])
    assert outputs.forecast_name(run) == name
    assert report.forecast_name(None) == "LSTM"


def test_the_backtest_row_names_what_its_origins_forecast():
    overall = {m: {"rmse": 1.0, "mae": 1.0, "mase": 1.0} for m in backtest.METHODS}
    result = {"origins": ["1989-09", "1990-09", "1991-09"], "stride": 12, "horizon": 36,
              "overall": overall}
    for kept, name in [([False, False, False], "auto: structures "),
                       ([True, True, True], "auto: structures + LSTM "),
                       ([True, False, True], "auto (LSTM kept at 2 of 3) ")]:
        text = report.format_backtest(dict(result, network_kept=kept), "bottles")
        assert text.splitlines()[2].startswith(name)
    assert report.format_backtest(result, "bottles").splitlines()[2].startswith("LSTM ")


def test_an_auto_origin_records_whether_it_kept_the_network(book_run):
    run = dataclasses.replace(book_run, auto={"network": {"kept": False}})
    assert backtest._score_origin(run, 115, 29, 12).network_kept is False
    assert backtest._score_origin(book_run, 115, 29, 12).network_kept is None
    results = [backtest._score_origin(r, 115, 29, 12) for r in (run, run)]
    assert backtest.summarize(results, book_run.loaded.times, 29, 12)["network_kept"] == [
        False, False]
    assert "network_kept" not in backtest.summarize(results[:0] + [
        backtest._score_origin(book_run, 115, 29, 12)], book_run.loaded.times, 29, 12)


# ------------------------------------------------ one source for "why no bands"
def test_the_tables_note_is_the_figures_note(book_run, ensemble_run):
    """The printed table once said a generic "No bands: ..." while the figure said the
    run's own reason; both now come from forecast_table.no_bands_note(settings)."""
    from series_predictor import load_run
    note = outputs.band_note(book_run)
    assert "--validation N (e.g. --validation 24)" in note
    assert outputs.forecast_table(book_run).note == note
    table = load_run(book_run.config.out).forecast(5)  # Python's terms (validation=N)
    from series_predictor.option_names import python_caller
    with python_caller():
        note = outputs.band_note(book_run)
    assert "validation=N (e.g. validation=24)" in note
    assert table.note == note and str(table).splitlines()[-1] == note
    assert outputs.forecast_table(ensemble_run).note == ""
    assert load_run(ensemble_run.config.out).forecast(5).note == ""


@pytest.mark.parametrize("settings, words", [
    ({"validation": 0, "season": 12, "seq_size": 5}, "(e.g. --validation 24), or use --recipe"),
    ({"validation": 0, "season": None, "seq_size": 20}, "(e.g. --validation 40)"),
    ({"validation": 1, "season": 12, "seq_size": 1}, "use --validation 2 or more"),
    ({"validation": 24, "season": 12, "seq_size": 5}, "they left the plausible range"),
    ({"validation": 24, "season": 12, "seq_size": 5, "recipe": "auto"},
     "the validation origins' forecasts could not calibrate them")])
def test_the_no_bands_note_reads_settings_as_run_json_keeps_them(settings, words):
    from series_predictor.forecast_table import no_bands_note
    note = no_bands_note(settings)
    assert note.startswith("No 80%/95% bands: ") and words in note
    assert note == no_bands_note(types.SimpleNamespace(**{"recipe": None, **settings}))


# ------------------------------------------------------- Forecaster.plot
def test_a_kept_runs_plot_is_its_forecast_figure(book_run):
    """Forecaster.plot() once drew the forecast alone: it draws what forecast.png does."""
    from series_predictor import load_run
    fig = load_run(book_run.config.out).plot(20)
    values = book_run.loaded.values
    lines = _lines(fig)
    assert sorted(lines) == ["data", "forecast", "seasonal naive (lag 12)"]
    np.testing.assert_array_equal(lines["seasonal naive (lag 12)"].get_ydata(),
                                  values[-12:][np.arange(20) % 12])
    run_fig = outputs.forecast_figure(book_run, None).draw()
    np.testing.assert_allclose(lines["forecast"].get_ydata(),
                               _lines(run_fig)["forecast"].get_ydata(), rtol=1e-5)
    note = " ".join(fig.legends[0].get_title().get_text().split())
    from series_predictor.option_names import python_caller
    with python_caller():  # plot() is Python's: its note names validation=N
        assert note == outputs.band_note(book_run)
    assert overflowing_text(fig) == [] and points_under_legend(fig) == []


def test_a_kept_runs_plot_draws_its_bands(ensemble_run, tmp_path):
    from series_predictor import load_run
    fig = load_run(ensemble_run.config.out).plot(12, level=80, path=tmp_path / "f.png")
    assert [c.get_label() for c in fig.axes[0].collections] == ["80% interval"]
    assert "seasonal naive (lag 12)" in _lines(fig)
    assert not fig.legends[0].get_title().get_text()
    assert (tmp_path / "f.png").stat().st_size > 1000
    assert overflowing_text(fig) == [] and points_under_legend(fig) == []


def test_an_auto_runs_path_figures_name_what_they_draw(book_run):
    """An auto run whose network was left out drew the structures' path under the
    legend "hallucinated (own predictions fed back)" and the title "... steps fed back
    from the end of training": no network fed anything back. Its legends now name the
    forecast as the report's table does ("auto: structures"); the book's stay."""
    def drawn(run):
        made = _figures_of(run)
        return {name: (made[name].axes[0].get_title(),
                       sorted(k for k in _lines(made[name]) if not k.startswith("_")))
                for name in ("predictions.png", "hallucinations.png")}

    book = drawn(book_run)
    assert book["hallucinations.png"] == (
        "Hallucination: 29 steps fed back from the end of training",
        ["actual", "hallucinated (own predictions fed back)", "seasonal naive (lag 12)",
         "training data"])
    assert "predicted (one step ahead)" in book["predictions.png"][1]
    for kept, name in [(False, "auto: structures"), (True, "auto: structures + LSTM")]:
        auto = drawn(dataclasses.replace(book_run, auto={"network": {"kept": kept}}))
        title, labels = auto["hallucinations.png"]
        assert title == "Hallucination: 29 steps from the end of training"
        assert f"{name} (from the end of training)" in labels
        assert f"{name} (one step ahead)" in auto["predictions.png"][1]


@pytest.mark.parametrize("times", [np.arange("2020-01", "2021-01", dtype="datetime64[M]"),
                                   np.arange(40.0, 52.0),
                                   np.arange("9999-01", "10000-01", dtype="datetime64[M]")])
def test_the_last_forecast_point_is_drawn_whole(times):
    """The time axis had no margins, so the last forecast point sat on the frame and its
    marker was cut in half (forecast.png, Forecaster.plot, the hallucination and the
    predictions). Half a step of room now follows it, except at matplotlib's last date."""
    values = np.linspace(1.0, 8.0, 8)
    fig = plots.plot_forecast(times[:8], values, times[8:], values[-4:], units="things")
    drawn(fig)  # draws, also next to 9999-12-31
    ax = fig.axes[0]
    last, before = (float(ax.convert_xunits(t)) for t in (times[-1], times[-2]))
    room = ax.get_xlim()[1] - last
    if times.dtype.kind == "M" and times[-1] >= np.datetime64("9999-01"):
        assert room == 0
    else:
        assert room == pytest.approx((last - before) / 2)
    hallucinated = plots.plot_hallucinations(times, np.arange(12.0), 8, times[8:],
                                             np.arange(4.0), units="things").axes[0]
    assert hallucinated.get_xlim()[1] > last or room == 0


@pytest.mark.parametrize("times", [np.arange("2020-01", "2021-01", dtype="datetime64[M]"),
                                   np.arange(40.0, 52.0)])
def test_a_single_forecast_point_is_drawn_whole_too(times):
    """A 1-step forecast (h=1), hallucination or test period has no step of its own:
    no room followed it and its one marker sat cut in half on the frame; the step is
    now taken from the data before it."""
    values = np.linspace(1.0, 8.0, 8)
    drawn_figures = [plots.plot_forecast(times[:8], values, times[8:9], values[-1:]),
                     plots.plot_hallucinations(times[:9], np.arange(9.0), 8, times[8:9],
                                               np.arange(1.0)),
                     plots.plot_predictions(times[:9], np.arange(9.0), 8, np.arange(1.0))]
    for fig in drawn_figures:
        ax = fig.axes[0]
        last, before = (float(ax.convert_xunits(t)) for t in (times[8], times[7]))
        assert ax.get_xlim()[1] - last == pytest.approx((last - before) / 2)
