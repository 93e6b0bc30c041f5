"""The --recipe preset and the ensemble (issue 6)."""

import os
import re

import numpy as np

from conftest import ROOT
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.cli import build_parser, config_from_args
from series_predictor.recipes import RECIPES


def readme_recipe_table():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
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


def test_recipe_sets_its_options_and_explicit_options_win():
    parser = build_parser()
    argv = ["--recipe", "seasonal", "--ensemble", "2", "--seq-size", "7"]
    config = config_from_args(parser, parser.parse_args(argv), argv)
    for name, value in RECIPES["seasonal"].items():
        if name not in ("ensemble", "seq_size"):
            assert getattr(config, name) == value, name
    assert config.ensemble == 2 and config.seq_size == 7 and config.recipe == "seasonal"
    book = config_from_args(parser, parser.parse_args([]), [])
    assert book == ChapterConfig()  # no recipe: the book's settings, untouched


def test_small_ensemble_averages_its_members(tmp_path):
    config = ChapterConfig(out=str(tmp_path), iterations=40, report_every=20, ensemble=3,
                           seed=7, log=True, diff=(12,), validation=12, normalize="train")
    result = run_chapter(config, log=lambda *_: None, verbose=False)
    members = result.members
    assert [m["seed"] for m in members] == [7, 8, 9]
    assert not np.allclose(members[0]["one_step"], members[1]["one_step"])
    np.testing.assert_allclose(result.one_step, np.mean([m["one_step"] for m in members], 0))
    np.testing.assert_allclose(result.hallucinated,
                               np.mean([m["hallucinated"] for m in members], 0))
    report = result.metrics
    assert report["ensemble"]["seeds"] == [7, 8, 9]
    assert report["ensemble"]["spread"]["hallucination_std_mean"] > 0
    assert report["training"]["monitored_on"] == "validation"
    assert report["validation_period"] == ["1957-08", "1958-07"]
    assert sorted(os.listdir(tmp_path)) == ["checkpoint-7", "checkpoint-8", "checkpoint-9",
                                            "hallucinations.png", "loss.png", "metrics.json",
                                            "predictions.png"]


def test_log_of_a_non_positive_value_names_the_line(tmp_path):
    import pytest
    from series_predictor.errors import DataFormatError
    path = tmp_path / "s.csv"
    path.write_text("t,v\n" + "\n".join(f"{i},{(i % 12) - 3}" for i in range(60)) + "\n")
    with pytest.raises(DataFormatError, match=r"s.csv, line 2: the log transform needs "
                                              r"positive values; found -3"):
        run_chapter(ChapterConfig(data=str(path), log=True, out=str(tmp_path / "out")))
    assert not (tmp_path / "out").exists()
