"""Transforms round-trip exactly (to float rounding) and invert forecasts correctly (issue 6)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from series_predictor.errors import DataFormatError, SettingError, SeriesTooShortError
from series_predictor.config import parse_lags
from series_predictor.transforms import Transform

TRANSFORMS = [Transform(), Transform(log=True), Transform(lags=(1,)), Transform(lags=(12,)),
              Transform(lags=(1, 12)), Transform(log=True, lags=(12,)),
              Transform(log=True, lags=(1, 12))]
positive = st.lists(st.floats(min_value=0.01, max_value=1e6), min_size=30, max_size=80)


@pytest.mark.parametrize("transform", TRANSFORMS, ids=lambda t: t.describe())
@given(values=positive)
def test_forward_then_inverse_gives_the_values_back(transform, values):
    values = np.array(values)
    z = transform.forward(values)
    assert len(z) == len(values) - transform.order
    start = transform.order
    # Exact up to float rounding, which accumulates along a path in absolute terms.
    atol = 1e-13 * np.max(np.abs(values)) * len(values)
    np.testing.assert_allclose(transform.invert_path(values, start, z), values[start:],
                               rtol=1e-9, atol=atol)
    np.testing.assert_allclose(transform.invert_one_step(values, start, z), values[start:],
                               rtol=1e-9, atol=atol)


def test_differencing_matches_numpy_by_hand():
    y = np.arange(30.0) ** 2
    z = Transform(lags=(1, 12)).forward(y)
    d1 = y[1:] - y[:-1]
    expected = d1[12:] - d1[:-12]
    assert np.array_equal(z, expected)
    assert Transform(lags=(1, 12)).polynomial.tolist() == [1, -1] + [0] * 10 + [-1, 1]


def test_one_step_uses_true_history_and_path_uses_its_own():
    values = np.array([10.0, 12.0, 15.0, 11.0])
    t = Transform(lags=(1,))
    z = np.array([1.0, 1.0])  # predicted increments for times 2 and 3
    assert t.invert_one_step(values, 2, z).tolist() == [13.0, 16.0]   # 12+1, 15+1
    assert t.invert_path(values, 2, z).tolist() == [13.0, 14.0]       # 12+1, 13+1
    seasonal = Transform(log=True, lags=(2,))
    path = seasonal.invert_path(np.array([1.0, 2.0, 4.0]), 3, [0.0, 0.0, 0.0])
    np.testing.assert_allclose(path, [2.0, 4.0, 2.0])  # repeats the last "season"


def test_log_refuses_non_positive_values():
    with pytest.raises(DataFormatError, match="value at index 2: the log transform needs "
                                              "positive values; found 0"):
        Transform(log=True).forward([3.0, 1.0, 0.0, 2.0])


def test_bad_lags_and_too_short_series():
    with pytest.raises(SettingError, match="diff lag must be a positive integer; found 0"):
        Transform(lags=(0,))
    with pytest.raises(SeriesTooShortError, match="needs more than 13 points"):
        Transform(lags=(1, 12)).forward(np.arange(1.0, 11.0))
    assert parse_lags("1,12") == (1, 12) and parse_lags("none") == ()
    with pytest.raises(SettingError, match="diff takes lags"):
        parse_lags("twelve")
