"""Prediction intervals: calibrated on the validation tail, around the point forecast (issue 12)."""

import numpy as np
import pytest

from series_predictor.intervals import IntervalModel, calibrate, coverage


def test_bands_contain_the_point_forecast_and_widen_with_the_horizon(ensemble_run):
    for name in ("hallucination", "forecast"):
        point = ensemble_run.combined.forecasts[name]
        bands = ensemble_run.intervals.bands(point)
        assert set(bands) == {0.8, 0.95}
        for level, (low, high) in bands.items():
            assert np.all(low < point) and np.all(point < high)
            assert np.all(np.diff(np.log(high) - np.log(low)) > 0)  # log bands: ratios widen
        assert np.all(bands[0.95][0] <= bands[0.8][0]) and np.all(bands[0.8][1] <= bands[0.95][1])


def test_calibration_by_hand():
    # Errors 1, 2, 3 at steps 1, 4, 9: scores |e| / sqrt(k) are all 1.
    model = calibrate([np.array([10.0, 0, 0, 10.0, 0, 0, 0, 0, 10.0])[[0, 3, 8]]],
                      [np.array([11.0, 12.0, 13.0])])
    assert model.samples == 3 and not model.log
    model = calibrate([np.array([10.0] * 9)], [np.array([11.0, 10, 10, 12.0, 10, 10, 10, 10, 13.0])])
    assert model.scale == {"0.8": pytest.approx(1.0), "0.95": pytest.approx(1.0)}
    low, high = model.bands(np.zeros(4))[0.8]
    np.testing.assert_allclose(high, np.sqrt([1, 2, 3, 4]))
    np.testing.assert_allclose(low, -np.sqrt([1, 2, 3, 4]))


def test_log_bands_are_ratios():
    model = IntervalModel(scale={"0.8": np.log(2.0)}, log=True, samples=10)
    low, high = model.bands(np.array([100.0]))[0.8]
    assert (low[0], high[0]) == pytest.approx((50.0, 200.0))


def test_coverage_counts_points_inside():
    bands = {0.8: (np.array([0.0, 0, 0, 0]), np.array([1.0, 1, 1, 1]))}
    assert coverage(bands, np.array([0.5, 2.0, 1.0, -1.0])) == {0.8: 0.5}
