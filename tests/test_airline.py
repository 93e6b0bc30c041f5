"""The airline model, ARIMA (0,1,1)(0,1,1) (``airline.py``, the ``airline`` structure)."""

import numpy as np

from series_predictor import airline
from series_predictor.structure_curves import StructureCurve
from series_predictor.structures import Member, fit_all

SEASON = [5.0, -2, 1, 0, 4, -3, 2, 1, -1, 0, -4, -3]


def _simulated(n=600, theta=-0.4, big_theta=-0.6, seed=0):
    """``(1 - B)(1 - B^12) y_t = e_t + theta e_{t-1} + Theta e_{t-12} + theta Theta e_{t-13}``."""
    rng = np.random.default_rng(seed)
    e = rng.normal(0, 1.0, n)
    w = e.copy()
    w[1:] += theta * e[:-1]
    w[12:] += big_theta * e[:-12]
    w[13:] += theta * big_theta * e[:-13]
    y = 100 + 10 * np.sin(2 * np.pi * np.arange(n) / 12)
    for t in range(13, n):
        y[t] = y[t - 1] + y[t - 12] - y[t - 13] + w[t]
    return y


def test_the_fit_recovers_known_weights():
    for theta, big_theta, seed in ((-0.4, -0.6, 0), (0.3, -0.8, 1), (-0.7, -0.2, 2)):
        _, params, recent = airline.fit(_simulated(800, theta, big_theta, seed), 12)
        assert params["lag"] == 12 and len(recent) == 2 * 13
        assert abs(params["theta"] - theta) < 0.1 and abs(params["Theta"] - big_theta) < 0.1


def test_the_path_is_the_one_step_forecast_run_on_with_errors_of_zero():
    """Appended to the values, the path's own points have one-step errors of 0: each is
    the model's forecast of the next point from all before it."""
    y = _simulated(300)
    fitted, params, recent = airline.fit(y, 12)
    path = airline.path(recent, params, 40)
    longer = np.r_[y, path]
    again = airline.fit(longer, 12, fixed=params)[0]
    np.testing.assert_allclose(again[:len(y)], fitted, rtol=1e-12)
    np.testing.assert_allclose(again[len(y):], path, rtol=1e-10)


def test_a_season_on_a_line_is_continued_exactly():
    t = np.arange(100, dtype=np.float64)
    y = 3.0 + 0.25 * t + np.tile(SEASON, 9)[:100]
    member = fit_all(y, 12)[0]["airline"]
    future = np.arange(100, 124)
    expected = 3.0 + 0.25 * future + np.tile(SEASON, 11)[future]
    np.testing.assert_allclose(member.path(24), expected, rtol=1e-9)


def test_it_needs_a_season_and_enough_of_them():
    y = _simulated(200)
    assert "airline" not in fit_all(y, 1)[0]               # no season: not fitted
    least = 2 * 12 + 10
    assert "airline" not in fit_all(y[:least - 1], 12)[0]
    assert "airline" in fit_all(y[:least], 12)[0]
    # A curve asked for it on too few values combines the others.
    curve = StructureCurve.fit(y[:least - 1], 0, 12, ("ets", "airline", "snaive"))
    assert [m.kind for m in curve.members] == ["ets", "snaive"]


def test_a_refit_with_weights_that_lack_it_does_not_choose_them_on_the_values():
    """Given an earlier fit's weights without the airline model's (its values were too
    few), a refit leaves it out: chosen there, its weights would read every value,
    the ones its one-step forecasts must not see."""
    y = _simulated(200)
    short = StructureCurve.fit(y[:30], 0, 12, ("ets", "airline"))
    assert "airline" not in short.params()
    rerun = StructureCurve.fit(y, 0, 12, ("ets", "airline"), fixed=short.params())
    assert [m.kind for m in rerun.members] == ["ets"]


def test_huge_values_are_fitted_rescaled_and_the_member_round_trips():
    y = _simulated(200)
    small = fit_all(y, 12)[0]["airline"]
    huge = fit_all(y * 2.0 ** 400, 12)[0]["airline"]
    assert huge.params == small.params
    np.testing.assert_allclose(huge.path(24), small.path(24) * 2.0 ** 400, rtol=1e-12)
    again = Member.from_dict(small.to_dict())
    np.testing.assert_array_equal(again.path(20), small.path(20))


def test_a_constant_series_is_forecast_flat():
    member = fit_all(np.full(60, 7.0), 12)[0]["airline"]
    np.testing.assert_allclose(member.path(30), 7.0)


def _daily(n=80, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 1, n)


def test_every_band_origin_of_days_combines_the_whole_pool():
    """auto's first band origin for days holds 3 seasons of 7 (21 points), fewer than
    ``airline.supports``'s 24: with the whole part's weights given, nothing is chosen
    there, so the model runs on it, and each band origin's curve is the median of the
    same five members as the forecast's (before: four at the first origin)."""
    from series_predictor import auto
    from series_predictor.structures import weights_only
    y = _daily()
    whole = StructureCurve.fit(y[:60], 0, 7, auto.POOL, "median")
    weights = weights_only(whole.params())
    assert [m.kind for m in whole.members] == list(auto.POOL)
    origins = auto.band_origins(60, 7, 7)
    assert origins[0] == 21
    for o in origins:
        curve = StructureCurve.fit(y[:o], 0, 7, auto.POOL, "median", weights)
        assert [m.kind for m in curve.members] == list(auto.POOL), o
    first = StructureCurve.fit(y[:21], 0, 7, auto.POOL, "median", weights).members[1]
    assert first.params == whole.params()["airline"]
    # It is the recursion with those weights, each fitted point from the values before it.
    fitted, _, recent = airline.fit(y[:21], 7, fixed=whole.params()["airline"])
    np.testing.assert_array_equal(first.fitted, fitted)
    np.testing.assert_array_equal(first.path(5), airline.path(recent, first.params, 5))
    assert np.all(np.isfinite(first.path(30)))
