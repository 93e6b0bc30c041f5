"""The package's one atomic writer and one digest (``series_predictor.atomic``)."""

import hashlib
import os

import pytest

from series_predictor import atomic, checkpoints, plots, run_folder


def test_write_atomic_writes_text_bytes_and_streams(tmp_path):
    path = tmp_path / "out.txt"
    atomic.write_atomic(path, "caf\u00e9\n")
    assert path.read_bytes() == b"caf\xc3\xa9\n"
    atomic.write_atomic(path, b"\x00\x01", sync=True)
    assert path.read_bytes() == b"\x00\x01"
    atomic.write_atomic(path, lambda stream: stream.write(b"streamed"))
    assert path.read_bytes() == b"streamed"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "keep.txt"
    path.write_text("old")

    def half_then_fail(stream):
        stream.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic.write_atomic(path, half_then_fail)
    assert path.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["keep.txt"]


def test_digest_is_the_sha256_of_the_file(tmp_path):
    path = tmp_path / "data.bin"
    data = bytes(range(256)) * 5000  # more than one 1 MiB read
    path.write_bytes(data)
    assert atomic.digest(path) == hashlib.sha256(data).hexdigest()
    assert atomic.digest(path, sync=True) == hashlib.sha256(data).hexdigest()


def test_the_package_has_one_writer_and_one_digest():
    assert run_folder.digest is atomic.digest
    assert run_folder.write_text is atomic.write_atomic
    assert checkpoints.write_atomic is atomic.write_atomic
    assert plots.write_atomic is atomic.write_atomic
