"""--recipe auto: candidates chosen on the training part only (issue 12)."""

import json
import re

import numpy as np
import pytest

from conftest import quiet_log
from series_predictor import auto, network_verdict, stages
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.config import with_recipe


@pytest.fixture(scope="module")
def airline():
    return stages.read_stage(ChapterConfig())


def test_the_choice_never_reads_the_test_period(airline):
    config = with_recipe("auto")
    split = stages.Split(144, 115, 0)
    progress = stages.Progress(quiet_log, quiet=True)
    first = auto.choose(airline, config, split, progress)
    corrupted = airline.values.copy()
    corrupted[115:] = np.linspace(1e6, 1.0, 29)  # nothing like the real test period
    second = auto.choose(stages.LoadedSeries(corrupted, airline.times, airline.lines,
                                             airline.path, airline.units), config, split, progress)
    assert first.record == second.record
    assert [c.name for c in first.candidates] == [c.name for c in second.candidates]
    assert first.intervals == second.intervals


def test_origins_are_a_horizon_apart_inside_the_training_part():
    assert auto.validation_origins(115, 29, 12, 12) == [57, 86]
    assert auto.validation_origins(585, 147, 12, 12) == [144, 291, 438]
    assert auto.validation_origins(60, 30, 12, 12) == [36]  # at least one, with 3 seasons


def test_structure_alone_of_seasonal_naive_repeats_the_last_season():
    values = np.arange(1.0, 61.0) + (np.arange(60) * 7) % 5
    snaive = next(c for c in auto.candidates(12) if c.name == "snaive")
    path = auto.structure_path(snaive, values, 48, 30)
    np.testing.assert_allclose(path, values[36:48][np.arange(30) % 12])


def test_every_structure_has_its_words():
    from series_predictor.structures import DESCRIPTIONS, KINDS
    assert set(DESCRIPTIONS) == set(KINDS) and all(len(w) <= 39 for w in DESCRIPTIONS.values())


def test_a_series_with_no_season_gets_no_seasonal_candidate():
    seasonal = [c.name for c in auto.candidates(12)]
    plain = [c.name for c in auto.candidates(1)]
    assert {"snaive", "hw", "airline"} <= set(seasonal)
    assert not {"snaive", "hw", "airline"} & set(plain)
    assert plain == ["ses", "holt", "damped", "theta", "opt_theta", "ets", "naive", "drift",
                     "sdiff_ar"]
    # no season: no seasonal structure
    assert not {"snaive", "hw", "airline"} & set(auto.pool(1)[0])
    t = np.arange(120)
    values = 50 + 10 * np.sin(2 * np.pi * t / 12) + 0.01 * t
    path = auto.structure_path(next(c for c in auto.candidates(1) if c.name == "ses"),
                               values, 100, 12)
    assert np.ptp(path) < 1e-9  # without a season, SES forecasts a flat line


@pytest.mark.slow
def test_auto_run_records_every_candidate_and_the_choice(tmp_path):
    config = with_recipe("auto", iterations=20, report_every=10, ensemble=1, out=str(tmp_path),
                         quiet=True)
    lines = []
    run = run_chapter(config, log=lines.append)
    report = json.loads((tmp_path / "metrics.json").read_text())
    # Holt-Winters is in the forecast's pool (the training part holds a season) but is not
    # scored: 57 points before the first origin do not pass the seasonality test.
    assert len(report["auto"]["candidates"]) == 11 and "hw" not in report["auto"]["candidates"]
    assert run.candidates[0].candidate.name == "median of " + ", ".join(auto.POOL)
    assert sorted(report["auto"]["chosen"]) == sorted(auto.POOL)
    assert len(run.members) == 1 and report["auto"]["beats_seasonal_naive_on_validation"]
    text = "\n".join(lines)
    assert "Auto recipe: 11 candidates scored on 2 validation origins (1953-10, 1956-03)" in text
    assert text.count("  combined\n") == len(auto.POOL)
    assert re.search(r"\n  sdiff_ar  autoregression on seasonal differences +0\.\d{3}"
                     r"  combined\n", text)   # each structure named in words
    assert re.search(r"\n  airline   airline model, ARIMA \(0,1,1\)\(0,1,1\) +0\.\d{3}"
                     r"  combined\n", text)


