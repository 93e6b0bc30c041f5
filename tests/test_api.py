"""The Python entry point (issue 17): fit, Forecaster, ForecastTable, load_run."""

import dataclasses
import gc
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import series_predictor as sp
from series_predictor.cli import build_parser, config_from_args
from series_predictor.config import ChapterConfig, check_config
from series_predictor.errors import DataFormatError, OutputDirError, RunFolderError, SettingError
from series_predictor.forecast_table import BacktestResult, ForecastTable
from series_predictor.recipes import RECIPES

from conftest import ROOT, run_python

# Small, fast settings with a validation tail (so the forecast has bands) and a backtest.
SETTINGS = dict(iterations=60, report_every=20, validation=12)
CLI_OPTIONS = ["--recipe", "book", "--iterations", "60", "--report-every", "20",
               "--validation", "12", "--backtest", "2", "--quiet"]


def airline():
    from series_predictor.data_loader import bundled_data_path, read_series
    series = read_series(bundled_data_path())
    return series.values, series.times()


def read_csv(path):
    with open(path) as handle:
        return handle.read()


# ------------------------------------------------------------------ fast
def test_config_recipe_is_the_command_lines():
    """ChapterConfig(recipe=...) applies the recipe, as --recipe does (it kept the book's
    settings before: seq_size 5, one member)."""
    for name in RECIPES:
        api = ChapterConfig(recipe=name, seed=3)
        cli = config_from_args(build_parser().parse_args(["--recipe", name, "--seed", "3"]))
        assert api == cli
        for setting, value in RECIPES[name].items():
            assert getattr(api, setting) == value
    auto = ChapterConfig(recipe="auto")
    assert (auto.seq_size, auto.hidden_dim, auto.ensemble) == (12, 16, 1)
    assert ChapterConfig(recipe="auto", seq_size=5).seq_size == 5  # a given setting wins
    assert check_config(auto) == auto
    assert dataclasses.replace(auto, normalize="all").seq_size == 12


def test_unknown_setting_is_named():
    with pytest.raises(TypeError, match="'sequence'"):
        ChapterConfig(sequence=3)
    with pytest.raises(SettingError, match="unknown settings: sequence"):
        sp.fit([1.0, 2.0, 3.0], sequence=3)


def test_public_names_listed_and_import_cheap():
    for name in ["fit", "load_run", "Forecaster", "ForecastTable", "SeriesPredictor",
                 "ChapterConfig", "run_chapter"]:
        assert name in sp.__all__ and name in dir(sp)
    assert all(getattr(sp, name) is not None for name in sp.__all__)
    code = ("import sys, series_predictor as sp; dir(sp); sp.fit; sp.ForecastTable; "
            "print(sorted(m for m in ('tensorflow', 'pandas', 'matplotlib') if m in sys.modules))")
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("y, times, match", [
    ([[1.0, 2.0]], None, "1-D"),
    ([1.0, float("nan"), 3.0], None, "finite; found nan at position 1"),
    (["a", "b"], None, "must be numbers"),
    ([1.0, 2.0, 3.0], [0, 1], "one entry per value"),
    ([1.0, 2.0, 3.0], [0, 2, 1], "increase; position 2"),
])
def test_bad_series_refused_before_training(y, times, match):
    with pytest.raises((DataFormatError, SettingError), match=match):
        sp.fit(y, times=times, recipe="book")


def test_a_pandas_index_gives_the_times():
    pd = pytest.importorskip("pandas")
    from series_predictor.api import series_from
    monthly = series_from(pd.Series([1.0, 2.0, 3.0], name="sales",
                                    index=pd.date_range("1949-01", periods=3, freq="MS")))
    assert monthly.times.dtype == "datetime64[D]" and str(monthly.times[-1]) == "1949-03-01"
    assert monthly.units == "sales"
    hourly = series_from(pd.Series([1.0, 2.0], index=pd.date_range("2020-01-01", periods=2,
                                                                    freq="h")))
    assert str(hourly.times[-1]) == "2020-01-01T01:00:00"
    periods = series_from(pd.Series([1.0, 2.0], index=pd.period_range("1949-01", periods=2,
                                                                      freq="M")))
    assert periods.times.dtype == "datetime64[M]"
    assert series_from([3, 4], times=["2001-01", "2001-02"]).times.dtype == "datetime64[M]"


