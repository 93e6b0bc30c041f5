"""The chapter script end to end (listing 10.9, issues 3, 9 and 10)."""

import ast
import inspect
import json
import os

import numpy as np
import pytest

from conftest import quiet_log
from series_predictor import chapter, data_loader, metrics, plots, stages
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.errors import SeriesTooShortError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OUT_FILES = ["checkpoint", "forecast.csv", "forecast.png", "hallucinations.png", "loss.png",
             "metrics.json", "predictions.png", "run.json"]


@pytest.mark.slow
def test_writes_figures_metrics_forecast_and_manifest(book_run):
    out = book_run.config.out
    assert sorted(n for n in os.listdir(out) if not n.startswith(".")) == OUT_FILES
    for name in ("predictions.png", "hallucinations.png", "loss.png", "forecast.png"):
        data = open(os.path.join(out, name), "rb").read()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000, name
    report = json.load(open(os.path.join(out, "metrics.json")))
    for period in ("one_step", "hallucination"):
        for model in ("lstm", "persistence", "seasonal_naive", "climatology"):
            assert np.isfinite(report[period][model]["rmse"])
    assert report["n_train"] == 115 and report["n_test"] == 29
    assert report["test_period"] == ["1958-08", "1960-12"]
    assert report["units"] == "passengers (thousands)"


@pytest.mark.slow
def test_scores_are_in_passenger_units(book_run, airline_csv):
    report = book_run.metrics
    values = data_loader.read_series(airline_csv).values
    actual = values[115:]
    by_hand = np.sqrt(np.mean((values[114:143] - actual) ** 2))
    assert report["one_step"]["persistence"]["rmse"] == pytest.approx(by_hand, rel=1e-12)
    seasonal = np.sqrt(np.mean((values[103:132] - actual) ** 2))
    assert report["one_step"]["seasonal_naive"]["rmse"] == pytest.approx(seasonal, rel=1e-12)
    multi = np.sqrt(np.mean((values[103:115][np.arange(29) % 12] - actual) ** 2))
    assert report["hallucination"]["seasonal_naive"]["rmse"] == pytest.approx(multi)
    climate = np.array([values[m:115:12].mean() for m in range(12)])[np.arange(115, 144) % 12]
    assert report["hallucination"]["climatology"]["rmse"] == pytest.approx(
        np.sqrt(np.mean((climate - actual) ** 2)))
    # The LSTM's scores are of its forecasts in passengers, not in normalized units:
    lstm = book_run.one_step
    assert report["one_step"]["lstm"]["rmse"] == pytest.approx(
        np.sqrt(np.mean((lstm - actual) ** 2)), rel=1e-12)
    assert values.min() <= np.mean(lstm) <= values.max()  # normalized values would be ~0
    assert report["hallucination"]["lstm"]["mae"] == pytest.approx(
        np.mean(np.abs(book_run.hallucinated[:29] - actual)), rel=1e-12)


@pytest.mark.slow
def test_one_step_forecast_of_time_t_reads_only_the_values_before_t(book_run):
    """A 'predictor' that repeats its last input must give persistence, aligned."""
    prep = book_run.prepared.preprocessing
    values = book_run.loaded.values
    repeat_last = lambda x: np.repeat(x[:, -1:, 0], x.shape[1], axis=1)  # noqa: E731
    forecast = prep.one_step(repeat_last, values, 115, 144)
    np.testing.assert_allclose(forecast, values[114:143], rtol=1e-12)
    path = prep.path(lambda window, steps: np.full(steps, window[-1]), values, 115, 29)
    np.testing.assert_allclose(path, np.full(29, values[114]), rtol=1e-12)


@pytest.mark.slow
def test_predictions_are_drawn_at_the_month_they_predict(book_run):
    loaded, n_train = book_run.loaded, book_run.prepared.split.n_train
    fig = plots.plot_predictions(loaded.times, loaded.values, n_train, book_run.one_step)
    red = [line for line in fig.axes[0].lines if line.get_label().startswith("predicted")][0]
    assert list(red.get_xdata()) == list(loaded.times[n_train:])
    np.testing.assert_array_equal(red.get_ydata(), book_run.one_step)
    times = book_run.times["hallucination"]
    assert len(times) == len(book_run.hallucinated) == 29  # max(horizon 20, test 29)
    assert str(times[0]) == "1958-08" and str(times[-1]) == "1960-12"
    assert [str(t) for t in book_run.times["forecast"][[0, -1]]] == ["1961-01", "1962-08"]


