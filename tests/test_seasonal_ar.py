"""The autoregression on seasonal differences (``seasonal_ar.py``, the ``sdiff_ar`` structure)."""

import numpy as np
import pytest

from series_predictor import airline, seasonal_ar
from series_predictor.structures import Member, fit_all


def _simulated(n=600, c=0.5, phi=0.6, seed=0):
    """``y_t = y_{t-12} + z_t`` with ``z_t = c + phi z_{t-1} + e_t``."""
    rng = np.random.default_rng(seed)
    z = np.zeros(n)
    for t in range(1, n):
        z[t] = c + phi * z[t - 1] + rng.normal(0, 0.3)
    y = 100 + 10 * np.sin(2 * np.pi * np.arange(n) / 12)
    for t in range(12, n):
        y[t] = y[t - 12] + z[t]
    return y


def test_the_fit_recovers_a_known_seasonal_autoregression():
    fitted, params, recent = seasonal_ar.fit(_simulated(), 12)
    assert params["lag"] == 12 and len(params["phi"]) >= 1
    assert abs(params["phi"][0] - 0.6) < 0.1 and abs(params["c"] - 0.5) < 0.15
    assert len(recent) == 12 + len(params["phi"])


def test_the_path_is_the_recursion_with_errors_of_zero():
    y = _simulated()
    _, params, recent = seasonal_ar.fit(y, 12)
    c, phi = params["c"], params["phi"]
    history, z = list(y), list(y[12:] - y[:-12])
    for _ in range(30):
        step = c + sum(p * z[-1 - i] for i, p in enumerate(phi))
        z.append(step)
        history.append(history[-12] + step)
    np.testing.assert_allclose(seasonal_ar.path(recent, params, 30), history[len(y):],
                               rtol=1e-12)


def test_a_season_on_a_line_is_continued_exactly():
    t = np.arange(100, dtype=np.float64)
    y = 3.0 + 0.25 * t + np.tile([5.0, -2, 1, 0, 4, -3, 2, 1, -1, 0, -4, -3], 9)[:100]
    member = fit_all(y, 12)[0]["sdiff_ar"]
    assert member.params["phi"] == [] and abs(member.params["c"] - 3.0) < 1e-9
    future = np.arange(100, 124)
    expected = 3.0 + 0.25 * future + np.tile(
        [5.0, -2, 1, 0, 4, -3, 2, 1, -1, 0, -4, -3], 11)[future]
    np.testing.assert_allclose(member.path(24), expected, rtol=1e-9)


def test_an_explosive_stretch_gets_a_stationary_polynomial():
    rng = np.random.default_rng(1)
    z = np.cumsum(np.cumsum(rng.normal(0, 1, 300)))   # differences that themselves wander
    _, params, recent = seasonal_ar.fit(z, 1)
    roots = np.roots(np.r_[1.0, -np.asarray(params["phi"])]) if params["phi"] else []
    assert np.all(np.abs(roots) < seasonal_ar.MAX_ROOT)
    path = seasonal_ar.path(recent, params, 500)
    steps = np.diff(path)
    assert np.all(np.isfinite(path)) and np.ptp(steps[-100:]) < 1e-6 * max(1, abs(steps[-1]))


@pytest.mark.parametrize("module", [seasonal_ar, airline])
def test_with_given_params_a_one_step_forecast_reads_only_earlier_values(module):
    """For this structure and the airline model (``airline.py``), which share the form."""
    y = _simulated(300)
    _, params, _ = module.fit(y, 12)
    for j in (5, 13, 40, 299):
        changed = y.copy()
        changed[j:] += 1e3
        before = module.fit(y, 12, fixed=params)[0]
        after = module.fit(changed, 12, fixed=params)[0]
        np.testing.assert_array_equal(before[:j + 1], after[:j + 1])


def test_a_short_series_is_differenced_once():
    assert seasonal_ar.lag_for(33, 12) == 1 and seasonal_ar.lag_for(34, 12) == 12
    assert seasonal_ar.lag_for(500, 1) == 1
    assert fit_all(_simulated(), 1)[0]["sdiff_ar"].params["lag"] == 1   # no season: lag 1
    _, params, recent = seasonal_ar.fit(np.arange(20.0), 12)
    assert params["lag"] == 1 and abs(params["c"] - 1.0) < 1e-9
    np.testing.assert_allclose(seasonal_ar.path(recent, params, 3), [20.0, 21.0, 22.0])


def test_given_params_on_fewer_values_than_its_lags_still_forecast():
    _, params, _ = seasonal_ar.fit(_simulated(), 12)
    fitted, _, recent = seasonal_ar.fit(np.array([100.0, 101.0, 99.0]), 12, fixed=params)
    assert len(fitted) == 3 and np.all(np.isfinite(seasonal_ar.path(recent, params, 24)))


def test_the_member_round_trips_and_older_records_load():
    member = fit_all(_simulated(200), 12)[0]["sdiff_ar"]
    again = Member.from_dict(member.to_dict())
    np.testing.assert_array_equal(again.path(20), member.path(20))
    old = {k: v for k, v in fit_all(_simulated(200), 12)[0]["drift"].to_dict().items()
           if k != "recent"}
    assert Member.from_dict(old).recent == ()
