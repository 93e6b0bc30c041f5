"""--recipe global: one network trained across a collection's series (issue 19)."""

import csv
import json
import os

import numpy as np
import pytest

from series_predictor import auto, data_loader
from series_predictor.cli import main
from series_predictor.errors import SettingError

N = 120          # points per series: 96 train (77 fit + a validation tail of 19), 24 test
ITERATIONS = 300
IDS = ("s0", "s1", "s2", "flipped")


def _fit_end():
    n_train = data_loader.train_size(N, 0.8)
    return n_train - auto.network_tail(n_train, N - n_train, 12)


def _cycle(k, flip_at=None):
    """Level 100, a slight trend and a period-5 cycle of amplitude 10 (which no structure
    follows; the network can), plus seeded noise (sd 0.5). From ``flip_at`` on, the
    cycle runs in the opposite phase: a network that learnt it is wrong there."""
    rng = np.random.default_rng(k)
    i = np.arange(N)
    wave = 10 * np.sin(2 * np.pi * i / 5 + k)
    if flip_at is not None:
        wave[flip_at:] *= -1
    return 100 + 0.1 * i + wave + rng.normal(0, 0.5, N)


def _collection():
    """Three series sharing the cycle, and one whose cycle flips at its validation tail."""
    data = {f"s{k}": _cycle(k) for k in range(3)}
    data["flipped"] = _cycle(3, flip_at=_fit_end())
    return data


def _run(out):
    from series_predictor.collection import fit_collection
    return fit_collection(_collection(), out=str(out), recipe="global", iterations=ITERATIONS,
                          keep_going=True, quiet=True, log=lambda *_: None)


@pytest.fixture(scope="module")
def global_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("global") / "out"
    results = _run(out)
    assert {i: r.status for i, r in results.items()} == dict.fromkeys(IDS, "done")
    return out


