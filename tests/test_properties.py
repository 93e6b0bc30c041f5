"""Property tests of the loader, the split and the windows (issue 5). No TensorFlow."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import data_loader
from conftest import write_csv as write_file
from series_predictor.errors import DataFormatError, SeriesTooShortError, SettingError

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
series = st.lists(finite, min_size=2, max_size=60).filter(lambda v: np.std(v) > 1e-6 * (1 + np.max(np.abs(v))))
settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile("ci")


def write_csv(tmp_path, values, header, footer, crlf):
    lines = (["month,value"] if header else []) + [f"t{i},{v!r}" for i, v in enumerate(values)]
    if footer:
        lines += ["", "Source: somewhere, in thousands"]
    return write_file(tmp_path, ("\r\n" if crlf else "\n").join(lines) + "\n", "s.csv")


@given(values=series, header=st.booleans(), footer=st.booleans(), crlf=st.booleans())
def test_load_series_normalizes_and_denormalizes_back(tmp_path, values, header, footer, crlf):
    path = write_csv(tmp_path, values, header, footer, crlf)
    data, norm = data_loader.load_series(path, return_normalization=True)
    assert data_loader.read_series(path).values.tolist() == values  # exact round trip
    assert len(data) == len(values)
    assert abs(np.mean(data)) < 1e-6 and abs(np.std(data) - 1) < 1e-6
    scale = 1 + np.max(np.abs(values))
    np.testing.assert_allclose(norm.invert(data), values, rtol=0, atol=1e-9 * scale)


@given(values=st.lists(finite, max_size=50),
       fraction=st.floats(min_value=0.01, max_value=0.99))
def test_split_partitions_without_loss_or_overlap(values, fraction):
    data = np.array(values)
    train, test = data_loader.split_data(data, fraction)
    assert len(train) == int(len(data) * fraction)
    assert np.array_equal(np.concatenate([train, test]), data)


@given(values=st.lists(finite, min_size=1, max_size=40), seq_size=st.integers(1, 10))
def test_windows_have_documented_shapes_and_shifted_targets(values, seq_size):
    data = np.array(values)
    if len(data) < seq_size + 1:
        with pytest.raises(SeriesTooShortError):
            data_loader.make_windows(data, seq_size)
        return
    x, y = data_loader.make_windows(data, seq_size)
    n = len(data) - seq_size
    assert x.shape == (n, seq_size, 1) and y.shape == (n, seq_size)
    for i in range(n):
        assert np.array_equal(x[i, :, 0], data[i:i + seq_size])
        assert np.array_equal(y[i], data[i + 1:i + seq_size + 1])
    assert np.array_equal(y[:, :-1], x[:, 1:, 0])


@pytest.mark.slow
@settings(max_examples=200)
@given(junk=st.one_of(st.text(max_size=200),
                      st.binary(max_size=200),
                      st.lists(st.sampled_from(["1", "2.5", "x", "", " ", ",", "\n", "nan",
                                                "inf", '"', "1e999", "\x00", "a,b", "-"]),
                               max_size=40).map("".join)))
def test_junk_gives_a_series_or_the_documented_error(tmp_path, junk):
    path = tmp_path / "junk.csv"
    path.write_bytes(junk if isinstance(junk, bytes) else junk.encode("utf-8", "surrogatepass"))
    try:
        series = data_loader.read_series(str(path))
    except DataFormatError as exc:
        assert "junk.csv" in str(exc)
    else:
        assert len(series.values) >= 1 and np.all(np.isfinite(series.values))


# ---------------------------------------------------------------- readers' own files

def month_label(i, first_year=1900):
    """The ``i``-th month from January of ``first_year``, as ``YYYY-MM``."""
    return f"{first_year + i // 12}-{i % 12 + 1:02d}"


# How a spreadsheet in some locale may write a value: never read as another number.
# ('.' as a thousands separator is caught only among whole numbers below 1000, see
# test_csv_quirks: a file of values all written 1.120 reads as three decimals.)
LOCALE_STYLES = {
    "plain": lambda v: repr(v),
    "thousands": lambda v: f"{v:,}",                        # 1,120.5: splits the row
    "quoted thousands": lambda v: f'"{v:,}"',
    "decimal comma": lambda v: repr(v).replace(".", ","),
    "space thousands": lambda v: f'"{v:,}"'.replace(",", " "),
    "percent": lambda v: f"{v!r}%",
}


@given(rows=st.lists(st.tuples(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False,
                                         allow_subnormal=False).map(lambda v: round(v, 1)),
                               st.sampled_from(sorted(LOCALE_STYLES))), min_size=1, max_size=12),
       header=st.booleans())
def test_locale_formats_are_read_exactly_or_refused(tmp_path, rows, header):
    lines = (["Month,Passengers"] if header else []) + [
        f"{month_label(i, 1949)},{LOCALE_STYLES[style](value)}"
        for i, (value, style) in enumerate(rows)]
    path = tmp_path / "locale.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        series = data_loader.read_series(str(path))
    except DataFormatError as exc:
        assert str(exc).startswith(str(path)) and "line" in str(exc)
    else:
        assert series.values.tolist() == [value for value, _ in rows]


@given(values=st.lists(finite, min_size=1, max_size=20),
       bom=st.sampled_from(["", "utf-8-bom", "utf-16", "utf-32"]),
       ending=st.sampled_from(["\n", "\r\n", "\r"]), sep_line=st.booleans(),
       trailing_comma=st.booleans(), quoted=st.booleans(), spaces=st.booleans(),
       header=st.booleans(), notes=st.booleans())
def test_quirks_of_exported_files_read_exactly(tmp_path, values, bom, ending, sep_line,
                                               trailing_comma, quoted, spaces, header, notes):
    def field(text):
        text = f'"{text}"' if quoted else text
        return f" {text} " if spaces and not quoted else text
    tail = "," if trailing_comma else ""
    lines = (["sep=,"] if sep_line else []) + ([f"{field('Month')},{field('Value')}{tail}"]
                                                if header else [])
    first = len(lines) + 1
    lines += [f"{field(month_label(i))},{field(repr(v))}{tail}" for i, v in enumerate(values)]
    lines += ["", "Source: somewhere, in thousands"] if notes else []
    text = ending.join(lines) + ending
    data = {"": text.encode("utf-8"), "utf-8-bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
            "utf-16": text.encode("utf-16"), "utf-32": text.encode("utf-32")}[bom]
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    series = data_loader.read_series(str(path))
    assert series.values.tolist() == values
    assert series.lines == tuple(range(first, first + len(values)))
    assert series.name == ("Value" if header else None)
    assert str(series.times()[-1]) == month_label(len(values) - 1)


@pytest.mark.slow
@given(mantissas=st.lists(st.floats(min_value=-10, max_value=10, allow_nan=False),
                          min_size=2, max_size=30).filter(lambda v: np.std(v) > 1e-3),
       exponent=st.integers(-290, 290))
def test_normalization_works_at_every_magnitude(mantissas, exponent):
    values = np.array(mantissas) * 10.0 ** exponent
    norm = data_loader.Normalization.fit(values)
    z = norm.apply(values)
    assert abs(np.mean(z)) < 1e-9 and abs(np.std(z) - 1) < 1e-9
    np.testing.assert_allclose(norm.invert(z), values, rtol=0,
                               atol=1e-12 * np.max(np.abs(values)))


@given(first=st.integers(0, 9999 * 12 - 1), n=st.integers(1, 30), data=st.data())
def test_future_times_of_monthly_data_step_by_one_month_or_refuse(first, n, data):
    times = (np.arange(n) + first - 1970 * 12).astype("datetime64[M]")
    start = data.draw(st.integers(0, n))
    count = data.draw(st.one_of(st.integers(0, 400), st.just(10**9)))
    last_month = 9999 * 12 + 11 - 1970 * 12
    fits = first - 1970 * 12 + start + count - 1 <= last_month
    if not fits:
        with pytest.raises(SettingError, match="9999-12-31"):
            data_loader.future_times(times, start, count)
        return
    future = data_loader.future_times(times, start, count)
    assert len(future) == count and future.dtype == times.dtype
    assert np.array_equal(future[:n - start], times[start:start + count])
    assert np.all(np.diff(future.astype(np.int64)) == 1)
