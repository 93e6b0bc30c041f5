"""The --recipe preset and the robust ensemble (issues 6, 11 and 12)."""

import os
import re

import numpy as np
import pytest

from conftest import ROOT
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.ensemble import Envelope, combine
from series_predictor.recipes import RECIPES


def readme_recipe_table():
    readme = open(os.path.join(ROOT, "docs", "recipes.md"), encoding="utf-8").read()
    section = readme.split("### The `seasonal` recipe", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `--([a-z-]+)` \| `([^`]*)` \|", section, re.M)
    return dict(rows)


def as_cli_value(value):
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def test_preset_options_are_what_the_readme_says():
    table = readme_recipe_table()
    preset = {name.replace("_", "-"): as_cli_value(value)
              for name, value in RECIPES["seasonal"].items() if name != "report_every"}
    assert table == preset


@pytest.mark.slow
def test_combine_takes_the_median_and_drops_a_blow_up_by_name():
    envelope = Envelope.fit(np.array([0.0, 10.0, 5.0]), season=12)
    members = [(0, {"hallucination": np.array([1.0, 2.0, 3.0])}),
               (1, {"hallucination": np.array([2.0, 3.0, 4.0])}),
               (2, {"hallucination": np.array([1.0, 1e29, 5.0])}),
               (3, {"hallucination": np.array([9.0, 9.5, 9.9])})]
    combined = combine(members, {"hallucination": envelope})
    assert combined.kept == {"hallucination": [0, 1, 3]}
    assert list(combined.dropped) == [2]
    assert combined.dropped[2] == {"hallucination": "its hallucination forecast left the "
                                                    "plausible range -5.417..15.42 at step 2"}
    np.testing.assert_array_equal(combined.forecasts["hallucination"], [2.0, 3.0, 4.0])


@pytest.mark.slow
def test_envelope_widens_with_the_horizon_and_works_in_ratios_for_logs():
    low, high = Envelope.fit(np.array([100.0, 200.0]), season=12).bounds(24)
    assert (low[0], high[0]) == pytest.approx((100 - 50 - 100 / 48, 200 + 50 + 100 / 48))
    assert high[23] == pytest.approx(200 + 100 * (0.5 + 0.25 * 2))
    low, high = Envelope.fit(np.array([100.0, 400.0]), season=12, log=True).bounds(1)
    assert high[0] / 400 == pytest.approx(4 ** (0.5 + 0.25 / 12))
    assert 100 / low[0] == pytest.approx(4 ** (0.5 + 0.25 / 12))


@pytest.mark.slow
def test_a_planted_diverging_member_is_dropped_named_and_never_shown(tmp_path, monkeypatch):
    from series_predictor import model
    real = model.SeriesPredictor.hallucinate

    def blow_up_for_seed_8(self, window, steps):
        path = real(self, window, steps)
        return path * np.float32(1e30) if self.seed == 8 else path
    monkeypatch.setattr(model.SeriesPredictor, "hallucinate", blow_up_for_seed_8)
    from series_predictor import lstm_numpy  # the forecast past the data runs in NumPy
    real_weights = lstm_numpy.session_weights

    def blown_weights_for_seed_8(predictor):
        weights = real_weights(predictor)
        scale = np.float32(1e30 if predictor.seed == 8 else 1)
        return dict(weights, W_out=weights["W_out"] * scale, b_out=weights["b_out"] * scale)
    monkeypatch.setattr(lstm_numpy, "session_weights", blown_weights_for_seed_8)
    lines = []
    config = ChapterConfig(out=str(tmp_path), iterations=20, report_every=10, ensemble=3,
                           seed=7, hidden_dim=8, quiet=True)
    result = run_chapter(config, log=lines.append)
    assert result.combined.kept["hallucination"] == [7, 9]
    assert result.combined.kept["forecast"] == [7, 9]
    assert "left the plausible range" in \
        result.metrics["ensemble"]["dropped"]["8"]["hallucination"]
    text = "\n".join(lines)
    assert ("member with seed 8 left out of the hallucination and forecast: its "
            "hallucination forecast left the plausible range") in text
    assert "e+" not in text
    numbers = [float(x) for x in re.findall(r"-?\d+\.\d+", text)]
    assert max(numbers) < 1e4
    expected = np.median([m.forecasts["forecast"] for m in result.members if m.seed != 8], 0)
    np.testing.assert_array_equal(result.future_point, expected)
    assert "member_seed_8" not in open(tmp_path / "forecast.csv").read()


@pytest.mark.slow
def test_log_of_a_non_positive_value_names_the_line(tmp_path):
    import pytest
    from series_predictor.errors import DataFormatError
    path = tmp_path / "s.csv"
    path.write_text("t,v\n" + "\n".join(f"{i},{(i % 12) - 3}" for i in range(60)) + "\n")
    with pytest.raises(DataFormatError, match=r"s.csv, line 2: the log transform needs "
                                              r"positive values; found -3"):
        run_chapter(ChapterConfig(data=str(path), log=True, out=str(tmp_path / "out")))
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_diverging_member_of_an_ensemble_is_dropped_and_the_others_carry_on(tmp_path,
                                                                                 monkeypatch):
    from series_predictor import model
    from series_predictor.errors import TrainingDiverged
    real = model.SeriesPredictor.train

    def diverge_for_seed_8(self, *args, **kwargs):
        if self.seed == 8:
            raise TrainingDiverged("training diverged at step 3: the loss is nan", 3, None)
        return real(self, *args, **kwargs)
    monkeypatch.setattr(model.SeriesPredictor, "train", diverge_for_seed_8)
    lines = []
    result = run_chapter(ChapterConfig(out=str(tmp_path), iterations=10, report_every=5,
                                       ensemble=3, seed=7, hidden_dim=4, quiet=True),
                         log=lines.append)
    assert [m.seed for m in result.members if m.failure] == [8]
    assert result.combined.kept["hallucination"] == [7, 9]
    assert "member with seed 8 dropped: training diverged at step 3: the loss is nan" in \
        "\n".join(lines)
    assert np.all(np.isfinite(result.hallucinated))