def test_masked_complex_and_gappy_series_refused_in_one_line():
    """A masked array's masked entries are missing values (np.asarray kept the hidden
    number under the mask), complex values are not cast to their real part, and dates
    that miss a month, a quarter or a day are refused as a CSV's are (the run took the
    neighbours for consecutive, so the season slipped by one after the gap)."""
    pd = pytest.importorskip("pandas")
    from series_predictor.api import series_from
    frame = pd.DataFrame({"north": np.arange(30.0), "south": np.arange(30.0)})
    with pytest.raises(DataFormatError, match=r"shape \(30, 2\) \(give one column of the "
                                              r"DataFrame, e.g. y\['north'\]\)"):
        series_from(frame)
    masked = np.ma.masked_array(np.arange(30.0), mask=[0, 1] + [0] * 28)
    with pytest.raises(DataFormatError, match="masked value at position 1"):
        series_from(masked)
    assert series_from(np.ma.masked_array(np.arange(3.0))).values.tolist() == [0, 1, 2]
    for complex_y in (np.arange(30.0) + 1j, pd.Series(np.arange(30.0) + 1j)):
        with pytest.raises(DataFormatError, match="real numbers; found complex"):
            series_from(complex_y)
    months = pd.date_range("2000-01", periods=30, freq="MS")
    with pytest.raises(DataFormatError, match="positions 4 and 5: .*'2000-06-01' is missing"):
        series_from(pd.Series(np.arange(30.0), index=months).drop(months[5]))
    quarters = pd.Series(np.arange(8.0), index=pd.period_range("2000Q1", periods=8, freq="Q"))
    with pytest.raises(DataFormatError, match="'2001-04-01' is missing"):
        series_from(quarters.drop(pd.Period("2001Q2")))
    with pytest.raises(SettingError, match="NaT \\(a missing date\\) at position 1"):
        series_from(pd.Series([1.0, 2.0, 3.0], index=pd.DatetimeIndex(
            ["2000-01-01", None, "2000-03-01"])))
    with pytest.raises(DataFormatError, match="'2000-03' is missing"):
        series_from([1.0, 2.0, 3.0], times=["2000-01", "2000-02", "2000-04"])
    weekdays = pd.Series(np.arange(30.0), index=pd.date_range("2000-01-03", periods=30,
                                                               freq="B"))
    assert len(series_from(weekdays.drop(weekdays.index[7])).values) == 29  # a holiday


def test_data_setting_beside_values_is_refused():
    """fit(values, data="x.csv") trained on the values and recorded x.csv as the run's
    data in metrics.json and run.json."""
    with pytest.raises(SettingError, match="give the series as y .* not as data="):
        sp.fit(np.arange(60.0), data="x.csv")


@pytest.mark.parametrize("settings", [{"column": 2}, {"encoding": "latin-1"},
                                      {"column": 2, "encoding": "utf-16"}])
def test_csv_reading_settings_beside_values_are_refused(settings):
    """fit(values, column=2) ignored column (the values are given) and recorded it in
    the run's settings as if it had chosen them."""
    with pytest.raises(SettingError, match="choose how a CSV file is read; y holds the"):
        sp.fit(np.arange(60.0), **settings)


@pytest.mark.slow
def test_a_fit_of_values_records_no_path_in_the_working_folder(tmp_path, monkeypatch):
    """metrics.json's "data" of fit(values) was os.path.abspath("y (line = position)"):
    a file in the working folder that does not exist. It is the label now, as run.json's
    "source" already was."""
    monkeypatch.chdir(tmp_path)
    y = 100 + 10 * np.sin(np.arange(60) * 2 * np.pi / 12) + np.arange(60)
    model = sp.fit(y, recipe="book", iterations=2, report_every=1, hidden_dim=4)
    assert model.metrics["data"] == model.manifest["source"] == "y (line = position)"
    assert os.listdir(tmp_path) == []


