"""Whether ``--recipe auto``'s network earns its place: its correction is kept only
where it cuts the structures' validation error by ``NETWORK_MARGIN`` (``judge_network``),
else every forecast of the run is the structures' alone. NumPy only.
"""

import dataclasses

import numpy as np

from . import metrics

# The network is kept only when its validation RMSE is below this share of the
# structures' alone. On the 35 monthly development series of whole runs (commit f7a9d78)
# the networks kept for any improvement (21) made the test error larger on average
# (1.013), and so did those kept for 0.5%, 1% or 2% (9, 6, 2: 1.034, 1.013, 1.023);
# with the airline model (commit cc99742) the two kept for 5% (cuts of 7.3% and 6.1%)
# made it 1.69 and 1.11 times the structures': the verdict is noise (docs/recipes.md).
NETWORK_MARGIN = 0.90


def structure_forecasts(run):
    """{task name: ``[count]``} of the structures alone (no network), each from the
    values before its origin."""
    from .stages import task_preprocessing
    values, out = run.loaded.values, {}
    for task in run.tasks:
        transform = task_preprocessing(run.prepared, values, task).transform
        zeros = np.zeros(task.count)
        out[task.name] = (transform.invert_one_step(values, task.start, zeros)
                          if task.kind == "one_step"
                          else transform.invert_path(values, task.start, zeros))
    return out


def judge_network(run, progress):
    """Keep the network's correction only where it helps on the validation tail.

    The networks trained on the points before the tail; their hallucination over it is
    compared with the structures' alone (RMSE). When it is not below ``NETWORK_MARGIN``
    of theirs (more than 10% smaller), or when any of
    its forecasts was dropped (it diverged or left the plausible range: the structures
    have a forecast for every task, so the run goes on), every forecast of ``run``
    becomes the structures' alone, and the candidates' decay 0 (so that the run folder
    forecasts the same). Records ``run.auto["network"]``.
    """
    split, values = run.prepared.split, run.loaded.values
    actual = values[split.fit_end:split.n_train]
    alone = structure_forecasts(run)
    network = run.combined.forecasts.get("validation hallucination")
    without = metrics.rmse(alone["validation hallucination"], actual)
    with_net = None if network is None else metrics.rmse(network, actual)
    dropped = [name for name in alone if run.combined.forecasts.get(name) is None]
    kept = with_net is not None and with_net < NETWORK_MARGIN * without and not dropped
    if not kept:  # decay 0: a kept run folder forecasts with the structures alone too
        run.combined.forecasts.update(alone)
        run.candidates = [dataclasses.replace(
            p, preprocessing=dataclasses.replace(p.preprocessing, decay=0.0),
            future=dataclasses.replace(p.future, decay=0.0)) for p in run.candidates]
    run.auto["network"] = {"validation_points": len(actual), "rmse_structures": without,
                           "rmse_with_network": with_net, "kept": kept,
                           "ratio": None if with_net is None else with_net / max(without, 1e-300),
                           "dropped_tasks": dropped, "margin": NETWORK_MARGIN}
    progress.step("Auto recipe: the network's correction " + (
        f"kept (validation RMSE {with_net:.4g} against {without:.4g} for the structures alone)"
        if kept else "left out (" + _why_left_out(with_net, without, dropped, run) + ")"))


def _why_left_out(with_net, without, dropped, run):
    """Why the network's correction is not used, in a few words."""
    if dropped:  # the validation hallucination's too (no network RMSE): say why
        reasons = [why for by_task in run.combined.dropped.values() for why in by_task.values()]
        return (f"its {dropped[0]} forecast was dropped: "
                + (reasons[0] if reasons else "it left the plausible range"))
    if with_net is None:
        return "no network forecast"
    return (f"validation RMSE {with_net:.4g} against {without:.4g} for the structures "
            f"alone; it must be {1 - NETWORK_MARGIN:.0%} smaller")
