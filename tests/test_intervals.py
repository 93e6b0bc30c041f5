"""Prediction intervals: calibrated on the validation tail, around the point forecast (issue 12)."""

import numpy as np
import pytest

from series_predictor.intervals import IntervalModel, by_horizon, calibrate, coverage


@pytest.mark.slow
def test_bands_are_the_calibrated_quantiles_times_root_k(ensemble_run):
    """Each band is ``log(point) +- q * sqrt(k)``, ``q`` the quantile of the scaled errors
    of the calibration paths, recomputed here from those paths and the true values."""
    run, split = ensemble_run, ensemble_run.prepared.split
    calibration = [t for t in run.tasks if t.kind == "path"
                   and split.fit_end <= t.start < split.n_train]
    scores = np.concatenate([
        np.abs(np.log(run.loaded.values[t.start:t.start + t.count])
               - np.log(run.combined.forecasts[t.name])) / np.sqrt(np.arange(1, t.count + 1))
        for t in calibration])
    assert run.intervals.samples == scores.size == 12 * 13 / 2
    for name in ("hallucination", "forecast"):
        point = run.combined.forecasts[name]
        bands = run.intervals.bands(point)
        assert set(bands) == {0.8, 0.95}
        root_k = np.sqrt(np.arange(1, len(point) + 1))
        for level, (low, high) in bands.items():
            q = np.quantile(scores, level, method="higher")
            np.testing.assert_allclose(np.log(high / point), q * root_k, rtol=1e-9)
            np.testing.assert_allclose(np.log(point / low), q * root_k, rtol=1e-9)
        assert np.all(bands[0.95][0] < bands[0.8][0]) and np.all(bands[0.8][1] < bands[0.95][1])


def test_bands_cover_as_promised_on_a_random_walk():
    """Errors of a random walk grow as sqrt(k): calibrated on 2000 paths, the bands hold
    80% and 95% of 2000 fresh ones (within 2 points), and q is the normal's quantile."""
    rng = np.random.default_rng(0)
    steps = 12

    def paths(count):
        point = np.full((count, steps), 100.0)
        return point, point + np.cumsum(rng.normal(size=(count, steps)), axis=1)

    point, actual = paths(2000)
    model = calibrate(list(point), list(actual))
    assert float(model.scale["0.8"]) == pytest.approx(1.2816, abs=0.05)
    assert float(model.scale["0.95"]) == pytest.approx(1.9600, abs=0.08)
    point, actual = paths(2000)
    covered = np.mean([list(coverage(model.bands(p), a).values()) for p, a in zip(point, actual)],
                      axis=0)
    np.testing.assert_allclose(covered, [0.80, 0.95], atol=0.02)
    low, high = model.bands(point[0])[0.8]  # and at each horizon, not only pooled
    by_step = np.mean((actual >= low) & (actual <= high), axis=0)
    np.testing.assert_allclose(by_step[[0, 5, 11]], 0.80, atol=0.04)


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


def test_under_log_a_forecast_at_or_below_zero_gets_the_band_of_its_errors_in_series_units():
    # issue 18: a log model's band of a point <= 0 was [0, 0] (the log of the smallest float)
    paths = [np.full(3, 100.0)] * 8
    actual = [np.array([100.0, 100.0, 100.0]) * f for f in (0.9, 1.1, 0.95, 1.05) * 2]
    model = by_horizon(paths, actual, log=True)
    unit = np.sqrt(62.5)  # errors of -10, 10, -5 and 5
    assert model.log and np.allclose(model.units, [unit] * 3)
    low, high = model.bands(np.array([50.0, 0.0, -4.0]))[0.95]
    t8 = 2.306  # Student-t, 8 errors at each step
    assert np.allclose(low[1:], [-t8 * unit, -4 - t8 * unit])
    assert np.allclose(high[1:], [t8 * unit, -4 + t8 * unit])
    ratio = np.exp(t8 * model.steps[0])
    assert np.isclose(low[0], 50 / ratio) and np.isclose(high[0], 50 * ratio)
    assert IntervalModel.from_dict(model.to_dict()) == model


def test_an_interval_record_without_units_reads_as_before():
    record = {"scale": {"0.8": 1.2816, "0.95": 1.96}, "log": True, "samples": 20,
              "steps": [0.1, 0.2]}
    model = IntervalModel.from_dict(record)
    assert model.units is None
    low, high = model.bands(np.array([100.0, 100.0]))[0.8]
    np.testing.assert_allclose(high, 100 * np.exp(1.2816 * np.array([0.1, 0.2])))


