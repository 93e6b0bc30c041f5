"""A fit that fails keeps its own error when its warnings are raised as errors
(``warnings.simplefilter("error")``, ``-W error``, pytest's ``filterwarnings = error``):
the warnings it gave before failing were emitted in its ``except`` block, so the first
of them replaced the refusal (a SeriesPredictorWarning, the SeriesTooShortError only
its ``__context__``) and ``except SeriesTooShortError`` caught nothing."""

import os
import tempfile
import warnings

import numpy as np
import pandas as pd
import pytest

import series_predictor as sp
from series_predictor.errors import SeriesPredictorWarning, SeriesTooShortError


def _six_hours_over_a_clock_change():
    """6 hourly points across Berlin's 2024 change to summer time: read in UTC, which
    is warned of, and too few for the book's settings (26 needed)."""
    times = pd.date_range("2024-03-31", periods=6, freq="h", tz="Europe/Berlin")
    return pd.Series(np.arange(6.0), index=times)


def test_the_refusal_is_raised_not_the_warning_before_it(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # fit's temporary folder here
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeriesPredictorWarning)
        with pytest.raises(SeriesTooShortError, match="6 points are too few"):
            sp.fit(_six_hours_over_a_clock_change(), recipe="book")
    assert os.listdir(tmp_path) == []   # its temporary folder went too


def test_with_the_default_filters_the_warning_still_comes_before_the_error():
    with pytest.warns(SeriesPredictorWarning, match="its UTC offsets change"):
        with pytest.raises(SeriesTooShortError):
            sp.fit(_six_hours_over_a_clock_change(), recipe="book")