def test_a_tz_aware_hourly_index_across_a_clock_change_is_read_in_utc():
    """Wall-clock times repeat an hour when the clocks go back (refused: "02:00 is not
    after 02:00", about a valid index) and skip one when they go forward (taken for
    consecutive hours); hourly tz-aware times are read in UTC now. Daily ones keep
    their wall-clock dates."""
    pd = pytest.importorskip("pandas")
    from series_predictor.api import series_from
    for start in ("2021-10-30", "2021-03-27"):  # the clocks go back, then forward
        index = pd.date_range(start, periods=72, freq="h", tz="Europe/Paris")
        times = series_from(pd.Series(np.arange(72.0), index=index)).times
        assert np.all(np.diff(times) == np.timedelta64(1, "h"))
        assert str(times[0]) == str(index[0].tz_convert("UTC").tz_localize(None))[:19] \
            .replace(" ", "T")
    daily = pd.date_range("2021-03-20 09:00", periods=30, freq="D", tz="Europe/Paris")
    times = series_from(pd.Series(np.arange(30.0), index=daily)).times
    assert str(times[0]) == "2021-03-20T09:00:00" and str(times[-1]) == "2021-04-18T09:00:00"


def test_a_tz_aware_index_at_one_offset_reads_as_its_csv_does(tmp_path):
    """An hourly index in a zone without daylight saving (Asia/Kolkata, +05:30) was read
    in UTC (2019-12-31T18:30 for 2020-01-01 00:00), while the same times in a CSV,
    '2020-01-01T00:00:00+05:30', read by their clock: one rule for both now."""
    pd = pytest.importorskip("pandas")
    from series_predictor import data_loader
    from series_predictor.api import series_from
    index = pd.date_range("2020-01-01", periods=48, freq="h", tz="Asia/Kolkata")
    times = series_from(pd.Series(np.arange(48.0), index=index)).times
    path = tmp_path / "s.csv"
    path.write_text("time,value\n" + "".join(f"{t.isoformat()},{k}\n"
                                            for k, t in enumerate(index)))
    from_csv = data_loader.read_series(str(path)).times()
    assert str(times[0]) == "2020-01-01T00:00:00" and str(from_csv[0]) == "2020-01-01T00:00:00"
    np.testing.assert_array_equal(times, from_csv.astype(times.dtype))


def test_a_csv_of_several_series_is_refused_naming_fit_collection(tmp_path):
    """The command line reads a wide table as a collection; fit read its first value
    column alone, without a word (and failed on a long table's date column)."""
    wide = tmp_path / "wide.csv"
    wide.write_text("date,north,south\n" + "".join(
        f"{2000 + k // 12}-{k % 12 + 1:02d},{100 + k},{200 + k}\n" for k in range(60)))
    with pytest.raises(SettingError, match="is a wide table of series, and fit takes one "
                                           "series: use .*fit_collection.*column=N"):
        sp.fit(wide, recipe="book")
    long = tmp_path / "long.csv"
    long.write_text("id,date,value\n" + "".join(f"{i},2000-{k:02d},{k}\n" for i in "ab"
                                                 for k in range(1, 13)))
    with pytest.raises(SettingError, match="is a long table of series"):
        sp.fit(str(long), recipe="book")
    with pytest.raises(SettingError, match="is a folder of series"):
        sp.fit(tmp_path, recipe="book")


def test_too_short_refused_before_training():
    with pytest.raises(ValueError, match="too few"):
        sp.fit(np.arange(10.0) + 1, recipe="book")


def table(h=3, bands=True):
    times = np.array(["1961-01", "1961-02", "1961-03"], dtype="datetime64[M]")[:h]
    point = np.array([400.0, 410.5, 420.25])[:h]
    bands = {0.8: (point - 10, point + 10), 0.95: (point - 20, point + 20)} if bands else {}
    return ForecastTable(times, point, bands, {0: point}, {}, "passengers")


def test_forecast_table_prints_and_converts():
    text = str(table())
    assert text.splitlines()[1].split() == ["time", "forecast", "lo-80", "hi-80", "lo-95",
                                           "hi-95"]
    assert text.splitlines()[3].split() == ["1961-02", "410.5", "400.5", "420.5", "390.5",
                                           "430.5"]
    frame = table().to_frame()
    assert list(frame.columns) == ["forecast", "lo-80", "hi-80", "lo-95", "hi-95"]
    assert str(frame.index[0]) == "1961-01" and frame.loc["1961-03", "hi-95"] == 440.25
    assert list(table().with_levels(95).to_frame().columns) == ["forecast", "lo-95", "hi-95"]
    with pytest.raises(ValueError, match="level 90 has no calibrated band; this run has 80, 95"):
        table().with_levels((80, 90))
    assert "lower_80,upper_80,lower_95,upper_95" in table().to_csv()


