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