def test_auto_refuses_a_transform_given_explicitly(tmp_path):
    from series_predictor.config import check_config
    from series_predictor.errors import SettingError
    for extra in ({"log": True}, {"diff": (1,)}):
        with pytest.raises(SettingError, match="--recipe auto chooses the transform"):
            check_config(with_recipe("auto", **extra))


def _short_series(path, points):
    rows = ["month,value"] + [f"{1949 + i // 12}-{1 + i % 12:02d},{100 + 10 * (i % 12) + i}"
                              for i in range(points)]
    path.write_text("\n".join(rows) + "\n")
    return str(path)


@pytest.mark.slow
def test_a_series_too_short_for_auto_is_refused_before_training(tmp_path):
    """52 points, 70% of them training, leave 36 training points: a validation origin after three seasons would
    sit at the test period. It once failed inside the interval calibration."""
    from series_predictor.errors import SeriesTooShortError
    log = []
    with pytest.raises(SeriesTooShortError, match=r"52 points are too few for --recipe auto.*"
                                                  r"at least 53 points are needed \(37 training"):
        run_chapter(with_recipe("auto", data=_short_series(tmp_path / "s.csv", 52),
                                percent_train=0.7, out=str(tmp_path / "out")), log=log.append)
    assert not any("Training" in line for line in log) and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_an_auto_backtest_whose_first_origin_is_too_early_is_refused_before_training(
        tmp_path):
    """60 points, 75% training: the main run fits, but a backtest origin a season earlier
    leaves 33 training points. It once trained the whole run, then failed with a traceback."""
    from series_predictor.errors import SeriesTooShortError
    log = []
    with pytest.raises(SeriesTooShortError, match="at least 37 points before its origin"):
        run_chapter(with_recipe("auto", data=_short_series(tmp_path / "s.csv", 60), backtest=2,
                                percent_train=0.75,
                                out=str(tmp_path / "out")), log=log.append)
    assert not any("Training" in line for line in log) and not (tmp_path / "out").exists()


def test_a_test_part_shorter_than_the_books_test_windows_is_enough_for_auto(tmp_path):
    """60 monthly points leave 12 to test, one fewer than the book's test windows need
    (seq_size + 1 = 13); auto forecasts each test point from the points before it and
    keeps a validation tail, so it plans the run (it once refused: "at least 61")."""
    from series_predictor.chapter import plan_chapter
    from series_predictor.errors import SeriesTooShortError
    loaded = stages.read_stage(ChapterConfig(data=_short_series(tmp_path / "s.csv", 60)))
    run = plan_chapter(loaded, with_recipe("auto", quiet=True),
                       stages.Progress(quiet_log, quiet=True))
    split = run.prepared.split
    assert (split.n_train, split.n - split.n_train) == (48, 12) and split.validation == 12
    with pytest.raises(SeriesTooShortError, match="at least 61 points are needed"):
        plan_chapter(loaded, ChapterConfig(seq_size=12, season=12, quiet=True),  # the book's
                     stages.Progress(quiet_log, quiet=True))                 # test windows


def test_the_shortest_series_auto_accepts_has_a_validation_origin():
    n_train = auto.minimum_training(12, 12)
    assert auto.validation_origins(n_train, 13, 12, 12)[-1] < n_train


def _planned_auto_run(airline):
    from series_predictor.chapter import plan_chapter
    config = with_recipe("auto", quiet=True)
    return plan_chapter(airline, config, stages.Progress(quiet_log, quiet=True))


@pytest.mark.parametrize("offset, share, kept", [
    (500.0, 1.0, False), (0.0, 0.0, True), (0.0, 0.98, False), (0.0, 0.93, False),
    (0.0, 0.85, True)])
