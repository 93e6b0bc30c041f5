"""The chapter script end to end (listing 10.9, issue 3)."""

import json

import numpy as np
import pytest

from series_predictor import data_loader
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.errors import SeriesTooShortError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("chapter")
    result = run_chapter(ChapterConfig(iterations=60, report_every=20, out=str(out)),
                         log=lambda *_: None)
    return out, result


def test_writes_three_pngs_and_metrics(quick_run):
    out, _ = quick_run
    for name in ("predictions.png", "hallucinations.png", "loss.png"):
        data = (out / name).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000, name
    assert (out / "checkpoint" / "checkpoint").is_file()
    report = json.loads((out / "metrics.json").read_text())
    for period in ("one_step", "hallucination"):
        for model in ("lstm", "persistence", "seasonal_naive"):
            for stat in ("rmse", "mae"):
                assert np.isfinite(report[period][model][stat])
    assert report["n_train"] == 115 and report["n_test"] == 29
    assert report["test_period"] == ["1958-08", "1960-12"]
    assert report["units"] == "passengers (thousands)"


def test_baselines_are_in_passenger_units(quick_run, airline_csv):
    out, _ = quick_run
    report = json.loads((out / "metrics.json").read_text())
    values = data_loader.read_series(airline_csv).values
    actual = values[115:]
    by_hand = np.sqrt(np.mean((values[114:143] - actual) ** 2))
    assert report["one_step"]["persistence"]["rmse"] == pytest.approx(by_hand, rel=1e-12)
    seasonal = np.sqrt(np.mean((values[103:132] - actual) ** 2))
    assert report["one_step"]["seasonal_naive"]["rmse"] == pytest.approx(seasonal, rel=1e-12)
    last_year = values[103:115]
    multi = np.sqrt(np.mean((last_year[np.arange(29) % 12] - actual) ** 2))
    assert report["hallucination"]["seasonal_naive"]["rmse"] == pytest.approx(multi)
    assert report["hallucination"]["persistence"]["rmse"] == pytest.approx(93.1, abs=0.05)
    # An LSTM in normalized units would score below 2; passengers are in the hundreds.
    assert 10 < report["one_step"]["lstm"]["rmse"] < 400


def test_predictions_are_drawn_at_the_step_they_predict(quick_run):
    _, result = quick_run
    assert len(result.one_step) == 29
    assert len(result.hallucinated) == 29  # max(horizon 20, test length 29)
    assert str(result.future_times[0]) == "1958-08"
    assert str(result.future_times[-1]) == "1960-12"


def test_train_normalization_uses_only_the_training_part(tmp_path):
    result = run_chapter(ChapterConfig(iterations=5, report_every=5, normalize="train",
                                       out=str(tmp_path)), log=lambda *_: None)
    norm = result.metrics["normalization"]
    assert norm["mean"] == pytest.approx(np.mean(result.values[:115]))
    assert norm["std"] == pytest.approx(np.std(result.values[:115]))


def test_csv_with_header_and_several_columns(tmp_path):
    t = np.arange(120)
    rows = ["date,noise,sales"] + [
        f"2000-{1 + i % 12:02d},{np.cos(i):.3f},{100 + i + 20 * np.sin(2 * np.pi * i / 12):.3f}"
        for i in t]
    path = tmp_path / "sales.csv"
    path.write_text("\n".join(rows) + "\n")
    result = run_chapter(ChapterConfig(data=str(path), column=2, iterations=30,
                                       report_every=10, out=str(tmp_path / "out")),
                         log=lambda *_: None)
    assert result.metrics["units"] == "sales"
    assert result.metrics["n_points"] == 120
    assert (tmp_path / "out" / "predictions.png").is_file()


def test_long_series_with_default_settings(tmp_path):
    n = 3000
    t = np.arange(n)
    values = 500 + 0.05 * t + 50 * np.sin(2 * np.pi * t / 12)
    path = tmp_path / "long.csv"
    path.write_text("\n".join(f"{i},{v:.4f}" for i, v in enumerate(values)) + "\n")
    config = ChapterConfig(data=str(path), out=str(tmp_path / "out"))
    config.iterations, config.report_every = 20, 10  # the rest stays the default
    result = run_chapter(config, log=lambda *_: None)
    assert result.metrics["n_train"] == 2400
    assert result.metrics["training"]["steps_run"] == 20
    assert np.all(np.isfinite(result.hallucinated))


def test_too_short_series_says_how_many_points_are_needed(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("\n".join(f"{i},{i * i}" for i in range(20)) + "\n")
    with pytest.raises(SeriesTooShortError, match="20 points are too few.*at least 26 points are needed"):
        run_chapter(ChapterConfig(data=str(path), out=str(tmp_path / "out")))
    assert not (tmp_path / "out").exists()
