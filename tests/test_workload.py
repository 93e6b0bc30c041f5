"""Long series are refused at the start, saying why and what to do, instead of running
for minutes to hours without a word (``workload.py``).

Before: ``--recipe auto`` on 100,000 points ran 210 s (130 s without a line) and the
book's full-batch run on them was still at step 9 after 4 minutes (1000 steps: hours).
"""

import time

import numpy as np
import pytest

from series_predictor import auto, stages, workload
from series_predictor.config import ChapterConfig
from series_predictor.errors import SeriesTooLongError


def _loaded(n):
    values = 100 + 10 * np.sin(np.arange(n) / 7.0) + 0.001 * np.arange(n)
    return stages.LoadedSeries(values, np.arange(n), tuple(range(2, n + 2)), "long.csv",
                               "value")


def test_auto_refuses_a_series_over_its_cap_before_any_fit():
    config = ChapterConfig(recipe="auto", season=1)
    start = time.perf_counter()
    with pytest.raises(SeriesTooLongError) as caught:
        auto.check_series(_loaded(workload.MAX_AUTO_POINTS + 1), config)
    assert time.perf_counter() - start < 1
    assert str(caught.value).startswith(
        "long.csv: 20001 points are too many for --recipe auto, which takes at most 20000")
    assert "keep the most recent 20000 rows, or use --recipe book with --batch-size 64" \
        in str(caught.value)


def test_auto_takes_a_series_at_its_cap():
    auto.check_series(_loaded(workload.MAX_AUTO_POINTS), ChapterConfig(recipe="auto",
                                                                        season=1))


def test_a_full_batch_of_80000_windows_for_1000_steps_is_refused_before_training():
    config = ChapterConfig(season=1)   # the book's: full batch, 1000 steps, 100 units
    with pytest.raises(SeriesTooLongError) as caught:
        stages.prepare_stage(_loaded(100_000), config)
    assert str(caught.value) == (
        "long.csv: 79995 training windows in one full batch, 1000 Adam steps, 100 units: "
        "about 8 s a step on a busy 2-core machine, 133 minutes in all and 13 between "
        "progress lines; pass --batch-size 64 (mini-batches), fewer --iterations, or fewer "
        "points")


@pytest.mark.parametrize("settings", [dict(iterations=3), dict(batch_size=64),
                                      dict(hidden_dim=8)])
def test_few_steps_mini_batches_or_a_small_network_on_the_same_series_are_taken(settings):
    prepared = stages.prepare_stage(_loaded(100_000), ChapterConfig(season=1, **settings))
    assert prepared.train_x.shape == (79995, 5, 1)


def test_light_steps_run_however_many():
    """A long run on a short series (stopped with Ctrl-C) is no long series."""
    workload.check_full_batch(110, ChapterConfig(iterations=10_000_000), "airline.csv")


def test_members_count_in_the_work():
    with pytest.raises(SeriesTooLongError, match=r"full batch, 150 Adam steps x 3 members, 100 units: about 1.2 s a step"):
        workload.check_full_batch(12_000, ChapterConfig(season=1, ensemble=3,
                                                        iterations=150), "s.csv")
    workload.check_full_batch(12_000, ChapterConfig(season=1, ensemble=2, iterations=150),
                              "s.csv")


def test_the_api_refuses_a_long_series_for_auto_at_once(tmp_path):
    import series_predictor as sp
    start = time.perf_counter()
    with pytest.raises(SeriesTooLongError, match="30000 points are too many for recipe='auto'"):
        sp.fit(list(_loaded(30_000).values))
    assert time.perf_counter() - start < 10


def test_the_api_names_the_ways_out_in_python_terms():
    """From ``fit`` the refusals named command-line options (``--recipe book with
    --batch-size 64``, ``--iterations``), which a Python caller cannot pass."""
    import series_predictor as sp
    with pytest.raises(SeriesTooLongError) as caught:
        sp.fit(list(_loaded(30_000).values))
    assert "too many for recipe='auto'" in str(caught.value)
    assert str(caught.value).endswith("or use recipe='book' with batch_size=64")
    with pytest.raises(SeriesTooLongError) as caught:
        sp.fit(list(_loaded(100_000).values), recipe="book", season=1)
    assert str(caught.value).endswith("; pass batch_size=64 (mini-batches), fewer "
                                      "iterations, or fewer points")
    assert "--" not in str(caught.value)
