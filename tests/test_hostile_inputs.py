"""Cases a hostile but realistic user tries, each answered by one line that names the
problem (the path, the value, what was expected) before any training."""

import pytest

from series_predictor.errors import OutputDirError
from series_predictor.run_folder import make_writable_dir


def test_out_that_is_a_file_says_so_and_leaves_it(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    with pytest.raises(OutputDirError) as caught:
        make_writable_dir(str(blocker))
    assert str(caught.value) == (f"folder {str(blocker)!r} cannot be written: "
                                 f"{str(blocker)!r} is a file, not a folder")
    with pytest.raises(OutputDirError, match=f"{str(blocker)!r} is a file, not a folder"):
        make_writable_dir(str(blocker / "deeper" / "out"))
    assert blocker.read_text() == "mine"


@pytest.mark.slow
def test_fit_takes_out_none_and_paths_with_a_tilde(tmp_path, monkeypatch):
    """``out=None`` is the default (a temporary folder), not a TypeError from posixpath;
    ``~`` in fit's CSV path, ``out=``, ``save`` and ``load_run`` is the home folder, as
    pandas reads it (it was 'data file not found: ~/data.csv', and a folder named '~')."""
    import series_predictor as sp
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "home").mkdir()
    values = [100.0 + i + 10 * (i % 12 == 6) for i in range(60)]
    (tmp_path / "home" / "data.csv").write_text(
        "month,value\n" + "".join(f"{2015 + i // 12}-{i % 12 + 1:02d},{v}\n"
                                  for i, v in enumerate(values)))
    settings = dict(recipe="book", iterations=10, hidden_dim=8)
    plain = sp.fit(values, out=None, **settings)
    assert plain.forecast(2).point.shape == (2,)
    model = sp.fit("~/data.csv", out="~/run", **settings)
    assert model.folder == str(tmp_path / "home" / "run")
    assert list(model.forecast(2).point) == list(plain.forecast(2).point)
    assert model.save("~/copy") == str(tmp_path / "home" / "copy")
    assert list(sp.load_run("~/copy").forecast(2).point) == list(plain.forecast(2).point)
    assert not (tmp_path / "~").exists()


@pytest.mark.slow
def test_a_cluster_address_where_a_web_server_listens_is_refused_not_waited_on(tmp_path):
    """Dask's connect timeout does not cover the scheduler's answer: an HTTP server on
    the port kept ``--cluster tcp://127.0.0.1:PORT`` waiting for ever."""
    import http.server
    import threading
    import time

    pytest.importorskip("distributed")
    from series_predictor import collection
    from series_predictor.errors import SettingError
    class Quiet(http.server.BaseHTTPRequestHandler):
        def log_message(self, *_):  # Dask's bytes are a bad request: no log on the screen
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    server.daemon_threads = True      # a handler waiting on Dask's bytes never holds us
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"tcp://127.0.0.1:{server.server_port}"
    start = time.monotonic()
    try:
        with pytest.raises(SettingError) as caught:
            collection.fit_collection({"a": [float(i % 12) for i in range(48)]},
                                      out=str(tmp_path / "out"), cluster=address,
                                      recipe="book", iterations=10, log=lambda *_: None)
    finally:
        server.shutdown()
    assert time.monotonic() - start < 30  # a bound on the hang (8 s and a loaded machine)
    assert str(caught.value) == (f"cannot reach the Dask scheduler at {address!r}: nothing "
                                 "answered as a Dask scheduler within 8 s (is another "
                                 "program listening on that port?)")


def test_a_backtest_one_point_apart_is_worded_in_the_singular():
    import types

    from series_predictor.backtest import origins
    from series_predictor.errors import SeriesTooShortError
    with pytest.raises(SeriesTooShortError) as caught:
        origins(types.SimpleNamespace(n_train=48), 50, 1, 18)
    assert str(caught.value).startswith("a backtest with 50 origins 1 point apart starts at "
                                        "point -1, but a fit needs at least 18 points")
    assert origins(types.SimpleNamespace(n_train=48), 3, 12, 18) == [24, 36, 48]