@pytest.mark.slow
def test_hallucination_figure_draws_the_scored_period(book_run):
    """The figure and the table describe one forecast: all 29 scored months."""
    report = book_run.metrics
    shown = book_run.hallucinated[:29]
    assert report["hallucination"]["lstm"]["rmse"] == pytest.approx(
        metrics.rmse(shown, book_run.loaded.values[115:]))
    fig = plots.plot_hallucinations(book_run.loaded.times, book_run.loaded.values, 115,
                                    book_run.times["hallucination"], book_run.hallucinated)
    red = [line for line in fig.axes[0].lines if line.get_label().startswith("hallucinated")][0]
    assert len(red.get_xdata()) == 29


@pytest.mark.slow
def test_train_normalization_uses_only_the_training_windows(ensemble_run):
    norm = ensemble_run.prepared.preprocessing.normalization
    level = np.log(ensemble_run.loaded.values[:115 - 12])
    diffed = level[12:] - level[:-12]
    assert norm.mean == pytest.approx(np.mean(diffed), rel=1e-12)
    assert norm.std == pytest.approx(np.std(diffed), rel=1e-12)


@pytest.mark.slow
def test_validation_targets_lie_inside_the_tail(ensemble_run):
    """Early stopping and the validation score never see a training target."""
    prepared = ensemble_run.prepared
    z = prepared.preprocessing.encode(ensemble_run.loaded.values)
    order, fit_end = 12, prepared.split.fit_end
    tail = z[fit_end - order:prepared.split.n_train - order]
    targets = prepared.monitor_y.ravel()
    assert set(np.round(targets, 12)) <= set(np.round(tail, 12))
    assert len(prepared.monitor_y) == 12 - 5 + 1  # validation - seq_size + 1 windows


@pytest.mark.slow
def test_csv_with_header_and_several_columns(tmp_path):
    t = np.arange(120)
    rows = ["date,noise,sales"] + [
        f"{2000 + i // 12}-{1 + i % 12:02d},{np.cos(i):.3f},"
        f"{100 + i + 20 * np.sin(2 * np.pi * i / 12):.3f}" for i in t]
    path = tmp_path / "sales.csv"
    path.write_text("\n".join(rows) + "\n")
    result = run_chapter(ChapterConfig(data=str(path), column=2, iterations=30,
                                       report_every=10, out=str(tmp_path / "out"), quiet=True),
                         log=quiet_log)
    assert result.metrics["units"] == "sales"
    assert result.metrics["n_points"] == 120
    assert (tmp_path / "out" / "predictions.png").is_file()


@pytest.mark.slow
def test_long_series_with_default_settings(tmp_path):
    n = 3000
    t = np.arange(n)
    values = 500 + 0.05 * t + 50 * np.sin(2 * np.pi * t / 12)
    path = tmp_path / "long.csv"
    path.write_text("\n".join(f"{i},{v:.4f}" for i, v in enumerate(values)) + "\n")
    config = ChapterConfig(data=str(path), out=str(tmp_path / "out"), iterations=20,
                           report_every=10, quiet=True)  # the rest stays the default
    result = run_chapter(config, log=quiet_log)
    assert result.metrics["n_train"] == 2400
    assert result.metrics["training"]["steps_run"] == 20
    assert np.all(np.isfinite(result.hallucinated))


def _works(n, seq, p, season, order, validation):
    n_train = data_loader.train_size(n, p)
    return (n_train - validation >= max(seq + 1 + order, season)
            and n - n_train >= (1 if validation else seq + 1))


@pytest.mark.parametrize("seq, p, season, order, validation", [
    (5, 0.8, 12, 0, 0), (5, 0.8, 24, 0, 0), (5, 0.8, 12, 0, 6), (6, 0.8, 12, 13, 24),
    (10, 0.5, 12, 0, 0), (1, 0.99, 1, 0, 0), (7, 0.3, 4, 2, 9), (12, 0.75, 12, 12, 12)])
def test_minimum_length_is_the_smallest_length_that_works(seq, p, season, order, validation):
    n = stages.minimum_length(seq, p, season, order, validation)
    assert _works(n, seq, p, season, order, validation)
    assert not any(_works(m, seq, p, season, order, validation) for m in range(1, n))
    assert stages.minimum_length(5, 0.8, 12) == 26  # the book's settings: 26 months


