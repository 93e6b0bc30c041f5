"""--recipe auto on a user's awkward series (issue 18): NumPy only, no TensorFlow."""

import dataclasses
import warnings

import numpy as np
import pytest

from conftest import quiet_log
from series_predictor import auto, stages, structures
from series_predictor.config import with_recipe
from series_predictor.structure_curves import StructureCurve

T = np.arange(144)
SEASONAL = (100 + T) * (1 + 0.2 * np.sin(2 * np.pi * T / 12))


def choose(values, season=12, n_test=24):
    """``auto.choose`` on ``values`` with the last ``n_test`` points as the test period,
    any NumPy warning raised as an error."""
    values = np.asarray(values, dtype=np.float64)
    loaded = stages.LoadedSeries(values, np.arange(len(values)), list(range(2, len(values) + 2)),
                                 "series.csv", None)
    config = auto.window_for(dataclasses.replace(with_recipe("auto"), season=season))
    split = stages.Split(len(values), len(values) - n_test, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return auto.choose(loaded, config, split, stages.Progress(quiet_log, quiet=True))


@pytest.mark.parametrize("values", [
    np.r_[np.zeros(100), np.random.default_rng(1).poisson(2, 44)],   # zeros, then sales
    np.tile(np.arange(1.0, 13.0), 12),                                 # one exact pattern
], ids=["zeros-then-counts", "exact-pattern"])
def test_a_validation_tie_with_seasonal_naive_at_no_error_is_a_ratio_of_one(values):
    # old code: 0 / 1e-300 = 0 ("beats seasonal naive") for the zeros, 1e-14 / 1e-300
    # = 5e284 for the pattern (rounding), and log(0) warnings
    record = choose(values).record
    assert record["combination_ratio"] == 1.0
    assert not record["beats_seasonal_naive_on_validation"]
    assert all(0 < row["validation_ratio"] < 1e12 for row in record["candidates"].values())


def test_a_forecast_that_beats_a_perfect_looking_reference_still_scores_without_warnings():
    line = 3.0 + 2 * T  # drift continues it exactly, and so, nearly, do ETS and the
    record = choose(line, season=1).record  # optimised Theta (theta up to 10)
    assert 0 < record["combination_ratio"] < 0.01  # their median, over persistence


def test_bands_of_a_positive_series_whose_structures_forecast_below_zero_are_in_series_units():
    # a positive series that crashes: the structures' paths from some band origins go
    # below 0, where a ratio means nothing (old code: log of the smallest float, a 95%
    # band of exp(590) and a band around a negative point that did not hold it)
    crash = np.r_[1000 + 50 * np.sin(2 * np.pi * T[:100] / 12),
                  1000 * np.exp(-(T[100:] - 99) / 1.0) + 1e-3]
    choice = choose(crash)
    assert choice.intervals is not None and not choice.intervals.log
    assert max(choice.intervals.steps) < 1000  # series units: the crash is 1000 deep
    point = np.array([-0.05, -0.08, -0.1])
    for low, high in choice.intervals.bands(point).values():
        assert np.all(np.isfinite(low)) and np.all(np.isfinite(high))
        assert np.all(low < point) and np.all(point < high)


WITH_HW = ("hw", "ets", "damped", "holt", "drift", "snaive", "opt_theta")


def test_holt_winters_with_given_weights_on_less_than_two_seasons_forecasts_numbers():
    whole = StructureCurve.fit(SEASONAL[:120], 0, 12, WITH_HW)
    for n in (12, 8, 20):  # old code: the mean of an empty second season -> NaN
        short = StructureCurve.fit(SEASONAL[:n], 0, 12, WITH_HW, fixed=whole.params())
        hw = next(m for m in short.members if m.kind == "hw")
        assert np.all(np.isfinite(hw.path(12))) and np.all(np.isfinite(hw.fitted))
        assert np.all(np.abs(hw.path(12) - SEASONAL[n:n + 12]) < 0.5 * SEASONAL[n:n + 12])


def test_bands_of_a_positive_series_forecast_to_cross_zero_hold_the_forecast():
    # positive over the training part, falling 2 a month: the structures' forecast goes
    # below 0 within the test period (old code: log-unit bands, [0, 0] around -9)
    falling = 10 + (120 - T) * 2.0 + 3 * np.sin(2 * np.pi * T / 12)
    choice = choose(np.abs(falling))
    known = falling[:120]
    point = StructureCurve.fit(known, 0, 12, auto.POOL).at(np.arange(120, 144))
    assert point[0] > 0 > point[-1] and not choice.intervals.log
    for low, high in choice.intervals.bands(point).values():
        assert np.all(low < point) and np.all(point < high)
        assert np.all(high - low < 60)  # series units: the fall over the test period is 48


def test_a_structure_curve_recorded_before_adjust_still_forecasts_one_step():
    # run.json written before 2.1 has no "adjust": each one-step point is refitted instead
    import json
    from series_predictor.transforms import Transform
    fitted = Transform(curve="structure", season=12, structures=WITH_HW,
                       combine="median").fitted(SEASONAL[:120])
    record = json.loads(json.dumps(fitted.to_dict()))
    del record["base"]["adjust"]
    old = Transform.from_dict(record)
    assert old.base.adjust is None and len(old.base.members) == len(WITH_HW)
    now = fitted.one_step_fitted(SEASONAL, 120, 24).base.at(np.arange(120, 144))
    then = old.one_step_fitted(SEASONAL, 120, 24).base.at(np.arange(120, 144))
    assert np.all(np.isfinite(then)) and np.max(np.abs(then - now) / SEASONAL[120:]) < 0.01
    changed = SEASONAL.copy()
    changed[130:] = 1e6  # nothing after a point is read for it
    later = old.one_step_fitted(changed, 120, 24).base.at(np.arange(120, 131))
    np.testing.assert_array_equal(later, then[:11])


@pytest.mark.parametrize("season,n,n_test", [(1, 90, 18), (4, 40, 8), (7, 70, 14)])
def test_the_choice_and_bands_read_nothing_of_the_test_period_and_repeat(season, n, n_test):
    t = np.arange(n)
    rng = np.random.default_rng(season)
    values = 50 + 0.3 * t + (5 * np.sin(2 * np.pi * t / season) if season > 1 else 0) \
        + rng.normal(0, 1, n).cumsum()
    first, again = choose(values, season, n_test), choose(values.copy(), season, n_test)
    corrupted = values.copy()
    corrupted[-n_test:] = np.linspace(1e6, -1e6, n_test)
    other = choose(corrupted, season, n_test)
    for choice in (again, other):
        assert choice.record == first.record and choice.intervals == first.intervals
        assert [c.name for c in choice.candidates] == [c.name for c in first.candidates]


def _plan(tmp_path, values, season):
    """``plan_chapter`` of ``--recipe auto`` on ``values`` written to a CSV (no training)."""
    from series_predictor.fitting import plan_chapter
    from series_predictor.config import ChapterConfig
    path = tmp_path / f"s{season}-{len(values)}.csv"
    path.write_text("t,value\n" + "".join(f"{i},{float(v)!r}\n" for i, v in enumerate(values)))
    loaded = stages.read_stage(ChapterConfig(data=str(path)))
    return plan_chapter(loaded, with_recipe("auto", quiet=True, season=season),
                        stages.Progress(quiet_log, quiet=True))


@pytest.mark.parametrize("season", [1, 12])
def test_a_short_series_is_refused_by_one_message_naming_the_true_minimum(tmp_path, season):
    """Season 1 once got "at least 17 points are needed" below 17 points, then "--recipe
    auto needs at least 25 training points" from 17 to 31: two rules, and the first named
    a length that was refused too. Every refusal now names one whole-series minimum, the
    shortest length that is planned."""
    import re
    from series_predictor.errors import SeriesTooShortError
    t = np.arange(60, dtype=np.float64)
    values = 100 + t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(size=60)
    stated = set()
    for n in range(10, 60):
        try:
            _plan(tmp_path, values[:n], season)
        except SeriesTooShortError as exc:
            found = re.findall(r"at least (\d+) points", str(exc))
            assert len(found) == 1 and f"{n} points are too few" in str(exc), str(exc)
            stated.add(int(found[0]))
            continue
        break  # the first length planned
    assert stated == {n}, (stated, n)   # one message, and its minimum is the first accepted
    assert n == {1: 17, 12: 47}[season]  # 13 (windows of 4) or 37 training points of 80%
    for longer in (n + 1, n + 2):
        _plan(tmp_path, values[:longer], season)


@pytest.mark.parametrize("magnitude", [1e200, 1e-200])
def test_values_near_the_float_limits_get_the_same_choice_scores_and_bands(magnitude):
    # before: a monthly series near 1e200 ended --recipe auto with an OverflowError
    # (ets's rounding floor squared the largest value) and RuntimeWarnings (the
    # seasonality test's and the bands' squares)
    plain, huge = choose(SEASONAL), choose(SEASONAL * magnitude)
    assert huge.record["combination_ratio"] == pytest.approx(
        plain.record["combination_ratio"], rel=1e-9)
    for name, row in plain.record["candidates"].items():
        assert huge.record["candidates"][name]["validation_ratio"] == pytest.approx(
            row["validation_ratio"], rel=1e-9)
    point = SEASONAL[120:132]
    for level, (low, high) in plain.intervals.bands(point).items():
        big_low, big_high = huge.intervals.bands(point * magnitude)[level]
        np.testing.assert_allclose(big_low, low * magnitude, rtol=1e-9)
        np.testing.assert_allclose(big_high, high * magnitude, rtol=1e-9)


def test_structures_fitted_near_1e200_are_the_same_structures_in_those_units():
    from series_predictor.structures import fit_all
    plain, seasonal = fit_all(SEASONAL[:120], 12)
    huge, huge_seasonal = fit_all(SEASONAL[:120] * 1e200, 12)
    assert seasonal and huge_seasonal and set(plain) == set(huge)
    for kind, member in plain.items():
        np.testing.assert_allclose(huge[kind].path(12), member.path(12) * 1e200, rtol=1e-9)
        np.testing.assert_allclose(huge[kind].fitted, np.array(member.fitted) * 1e200,
                                   rtol=1e-9)
    curve = StructureCurve.fit(SEASONAL[:120] * 1e200, 0, 12, auto.POOL)
    again = StructureCurve.fit(SEASONAL[:100] * 1e200, 0, 12, auto.POOL, fixed=curve.params())
    reference = StructureCurve.fit(SEASONAL[:120], 0, 12, auto.POOL)
    expected = StructureCurve.fit(SEASONAL[:100], 0, 12, auto.POOL, fixed=reference.params())
    np.testing.assert_allclose(again.at(np.arange(100, 112)),
                               expected.at(np.arange(100, 112)) * 1e200, rtol=1e-9)


def test_values_near_the_largest_float_are_tested_and_fitted_as_the_same_values_near_one():
    # before: the scale 2.0 ** round(log2(size)) overflowed for a size past 2**1023.5
    # (about 1.27e308: OverflowError), and the seasonality test's mean overflowed to inf
    from series_predictor.structures import fit_all, is_seasonal, power_of_two
    y = SEASONAL[:120] / np.max(SEASONAL[:120]) * 1.9   # largest 1.9, past sqrt(2)
    big = y * 2.0 ** 1023                                # largest about 1.7e308
    assert power_of_two(big) == 2.0 ** 1023 and power_of_two([3.0, -5.0]) == 4.0
    assert is_seasonal(y, 12) and is_seasonal(big, 12)
    plain, _ = fit_all(y, 12, only=auto.POOL)
    with np.errstate(over="ignore"):   # the optimised Theta's first fitted values may be
        huge, seasonal = fit_all(big, 12, only=auto.POOL)   # past the largest float
    assert seasonal
    for kind in auto.POOL:   # exact: the same fit on the same values over 2**1023
        assert huge[kind].a == plain[kind].a * 2.0 ** 1023
        assert huge[kind].fitted[12:] == tuple(v * 2.0 ** 1023 for v in plain[kind].fitted[12:])


def test_bands_of_a_series_growing_5_percent_a_step_are_ratios_near_one():
    # 1.05^t over 300 points: the structures at the early band origins used the whole
    # part's drift slope (485), autoregression constant (489) and Theta line, fitted
    # where the values are near 2e6, on values near 2 (old code: paths 246 times the
    # truth, an 80% band from 0.045 to 22 times the one-step forecast)
    growth = 1.05 ** np.arange(300.0)
    choice = choose(growth, season=1, n_test=60)
    assert choice.intervals is not None and choice.intervals.log
    assert choice.intervals.steps[0] < 0.1     # a one-step ratio within 10%
    point = StructureCurve.fit(growth[:240], 0, 1, auto.UNSEASONAL_POOL).at(np.arange(240, 252))
    low, high = choice.intervals.bands(point)[0.8]
    assert high[0] / low[0] < 1.3       # old code: 480
    truth = growth[240:252]             # the structures lag it: the bands must hold it
    assert np.all(low < truth) and np.all(truth < high) and np.all(high / low < 5)


def test_a_refit_with_weights_only_estimates_the_stretch_quantities_again():
    growth = 1.05 ** np.arange(240.0)
    whole = StructureCurve.fit(growth, 0, 1, auto.UNSEASONAL_POOL)
    weights = structures.weights_only(whole.params())
    for kind, names in structures.STRETCH_PARAMS.items():
        assert not set(names) & set(weights.get(kind, {}))
    early = StructureCurve.fit(growth[:30], 0, 1, auto.UNSEASONAL_POOL, fixed=weights)
    for member in early.members:   # each one-step forecast within 10% of 1.05^30
        assert abs(member.path(1)[0] / growth[30] - 1) < 0.1, member.kind
    assert early.params()["ets"] == whole.params()["ets"]
    assert early.params()["sdiff_ar"]["phi"] == whole.params()["sdiff_ar"]["phi"]
    assert early.params()["opt_theta"]["theta"] == whole.params()["opt_theta"]["theta"]


DECAY = 1000 * 0.95 ** T + 5.0   # a decay toward 5: straight lines through it cross 0


def _auto_path(values, n_known, count, floored):
    """The auto structures' path past ``values[:n_known]`` through their transform."""
    transform = dataclasses.replace(auto._structure("pool", auto.POOL, 12).transform,
                                    floored=floored).fitted(values[:n_known])
    return transform.invert_path(values, n_known, np.zeros(count))


def test_a_series_never_below_zero_is_never_forecast_below_zero():
    unfloored = _auto_path(DECAY, 60, 84, floored=False)
    floored = _auto_path(DECAY, 60, 84, floored=True)
    assert unfloored.min() < -50  # the bug: a decay forecast far below 0
    assert floored.min() == 0.0
    np.testing.assert_array_equal(floored[unfloored >= 0], unfloored[unfloored >= 0])
    assert auto._structure("pool", auto.POOL, 12).transform.floored  # auto floors


def test_a_series_that_went_below_zero_keeps_its_negative_forecasts():
    shifted = DECAY - 200.0   # the same decay, below 0 from the start of its tail
    path = _auto_path(shifted, 60, 84, floored=True)
    np.testing.assert_allclose(path, _auto_path(shifted, 60, 84, floored=False))
    assert path.min() < -200


def test_one_step_forecasts_are_floored_only_after_values_never_below_zero():
    values = np.r_[DECAY[:60], -1.0, DECAY[61:]]   # one negative value, at time 60
    transform = dataclasses.replace(auto._structure("pool", auto.POOL, 12).transform,
                                    floored=True).fitted(DECAY[:50])
    z = np.full(20, -500.0)   # forecasts far below 0, from times 50..69
    out = transform.invert_one_step(values, 50, z)
    assert np.all(out[:11] == 0.0)   # times 50..60: every value before them >= 0
    assert np.all(out[11:] < -400)   # times 61..: the -1 at time 60 is known


def test_bands_of_counts_with_zeros_stop_at_zero():
    rng = np.random.default_rng(0)
    counts = rng.poisson(0.6 + 0.6 * (np.sin(2 * np.pi * T / 12) > 0)).astype(float)
    choice = choose(counts)
    assert choice.intervals.floor == 0.0 and not choice.intervals.log
    point = StructureCurve.fit(counts[:120], 0, 12, auto.POOL).at(np.arange(120, 144))
    unfloored = dataclasses.replace(choice.intervals, floor=None).bands(point)
    assert min(low.min() for low, _ in unfloored.values()) < -0.5  # the bug it fixes
    for (low, high), (low0, high0) in zip(choice.intervals.bands(point).values(),
                                          unfloored.values()):
        np.testing.assert_array_equal(low, np.maximum(low0, 0.0))
        np.testing.assert_array_equal(high, high0)
    described = choice.intervals.from_dict(choice.intervals.to_dict())
    assert described.floor == 0.0   # a kept run folder's bands stop at 0 too


def test_a_series_with_a_negative_value_gets_no_band_floor():
    values = SEASONAL - 150.0   # below 0 at its start
    assert values[:120].min() < 0
    assert choose(values).intervals.floor is None


def test_a_forecast_from_the_last_values_only_is_floored_as_the_whole_series_is():
    """A kept run folder forecasts from the series' last values: the lowest value before
    them (``lowest``) decides the floor, as the whole series does in the run."""
    values = np.r_[-1.0, DECAY[1:60]]   # below 0 once, at the start
    transform = dataclasses.replace(auto._structure("pool", auto.POOL, 12).transform,
                                    floored=True).fitted(DECAY[:60])
    whole = transform.invert_path(values, 60, np.zeros(84))
    assert whole.min() < -50          # no floor: a negative value is known
    tail = transform.invert_path(values[-30:], 30, np.zeros(84), t0=30)
    assert tail.min() == 0.0          # the last 30 alone never went below 0
    np.testing.assert_array_equal(
        transform.invert_path(values[-30:], 30, np.zeros(84), t0=30, lowest=-1.0), whole)


def test_a_band_floor_is_not_applied_once_a_value_below_it_is_known():
    from series_predictor.intervals import IntervalModel
    model = IntervalModel({"0.95": 1.96}, False, 10, steps=(2.0, 3.0), floor=0.0)
    point = np.array([1.0, 1.0])
    assert model.bands(point)[0.95][0].min() == 0.0
    assert model.bands(point, lowest=0.0)[0.95][0].min() == 0.0
    np.testing.assert_allclose(model.bands(point, lowest=-1.0)[0.95][0],
                               1.0 - 1.96 * np.array([2.0, 3.0]))


@pytest.mark.parametrize("season, n, n_test", [(1, 100, 20), (4, 80, 16), (12, 144, 24)])
def test_the_recorded_validation_verdict_is_the_floored_forecasts(season, n, n_test):
    """A decay toward 5 whose structures cross 0 from the validation origins: the record's
    combination ratio is that of the forecast the run makes (the median of four, or the
    mean of three, floored at 0), not the combination of each floored path (once 0.687
    "beats persistence" without a season, where the forecast scored 1.217)."""
    t = np.arange(n)
    values = np.abs(1000 * 0.9 ** t + 5 + np.random.default_rng(season).normal(0, 1, n))
    choice = choose(values, season=season, n_test=n_test)
    known, final = values[:n - n_test], choice.candidates[0]
    origins = auto.validation_origins(n - n_test, n_test, season, choice.config.seq_size)
    verdict = auto._geometric_mean([auto._ratio(
        auto.structure_path(final, known, o, n_test), known, o, n_test, season)
        for o in origins])
    assert choice.record["combination_ratio"] == pytest.approx(verdict, rel=1e-9)


def test_a_diverged_forecast_is_not_floored_into_a_plausible_one():
    """-inf is a diverged member, for the ensemble to drop (it once became 0, inside the
    plausible range of counts); NaN stays NaN; finite values below 0 become 0."""
    from series_predictor.ensemble import Envelope
    from series_predictor.transforms import floor_at_zero
    out = floor_at_zero([-np.inf, np.nan, -1.0, 2.0], 0.0)
    assert out[0] == -np.inf and np.isnan(out[1]) and list(out[2:]) == [0.0, 2.0]
    counts = Envelope.fit(np.r_[np.zeros(10), np.ones(10)], 12)
    assert counts.first_escape(floor_at_zero([1.0, -np.inf], 0.0)) == 1


def test_a_large_finite_divergence_is_not_floored_into_a_plausible_one():
    """A network that diverged to -1e30 on a series of counts: the floor at 0 once made
    that 0, inside the plausible range, and the ensemble kept it. Values more than
    DIVERGED times the largest known magnitude below 0 stay as they are (and the
    envelope drops them); a merely negative forecast is still floored."""
    from series_predictor.ensemble import Envelope
    from series_predictor.transforms import DIVERGED, Transform, floor_at_zero
    assert list(floor_at_zero([-1e30, -5.0, 3.0], 0.0, scale=10.0)) == [-1e30, 0.0, 3.0]
    assert floor_at_zero([-DIVERGED * 10.0 * 0.99], 0.0, scale=10.0)[0] == 0.0
    known = 20 + 10 * np.sin(2 * np.pi * np.arange(48) / 12) + np.arange(48) * 0.1
    transform = Transform(curve="structure", season=12, structures=("snaive",),
                          combine="median", floored=True).fitted(known)
    path = transform.invert_path(known, 48, np.array([0.0, -1e30, -100.0]))
    assert path[0] > 0 and path[1] < -1e29 and path[2] == 0.0
    assert Envelope.fit(known, 12).first_escape(path) == 1
    steps = transform.invert_one_step(np.r_[known, 25.0, 25.0], 48, np.array([-1e30, -100.0]))
    assert steps[0] < -1e29 and steps[1] == 0.0


def _yearly(count):
    values = 100 + np.cumsum(np.random.default_rng(1).normal(1, 3, count))
    return stages.LoadedSeries(values, np.arange(count), list(range(2, count + 2)),
                               "years.csv", None)


def test_a_short_series_without_a_season_gets_a_window_it_can_hold():
    """Yearly data: 25 points were refused (auto's window of 12 needs 32 points); now
    windows of 9, said before training; 16 points are refused naming the 17 that the
    shortest window (4) needs."""
    from series_predictor import fitting
    from series_predictor.errors import SeriesTooShortError
    lines = []
    config = dataclasses.replace(with_recipe("auto", quiet=False), season=1)
    run = fitting.plan_chapter(_yearly(25), config, stages.Progress(lines.append, False))
    assert run.config.seq_size == 9
    assert "Auto recipe: windows of 9 points (12 do not fit 25 points without a season)" in lines
    assert fitting.plan_chapter(_yearly(40), config, stages.Progress(quiet_log, True)) \
        .config.seq_size == 12
    with pytest.raises(SeriesTooShortError, match="at least 17 points are needed"):
        fitting.plan_chapter(_yearly(16), config, stages.Progress(quiet_log, True))


def test_a_left_out_network_s_dropped_member_is_not_warned_of():
    """A 30-point yearly run printed "Warning: member with seed 0 left out of the test
    one-step: ..." although the network's correction was left out and every forecast was
    the structures' alone: the network's verdict line says it, and no warning repeats it;
    a kept network's (or the book's) dropped member is still warned of."""
    from types import SimpleNamespace
    from series_predictor import report
    combined = SimpleNamespace(dropped={0: {"test one-step": "it left the plausible range"}})
    config = with_recipe("auto", season=1)
    auto_run = {"auto": {"network": {"kept": False}, "beats_seasonal_naive_on_validation": True}}
    assert report.warnings(auto_run, config, combined) == []
    auto_run["auto"]["network"]["kept"] = True
    kept = report.warnings(auto_run, config, combined)
    assert kept == ["member with seed 0 left out of the test one-step: it left the plausible range"]
    assert report.warnings({}, with_recipe(None), combined) == kept


def test_a_seasonal_series_too_short_for_auto_is_told_how_it_runs_without_a_season(tmp_path):
    """40 months (47 needed at season 12) were refused with no way forward named; the
    refusal now says that --season 1 takes them (17 points); a series too short even
    for that is not told so."""
    from series_predictor.errors import SeriesTooShortError
    t = np.arange(40.0)
    with pytest.raises(SeriesTooShortError) as refused:
        _plan(tmp_path, 100 + t + 10 * np.sin(2 * np.pi * t / 12), 12)
    assert str(refused.value).endswith(
        "; or forecast it without a season (--season 1: no seasonal structure, judged "
        "against persistence), which needs 17")
    _plan(tmp_path, 100 + t + 10 * np.sin(2 * np.pi * t / 12), 1)   # and it does
    with pytest.raises(SeriesTooShortError) as short:
        _plan(tmp_path, 100 + t[:15], 12)
    assert "--season 1" not in str(short.value)


def test_a_network_left_out_for_a_dropped_validation_path_says_why():
    """Since no warning repeats a left-out network's dropped members, its verdict line is
    the one place that says why; when the validation hallucination itself was dropped it
    said only "no network forecast", not that the path left the plausible range."""
    from types import SimpleNamespace
    from series_predictor.network_verdict import _why_left_out
    why = "its validation hallucination forecast left the plausible range 85.59..137.6 at step 1"
    run = SimpleNamespace(combined=SimpleNamespace(dropped={0: {"validation hallucination": why}}))
    said = _why_left_out(None, 2.0, ["validation hallucination", "forecast"], run)
    assert said == "its validation hallucination forecast was dropped: " + why