@pytest.mark.parametrize("freq, step, season_length", [("h", 3600, 24), ("min", 60, 1),
                                                         ("D", 86400, 7), ("M", None, 12)])
def test_a_period_index_keeps_its_hours_and_minutes(freq, step, season_length):
    """An hourly PeriodIndex was cast to days: 'times must increase; position 1
    (2000-01-01) is not after 2000-01-01' for an index that does increase."""
    import numpy as np
    import pandas as pd

    from series_predictor import season
    from series_predictor.api import series_from
    index = pd.period_range("2000-01-01", periods=60, freq=freq)
    loaded = series_from(pd.Series(np.arange(60.0) % 7, index=index))
    assert loaded.times.dtype.kind == "M"
    if step is not None:
        assert np.all(np.diff(loaded.times).astype("timedelta64[s]").astype(int) == step)
    assert season.infer(loaded.times).length == season_length


@pytest.mark.parametrize("start, end, what", [
    (b"PK\x03\x04", b"", "a ZIP archive (an Excel .xlsx workbook is one), not a CSV text "
                         "file: save the sheet as CSV, or unzip the archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"", "an Excel .xls workbook"),
    (b"PAR1", b"PAR1", "a Parquet file, not a CSV text file: write it as CSV"),
    (b"%PDF-1.7", b"", "a PDF document"),
])
def test_a_workbook_archive_or_parquet_file_is_named_not_read_as_text(tmp_path, start, end,
                                                                     what):
    """A workbook was refused as 'byte 0x85 is not valid UTF-8 ... pass --encoding
    latin-1', or as 'no numeric value in column 1'."""
    from series_predictor.data_loader import read_series
    from series_predictor.errors import DataFormatError
    path = tmp_path / "sales.xlsx"
    path.write_bytes(start + b"\x85\x00binary\n1,2\n" + end)
    with pytest.raises(DataFormatError) as caught:
        read_series(str(path))
    assert str(caught.value).startswith(f"{str(path)!r} is {what}")


def test_a_csv_whose_header_starts_like_parquet_is_still_read(tmp_path):
    from series_predictor.data_loader import read_series
    path = tmp_path / "par.csv"
    path.write_text("PAR1,value\n" + "".join(f"{2000 + i},{i % 5 + 1}\n" for i in range(40)))
    assert len(read_series(str(path)).values) == 40


@pytest.mark.parametrize("args", [(), ([1.0, 2.0, 3.0],)])
def test_a_forecaster_made_directly_says_how_to_get_one(args):
    """``Forecaster()`` gave 'missing 1 required positional argument: kept', and
    ``Forecaster(y).forecast(3)`` an AttributeError inside the package."""
    import series_predictor as sp
    with pytest.raises(TypeError, match=r"^a Forecaster is not made directly: "
                                        r"series_predictor.fit\(y, ...\) fits one"):
        sp.Forecaster(*args)


@pytest.mark.parametrize("y, message", [
    (None, "y must be one series of values (a list, an array, a pandas Series or a CSV "
           "path); found NoneType None"),
    (5.0, "y must be one series of values (a list, an array, a pandas Series or a CSV "
          "path); found float 5.0"),
    ([1.0, 2.0, "n/a", 4.0], "y must be numbers; found list that is not: position 2 holds "
                             "'n/a' (give a list"),
    ([1, [2, 3]], "y must be numbers; found list that is not: position 1 holds [2, 3]"),
])
def test_fit_names_what_is_wrong_with_y(y, message):
    """None and a number were 'found shape ()'; a list with a word named no position; a
    ragged list raised NumPy's ValueError from iscomplexobj."""
    import series_predictor as sp
    from series_predictor.errors import DataFormatError
    with pytest.raises(DataFormatError) as caught:
        sp.fit(y)
    assert str(caught.value).startswith(message)