def test_forecast_table_to_csv_path(tmp_path):
    path = table().to_csv(str(tmp_path / "f.csv"))
    assert read_csv(path).splitlines()[1] == "1961-01,400,390,410,380,420"


def test_backtest_result_reads_as_a_table():
    report = {"origins": ["1957-08", "1958-08"], "horizon": 2, "stride": 12,
              "overall": {"lstm": {"rmse": 10.0, "mae": 8.0, "mase": 0.5},
                          "persistence": {"rmse": 20.0, "mae": 16.0, "mase": 1.0}},
              "by_horizon": {"lstm": {"rmse": [5.0, 15.0], "mae": [4.0, 12.0],
                                      "mase": [0.25, 0.75], "origins_scored": 2},
                             "persistence": None},
              "interval_coverage": {"0.8": 0.75, "0.95": 1.0}}
    result = BacktestResult(report, "passengers")
    assert result.coverage == {0.8: 0.75, 0.95: 1.0}
    assert result.scores["lstm"]["rmse"] == 10.0
    frame = result.to_frame()
    assert frame.loc[2, ("lstm", "rmse")] == 15.0 and np.isnan(frame.loc[1, ("persistence", "mae")])
    assert "2     15.00  12.00  0.75" in str(result)


def test_backtest_result_plots_the_backtest_figure(tmp_path, monkeypatch):
    """Fit results had .plot() and BacktestResult had none; it draws backtest.png's
    figure (the same legend names as the run's) and writes nothing unless given a path."""
    report = {"origins": ["1957-08", "1958-08"], "horizon": 2, "stride": 12, "season": 12,
              "overall": {m: {"rmse": 10.0, "mae": 8.0, "mase": 0.5}
                          for m in ("lstm", "persistence", "seasonal_naive")},
              "by_horizon": {m: {"rmse": [5.0, 15.0], "mae": [4.0 + k, 12.0 + k],
                                 "mase": [0.25, 0.75], "origins_scored": 2}
                             for k, m in enumerate(("lstm", "persistence", "seasonal_naive"))}}
    monkeypatch.chdir(tmp_path)
    figure = BacktestResult(report, "passengers", season=12).plot()
    assert type(figure).__name__ == "Figure" and os.listdir(tmp_path) == []
    ax = figure.axes[0]
    assert ax.get_xlabel() == "steps ahead"
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[0] == "LSTM" and "seasonal naive (lag 12)" in labels
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [4.0, 12.0])
    BacktestResult(report, "passengers", season=12).plot(tmp_path / "b.png")
    assert os.listdir(tmp_path) == ["b.png"]


def test_a_backtest_of_one_origin_reads_in_the_singular():
    # old code: "Backtest: 1 origins (1958-08 .. 1958-08, 12 apart)", "over the 1 origins"
    report = {"origins": ["1958-08"], "horizon": 2, "stride": 12,
              "overall": {"lstm": {"rmse": 10.0, "mae": 8.0, "mase": 0.5},
                          "persistence": {"rmse": 20.0, "mae": 16.0, "mase": 1.0}},
              "by_horizon": {"lstm": {"rmse": [5.0, 15.0], "mae": [4.0, 12.0],
                                      "mase": [0.25, 0.75], "origins_scored": 1},
                             "persistence": None}}
    text = str(BacktestResult(report, "passengers"))
    assert text.startswith("Backtest: 1 origin (1958-08), 2 points ahead each")
    assert "The forecast beats every baseline at its 1 origin (RMSE)." in text
    assert "origins" not in text.split("\n")[0]


