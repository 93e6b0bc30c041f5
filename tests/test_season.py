"""The season is inferred from the time labels the loader parses; --season overrides."""

import numpy as np
import pytest

from series_predictor import data_loader, season, stages
from series_predictor.config import ChapterConfig
from series_predictor.stages import read_stage, season_stage


_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _labels(kind, n=60):
    """``n`` (3n for weeks) labels of one form the loader reads, in order, none missing."""
    if kind in ("quarter", "quarter-dash", "quarter-first"):
        form = {"quarter": "{y}Q{q}", "quarter-dash": "{y}-Q{q}",
                "quarter-first": "Q{q} {y}"}[kind]
        return [form.format(y=1990 + i // 4, q=i % 4 + 1) for i in range(n)]
    if kind in ("month", "month-day", "month-name", "month-m"):
        form = {"month": "{y}-{m:02d}", "month-day": "{y}-{m:02d}-01",
                "month-name": "{name} {y}", "month-m": "{y}M{m:02d}"}[kind]
        return [form.format(y=1949 + i // 12, m=i % 12 + 1, name=_MONTHS[i % 12])
                for i in range(n)]
    if kind == "isoweek":
        return [f"{2000 + i // 52}-W{i % 52 + 1:02d}" for i in range(n * 3)]
    if kind == "weekly":
        return [str(np.datetime64("2000-01-03") + 7 * i) for i in range(n * 3)]
    if kind == "daily":
        return [str(np.datetime64("2020-01-01") + i) for i in range(n)]
    if kind == "trading":
        days = np.busday_offset("2020-01-01", np.arange(n), roll="forward")
        return [str(d) for d in days]
    if kind == "hourly":
        return [str(np.datetime64("2020-01-01T00") + i) for i in range(n)]
    if kind == "hourly-minutes":  # 2020-01-01 13:00
        return [str(np.datetime64("2020-01-01T13:00") + 60 * i).replace("T", " ")
                for i in range(n)]
    if kind == "year":
        return [str(1900 + i) for i in range(n)]
    return [str(i) for i in range(n)]


LABEL_FORMS = [  # (form, its first label, the season inferred)
    ("month", "1949-01", 12), ("month-day", "1949-01-01", 12), ("month-name", "Jan 1949", 12),
    ("month-m", "1949M01", 12), ("quarter", "1990Q1", 4), ("quarter-dash", "1990-Q1", 4),
    ("quarter-first", "Q1 1990", 4), ("isoweek", "2000-W01", 52), ("weekly", "2000-01-03", 52),
    ("daily", "2020-01-01", 7), ("trading", "2020-01-01", 1), ("hourly", "2020-01-01T00", 24),
    ("hourly-minutes", "2020-01-01 13:00", 24), ("year", "1900", 1), ("index", "0", 1)]


@pytest.mark.parametrize("kind, first, expected", LABEL_FORMS)
def test_season_inferred_from_each_label_form(tmp_path, kind, first, expected):
    labels = _labels(kind)
    assert labels[0] == first
    path = tmp_path / "s.csv"
    path.write_text("t,v\n" + "".join(f"{label},{i % 5 + 1}\n" for i, label in enumerate(labels)))
    loaded = read_stage(ChapterConfig(data=str(path)))
    lines = []
    config = season_stage(loaded, ChapterConfig(data=str(path)),
                          stages.Progress(lines.append, quiet=False))
    assert config.season == expected
    assert season.infer(loaded.times, loaded.labels).length == expected
    said = "no season (" if expected == 1 else f"{expected} ("
    assert len(lines) == 1 and lines[0].startswith("Season: " + said)  # printed, with why


def _intraday(start, per_day, minutes, days):
    """``days`` weekdays of ``per_day`` times ``minutes`` apart from ``start`` each day."""
    dates = np.busday_offset("2023-01-02", np.arange(days), roll="forward")
    return np.array([np.datetime64(f"{d}T{start}") + np.timedelta64(minutes * k, "m")
                     for d in dates for k in range(per_day)])


def test_intraday_times_within_market_hours_have_no_daily_season():
    """Half-hourly prices 09:30..15:30 (13 a day) were given season 48 and hourly ones
    10:00..16:00 season 24: seasonal naive went back almost four trading days. A
    season of the day needs every time of the day; a full day keeps it."""
    half = season.infer(_intraday("09:30", 13, 30, 20))
    assert half.length == 1 and "13 of the day's 48" in half.reason
    assert season.infer(_intraday("10:00", 7, 60, 20)).length == 1
    assert season.infer(_intraday("00:00", 48, 30, 3)).length == 48
    assert season.infer(_intraday("00:00", 96, 15, 3)).length == 96
    assert season.infer(_intraday("00:00", 24, 60, 5)).length == 24
    assert season.infer(_intraday("10:00", 20, 60, 1)).length == 24  # less than a day


def test_season_option_overrides_inference(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("t,v\n" + "".join(f"{label},{i % 5 + 1}\n"
                                      for i, label in enumerate(_labels("month"))))
    loaded = read_stage(ChapterConfig(data=str(path)))
    lines = []
    config = season_stage(loaded, ChapterConfig(data=str(path), season=4),
                          stages.Progress(lines.append))
    assert config.season == 4
    assert lines == ["Season: 4 (set by --season; from the labels: 12, monthly dates: "
                     "12 months a year)"]


def test_a_season_the_training_part_cannot_hold_twice_is_dropped():
    times = np.arange("2020-01", "2022-01", dtype="datetime64[M]")  # 24 months
    found = season.resolve(None, times, None, n_train=19)
    assert found.length == 1 and "fewer than 2 seasons" in found.reason


def test_default_config_leaves_the_season_to_inference():
    assert ChapterConfig().season is None
    bundled = read_stage(ChapterConfig())
    assert season_stage(bundled, ChapterConfig()).season == 12
    assert data_loader.read_series(data_loader.bundled_data_path()).labels[0] == "1949-01"


def _trading_days_csv(path, n=150):
    """``n`` weekdays from 2020-01-01 of a random walk with drift (a price, no season)."""
    steps = np.random.default_rng(3).normal(0.2, 1.0, n)
    days = np.busday_offset("2020-01-01", np.arange(n), roll="forward")
    path.write_text("date,close\n" + "".join(f"{d},{100 + v:.3f}\n"
                                              for d, v in zip(days, np.cumsum(steps))))
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["trading days", "--season 1"])
def test_a_series_with_no_season_gets_no_seasonal_candidate_and_faces_persistence(
        tmp_path, kind):
    """Trading days (season inferred as none) or monthly data with ``--season 1``: auto
    weighs no seasonal candidate, and its table, ratios and verdict are persistence's."""
    import json
    from series_predictor.chapter import run_chapter
    from series_predictor.config import with_recipe
    from conftest import monthly_csv
    data = (_trading_days_csv(tmp_path / "prices.csv") if kind == "trading days"
            else monthly_csv(tmp_path / "monthly.csv", 1990, months=96))
    lines = []
    run_chapter(with_recipe("auto", data=data, season=None if kind == "trading days" else 1,
                            iterations=20, report_every=10, out=str(tmp_path / "out"),
                            quiet=True), log=lines.append)  # quiet: the report only
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["settings"]["season"] == 1
    candidates = metrics["auto"]["candidates"]
    assert set(candidates) == {"naive", "drift", "ses", "holt", "damped", "theta", "opt_theta",
                               "ets", "sdiff_ar"}   # sdiff_ar differences at lag 1 here
    assert sorted(metrics["auto"]["chosen"]) == ["drift", "ets", "opt_theta", "sdiff_ar"]
    assert candidates["naive"]["validation_ratio"] == 1.0  # the ratios are over persistence's
    text = "\n".join(lines)
    assert "seasonal naive" not in text
    table = text.splitlines()
    head = next(i for i, line in enumerate(table) if line.startswith("Test period"))
    assert [line[:28].strip() for line in table[head + 2:head + 5]] == [
        "auto: structures + LSTM" if metrics["auto"]["network"]["kept"] else "auto: structures",
        "persistence (last value)", "climatology (the mean)"]
    assert "RMSE / persistence's:" in text
    assert metrics["verdict"] in table  # naming persistence and climatology only
