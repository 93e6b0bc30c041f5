"""The M4 structures in NumPy: seasonality test, decomposition, fitted smoothing."""

import numpy as np
import pytest

from series_predictor import intervals, structure_curves, structures


def test_seasonality_test_finds_a_season_and_not_noise():
    rng = np.random.default_rng(0)
    t = np.arange(120)
    assert structures.is_seasonal(10 + np.sin(2 * np.pi * t / 12) + 0.1 * rng.normal(size=120), 12)
    assert not structures.is_seasonal(rng.normal(size=120), 12)
    assert not structures.is_seasonal(np.sin(2 * np.pi * t[:30] / 12), 12)  # < 3 seasons


def test_multiplicative_indices_recover_a_planted_profile():
    t = np.arange(96)
    profile = np.array([0.8, 0.9, 1.0, 1.1, 1.2, 1.0, 0.9, 1.1, 1.0, 1.0, 0.95, 1.05])
    values = (100 + t) * profile[t % 12]
    index, multiplicative = structures.seasonal_indices(values, 12)
    assert multiplicative
    np.testing.assert_allclose(index, profile / profile.mean(), atol=0.01)


def test_holt_continues_a_straight_line_and_ses_stays_flat():
    values = 5.0 + 2.0 * np.arange(40)
    fitted, seasonal = structures.fit_all(values, 1)
    assert not seasonal
    np.testing.assert_allclose(fitted["holt"].path(5), 5.0 + 2.0 * np.arange(40, 45), atol=1e-6)
    assert np.ptp(fitted["ses"].path(5)) == 0
    assert fitted["drift"].path(1)[0] == values[-1] + 2.0


def test_smoothing_weights_are_fitted_per_series():
    rng = np.random.default_rng(1)
    walk = np.cumsum(rng.normal(size=200)) + 50   # a random walk: alpha near 1
    noise = rng.normal(size=200) + 50              # white noise: alpha small
    assert structures.fit_all(walk, 1)[0]["ses"].params["alpha"] >= 0.8
    assert structures.fit_all(noise, 1)[0]["ses"].params["alpha"] <= 0.2


def test_bands_follow_the_error_spread_at_each_horizon():
    paths = [np.zeros(6) for _ in range(10)]
    actual = [np.array([1, 2, 3, 4, 5, 6], float) * (1 if i % 2 else -1) for i in range(10)]
    model = intervals.by_horizon(paths, actual)
    np.testing.assert_allclose(model.steps, [1, 2, 3, 4, 5, 6])
    low, high = model.bands(np.zeros(8))[0.8]
    # Every error is its step's spread: their pooled quantile over it is 1 (the shape,
    # over the normal 1.2816), and the 80% band's Student-t quantile for 10 errors 1.372.
    assert model.shape["0.8"] == pytest.approx(1 / 1.2816)
    q = 1.372 * model.shape["0.8"]
    np.testing.assert_allclose(high[:6], q * np.arange(1, 7))
    np.testing.assert_allclose(high[7], q * 6 * np.sqrt(8 / 6))
    assert intervals.IntervalModel.from_dict(model.to_dict()) == model


def _airline():
    from series_predictor.config import ChapterConfig
    from series_predictor.stages import read_stage
    return read_stage(ChapterConfig()).values


def test_a_one_step_forecast_runs_the_structures_over_the_values_before_each_point():
    """The test period's one-step base is, at each point, the structures (with the
    weights fitted before the test period) run over the true values before it (so it
    is not the multi-step path from the origin), and reads nothing at or after it."""
    from series_predictor.transforms import Transform
    values = _airline()
    kinds = ("ses", "damped", "theta", "hw")
    transform = Transform(curve="structure", season=12, structures=kinds,
                          combine="median").fitted(values[:115])
    one_step = transform.one_step_fitted(values, 115, 29)
    for t in (115, 120, 143):
        expected = structure_curves.StructureCurve.fit(
            values[:t], 0, 12, kinds, "median", transform.base.params()).at([t])[0]
        assert one_step.base.at([t])[0] == pytest.approx(expected, rel=1e-12)
    path = transform.base.at(np.arange(115, 144))
    assert np.max(np.abs(one_step.base.at(np.arange(115, 144)) - path)) > 10  # not the path
    future = values.copy()
    future[121:] *= 3.0  # what comes at and after 121 cannot move the base at 121
    assert transform.one_step_fitted(future, 115, 29).base.at([121])[0] == \
        one_step.base.at([121])[0]


def test_bands_in_log_units_grow_with_the_level():
    """Errors that are a fixed share of the level give a band that is the same share of
    the point forecast, wherever that point is (by_horizon with log=True)."""
    rng = np.random.default_rng(0)
    paths = [np.full(6, 10.0 * (1 + i)) for i in range(30)]          # levels 10 .. 300
    actual = [p * np.exp(0.1 * rng.normal(size=6)) for p in paths]   # 10% errors
    model = intervals.by_horizon(paths, actual, log=True)
    assert model.log
    low, high = model.bands(np.full(6, 1000.0))[0.8]
    assert 1000 / low[0] == pytest.approx(high[0] / 1000, rel=1e-9)
    assert 0.08 < np.log(high[0] / 1000) / 1.2816 < 0.125             # about 10% a step
    absolute = intervals.by_horizon(paths, actual)
    a_low, a_high = absolute.bands(np.full(6, 1000.0))[0.8]
    assert a_high[0] - a_low[0] < 0.6 * (high[0] - low[0])  # blind to the level: too narrow
