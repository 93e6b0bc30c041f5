"""Issue 16, silently wrong: a lone spike is named, semi-monthly dates are refused,
auto never picks a log it cannot apply, a kept run refuses a horizon it cannot fill."""

import dataclasses
import numpy as np
import pytest

from conftest import quiet_log
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.errors import DataFormatError
from series_predictor.outliers import SPIKE_SCALES, spikes
from series_predictor.stages import read_stage


def write_series(path, dates, values):
    path.write_text("date,value\n" + "".join(f"{d},{v}\n" for d, v in zip(dates, values)))
    return str(path)


def monthly(n):
    return [f"{1990 + m // 12}-{m % 12 + 1:02d}" for m in range(n)]


def test_a_lone_spike_is_named_in_a_warning(tmp_path):
    values = 100 + 10 * np.sin(np.arange(96) / 12 * 2 * np.pi)
    values[40] = 1e9
    data = write_series(tmp_path / "spike.csv", monthly(96), values)
    warnings = []
    run_chapter(ChapterConfig(data=data, out=str(tmp_path / "out"), iterations=2,
                              report_every=1), log=warnings.append)
    named = [w for w in warnings if "1e+09 is a lone spike" in w]
    assert len(named) == 1 and "line 42" in named[0], warnings


def test_the_airline_series_and_steady_growth_have_no_spike(airline_csv):
    loaded = read_stage(ChapterConfig(data=airline_csv))
    assert spikes(loaded.values) == [] and spikes(np.exp(np.linspace(0, 12, 300))) == []
    steps = np.diff(loaded.values)
    scale = 1.4826 * np.median(np.abs(steps - np.median(steps)))
    assert np.max(np.abs(steps)) / scale < SPIKE_SCALES / 4  # far from the threshold


def test_seasonal_exponential_growth_has_no_spike_but_a_spike_in_it_is_named():
    # 1.05^t with a 10% season: the last seasons' peaks were steps of 40 robust scales
    # (the scale of the early, tiny steps) in and out (old code: 4 spikes named)
    t = np.arange(300)
    growth = 1.05 ** t * (1 + 0.1 * np.sin(2 * np.pi * t / 12))
    assert spikes(growth) == []
    typo = growth.copy()
    typo[150] *= 10
    assert spikes(typo) == [150]
    near_100 = 100 + 10 * np.sin(2 * np.pi * t / 12)
    near_100[100] = 1100.0
    assert spikes(near_100) == [100]


def test_semi_monthly_dates_are_refused_before_training(tmp_path):
    dates = [f"2023-{m:02d}-{d:02d}" for m in range(1, 13) for d in (1, 15)] + \
            [f"2024-{m:02d}-{d:02d}" for m in (1, 2) for d in (1, 15)]
    data = write_series(tmp_path / "semi.csv", dates, np.arange(len(dates)) + 100.0)
    log = []
    with pytest.raises(DataFormatError, match="day 1 and day 15.*semi-monthly"):
        run_chapter(ChapterConfig(data=data, out=str(tmp_path / "out"), seq_size=3,
                                  season=2), log=log.append)
    assert not (tmp_path / "out").exists() and not any("Training" in l for l in log)


def test_auto_plans_a_series_whose_last_test_value_is_zero(airline_csv):
    """The user never asked for a log: a zero in the test period must not stop auto
    ("the log transform needs positive values"), and its choice never reads that value."""
    from series_predictor import fitting, stages
    from series_predictor.config import with_recipe
    loaded = read_stage(ChapterConfig(data=airline_csv))
    zero = dataclasses.replace(loaded, values=np.concatenate([loaded.values[:-1], [0.0]]))
    quiet = stages.Progress(lambda *_: None, quiet=True)
    run = fitting.plan_chapter(zero, with_recipe("auto"), quiet)
    assert not any(p.preprocessing.transform.log for p in run.candidates)
    same = fitting.plan_chapter(loaded, with_recipe("auto"), quiet)
    assert run.auto["chosen"] == same.auto["chosen"]
    assert run.auto["combination_ratio"] == same.auto["combination_ratio"]


def test_a_jump_in_the_last_value_is_named_in_a_warning(tmp_path, airline_csv):
    """A spike as the very last value has no step out, so the lone-spike rule never saw
    it: 1000 after a season near 100 gave an auto forecast near 118 with an 80% band
    115..121 and no word. It is named now; steady or seasonal growth, the airline
    series and intermittent demand are not."""
    from series_predictor.outliers import last_jump, spike_warnings
    rng = np.random.default_rng(0)
    season = 100 + 10 * np.sin(2 * np.pi * np.arange(96) / 12) + rng.normal(0, 2, 96)
    season[-1] = 1000.0
    loaded = read_stage(ChapterConfig(data=write_series(tmp_path / "s.csv", monthly(96),
                                                        season)))
    named = spike_warnings(loaded)
    assert len(named) == 1 and "line 97: the last value 1000 is a jump from" in named[0]
    assert last_jump(np.r_[season[:-1], -1000.0]) and not last_jump(season[:-1])
    assert spike_warnings(read_stage(ChapterConfig(data=airline_csv))) == []
    t = np.arange(300)
    assert not last_jump(1.05 ** t * (1 + 0.1 * np.sin(2 * np.pi * t / 12)))
    assert not last_jump(np.exp(np.linspace(0, 12, 300))) and not last_jump(np.arange(50.0))
    demand = np.where(rng.random(96) < 0.15, rng.integers(1, 5, 96), 0).astype(float)
    demand[-1] = 4.0
    assert not last_jump(demand)


def test_a_spike_warning_reaches_metrics_json_and_a_collections_summary(tmp_path):
    """A collection's workers run with their log discarded, so a lone spike's warning
    reached no screen and no file (a series with a 1e6 typo just showed a ratio of
    4354). metrics.json keeps it ("data_warnings") and the summary prints it."""
    from series_predictor import collection_report
    from series_predictor.collection_result import SeriesResult
    values = 100 + 10 * np.sin(np.arange(60) / 2)
    values[30] = 1e6
    data = write_series(tmp_path / "spiky.csv", monthly(60), values)
    run = run_chapter(ChapterConfig(data=data, out=str(tmp_path / "out"), iterations=2,
                                    report_every=1, hidden_dim=4), log=lambda *_: None)
    named = run.metrics["data_warnings"]
    assert len(named) == 1 and "line 32: 1e+06 is a lone spike" in named[0]
    entry = collection_report._entry(SeriesResult("spiky", "spiky", "done", None, 1.0),
                                     run.metrics)
    summary = collection_report._summary({"spiky": entry})
    text = collection_report.format_summary({"spiky": entry}, summary)
    assert f"Warning: spiky: {named[0]}" in text.splitlines()
