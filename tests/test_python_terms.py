"""Messages raised or printed from the Python API name the Python arguments
(``validation=N``, ``h=``, ``keep_going=True``), the command line's its options
(``--validation N``); one text for each, spelled by ``option_names.option``."""

import pytest

import series_predictor as sp
from series_predictor import api, collection
from series_predictor.chapter import remedies
from series_predictor.config import ChapterConfig, check_config, with_recipe
from series_predictor.errors import SettingError
from series_predictor.forecast_table import no_bands_note
from series_predictor.option_names import option, python_caller

SERIES = [100.0 + (i % 12) * 3 + i for i in range(60)]


def test_option_spells_a_setting_for_each_caller():
    assert [option("validation", "N"), option("recipe", "auto"), option("keep_going", True),
            option("learning_rate"), option("horizon", python="h")] == \
        ["--validation N", "--recipe auto", "--keep-going", "--learning-rate", "--horizon"]
    with python_caller():
        assert [option("validation", "N"), option("recipe", "auto"),
                option("keep_going", True), option("learning_rate"),
                option("horizon", python="h")] == \
            ["validation=N", "recipe='auto'", "keep_going=True", "learning_rate=", "h="]
    assert option("validation", 12) == "--validation 12"  # the block ended


def test_fit_names_its_arguments_in_a_refusal():
    with pytest.raises(SettingError) as caught:
        sp.fit(SERIES, recipe="auto", log=True)
    assert str(caught.value) == ("recipe='auto' chooses the transform (log, differencing) "
                                 "itself for each candidate; leave out log= and diff=, or "
                                 "use another recipe")
    with pytest.raises(SettingError, match="--recipe auto chooses the transform .* leave out "
                                           "--log and --diff"):
        check_config(with_recipe("auto", log=True))  # the command line's own check


def test_the_no_bands_note_and_the_remedies_in_python_terms():
    settings = {"validation": 0, "season": 12, "seq_size": 5, "recipe": None}
    assert "add --validation N (e.g. --validation 24), or use --recipe auto" in \
        no_bands_note(settings)
    with python_caller():
        assert "add validation=N (e.g. validation=24), or use recipe='auto'" in \
            no_bands_note(settings)
        assert "use validation=2 or more" in no_bands_note(dict(settings, validation=1))
        assert remedies(ChapterConfig()) == ("a smaller learning_rate= (this run: 0.001), "
                                             "fewer iterations= (this run: 1000) or "
                                             "recipe='auto'")


def test_fit_collection_says_keep_going_as_python_does(tmp_path):
    bad = [1.0] * 20 + ["n/a"] + [1.0] * 27
    with pytest.raises(collection.CollectionIncomplete) as caught:
        collection.fit_collection({"a": bad}, out=str(tmp_path / "out"), workers=1,
                                  log=lambda *_: None, recipe="book", iterations=20)
    assert str(caught.value).endswith("(use keep_going=True to go on with the others)")


def test_every_entry_point_of_the_python_api_speaks_python():
    for entry in (api.fit, api.load_run, api.Forecaster.forecast, api.Forecaster.backtest,
                  api.Forecaster.plot, api.Forecaster.save):
        assert entry.__name__ != "in_python_terms" and hasattr(entry, "__wrapped__"), entry
