"""The optimised Theta models (series_predictor/theta.py) against their definitions."""

import numpy as np
import pytest

from series_predictor import theta

RNG = np.random.default_rng(7)
Y = 50 + 0.4 * np.arange(120) + np.cumsum(RNG.normal(0, 1.0, 120))


def _theta_line_forecast(y, alpha, theta_value, l0, h):
    """The Theta method as first defined: simple smoothing of the theta line
    ``Z = theta y + (1 - theta)(A + B t)`` (from ``theta * l0``), combined with the
    straight line by weights ``1 / theta`` and ``1 - 1 / theta``."""
    n = len(y)
    t = np.arange(1, n + 1)
    slope, intercept = np.polyfit(t, y, 1)
    z = theta_value * y + (1 - theta_value) * (intercept + slope * t)
    level = theta_value * l0
    for value in z:
        level = alpha * value + (1 - alpha) * level
    future = intercept + slope * (n + np.arange(1, h + 1))
    return level / theta_value + (1 - 1 / theta_value) * future


@pytest.mark.parametrize("alpha,theta_value", [(0.3, 2.0), (0.7, 4.0), (0.99, 1.5)])
def test_a_static_model_forecasts_as_the_theta_line_definition(alpha, theta_value):
    fixed = {"type": "OTM", "alpha": alpha, "theta": theta_value, "l0": 12.0}
    slope, intercept = np.polyfit(np.arange(1, 121), Y, 1)
    fixed.update(A=intercept, B=slope)
    a, b, _, _ = theta.fit(Y, fixed)
    path = a + b * np.arange(1, 25)
    np.testing.assert_allclose(path, _theta_line_forecast(Y, alpha, theta_value, 12.0, 24),
                               rtol=1e-10)


def test_the_dynamic_line_is_least_squares_over_the_values_so_far():
    a, b = theta._lines(Y, dynamic=True)
    for t in (2, 3, 10, 57, 120):
        slope, intercept = np.polyfit(np.arange(1, t + 1), Y[:t], 1)
        assert b[t - 1] == pytest.approx(slope, rel=1e-9, abs=1e-12)
        assert a[t - 1] == pytest.approx(intercept, rel=1e-9)


def test_the_fit_keeps_the_type_with_the_least_in_sample_error():
    errors = {kind: theta._fit_type(Y, kind)[0] for kind in theta.TYPES}
    params = theta.fit(Y)[3]
    assert errors[params["type"]] == min(errors.values())
    assert errors["OTM"] <= errors["STM"] and errors["DOTM"] <= errors["DSTM"]  # theta 2 is in the grid


@pytest.mark.parametrize("kind", ["DOTM", "OTM"])
def test_with_given_weights_each_one_step_forecast_reads_only_the_values_before_it(kind):
    fixed = dict(theta._fit_type(Y, kind)[1])
    fitted = theta.fit(Y, fixed)[2]
    changed = Y.copy()
    changed[80:] += 100.0
    np.testing.assert_allclose(theta.fit(changed, fixed)[2][:81], fitted[:81], rtol=1e-12)


def test_the_in_sample_forecasts_have_the_least_squares_initial_level():
    kind, params = "DSTM", theta._fit_type(Y, "DSTM")[1]
    assert params["type"] == kind
    best = np.mean((Y - theta.fit(Y, params)[2]) ** 2)
    for shift in (-1.0, 1.0):
        moved = dict(params, l0=params["l0"] + shift)
        assert np.mean((Y - theta.fit(Y, moved)[2]) ** 2) > best


@pytest.mark.parametrize("seed", range(5))
def test_the_initial_level_stays_near_the_first_values_when_alpha_is_near_one(seed):
    # before: solved over the errors after SKIP only, where its weight is (1 - alpha)^3
    # (1e-6 at alpha 0.99), l_0 ran away to +-1e4..1e6 on random walks, and the first
    # in-sample forecasts with it
    walk = 100 + np.cumsum(np.random.default_rng(seed).normal(size=80))
    a, b, fitted, params = theta.fit(walk)
    assert params["alpha"] >= 0.8  # a random walk: little smoothing
    assert abs(params["l0"] - walk[0]) < 5 and np.max(np.abs(fitted - walk)) < 25


@pytest.mark.parametrize("magnitude", [1e200, 1e-200])
def test_values_near_the_float_limits_fit_as_the_same_values_near_one(magnitude):
    # before: the squared errors of values near 1e200 overflowed (a RuntimeWarning, and
    # every model's error infinite, so the first was kept whatever its fit)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a, b, fitted, params = theta.fit(Y * magnitude)
    a1, b1, fitted1, params1 = theta.fit(Y)
    assert params["type"] == params1["type"] and params["theta"] == params1["theta"]
    np.testing.assert_allclose([a, b], np.array([a1, b1]) * magnitude, rtol=1e-9)
    np.testing.assert_allclose(fitted, fitted1 * magnitude, rtol=1e-9)
    again = theta.fit(Y * magnitude, params)[0]
    assert again == pytest.approx(a, rel=1e-9)