# ------------------------------------------------------------------ slow: against the CLI
@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    result = subprocess.run([sys.executable, "-m", "series_predictor.cli", *CLI_OPTIONS,
                             "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=ROOT), timeout=600)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    cwd = os.getcwd()
    empty = tmp_path_factory.mktemp("empty")
    os.chdir(empty)
    try:
        values, _ = airline()
        # a list has no dates to infer the season from: the airline months' 12 is given
        model = sp.fit(list(values), recipe="book", seed=0, season=12, **SETTINGS)
    finally:
        os.chdir(cwd)
    assert os.listdir(empty) == []  # nothing written where the user works
    return model


def numbers(csv_text):
    return np.array([[float(c) for c in line.split(",")[1:]]
                     for line in csv_text.splitlines()[1:]])


@pytest.mark.slow
def test_fit_list_gives_the_command_lines_forecast(cli_run, fitted):
    expected = read_csv(cli_run / "forecast.csv")
    got = fitted.forecast()
    np.testing.assert_array_equal(numbers(got.to_csv()), numbers(expected))
    assert list(got.bands) == [0.8, 0.95]
    assert [line.split(",")[0] for line in got.to_csv().splitlines()[1:3]] == ["144", "145"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["ndarray", "pandas"])
def test_fit_array_and_series_give_the_same(cli_run, kind):
    pd = pytest.importorskip("pandas")
    values, times = airline()
    y = (np.asarray(values) if kind == "ndarray"
         else pd.Series(values, index=pd.PeriodIndex(times.astype(str), freq="M")))
    got = sp.fit(y, recipe="book", **SETTINGS).forecast(20)
    assert got.to_csv() == read_csv(cli_run / "forecast.csv") if kind == "pandas" else \
        np.array_equal(numbers(got.to_csv()), numbers(read_csv(cli_run / "forecast.csv")))
    frame = got.to_frame()
    assert list(frame.columns) == ["forecast", "lo-80", "hi-80", "lo-95", "hi-95"]


@pytest.mark.slow
def test_backtest_gives_the_command_lines(cli_run, fitted):
    import json
    with open(cli_run / "metrics.json") as handle:
        expected = json.load(handle)["backtest"]
    result = fitted.backtest(2)
    assert len(result.origins) == len(expected["origins"]) == 2  # times 0..n-1 here
    for method, row in expected["by_horizon"].items():
        if row is not None:
            np.testing.assert_allclose(result.by_horizon(method)["rmse"], row["rmse"],
                                       rtol=1e-12)
    assert result.coverage == {float(k): v for k, v in expected["interval_coverage"].items()}
    assert result.to_frame().shape == (result.horizon, 3 * len(expected["by_horizon"]))


@pytest.mark.slow
def test_backtest_of_no_origin_is_refused_in_one_line(fitted):
    # old code: an empty BacktestResult whose printing raised IndexError
    with pytest.raises(SettingError, match="k >= 1 of origins; found k=0"):
        fitted.backtest(0)


@pytest.mark.slow
def test_save_load_forecast_again(fitted, tmp_path):
    folder = fitted.save(tmp_path / "kept")
    again = sp.load_run(folder)
    assert again.forecast(24).to_csv() == fitted.forecast(24).to_csv()
    assert isinstance(again, sp.Forecaster)
    with pytest.raises(SettingError, match="whole series"):
        again.backtest(2)
    with pytest.raises(SettingError, match="new or empty folder"):
        fitted.save(folder)
    figure = again.plot(12)
    season = again.config.season or 1  # the baseline the run's table compares with
    baseline = f"seasonal naive (lag {season})" if season > 1 else "persistence (last value)"
    lines = {line.get_label(): line for line in figure.axes[0].lines}
    from series_predictor.outputs import forecast_label
    name = forecast_label(again.metrics.get("auto"))  # "auto: structures (forecast)"
    assert sorted(lines) == sorted(["data", baseline, name])
    bands = [c.get_label() for c in figure.axes[0].collections]
    assert bands == ["95% interval", "80% interval"] or (
        not bands and figure.legends[0].get_title().get_text().startswith("No 80%/95% bands"))
    np.testing.assert_array_equal(lines[name].get_ydata(),
                                  fitted.plot(12).axes[0].lines[2].get_ydata())
    missing = tmp_path / "no such folder" / "x.png"   # was a raw FileNotFoundError
    with pytest.raises(OutputDirError, match="cannot write .*no such folder.*x.png"):
        again.plot(12, path=missing)
    assert not missing.parent.exists()


@pytest.mark.slow
def test_temporary_folder_removed(fitted):
    values, _ = airline()
    model = sp.fit(values, recipe="book", iterations=20, report_every=20)
    folder = model.folder
    assert os.path.isdir(folder)
    del model
    gc.collect()
    assert not os.path.exists(folder)


@pytest.mark.slow
def test_a_kept_run_forecasts_without_tensorflow_in_a_second(fitted, tmp_path):
    """load_run(d).forecast(12) in a fresh process: no TensorFlow, well under 4 s; and the
    command line's forecast --out says what it wrote."""
    folder = fitted.save(tmp_path / "kept")
    code = ("import sys, time; t = time.perf_counter(); import series_predictor as sp; "
            f"table = sp.load_run({str(folder)!r}).forecast(12); "
            "print(time.perf_counter() - t, 'tensorflow' in sys.modules, len(table))")
    result = run_python(code)
    seconds, tensorflow, rows = result.stdout.split()
    assert (tensorflow, rows) == ("False", "12") and float(seconds) < 4, result.stderr
    out = tmp_path / "f.csv"
    result = subprocess.run([sys.executable, "-m", "series_predictor.cli", "forecast",
                             str(folder), "--horizon", "12", "--out", str(out)], cwd=tmp_path,
                            capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.returncode == 0 and result.stdout == f"Wrote {out} (12 points past the data, 144 .. 155)\n"
    assert read_csv(out) == fitted.forecast(12).to_csv()


@pytest.mark.slow
def test_numpy_network_matches_tensorflows(tmp_path):
    """lstm_numpy reads the checkpoint's weights exactly and runs the cell as TensorFlow
    does, to float32 rounding."""
    from series_predictor import lstm_numpy
    from series_predictor.model import SeriesPredictor
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 6, 1)).astype(np.float32)
    with SeriesPredictor(1, 6, 8, seed=3, checkpoint_dir=str(tmp_path)) as predictor:
        predictor.train(x, x[:, :, 0] * 0.5, iterations=20, report_every=20, verbose=False)
        expected = predictor.hallucinate(x[0, :, 0], 15)
        held = lstm_numpy.session_weights(predictor)
        prefix = predictor.checkpoint
    read = lstm_numpy.read_weights(prefix, 8)
    assert all(np.array_equal(read[k], held[k]) for k in held)
    np.testing.assert_allclose(lstm_numpy.hallucinate(read, x[0, :, 0], 15), expected,
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(RunFolderError, match=r"kernel has shape \[9, 32\]; the run.s "
                                             r"network needs \[8, 28\]"):
        lstm_numpy.read_weights(prefix, 7)


@pytest.mark.slow
def test_a_quiet_fit_gives_every_warning_to_the_warnings_module(capsys):
    """A quiet fit printed only the log entries that start with "Warning: ", so the
    warnings at the end of the printed report (its verdict: "on the validation tail the
    forecast loses to seasonal naive") never reached the user, and none could be
    filtered. Now each one is a SeriesPredictorWarning naming the caller's line, and
    nothing is printed."""
    import warnings
    values = 100 + 10 * np.sin(np.arange(72) * 2 * np.pi / 12) + np.arange(72) * 0.5
    values[30] = 5000.0  # a lone spike: warned of while reading
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sp.fit(values, season=12, recipe="book", iterations=5, report_every=5,
                       hidden_dim=4, validation=12, seed=0)
    said = [line[len("Warning: "):] for entry in model.report
            for line in entry.splitlines() if line.startswith("Warning: ")]
    assert len(said) == 2 and "lone spike" in said[0] and "validation tail" in said[1]
    assert [str(w.message) for w in caught] == said
    assert all(w.category is sp.SeriesPredictorWarning for w in caught)
    assert {w.filename for w in caught} == {__file__}  # the fit call's line, not ours
    assert capsys.readouterr().out == ""
    assert model.report[-1].startswith(f"Wrote {model.folder}") and model.report[-1].endswith(
        "(a temporary folder, removed with the model: model.save(path) keeps it)")


def test_every_public_name_and_its_methods_say_what_they_are():
    """help(sp.Forecaster) showed Forecaster.metrics and Forecaster.units bare."""
    import inspect
    bare = []
    for name in sp.__all__:
        thing = getattr(sp, name)
        if name != "__version__" and not inspect.getdoc(thing):
            bare.append(name)
        for attr, value in vars(thing).items() if inspect.isclass(thing) else ():
            doc = value.fget.__doc__ if isinstance(value, property) else \
                getattr(value, "__doc__", None) if callable(value) else "data"
            if not attr.startswith("_") and not doc:
                bare.append(f"{name}.{attr}")
    assert bare == []


def test_the_bundled_file_named_by_its_path_keeps_its_units(tmp_path):
    """README's example, sp.fit(bundled_data_path()), printed "Forecast of value" for
    the airline passengers: only a run without --data knew the bundled file's units.
    A copy elsewhere is the user's own file, with its own (here: no) header."""
    import shutil

    from series_predictor import stages
    from series_predictor.data_loader import bundled_data_path
    assert stages.read_stage(ChapterConfig(data=bundled_data_path())).units == \
        "passengers (thousands)" == stages.read_stage(ChapterConfig()).units
    copy = shutil.copy(bundled_data_path(), tmp_path / "mine.csv")
    assert stages.read_stage(ChapterConfig(data=str(copy))).units == "value"


@pytest.mark.parametrize("k", [0, -1, "2", 2.0, True, None])
def test_a_backtest_of_no_whole_number_of_origins_is_refused_naming_k(k):
    """backtest("2") said "backtest must be an integer >= 0" (the --backtest option's
    rule, where 0 is off), and backtest(0) then said "at least 1": k is checked first,
    by one rule, before anything is read or fitted."""
    import types
    forecaster = sp.Forecaster(types.SimpleNamespace(folder="never-read"))
    with pytest.raises(SettingError, match=r"^backtest needs a whole number k >= 1 of "
                                           rf"origins; found k={re.escape(repr(k))}$"):
        forecaster.backtest(k)


def test_a_warning_is_shown_each_time_a_fit_warns_and_the_users_filter_wins():
    """Python shows a warning once per line of code, so a notebook cell run again (the
    same line) showed a fit's warning the first time only; each run's warnings now show
    each time, unless the user's own filter says otherwise."""
    code = ("import warnings\n{before}\nfrom series_predictor.run_log import RunLog\n"
            "for _ in range(2):\n    log = RunLog(False); log('Warning: spiky')\n"
            "    log.emit()\n")
    shown = run_python(code.format(before=""))
    assert shown.returncode == 0 and shown.stderr.count("SeriesPredictorWarning: spiky") == 2
    silenced = run_python(code.format(before="warnings.simplefilter('ignore')"))
    assert silenced.returncode == 0 and silenced.stderr == ""


@pytest.mark.parametrize("quiet", [False, True])
def test_quiet_is_refused_naming_verbose(quiet):
    """fit(y, quiet=False) was accepted and then overridden by verbose=False: the user
    who asked for progress got none, without a word."""
    with pytest.raises(SettingError, match=rf"give verbose=, not quiet={quiet}$"):
        sp.fit(list(range(100)), quiet=quiet)


def test_the_files_of_a_temporary_run_folder_are_said_to_be_temporary(capsys):
    """A verbose fit said "Wrote /tmp/series-predictor-fit-.../forecast.csv, ..." as the
    command line says it of --out: the folder goes with the model unless it is saved."""
    from series_predictor.run_log import RunLog
    RunLog(True, "/tmp/run-x")("Wrote /tmp/run-x/forecast.csv, /tmp/run-x/run.json")
    RunLog(True)("Wrote kept/forecast.csv")
    assert capsys.readouterr().out.splitlines() == [
        "Wrote /tmp/run-x/forecast.csv, /tmp/run-x/run.json (a temporary folder, removed "
        "with the model: model.save(path) keeps it)", "Wrote kept/forecast.csv"]


def test_a_book_run_s_repr_names_its_recipe(tmp_path):
    """recipe=None (the book's settings, as the command line without --recipe) showed
    '<Forecaster: recipe None, ...>'; it is the book's recipe."""
    model = sp.fit(list(np.arange(60.0) % 12 + 100), recipe=None, iterations=2,
                   report_every=1, hidden_dim=4)
    assert repr(model) == "<Forecaster: recipe 'book', 1 member(s), 60 points of value>"
