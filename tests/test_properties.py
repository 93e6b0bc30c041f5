"""Property tests of the loader, the split and the windows (issue 5). No TensorFlow."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import data_loader
from series_predictor.errors import DataFormatError, SeriesTooShortError

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
series = st.lists(finite, min_size=2, max_size=60).filter(lambda v: np.std(v) > 1e-6 * (1 + np.max(np.abs(v))))
settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile("ci")


def write_csv(tmp_path, values, header, footer, crlf):
    lines = (["month,value"] if header else []) + [f"t{i},{v!r}" for i, v in enumerate(values)]
    if footer:
        lines += ["", "Source: somewhere, in thousands"]
    path = tmp_path / "s.csv"
    path.write_bytes(("\r\n" if crlf else "\n").join(lines).encode() + b"\n")
    return str(path)


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