def test_each_step_s_band_uses_the_student_t_quantile_of_its_error_count():
    # 6 origins reach step 1, 5 step 2, 4 step 3 (fewer than MIN_PER_STEP past it)
    paths = [np.zeros(6 - i) for i in range(6)]
    actual = [np.full(6 - i, (-1.0) ** i) for i in range(6)]  # every error is 1 or -1
    model = by_horizon(paths, actual)
    assert model.counts == (6, 5, 4) and model.steps == (1.0, 1.0, 1.0)
    low, high = model.bands(np.zeros(5))[0.95]
    expected = [2.447, 2.571, 2.776, 2.776 * np.sqrt(4 / 3), 2.776 * np.sqrt(5 / 3)]
    np.testing.assert_allclose(high, expected)
    np.testing.assert_allclose(low, -np.array(expected))
    np.testing.assert_allclose(model.bands(np.zeros(1))[0.8][1], [1.440])
    assert IntervalModel.from_dict(model.to_dict()) == model


def test_a_record_without_counts_keeps_the_normal_quantiles():
    record = {"scale": {"0.8": 1.2816, "0.95": 1.96}, "log": False, "samples": 12,
              "steps": [2.0, 3.0], "units": None}
    low, high = IntervalModel.from_dict(record).bands(np.zeros(2))[0.95]
    np.testing.assert_allclose(high, [1.96 * 2.0, 1.96 * 3.0])


def _errors_of(draw, origins=40, steps=12):
    """``by_horizon``'s inputs: paths of 0 and truths ``draw(rng, shape)``, step ``k``'s
    errors scaled by ``sqrt(k)``."""
    rng = np.random.default_rng(0)
    actual = [draw(rng, steps) * np.sqrt(np.arange(1, steps + 1)) for _ in range(origins)]
    return [np.zeros(steps)] * origins, actual


def _held(model, draw):
    """Shares of 4000 fresh error paths (``draw``, scaled by ``sqrt(k)``) inside each band."""
    fresh = draw(np.random.default_rng(1), (4000, 12)) * np.sqrt(np.arange(1, 13))
    return {level: float(np.mean((fresh >= low) & (fresh <= high)))
            for level, (low, high) in model.bands(np.zeros(12)).items()}


def test_the_bands_follow_the_errors_shape_not_a_normal_one():
    """Heavy-tailed errors (Student-t, 3 degrees of freedom) get an 80% band narrower, and
    a 95% band wider, than normal errors of their spread; each band then holds about its
    share of new errors, for both kinds (the spread alone, made non-decreasing, times
    the Student-t quantiles, held 84% and 93% of the heavy-tailed ones and 83% and 96%
    of the normal ones)."""
    heavy_draw = lambda rng, size: rng.standard_t(3, size)  # noqa: E731
    normal_draw = lambda rng, size: rng.normal(size=size)  # noqa: E731
    heavy = by_horizon(*_errors_of(heavy_draw))
    normal = by_horizon(*_errors_of(normal_draw))
    assert heavy.shape["0.8"] < normal.shape["0.8"] and heavy.shape["0.95"] > normal.shape["0.95"]
    for model, draw in ((heavy, heavy_draw), (normal, normal_draw)):
        for level, held in _held(model, draw).items():
            assert abs(held - level) < 0.03, (level, held)
    few = by_horizon(*_errors_of(heavy_draw, origins=4))
    assert few.shape is None and few.steps is not None   # 48 errors: too few for a shape
    again = IntervalModel.from_dict(heavy.to_dict())
    np.testing.assert_array_equal(again.bands(np.ones(5))[0.8][1], heavy.bands(np.ones(5))[0.8][1])


def test_under_log_a_point_at_or_below_zero_gets_the_shape_of_its_errors_in_series_units():
    """The band of a point <= 0 under log is measured in series units (``units``): the
    quantile scaling it by must be that of the errors in series units too, not of the
    log ratios (errors of 10% at levels 1 to 1000: the ratios are normal, the errors in
    units heavy-tailed, held by the level-1000 origins). It is then the band a model of
    series-unit errors gives."""
    rng = np.random.default_rng(3)
    levels = np.repeat([1.0, 10.0, 100.0, 1000.0], 15)
    paths = [np.full(4, level) for level in levels]
    actual = [p * np.exp(rng.normal(0, 0.1, 4)) for p in paths]
    ratios, units = by_horizon(paths, actual, log=True), by_horizon(paths, actual)
    assert ratios.shape is not None and units.shape is not None
    assert abs(ratios.shape["0.8"] - units.shape["0.8"]) > 0.1
    point = np.array([0.0, -5.0, 0.0, -1.0])
    for level in (0.8, 0.95):
        np.testing.assert_allclose(ratios.bands(point)[level], units.bands(point)[level])
    again = IntervalModel.from_dict(ratios.to_dict())
    np.testing.assert_array_equal(again.bands(point)[0.8], ratios.bands(point)[0.8])


