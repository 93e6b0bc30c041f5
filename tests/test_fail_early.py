"""Mistakes that used to fail late, after training, now fail before it (issue 11)."""

import dataclasses
import os
import re
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import ROOT, monthly_csv


def run_script(*args, cwd, timeout=120):
    start = time.perf_counter()
    result = subprocess.run([sys.executable, os.path.join(ROOT, "simple_regression.py"), *args],
                            cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            env=dict(os.environ, PYTHONPATH=ROOT, MPLBACKEND="Agg"))
    return result, time.perf_counter() - start


write_series = monthly_csv


@pytest.mark.slow
@pytest.mark.parametrize("args, message", [
    (["--horizon", "100000"], "9999-12"),
    (["--season", "1000000000"], "season must be at most 100000"),
    (["--seq-size", "1000000000"], "seq_size must be at most 1000"),
    (["--validation", "1000000000"], "validation must be at most 100000"),
    (["--diff", "1000000000"], "diff lag must be at most 100000"),
    (["--season", "100000"], "at least"),
    (["--hidden-dim", "1000000"], "hidden_dim must be at most 4096"),
    (["--ensemble", "3", "--backtest", "40"], "use fewer origins"),
])
def test_refused_at_once_without_training(tmp_path, args, message):
    result, seconds = run_script(*args, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "step 0" not in result.stdout and "Training" not in result.stdout
    assert seconds < 30  # TensorFlow is never even imported for these
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_dates_the_figures_cannot_draw_are_refused_before_training(tmp_path):
    data = write_series(tmp_path / "late.csv", 9990, months=96)
    result, _ = run_script("--data", data, "--horizon", "30", "--out", str(tmp_path / "out"),
                           cwd=tmp_path)
    assert result.returncode == 1
    assert "9999-12-31" in result.stderr and "step 0" not in result.stdout


# Each label holds an even number of "$": unescaped, matplotlib would read the text between
# them as mathtext, which these cannot be parsed as ("\month", an unclosed "{"), and drawing fails.
@pytest.mark.slow
@pytest.mark.parametrize("units, header", [(r"$ per \month, in $", "month,value"),
                                            (None, 'month,"US$ (millions) {, $5 a $6 or $7"')])
def test_dollar_signs_in_labels_are_drawn_literally(tmp_path, units, header):
    from conftest import quiet_log
    from series_predictor.chapter import ChapterConfig, run_chapter
    data = write_series(tmp_path / "dollars.csv", 2000, header=header)
    run = run_chapter(ChapterConfig(data=data, iterations=5, report_every=5, quiet=True,
                                    units=units, out=str(tmp_path / "out")), log=quiet_log)
    assert run.loaded.units == (units or "US$ (millions) {, $5 a $6 or $7")
    assert run.loaded.units.count("$") % 2 == 0
    assert (tmp_path / "out" / "predictions.png").stat().st_size > 10_000


@pytest.mark.slow
def test_the_largest_horizon_the_message_offers_is_drawn(tmp_path):
    from conftest import quiet_log
    from series_predictor.chapter import ChapterConfig, run_chapter
    from series_predictor.errors import SettingError
    data = write_series(tmp_path / "late.csv", 9990, months=114)  # 9990-01 .. 9999-06
    with pytest.raises(SettingError, match=r"^horizon: 7 points from after 9999-06 would "
                                           r"pass 9999-12-31.*at most 6 fit"):
        run_chapter(ChapterConfig(data=data, horizon=7, out=str(tmp_path / "refused")))
    assert not (tmp_path / "refused").exists()
    run = run_chapter(ChapterConfig(data=data, horizon=6, iterations=5, report_every=5,
                                    quiet=True, out=str(tmp_path / "out")), log=quiet_log)
    assert str(run.times["forecast"][-1]) == "9999-12"
    assert (tmp_path / "out" / "forecast.png").stat().st_size > 10_000


@pytest.mark.slow
def test_values_beyond_1e300_are_refused_naming_the_line(tmp_path):
    from series_predictor.chapter import ChapterConfig, run_chapter
    from series_predictor.errors import DataFormatError
    path = tmp_path / "max.csv"
    path.write_text("\n".join(f"{2000 + i // 12}-{1 + i % 12:02d},{1.5e308 if i == 7 else i}"
                              for i in range(60)) + "\n")
    with pytest.raises(DataFormatError, match=r"max.csv, line 8: 1.5e\+308 is beyond 1e\+300"):
        run_chapter(ChapterConfig(data=str(path), out=str(tmp_path / "out")))


@pytest.mark.slow
def test_a_one_column_file_suggests_column_0(tmp_path):
    result, _ = run_script("--data", str(write_one_column(tmp_path)), "--out",
                           str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("the values may be in column 0 (--column 0)")


def write_one_column(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("\n".join(str(100 + i) for i in range(40)) + "\n")
    return path


@pytest.mark.slow
def test_when_every_member_diverges_the_run_fails_and_writes_no_forecast(tmp_path):
    from conftest import quiet_log
    from series_predictor.chapter import ChapterConfig, run_chapter
    from series_predictor.errors import TrainingDiverged
    with pytest.raises(TrainingDiverged, match=r"no LSTM forecast .*every member diverged"):
        run_chapter(ChapterConfig(ensemble=2, learning_rate=1e30, iterations=50,
                                  report_every=10, out=str(tmp_path), quiet=True),
                    log=quiet_log)
    assert not (tmp_path / "forecast.csv").exists() and not (tmp_path / "run.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("percent_train, message", [
    (1e-300, "no series is long enough"), (1e-320, "no series is long enough"),
    (5e-324, "no series is long enough"), (1 - 1e-16, "at least 36028797018963970 points")])
def test_an_extreme_split_is_answered_at_once(percent_train, message):
    """The minimum length is computed by bisection, never by counting up to it: a
    percent_train near 0 once hung for minutes, or overflowed converting to int."""
    import time
    from series_predictor.chapter import ChapterConfig, run_chapter
    from series_predictor.errors import SeriesTooShortError
    start = time.perf_counter()
    with pytest.raises(SeriesTooShortError, match=f"too few.*{message}"):
        run_chapter(ChapterConfig(percent_train=percent_train, out="/nonexistent/never"))
    assert time.perf_counter() - start < 5


def test_the_minimum_length_is_the_smallest_that_works():
    from series_predictor import data_loader, stages
    for seq_size, percent, season, validation in [(5, 0.8, 12, 0), (1, 0.05, 1, 0),
                                                  (12, 0.99, 12, 12), (3, 0.333, 12, 0)]:
        n = stages.minimum_length(seq_size, percent, season, 0, validation)
        need = stages.minimum_fit_length(seq_size, season, 0, validation)
        fits = lambda m: (data_loader.train_size(m, percent) >= need  # noqa: E731
                          and m - data_loader.train_size(m, percent) >= (
                              1 if validation else seq_size + 1))
        assert fits(n) and not fits(n - 1)


@pytest.mark.slow
def test_errors_in_tiny_units_are_printed_with_their_digits(tmp_path):
    """A series in units of 1e-200 once printed every error as 0.000000."""
    import json
    from conftest import quiet_log
    from series_predictor.chapter import ChapterConfig, run_chapter
    from series_predictor.report import format_report
    rows = ["month,value"] + [f"{1949 + i // 12}-{1 + i % 12:02d},{(100 + (i % 12) * 3 + i)}e-200"
                              for i in range(60)]
    (tmp_path / "tiny.csv").write_text("\n".join(rows) + "\n")
    run = run_chapter(ChapterConfig(data=str(tmp_path / "tiny.csv"), iterations=5,
                                    report_every=5, quiet=True, ensemble=2,
                                    out=str(tmp_path / "out")), log=quiet_log)
    text = format_report(run.metrics)
    assert "0.000000" not in text and " 0.0.." not in text
    naive = json.load(open(tmp_path / "out" / "metrics.json"))["hallucination"]["seasonal_naive"]
    assert f"{naive['rmse']:.4g}" in text


@pytest.mark.slow
@pytest.mark.parametrize("extra", [[], ["--diff", "1"], ["--recipe", "auto"],
                                   ["--validation", "12"]])
def test_a_constant_training_part_is_refused_before_training(tmp_path, extra):
    """Whole-series normalization hid it (the test part varies): the run trained, then
    failed with a misleading 'every member diverged'."""
    rows = ["month,value"] + [f"{1949 + i // 12}-{1 + i % 12:02d},{5 if i < 116 else 5 + i}"
                              for i in range(144)]
    (tmp_path / "c.csv").write_text("\n".join(rows) + "\n")
    result = subprocess.run([sys.executable, "-m", "series_predictor.cli", "--data",
                             str(tmp_path / "c.csv"), "--out", str(tmp_path / "out"), *extra],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "step 0" not in result.stdout
    assert result.stderr.count("\n") == 1
    assert re.search(r"training part( before the validation tail)? \(lines 2\.\.", result.stderr)
    assert "every value is 5" in result.stderr
    assert not (tmp_path / "out").exists()


def _flat_then_moving(path, flat=150, n=200):
    """``flat`` months of 50, then a walk: only late parts of the series vary."""
    walk = 50 + np.cumsum(np.random.default_rng(0).normal(0, 1, n - flat))
    values = np.r_[np.full(flat, 50.0), walk]
    rows = ["month,value"] + [f"{1900 + i // 12}-{1 + i % 12:02d},{v:.3f}"
                              for i, v in enumerate(values)]
    path.write_text("\n".join(rows) + "\n")
    return str(path)


@pytest.mark.parametrize("recipe, message", [
    (None, r"c\.csv, backtest origin 1 of 3, training part \(lines 2\.\.137\): every value is "
           r"50, so there is nothing to learn; use fewer origins \(at most 1\)$"),
    ("auto", r"c\.csv, training part before the validation tail \(lines 2\.\.129\): every "
             r"value is 50, so there is nothing to learn; the values first change at line 152,"
             r" inside the validation tail of the last 32 training points$")])
def test_a_part_with_nothing_to_learn_is_refused_before_training(tmp_path, recipe, message):
    """A backtest origin whose training part is one value (the book's run: its first two
    origins) trained the whole run, then failed with 'every member diverged'; auto's
    network part before its validation tail being one value failed with a normalization
    message naming the structures' residuals. Both are now refused before training."""
    from series_predictor.chapter import ChapterConfig, run_chapter
    from series_predictor.config import with_recipe
    from series_predictor.errors import DataFormatError
    data, out, log = _flat_then_moving(tmp_path / "c.csv"), str(tmp_path / "out"), []
    config = (with_recipe(recipe, data=data, out=out) if recipe
              else ChapterConfig(data=data, out=out, backtest=3, iterations=50))
    with pytest.raises(DataFormatError, match=message):
        run_chapter(config, log=log.append)
    assert not any("Training" in line for line in log) and not os.path.exists(out)


@pytest.mark.parametrize("flat, usable", [(61, 1), (45, 2)])
def test_fewer_origins_advised_are_origins_that_fit(tmp_path, flat, usable):
    """Without a season fewer origins lie farther apart (backtest.stride), so the advice
    'at most 2' counted the old origins: 100 row-numbered points, 50 for the first 61,
    --backtest 5 (origins 8, 26, 44, 62, 80) said 'at most 2', and --backtest 2 (origins
    60, 80) was then refused too."""
    from series_predictor.chapter import ChapterConfig, run_chapter
    from series_predictor.errors import DataFormatError
    walk = 50 + np.cumsum(np.random.default_rng(0).normal(0, 1, 100 - flat))
    path = tmp_path / "c.csv"
    path.write_text("value\n" + "".join(f"{v:.3f}\n" for v in np.r_[np.full(flat, 50.0), walk]))
    config = ChapterConfig(data=str(path), column=0, out=str(tmp_path / "out"), backtest=5,
                           iterations=1, quiet=True)
    with pytest.raises(DataFormatError, match=rf"origin 1 of 5, .*\(at most {usable}\)$"):
        run_chapter(config, log=lambda line: None)
    if usable == 1:  # the old advice, 'at most 2', is refused as well
        with pytest.raises(DataFormatError, match=r"origin 1 of 2, .*\(at most 1\)$"):
            run_chapter(dataclasses.replace(config, backtest=2), log=lambda line: None)
