"""The season is inferred from the time labels the loader parses; --season overrides."""

import numpy as np
import pytest

from series_predictor import data_loader, season
from series_predictor.config import ChapterConfig
from series_predictor.stages import read_stage, season_stage


def _labels(kind, n=60):
    if kind == "quarter":
        return [f"{1990 + i // 4}Q{i % 4 + 1}" for i in range(n)]
    if kind == "month":
        return [f"{1990 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]
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
    if kind == "year":
        return [str(1900 + i) for i in range(n)]
    return [str(i) for i in range(n)]


@pytest.mark.parametrize("kind, expected", [
    ("quarter", 4), ("month", 12), ("isoweek", 52), ("weekly", 52), ("daily", 7),
    ("hourly", 24), ("trading", 1), ("year", 1), ("index", 1)])
def test_season_inferred_from_each_label_form(tmp_path, kind, expected):
    labels = _labels(kind)
    path = tmp_path / "s.csv"
    path.write_text("t,v\n" + "".join(f"{label},{i % 5 + 1}\n" for i, label in enumerate(labels)))
    loaded = read_stage(ChapterConfig(data=str(path)))
    config = season_stage(loaded, ChapterConfig(data=str(path)))
    assert config.season == expected
    assert season.infer(loaded.times, loaded.labels).length == expected


def test_season_option_overrides_inference(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("t,v\n" + "".join(f"{label},{i % 5 + 1}\n"
                                      for i, label in enumerate(_labels("month"))))
    loaded = read_stage(ChapterConfig(data=str(path)))
    assert season_stage(loaded, ChapterConfig(data=str(path), season=4)).season == 4


def test_a_season_the_training_part_cannot_hold_twice_is_dropped():
    times = np.arange("2020-01", "2022-01", dtype="datetime64[M]")  # 24 months
    found = season.resolve(None, times, None, n_train=19)
    assert found.length == 1 and "fewer than 2 seasons" in found.reason


def test_default_config_leaves_the_season_to_inference():
    assert ChapterConfig().season is None
    bundled = read_stage(ChapterConfig())
    assert season_stage(bundled, ChapterConfig()).season == 12
    assert data_loader.read_series(data_loader.bundled_data_path()).labels[0] == "1949-01"