@pytest.mark.slow
def test_too_short_series_says_how_many_points_are_needed(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("\n".join(f"{i},{i * i}" for i in range(20)) + "\n")
    with pytest.raises(SeriesTooShortError, match="20 points are too few.*at least 26 points"):
        run_chapter(ChapterConfig(data=str(path), out=str(tmp_path / "out")))
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["season", "seq_size", "validation", "diff"])
def test_absurd_sizes_are_refused_at_once(tmp_path, setting):
    values = {"season": 10**5, "seq_size": 1000, "validation": 10**5, "diff": (10**5,)}
    import time
    start = time.perf_counter()
    with pytest.raises(Exception, match="at least|at most"):
        run_chapter(ChapterConfig(**{setting: values[setting]}, out=str(tmp_path / "out")))
    assert time.perf_counter() - start < 2
    assert not (tmp_path / "out").exists()


def test_orchestrator_is_a_short_list_of_stages():
    source = inspect.getsource(chapter.run_chapter)
    body = [line for line in source.split('"""')[-1].splitlines() if line.strip()]
    assert len(body) <= 30


def test_no_function_in_the_package_is_over_60_lines():
    folder = os.path.dirname(chapter.__file__)
    long = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            tree = ast.parse(open(os.path.join(folder, name), encoding="utf-8").read())
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    length = node.end_lineno - node.lineno + 1
                    if length > 60:
                        long.append(f"{name}:{node.name} ({length} lines)")
    assert long == []


@pytest.mark.slow
def test_values_near_1e200_give_finite_scores_and_valid_json(tmp_path):
    path = tmp_path / "huge.csv"
    t = np.arange(60)
    values = 1e200 * (3 + np.sin(2 * np.pi * t / 12) + 0.01 * t)
    path.write_text("\n".join(f"{2000 + i // 12}-{1 + i % 12:02d},{v:.6e}"
                              for i, v in enumerate(values)) + "\n")
    result = run_chapter(ChapterConfig(data=str(path), iterations=5, report_every=5,
                                       out=str(tmp_path / "out"), quiet=True), log=quiet_log)
    text = (tmp_path / "out" / "metrics.json").read_text()
    report = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    assert 1e198 < report["hallucination"]["seasonal_naive"]["rmse"] < 1e201
    assert np.isfinite(report["one_step"]["lstm"]["rmse"])
    assert result.metrics["hallucination"]["persistence"]["rmse"] > 0


@pytest.mark.slow
def test_a_constant_training_part_names_the_file_and_the_cause(tmp_path):
    from series_predictor.errors import DataFormatError
    path = tmp_path / "flat.csv"
    path.write_text("\n".join(f"{i},{5 if i < 40 else i}" for i in range(50)) + "\n")
    with pytest.raises(DataFormatError, match=r"flat.csv, training part \(lines 1\.\.40\): "
                                              r"every value is 5\b") as info:
        run_chapter(ChapterConfig(data=str(path), normalize="train", out=str(tmp_path / "o")))
    assert "np.float64" not in str(info.value)


def test_plot_results_has_the_books_signature_and_picture(tmp_path):
    from simple_regression import plot_results as from_book_module
    assert from_book_module is plots.plot_results
    fig = plots.plot_results([1.0, 2.0, 3.0], [4.0, 5.0], [4.5, 5.5, 6.5],
                             str(tmp_path / "p.png"))
    lines = {line.get_label(): line for line in fig.axes[0].lines}
    assert list(lines) == ["training data", "predicted", "test data"]
    assert list(lines["training data"].get_xdata()) == [0, 1, 2]
    assert list(lines["predicted"].get_xdata()) == [3, 4]
    assert list(lines["test data"].get_ydata()) == [4.5, 5.5, 6.5]
    assert (tmp_path / "p.png").read_bytes().startswith(PNG_MAGIC)


def test_long_titles_are_wrapped_inside_the_figure():
    """A title longer than the figure is wide (the auto recipe's hallucination title) is
    wrapped, so that every line of it is drawn inside the figure."""
    title = ("Hallucination: 29 steps fed back from the end of training (mean of 5 "
             "candidates' medians, 15 of 15 members, each one median of its three seeds)")
    fig = plots.plot_hallucinations(np.arange(40.0), np.arange(40.0), 30, np.arange(30.0, 40.0),
                                    np.arange(10.0), title=title)
    ax = fig.axes[0]
    assert ax.get_title().count("\n") >= 1
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    box, width = ax.title.get_window_extent(renderer), fig.bbox.width
    assert 0 <= box.x0 and box.x1 <= width


def test_the_loss_figure_labels_several_values_within_one_decade():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    fig = plots.plot_loss([0, 100, 200], [150.0, 60.0, 30.0])
    fig.draw(FigureCanvasAgg(fig).get_renderer())
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    labelled = [t for t in ax.yaxis.get_major_ticks()
                if t.label1.get_text() and low <= t.get_loc() <= high]
    assert len(labelled) >= 2  # 50 and 100; the decade ticks alone label only 100