def _metrics(out, series_id=None):
    path = os.path.join(out, series_id, "metrics.json") if series_id else \
        os.path.join(out, "metrics.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@pytest.mark.slow
def test_every_series_gets_a_run_folder_and_the_collection_its_table(global_out):
    for series_id in IDS:
        folder = global_out / series_id
        for name in ("metrics.json", "forecast.csv", "run.json", "series.csv"):
            assert (folder / name).is_file(), (series_id, name)
        assert any(n.endswith(".index") for n in os.listdir(folder / "checkpoint"))
        metrics = _metrics(global_out, series_id)
        assert metrics["settings"]["recipe"] == "global"
        assert metrics["global_network"]["folder"] == os.path.join("..", "global-network")
        assert metrics["hallucination"]["lstm"]["rmse"] > 0
    assert any(n.endswith(".index") for n in os.listdir(global_out / "global-network"))
    summary = _metrics(global_out)["summary"]
    assert summary["series"] == summary["finished"] == 4 and summary["failed"] == []
    with open(global_out / "forecast.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [i for i in IDS if sum(r["id"] == i for r in rows) == 20] == list(IDS)  # horizon 20


@pytest.mark.slow
def test_the_correction_is_kept_where_it_helps_and_left_out_where_it_hurts(global_out):
    """The three series sharing the cycle keep the network (it cuts their validation RMSE
    by more than a tenth: the structures, Theta and drift without a season, follow no
    cycle); on the flipped one the learnt cycle is wrong, so it is left out and that
    series is forecast by its structures alone (decay 0 in its run folder)."""
    for series_id in ("s0", "s1", "s2"):
        network = _metrics(global_out, series_id)["auto"]["network"]
        assert network["kept"] and network["ratio"] < 0.9, (series_id, network)
    flipped = _metrics(global_out, "flipped")["auto"]["network"]
    assert not flipped["kept"] and flipped["ratio"] > 1.1
    entries = _metrics(global_out)["series"]
    assert [entries[i]["network_kept"] for i in IDS] == [True, True, True, False]
    for series_id, decay in (("s0", auto.DECAY), ("flipped", 0.0)):
        with open(global_out / series_id / "run.json", encoding="utf-8") as handle:
            preprocessing = json.load(handle)["candidates"][0]["preprocessing"]
        assert preprocessing["decay"] == decay


@pytest.mark.slow
def test_a_series_folder_forecasts_again_as_written(global_out):
    from series_predictor.kept_run import load_run
    table = load_run(str(global_out / "s0")).forecast()
    with open(global_out / "s0" / "forecast.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    written = [float(row["forecast"]) for row in rows]
    np.testing.assert_allclose(table.point, written, rtol=1e-6)


@pytest.mark.slow
def test_a_rerun_keeps_a_complete_collection(global_out):
    """Run again with the same settings, every series is complete: nothing is trained
    (the auto planning records its own validation tail, which once made every series
    look changed)."""
    results = _run(global_out)
    assert {i: r.status for i, r in results.items()} == dict.fromkeys(IDS, "kept")


@pytest.mark.slow
def test_the_same_seed_gives_the_same_numbers(global_out, tmp_path):
    _run(tmp_path / "again")
    assert (tmp_path / "again" / "forecast.csv").read_text() == \
        (global_out / "forecast.csv").read_text()
    for series_id in IDS:
        assert _metrics(tmp_path / "again", series_id)["hallucination"] == \
            _metrics(global_out, series_id)["hallucination"]


# ------------------------------------------------------------------ refusals (fast)
def test_a_single_series_is_refused_in_one_line(tmp_path, capsys, airline_csv):
    assert main(["--data", airline_csv, "--recipe", "global", "--out", str(tmp_path / "o")],
                prog="sp") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--recipe global" in err and "--recipe auto" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("options, word", [({"cluster": "local"}, "cluster="),
                                           ({"ensemble": 3}, "ensemble="),
                                           ({"backtest": 2}, "backtest="),
                                           ({"diff": (12,)}, "diff=")])
def test_what_the_global_recipe_cannot_do_is_refused_before_anything_is_written(
        tmp_path, options, word):
    """Refused before anything is written, each setting named as Python spells it
    (fit_collection speaks Python: option_names; the command line says --cluster)."""
    from series_predictor.collection import fit_collection
    with pytest.raises(SettingError, match=rf"^recipe='global' .*{word}"):
        fit_collection(_collection(), out=str(tmp_path / "o"), recipe="global", **options)
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_a_bad_series_is_named_and_the_others_still_share_the_network(tmp_path):
    from series_predictor.collection import fit_collection
    from series_predictor.collection_result import CollectionIncomplete
    data = {f"s{k}": _cycle(k) for k in range(2)}
    data["short"] = _cycle(5)[:20]
    with pytest.raises(CollectionIncomplete, match="short"):
        fit_collection(data, out=str(tmp_path / "o"), recipe="global", iterations=50,
                       keep_going=True, quiet=True, log=lambda *_: None)
    summary = _metrics(tmp_path / "o")["summary"]
    assert summary["failed"] == ["short"] and summary["finished"] == 2
    error = _metrics(tmp_path / "o")["series"]["short"]["error"]
    assert "at least 32 points are needed (25 training points" in error  # auto's rule
    assert all((tmp_path / "o" / i / "run.json").is_file() for i in ("s0", "s1"))


@pytest.mark.slow
@pytest.mark.parametrize("quiet", [False, True])
def test_the_global_recipe_says_what_it_does_per_series(tmp_path, quiet):
    """--recipe global printed nothing while it read and planned each series (the
    longest part before training); now one line each, which --quiet silences."""
    from series_predictor import collection
    data = {k: [100 + 10 * np.sin(i / 12 * 2 * np.pi) + i * 0.1 * j for i in range(72)]
            for j, k in enumerate("abc")}
    lines = []
    collection.fit_collection(data, out=str(tmp_path / "out"), recipe="global",
                              iterations=20, hidden_dim=8, horizon=6, quiet=quiet,
                              log=lines.append)
    planned = [line.split(":")[0] for line in lines if line.startswith("[planned ")]
    done = [line.split(" ")[1] for line in lines if line.startswith("[") and " done in " in line]
    if quiet:
        assert planned == [] and done == []
    else:
        assert planned == ["[planned 1/3] a", "[planned 2/3] b", "[planned 3/3] c"]
        assert done == ["a", "b", "c"]
        assert lines.index(next(l for l in lines if l.startswith("Global network:"))) > \
            lines.index(next(l for l in lines if l.startswith("[planned 3/3]")))