def test_a_network_that_hurts_on_validation_is_left_out(airline, offset, share, kept):
    """Hurts (an offset), perfect, 2% or 7% better (noise on the development series:
    left out) or 15% better than the structures alone on the validation tail."""
    from series_predictor.ensemble import Combined
    run = _planned_auto_run(airline)
    split = run.prepared.split
    alone = network_verdict.structure_forecasts(run)
    planted = {name: path + 1.0 for name, path in alone.items()}  # "network" forecasts
    truth = airline.values[split.fit_end:split.n_train]
    planted["validation hallucination"] = (  # its error a share of the structures'
        truth + offset + share * (alone["validation hallucination"] - truth))
    run.combined = Combined(dict(planted), {}, {}, {})
    lines = []
    network_verdict.judge_network(run, stages.Progress(lines.append))
    assert run.auto["network"]["kept"] is kept
    expected = planted if kept else alone
    np.testing.assert_allclose(run.combined.forecasts["hallucination"], expected["hallucination"])
    assert run.auto["network"]["ratio"] == pytest.approx(share) or offset
    assert any("it must be 10% smaller" in line for line in lines) is (not kept)
    assert run.auto["network"]["margin"] == network_verdict.NETWORK_MARGIN  # metrics.json says the rule
    # the run folder's preprocessing forecasts what the run reported
    future = run.candidates[0].future
    wild = lambda window, steps: np.full(steps, 50.0)  # noqa: E731 - a "network"
    from_folder = future.path(wild, airline.values, len(airline.values), 20)
    if not kept:
        np.testing.assert_allclose(from_folder, alone["forecast"])
    else:
        assert np.max(np.abs(from_folder - alone["forecast"])) > 1


def test_the_network_is_judged_on_a_tail_of_the_training_part(airline):
    run = _planned_auto_run(airline)
    split = run.prepared.split
    assert split.n_train == 115 and split.validation == 23  # a fifth of 115
    assert run.config.ensemble == 1 and run.config.fast_training


def test_the_window_follows_the_season_so_ten_years_of_quarters_run():
    """Auto's window is one season when that is shorter than the recipe's 12 points: 40
    quarters (ten years) are planned with windows of 4, where 12 needed 61 points;
    monthly data keep 12, and a window set to another value is kept."""
    from series_predictor import fitting
    from series_predictor.api import series_from
    quarters = np.arange(40) + 10.0 * np.tile([1, 3, 2, 0], 10) + 100.0
    times = np.arange("2010-01", "2020-01", 3, dtype="datetime64[M]")
    loaded = series_from(quarters, times)
    progress = stages.Progress(quiet_log, quiet=True)
    run = fitting.plan_chapter(loaded, with_recipe("auto"), progress)
    assert (run.config.season, run.config.seq_size) == (4, 4)
    assert auto.window_for(with_recipe("auto", season=12)).seq_size == 12
    assert auto.window_for(with_recipe("auto", season=4, seq_size=6)).seq_size == 6
    assert auto.window_for(with_recipe("auto", season=1)).seq_size == 12


def test_a_network_forecast_dropped_from_any_task_leaves_the_structures_alone(airline):
    """A network that helps on validation but whose test one-step forecast left the
    plausible range (souvenir sales did this): the run forecasts with the structures
    alone, says why, and does not stop with TrainingDiverged."""
    from series_predictor.ensemble import Combined
    run = _planned_auto_run(airline)
    split = run.prepared.split
    alone = network_verdict.structure_forecasts(run)
    planted = {name: path + 1.0 for name, path in alone.items()}
    planted["validation hallucination"] = airline.values[split.fit_end:split.n_train]  # perfect
    planted["test one-step"] = None
    why = "its test one-step forecast left the plausible range -24554..71279 at step 5"
    run.combined = Combined(planted, {}, {}, {0: {"test one-step": why}})
    lines = []
    network_verdict.judge_network(run, stages.Progress(lines.append))
    assert run.auto["network"]["kept"] is False
    assert run.auto["network"]["dropped_tasks"] == ["test one-step"]
    for name, path in alone.items():
        np.testing.assert_allclose(run.combined.forecasts[name], path)
    assert any("left out (its test one-step forecast was dropped: " + why in line
               for line in lines)


