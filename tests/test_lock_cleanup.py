"""A refused run leaves the user's ``--out`` as it was: the lock file a run (or a
collection) made for itself goes again after a refusal, an error or Ctrl-C; a lock
file that was there before stays; a folder the run made and left empty goes too."""

import os

import pytest

from series_predictor import collection
from series_predictor.chapter import ChapterConfig, run_chapter
from series_predictor.errors import FolderInUseError, OutputDirError
from series_predictor.run_folder import LOCK_NAME, claimed, folder_lock, locked_folder

TINY = dict(recipe="book", iterations=20, report_every=10, hidden_dim=8, horizon=6)


def _listing(folder):
    return sorted(os.listdir(folder))


def _users_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "forecast.csv").write_text("my own forecast\n")
    (out / "notes.txt").write_text("mine\n")
    return out


def test_a_refused_claim_leaves_out_as_it_was(tmp_path):
    out = _users_out(tmp_path)
    before = _listing(out)
    with pytest.raises(OutputDirError, match="forecast.csv"):
        with claimed(str(out), ["checkpoint"]):
            pass
    assert _listing(out) == before == ["forecast.csv", "notes.txt"]


def test_a_refused_single_run_leaves_out_as_it_was(tmp_path):
    out = _users_out(tmp_path)
    with pytest.raises(OutputDirError, match="forecast.csv"):
        run_chapter(ChapterConfig(out=str(out), **TINY), log=lambda *_, **__: None)
    assert _listing(out) == ["forecast.csv", "notes.txt"]


def test_a_refused_collection_leaves_out_as_it_was(tmp_path):
    out = _users_out(tmp_path)
    with pytest.raises(OutputDirError, match="forecast.csv"):
        collection.fit_collection({"a": [1.0 + i % 12 for i in range(48)]}, out=str(out),
                                  workers=1, log=lambda *_: None, **TINY)
    assert _listing(out) == ["forecast.csv", "notes.txt"]


def test_ctrl_c_in_a_claimed_folder_removes_the_lock_it_made(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with claimed(str(tmp_path), ["checkpoint"]):
            assert (tmp_path / LOCK_NAME).exists()
            raise KeyboardInterrupt
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_lock_file_that_was_there_stays_after_an_error(tmp_path):
    (tmp_path / LOCK_NAME).write_text("")
    with pytest.raises(ValueError):
        with folder_lock(str(tmp_path)):
            raise ValueError("boom")
    assert _listing(tmp_path) == [LOCK_NAME]


def test_a_normal_end_keeps_the_lock_file_free(tmp_path):
    with folder_lock(str(tmp_path)):
        pass
    assert (tmp_path / LOCK_NAME).read_text().startswith(f"pid {os.getpid()}")
    with folder_lock(str(tmp_path)):  # free again
        pass


def test_a_folder_made_for_a_refused_run_goes_again(tmp_path):
    out = tmp_path / "new"
    with pytest.raises(RuntimeError):
        with locked_folder(str(out)):
            raise RuntimeError("refused")
    assert _listing(tmp_path) == []


def test_the_second_holder_is_refused_and_the_firsts_lock_stays(tmp_path):
    with folder_lock(str(tmp_path)):
        with pytest.raises(FolderInUseError, match=r"in use by another run \(pid \d+"):
            with locked_folder(str(tmp_path)):
                pass
        assert (tmp_path / LOCK_NAME).exists()
    assert _listing(tmp_path) == [LOCK_NAME]


def test_a_lock_on_a_removed_lock_file_is_taken_again_on_the_file_there(tmp_path,
                                                                       monkeypatch):
    """A refused run removed the lock file this one had opened: the lock is taken on the
    file the folder holds now, not on the removed one (which would lock nothing)."""
    from series_predictor import run_folder
    real = run_folder._take_lock
    calls = []

    def take_then_lose(folder, handle, path):
        real(folder, handle, path)
        if not calls:
            os.unlink(path)  # as a refused run that made it removes it
        calls.append(path)

    monkeypatch.setattr(run_folder, "_take_lock", take_then_lose)
    with folder_lock(str(tmp_path)):
        monkeypatch.setattr(run_folder, "_take_lock", real)
        with pytest.raises(FolderInUseError):
            with folder_lock(str(tmp_path)):
                pass
    assert len(calls) == 2


def test_a_collection_makes_and_locks_out_once_by_public_names(tmp_path, monkeypatch):
    """``run_collection`` made OUT twice (for the lock, then in ``claim``) and took the
    lock by run_folder's private ``_locked``."""
    import ast
    from series_predictor import run_folder
    made = []
    real = run_folder.make_writable_dir
    monkeypatch.setattr(run_folder, "make_writable_dir",
                        lambda path: made.append(os.fspath(path)) or real(path))
    out = _users_out(tmp_path)
    with pytest.raises(OutputDirError):
        collection.fit_collection({"a": [1.0 + i % 12 for i in range(48)]}, out=str(out),
                                  workers=1, log=lambda *_: None, **TINY)
    assert made.count(str(out)) == 1
    tree = ast.parse(open(collection.__file__, encoding="utf-8").read())
    private = [alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               and node.module == "run_folder" for alias in node.names
               if alias.name.startswith("_")]
    assert private == []
