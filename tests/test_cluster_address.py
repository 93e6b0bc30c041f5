"""``--cluster``: only 'local' and a scheduler on 127.0.0.1 are ever connected to.

Before, every address went to ``distributed.Client``: ``tcp://10.0.0.1:8786`` was
connected to (an answer from there raised "Unable to allocate 3.07 EiB"), and
``localhost``, ``tls://``, ``[::ffff:10.0.0.1]`` or a path after the port were tried.
"""

import pytest

from series_predictor import collection
from series_predictor.errors import SettingError

REFUSED = ["tcp://10.0.0.1:8786", "10.0.0.1:8786", "tcp://localhost:8786",
           "tcp://127.0.0.2:8786", "tcp://127.1:8786", "tcp://0x7f000001:8786",
           "tcp://2130706433:8786", "tcp://[::1]:8786", "tcp://[::ffff:10.0.0.1]:8786",
           "tcp://0.0.0.0:8786", "tls://127.0.0.1:8786", "ws://127.0.0.1:8786",
           "ucx://127.0.0.1:8786", "inproc://x", "tcp://127.0.0.1:8786/../",
           "tcp://user@127.0.0.1:8786", "tcp://127.0.0.1.nip.io:8786",
           "tcp://127.0.0.1:99999", "tcp://127.0.0.1:0", "tcp://127.0.0.1", "LOCAL", ""]


@pytest.fixture
def no_connection(monkeypatch):
    """Record every Client or LocalCluster made; none may be."""
    distributed = pytest.importorskip("distributed")
    made = []

    def record(*args, **kwargs):
        made.append(args)
        raise OSError("a connection was attempted")
    monkeypatch.setattr(distributed, "Client", record)
    monkeypatch.setattr(distributed, "LocalCluster", record)
    return made


@pytest.mark.parametrize("address", REFUSED)
def test_an_address_off_this_machine_is_refused_before_anything_is_read(
        tmp_path, no_connection, monkeypatch, address):
    monkeypatch.delenv("SERIES_PREDICTOR_CLUSTER_HOSTS", raising=False)
    with pytest.raises(SettingError) as caught:
        collection.fit_collection(str(tmp_path / "no-such-data.csv"), out=str(tmp_path / "o"),
                                  cluster=address, recipe="book", log=lambda *_: None)
    assert str(caught.value).startswith(f"--cluster {address!r} is refused (nothing was "
                                        "connected to): expected 'local' or")
    assert no_connection == []
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "127.0.0.1:1", "local"])
def test_this_machine_and_local_pass_the_check(address):
    from series_predictor.collection_cluster import check_address
    assert check_address(address) is None


def test_a_host_the_user_lists_in_the_environment_passes(monkeypatch):
    from series_predictor.collection_cluster import check_address
    monkeypatch.setenv("SERIES_PREDICTOR_CLUSTER_HOSTS", "sched.example, 10.1.2.3")
    assert check_address("tcp://sched.example:8786") is None
    assert check_address("10.1.2.3:8786") is None
    with pytest.raises(SettingError, match="is refused"):
        check_address("tcp://10.1.2.4:8786")


def test_the_runner_checks_too(no_connection, monkeypatch):
    """The per-series runner is the last gate before ``distributed.Client``."""
    from series_predictor.collection_cluster import runner
    monkeypatch.delenv("SERIES_PREDICTOR_CLUSTER_HOSTS", raising=False)
    with pytest.raises(SettingError, match="is refused"):
        runner("tcp://10.0.0.1:8786")([None], [("x", "a")], 1, lambda r: None)
    assert no_connection == []