@pytest.mark.parametrize("season", [1, 12])
def test_the_forecast_is_the_median_of_ets_airline_theta_the_seasonal_ar_and_seasonal_naive(season):
    """The combined path is, point by point, the median of the five structures' paths
    (without a season, of ETS, drift, Theta and the autoregression), each fitted on the
    training part alone."""
    from series_predictor.structure_curves import StructureCurve
    from series_predictor.structures import fit_all
    rng = np.random.default_rng(3)
    t = np.arange(300)
    values = 100 * np.exp(np.cumsum(rng.normal(0.001, 0.01, size=300))) * (
        1 + 0.1 * np.sin(2 * np.pi * t / 12))
    kinds = (("ets", "airline", "opt_theta", "sdiff_ar", "snaive") if season > 1
             else ("ets", "drift", "opt_theta", "sdiff_ar"))
    assert auto.pool(season) == (kinds, "median")
    path = StructureCurve.fit(values, 0, season, kinds).at(np.arange(300, 330))
    fits = fit_all(values, season)[0]
    expected = np.median([fits[k].path(30) for k in kinds], axis=0)
    np.testing.assert_allclose(path, expected, rtol=1e-12)
    assert np.ptp(np.diff(fits["drift"].path(30))) < 1e-9 or season > 1


@pytest.mark.parametrize("season", [4, 12, 1])
def test_quarters_take_the_mean_of_three_other_seasons_the_median_of_five(season):
    """The combination follows the season (``auto.pool``, chosen on development series):
    the forecast, the validation verdict and the record all use it."""
    from series_predictor.structure_curves import StructureCurve
    from series_predictor.structures import fit_all
    kinds, how = auto.pool(season)
    assert (kinds, how) == ((("ets", "drift", "opt_theta"), "mean") if season == 4
                            else (auto.POOL, "median") if season == 12
                            else (auto.UNSEASONAL_POOL, "median"))
    rng = np.random.default_rng(5)
    t = np.arange(160)
    values = 100 + 0.5 * t + np.cumsum(rng.normal(0, 1, 160)) + 8 * np.sin(2 * np.pi * t / 4)
    times = np.array([f"{1900 + i // 4}Q{i % 4 + 1}" for i in range(160)])
    loaded = stages.LoadedSeries(values, times, list(range(2, 162)), "q.csv", "")
    config = with_recipe("auto", season=season, seq_size=4 if season == 4 else 12)
    choice = auto.choose(loaded, config, stages.Split(160, 128, 0),
                         stages.Progress(quiet_log, quiet=True))
    assert choice.record["combine"] == how
    assert sorted(choice.record["chosen"]) == sorted(kinds)
    final = choice.candidates[0]
    assert final.name == f"{how} of " + ", ".join(kinds)
    assert final.transform.combine == how and final.transform.structures == kinds
    fits = fit_all(values[:128], season)[0]
    reduce, other = (np.mean, np.median) if how == "mean" else (np.median, np.mean)
    paths = np.stack([fits[k].path(32) for k in kinds])
    path = StructureCurve.fit(values[:128], 0, season, kinds,
                              final.transform.combine).at(np.arange(128, 160))
    np.testing.assert_allclose(path, reduce(paths, axis=0), rtol=1e-12)
    assert np.max(np.abs(path - other(paths, axis=0))) > 1e-3   # the two differ here
    origins, rows = auto.screen(values, 128, 32, season, config.seq_size)
    verdict = auto._geometric_mean([auto._ratio(
        reduce([r["paths"][o] for r in rows if r["candidate"].name in kinds], axis=0),
        values[:128], o, 32, season) for o in origins])
    assert choice.record["combination_ratio"] == pytest.approx(verdict, rel=1e-12)