def _random_walk(changes_sd, seed=3):
    """``[n]`` a positive random walk whose one-step log change has the sd of each point."""
    rng = np.random.default_rng(seed)
    return 100 * np.exp(np.cumsum(rng.normal(0, 1, len(changes_sd)) * changes_sd))


def test_bands_without_a_season_follow_the_recent_volatility():
    """A price series that lately moves twice as much gets bands about twice as wide as
    its calm past alone would give (the 1997 stock indices' 80% bands held 16-19% of
    the test period when the calm years set them); the record says by how much."""
    from series_predictor import auto
    calm = np.full(600, 0.01)
    lively = calm.copy()
    lively[-120:] = 0.02
    widths = {}
    for name, sd in (("calm", calm), ("lively", lively)):
        values = _random_walk(sd)
        kinds, how = auto.pool(1)
        bands = auto._intervals(auto._structure("pool", kinds, 1, how), values, 1, 12, 50)
        low, high = bands.bands(np.full(50, 100.0))[0.8]
        widths[name] = (np.log(high[-1]) - np.log(low[-1]), bands.volatility)
    assert 1.6 < widths["lively"][0] / widths["calm"][0] < 2.6
    assert 1.6 < widths["lively"][1]["ratio"] < 2.6 and widths["lively"][1]["window"] == 120
    assert 0.7 < widths["calm"][1]["ratio"] < 1.4


def test_seasonal_bands_are_not_scaled_by_volatility():
    """Only series without a season (prices) get volatility-scaled bands."""
    from series_predictor import auto
    months = np.arange(240)
    values = 100 + 10 * np.sin(2 * np.pi * months / 12) + _random_walk(np.full(240, 0.01))
    kinds, how = auto.pool(12)
    bands = auto._intervals(auto._structure("pool", kinds, 12, how), values, 12, 12, 24)
    assert bands.volatility is None


def test_volatility_scaled_bands_survive_a_record():
    model = by_horizon([np.ones(10)] * 6, [np.linspace(1, 2, 10)] * 6,
                       recent=(np.cumsum(np.ones(200)), [50, 80, 110, 140, 170, 199]))
    again = IntervalModel.from_dict(model.to_dict())
    assert again.volatility == model.volatility and again.steps == model.steps


def test_a_calm_stretch_before_an_origin_does_not_blow_the_bands_up():
    """A price pegged at 100 (moving by 0.001%) for 32 days, then a random walk of 1%
    a day: the origin at the end of the peg divided its errors by a volatility near 0,
    and the 3-step spread went from 0.019 (a peg exactly flat: not scaled) to 1.99 in log
    units (a 95% band of x50). Each volatility is now at least a tenth of the origins'
    median (volatility.LEAST_SHARE); the series' own volatility still scales the bands."""
    from series_predictor.auto import band_origins
    rng = np.random.default_rng(0)
    pegged = np.concatenate([100 + 0.001 * rng.normal(size=32),
                             100 * np.exp(np.cumsum(rng.normal(0, 0.01, 168)))])
    flat = np.concatenate([np.full(32, 100.0), pegged[32:]])
    spreads = {}
    for name, values in (("pegged", pegged), ("flat", flat)):
        origins = band_origins(len(values), 1, 12)
        paths = [np.full(min(10, len(values) - o), values[o - 1]) for o in origins]
        actual = [values[o:o + len(p)] for o, p in zip(origins, paths)]
        spreads[name] = by_horizon(paths, actual, log=True, recent=(values, origins))
    assert spreads["flat"].volatility is None and spreads["pegged"].volatility is not None
    assert spreads["pegged"].steps[2] < 3 * spreads["flat"].steps[2] < 0.1


def test_the_forecast_past_the_data_gets_the_volatility_at_the_data_s_end():
    """Bands are set at the end of the training part; the forecast past the data starts
    after the test period, and its bands kept the training part's volatility (a market
    that then moved twice as much got bands half as wide as it moves). ``ahead`` scales
    them by the volatility at the data's end; without volatility scaling nothing changes."""
    from series_predictor import auto
    from series_predictor.intervals import ahead
    sd = np.full(750, 0.01)
    sd[600:] = 0.02                       # the test period moves twice as much
    values = _random_walk(sd)
    kinds, how = auto.pool(1)
    bands = auto._intervals(auto._structure("pool", kinds, 1, how), values[:600], 1, 12, 150)
    later = ahead(bands, values)
    assert 1.6 < later.volatility["ahead"] < 2.5
    assert np.allclose(np.divide(later.steps, bands.steps), later.volatility["ahead"])
    assert ahead(bands, values[:600]).steps == bands.steps        # the training part's end
    seasonal = by_horizon([np.ones(10)] * 6, [np.linspace(1, 2, 10)] * 6)
    assert ahead(seasonal, values) is seasonal and ahead(None, values) is None
