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