def _plan_auto(path, values, **settings):
    from series_predictor.chapter import plan_chapter
    rows = "".join(f"{i},{float(v)!r}\n" for i, v in enumerate(values))
    path.write_text("t,value\n" + rows)
    loaded = stages.read_stage(ChapterConfig(data=str(path)))
    return plan_chapter(loaded, with_recipe("auto", quiet=True, **settings),
                        stages.Progress(quiet_log, quiet=True))


def test_a_training_part_too_short_for_the_networks_tail_is_refused_in_auto_s_words(
        tmp_path):
    """Without the book's test windows, 20-31 points of a season-1 series passed every
    length check, and the network's validation tail (a window at least) left it 4-12
    points: "a series of 4 point(s) is too short for seq_size=12" of a 20-point file.
    Auto's own check now counts the tail and a window before it (2 * 12 + 1 = 25), and
    a series without a season too short for windows of 12 gets shorter ones (down to 4:
    17 points); every planned split leaves a window and its target before the tail."""
    from series_predictor.errors import SeriesTooShortError
    walk = 100 + np.cumsum(np.random.default_rng(0).normal(size=40))
    for n in (10, 16):
        with pytest.raises(SeriesTooShortError,
                           match=fr"{n} points are too few for --recipe auto.*at least 17 "
                                 r"points are needed \(13 training points"):
            _plan_auto(tmp_path / f"w{n}.csv", walk[:n], season=1)
    for n in (17, 20, 25, 31, 32):
        run = _plan_auto(tmp_path / f"w{n}.csv", walk[:n], season=1)
        split, window = run.prepared.split, run.config.seq_size
        assert split.fit_end >= window + 1 and split.validation >= window, (n, window)
    assert (split.n_train, split.validation, split.fit_end, window) == (25, 12, 13, 12)
    t = np.arange(70)  # a window kept at 30 with a season of 12: 30 + 31 = 61 needed
    with pytest.raises(SeriesTooShortError,
                       match=r"70 points are too few.*at least 77 points are needed "
                             r"\(61 training"):
        _plan_auto(tmp_path / "s.csv", 100 + 10 * np.sin(2 * np.pi * t / 12) + t,
                   season=12, seq_size=30)


def test_an_auto_ensemble_is_described_as_the_median_of_its_members_not_of_candidates():
    """``--recipe auto`` trains one candidate (its structures combined), so an ensemble's
    forecast is the median of its members (``ensemble.combine`` with one group); the
    report once said "the mean over 4 candidates of the median of their members",
    counting the pool's structures (``auto["chosen"]``) as candidates."""
    from series_predictor import report
    from series_predictor.ensemble import Envelope, combine
    members = [(seed, {"hallucination": np.array([v, 2 * v])})
               for seed, v in ((1, 1.0), (2, 2.0), (3, 6.0))]
    envelope = {"hallucination": Envelope(-100.0, 100.0, 12, False)}
    merged = combine(members, envelope, {seed: 0 for seed, _ in members})  # one candidate
    np.testing.assert_array_equal(merged.forecasts["hallucination"], [2.0, 4.0])  # median
    ensemble = {"seeds": [1, 2, 3], "kept": {"hallucination": [1, 2, 3],
                                             "test one-step": [1, 2, 3]},
                "members": [{"seed": s, "one_step": {"rmse": 1.0},
                             "hallucination": {"rmse": 2.0}} for s in (1, 2, 3)],
                "spread": {"one_step_std_mean": 0.1, "hallucination_std_mean": 0.2}}
    for names, how in (auto.pool(12), auto.pool(4)):
        record = {"chosen": list(names), "combine": how, "network": {"kept": True}}
        line = report._ensemble_lines(ensemble, record)[0]
        assert "is the median of 3 of 3 members" in line and "candidates" not in line, line


