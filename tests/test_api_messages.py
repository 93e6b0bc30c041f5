"""What ``fit`` and ``save`` say when given something else than they take.

Before: 'y must be numbers; found generator that is not (give a list, ...)' (the
sentence stopped), the same for a dict, a set, a long DataFrame (whose place is
``fit_collection``) and an object array naming no item; ``save(None)`` raised
TypeError 'expected str, bytes or os.PathLike object, not NoneType' from ``os``.
"""

import numpy as np
import pytest

import series_predictor as sp
from series_predictor.api_values import as_values
from series_predictor.errors import DataFormatError, SettingError

Y = [100.0 + (i % 12) for i in range(40)]
START = "y must be one series of numbers (a list, an array, a pandas Series or a CSV path)"
ELSEWHERE = ("; several series (a dict of arrays, a long DataFrame of id, date and value) "
             "go to series_predictor.collection.fit_collection")


@pytest.mark.parametrize("given, message", [
    ((v for v in Y), f"{START}; found generator; give its values as a list, e.g. list(y)"),
    ({"a": Y, "b": Y}, f"{START}; found dict{ELSEWHERE}"),
    ({1.0, 2.0}, f"{START}; found set"),
    (np.array(Y + ["x"], dtype=object), "y must be numbers; found ndarray that is not: "
     "position 40 holds 'x' (give a list, an array, a pandas Series or a CSV path)")])
def test_what_is_no_series_is_named_in_a_whole_sentence(given, message):
    with pytest.raises(DataFormatError) as caught:
        as_values(given)
    assert str(caught.value) == message


def test_a_long_dataframe_is_sent_to_fit_collection():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": ["a"] * 40, "date": pd.date_range("2000", periods=40,
                                                                  freq="MS"), "value": Y})
    with pytest.raises(DataFormatError) as caught:
        sp.fit(frame)
    assert str(caught.value) == f"{START}; found DataFrame{ELSEWHERE}"


@pytest.mark.parametrize("path", [None, 123, ""])
def test_save_names_what_is_no_path(path):
    model = sp.fit(Y, recipe="book", iterations=2, report_every=2)
    with pytest.raises(SettingError) as caught:
        model.save(path)
    assert str(caught.value) == f"save needs the path of a new or empty folder; found {path!r}"


def test_an_error_names_no_file_of_the_temporary_folder_it_removed():
    """'restored the last finite checkpoint: /tmp/series-predictor-fit-x/checkpoint/
    model.ckpt-1': fit removed that folder as the error left it."""
    from series_predictor.errors import TrainingDiverged
    with pytest.raises(TrainingDiverged) as caught:
        sp.fit(Y, recipe="book", iterations=5, learning_rate=1e30)
    message = str(caught.value)
    assert "series-predictor-fit-" not in message
    assert message.endswith("restored the last finite checkpoint: model.ckpt-1 in fit's "
                            "temporary run folder (removed; pass out=PATH to keep the run "
                            "folder)")
    assert caught.value.checkpoint is None   # it named the removed file too
