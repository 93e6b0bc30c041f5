"""A structure transform's refits for a forecast are made once per run (issue 18,
"Affordable"): not once per member and again when ``--recipe auto`` judges its
network; a new preparation (``dataclasses.replace``) refits afresh."""

import dataclasses

import numpy as np

from conftest import quiet_log
from series_predictor import auto, network_verdict, stages, transforms
from series_predictor.chapter import ChapterConfig
from series_predictor.config import with_recipe
from series_predictor.fitting import plan_chapter


def test_each_one_step_tasks_refits_run_once_and_give_the_same_forecast(monkeypatch):
    loaded = stages.read_stage(ChapterConfig())
    run = plan_chapter(loaded, with_recipe("auto", quiet=True),
                       stages.Progress(quiet_log, quiet=True))
    calls = []
    real = transforms.Transform.one_step_fitted

    def counted(self, values, start, count, t0=0):
        calls.append((start, count))
        return real(self, values, start, count, t0)
    monkeypatch.setattr(transforms.Transform, "one_step_fitted", counted)
    one_step = [t for t in run.tasks if t.kind == "one_step"]
    assert one_step and run.prepared.preprocessing.transform.curve == "structure"
    first = network_verdict.structure_forecasts(run)
    again = network_verdict.structure_forecasts(run)  # as judge_network does after the members
    assert sorted(calls) == sorted((t.start, t.count) for t in one_step)
    for name in first:
        np.testing.assert_array_equal(first[name], again[name])
    fresh = dataclasses.replace(run.prepared)  # a new preparation: refitted afresh
    stages.task_preprocessing(fresh, loaded.values, one_step[0])
    assert len(calls) == len(one_step) + 1
    other_values = loaded.values.copy()  # other values (a backtest's): not the cached fit
    stages.task_preprocessing(run.prepared, other_values, one_step[0])
    assert len(calls) == len(one_step) + 2