def _kept_and_written(values, tmp_path):
    """``sp.fit(values)`` (auto, monthly, a short training) -> (the kept run folder's
    forecast table as CSV text, the run's own forecast.csv)."""
    import series_predictor as sp
    times = np.arange("2000-01", "2100-01", dtype="datetime64[M]")[:len(values)]
    model = sp.fit(values, times=times, iterations=10, report_every=10, season=12,
                   out=str(tmp_path / "run"))
    return model.forecast().to_csv(), (tmp_path / "run" / "forecast.csv").read_text()


def _column(text, name):
    rows = [line.split(",") for line in text.strip().split("\n")]
    return np.array([float(row[rows[0].index(name)]) for row in rows[1:]])


@pytest.mark.slow
def test_a_kept_run_is_not_floored_after_a_negative_value_before_its_tail(tmp_path):
    """A falling series below 0 once, at its start: the run's forecast past the data goes
    below 0 (no floor), and so does the kept run folder's (``sp.fit(y).forecast()``,
    ``series-predictor forecast RUN``), whose values are the series' last 60 only (it
    once floored them at 0: forecast.csv -20.6, the folder 0)."""
    values = 600 - 5.0 * np.arange(120) + np.random.default_rng(0).normal(0, 3, 120)
    values[5] = -1.0
    kept, written = _kept_and_written(values, tmp_path)
    assert _column(written, "forecast").min() < -10
    np.testing.assert_allclose(_column(kept, "forecast"), _column(written, "forecast"),
                               rtol=1e-9)
    assert kept == written


@pytest.mark.slow
def test_bands_past_the_data_are_not_floored_after_a_negative_test_value(tmp_path):
    """Counts (bands in series units, stopped at 0 for a training part never below 0)
    with a -1 in the test period, before the kept run's tail: the bands past the data,
    which know the -1, go below 0 around points above it, in forecast.csv and from the
    kept run folder alike (they once stopped at 0 in both)."""
    t = np.arange(400)
    values = np.maximum(1.0 + 0.8 * (np.sin(2 * np.pi * t / 12) > 0)
                        + np.random.default_rng(0).normal(0, 0.7, 400), 0).round()
    values[330] = -1.0   # training part: 320 points; the run folder keeps the last 60
    kept, written = _kept_and_written(values, tmp_path)
    point, low = _column(written, "forecast"), _column(written, "lower_95")
    assert np.any((point >= 0) & (low < 0))
    assert kept == written


def test_a_pool_structure_no_validation_origin_could_fit_is_not_forecast_either():
    """40 daily points, 30 training, 10 to test: the one validation origin holds 21 points,
    too few for the airline model (2 weeks and 10 points). Validation judged the median of the
    other four, so that is what is forecast, and the run says so (the forecast was once
    the median of all five, the record the median of four)."""
    y = 100 + 0.5 * np.arange(40) + 10 * np.sin(2 * np.pi * np.arange(40) / 7)
    config = with_recipe("auto", season=7, seq_size=7)
    lines = []
    choice = auto.choose(stages.LoadedSeries(y, np.arange(40), list(range(2, 42)), "d.csv",
                                             None), config, stages.Split(40, 30, 0),
                         stages.Progress(lines.append))
    assert choice.record["origins"] == ["21"]
    forecast = choice.candidates[0].transform.structures
    assert "airline" not in forecast and len(forecast) == len(auto.POOL) - 1
    assert sorted(forecast) == sorted(choice.record["chosen"])
    assert any("left out: airline, which a validation origin holds too few points to fit"
               in line for line in lines)
    # 50 training points: origins at 30 and 40 both fit it, and all five are forecast
    longer = 100 + 0.5 * np.arange(60) + 10 * np.sin(2 * np.pi * np.arange(60) / 7)
    choice = auto.choose(stages.LoadedSeries(longer, np.arange(60), list(range(2, 62)), "d.csv",
                                             None), config, stages.Split(60, 50, 0),
                         stages.Progress(lines.append))
    assert sorted(choice.candidates[0].transform.structures) == sorted(auto.POOL)
