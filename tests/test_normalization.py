"""Normalization messages and magnitudes (issue group 7). No TensorFlow."""

import numpy as np
import pytest

import data_loader
from series_predictor.errors import DataFormatError, SeriesTooShortError, SettingError

Normalization = data_loader.Normalization
SOURCE = "data.csv, training part (lines 2..116)"


def test_constant_part_names_its_value_and_the_source():
    with pytest.raises(DataFormatError) as info:
        Normalization.fit(np.full(10, 5.0), source=SOURCE)
    message = str(info.value)
    assert message == (f"{SOURCE}: cannot normalize a constant series "
                       "(every value is 5): its standard deviation is 0")


@pytest.mark.parametrize("value, shown", [(0.1, "0.1"), (-3.0, "-3"), (1e200, "1e+200"),
                                          (np.float32(2.5), "2.5")])
def test_constant_value_is_shown_without_numpy_repr(value, shown):
    with pytest.raises(DataFormatError) as info:
        Normalization.fit([value] * 4)
    assert f"every value is {shown})" in str(info.value)
    assert "np." not in str(info.value) and "float64" not in str(info.value)


@pytest.mark.parametrize("values", [[0.0, 5e-324], [1e-310, 2e-310, 3e-310]])
def test_values_float64_cannot_tell_apart_are_refused_by_name(values):
    with pytest.raises(DataFormatError) as info:
        Normalization.fit(values, source=SOURCE)
    message = str(info.value)
    assert message.startswith(f"{SOURCE}: cannot normalize")
    assert "differ by less than float64 can resolve" in message
    assert "constant" not in message


@pytest.mark.parametrize("scale", [1e200, 1e300, 1e-300, 1.0, 1e-200])
def test_huge_and_tiny_magnitudes_normalize_and_round_trip(scale):
    values = np.array([1.0, 2.0, 3.0]) * scale
    norm = Normalization.fit(values)
    z = norm.apply(values)
    np.testing.assert_allclose(z, [-1.224744871391589, 0.0, 1.224744871391589],
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(norm.invert(z), values, rtol=1e-12)
    assert norm.mean == pytest.approx(2 * scale, rel=1e-12)
    assert norm.std == pytest.approx(0.816496580927726 * scale, rel=1e-12)


def test_values_at_the_top_of_float64():
    values = np.array([-1.7e308, 1.7e308])
    norm = Normalization.fit(values)
    assert norm.mean == 0.0 and norm.std == 1.7e308
    assert norm.apply(values).tolist() == [-1.0, 1.0]
    assert norm.invert([-1.0, 1.0]).tolist() == [-1.7e308, 1.7e308]


def test_ordinary_values_give_the_plain_formula_bit_for_bit(airline_csv):
    raw = data_loader.read_series(airline_csv).values
    norm = Normalization.fit(raw)
    assert norm.mean == float(np.mean(raw)) and norm.std == float(np.std(raw))
    assert np.array_equal(norm.apply(raw), (raw - np.mean(raw)) / np.std(raw))


def test_empty_and_non_finite_values():
    with pytest.raises(SeriesTooShortError) as info:
        Normalization.fit([], source=SOURCE)
    assert str(info.value) == f"{SOURCE}: cannot normalize an empty series"
    with pytest.raises(DataFormatError, match=r"value nan at index 2 is not a finite number"):
        Normalization.fit([1.0, 2.0, np.nan])


def test_source_must_be_text():
    with pytest.raises(SettingError, match="source"):
        Normalization.fit([1.0, 2.0], source=3)


def test_load_series_names_the_file_and_lines_of_a_constant_series(tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text("Month,Sales\n2020-01,5\n2020-02,5\n2020-03,5\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as info:
        data_loader.load_series(str(path))
    assert str(info.value) == (f"{path}, lines 2..4: cannot normalize a constant series "
                               "(every value is 5): its standard deviation is 0")


def test_series_describe_names_a_part():
    series = data_loader.Series(values=np.arange(4.0), labels=None, name=None,
                                path="data.csv", lines=(2, 3, 5, 6))
    assert series.describe(0, 3, "training part") == "data.csv, training part (lines 2..5)"
    assert series.describe(3) == "data.csv, lines 6..6"
