"""notebooks/chapter10.ipynb runs top to bottom on the package's stages, figures inline,
and its build cell re-runs to the same numbers (issues 5 and 10)."""

import os

import nbclient
import nbformat
import pytest

from conftest import ROOT

NOTEBOOK = os.path.join(ROOT, "notebooks", "chapter10.ipynb")


def outputs_of(cell, kind):
    return [o for o in cell.get("outputs", []) if kind in o.get("data", {})]


@pytest.mark.slow
def test_notebook_runs_and_its_build_cell_can_be_rerun():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": os.path.dirname(NOTEBOOK)}})
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    build = next(i for i in code if "SeriesPredictor(" in nb.cells[i].source)
    table = next(i for i in code if "evaluation =" in nb.cells[i].source)
    one_call = next(i for i in code if "sp.fit(" in nb.cells[i].source)
    with client.setup_kernel():
        for i in code:
            client.execute_cell(nb.cells[i], i)  # raises CellExecutionError on any error
        first_table = "".join(o.get("text", "") for o in nb.cells[table].outputs)
        for i in code:  # re-run from the build cell on, as a notebook user would
            if build <= i <= table:
                client.execute_cell(nb.cells[i], i)
        second_table = "".join(o.get("text", "") for o in nb.cells[table].outputs)
    images = sum(len(outputs_of(nb.cells[i], "image/png")) for i in code)
    assert images >= 5  # series, loss, predictions, hallucinations, forecast inline
    rows = {line[:28].strip(): line[28:].split() for line in first_table.splitlines()[1:]}
    assert rows["LSTM"] == ["60.6", "99.1"]  # the command's numbers (README, seed 0)
    assert rows["seasonal naive (lag 12)"] == ["46.1", "75.2"]
    assert second_table == first_table  # same seed, same numbers after the re-run
    said = "".join(o.get("text", "") for o in nb.cells[one_call].outputs).splitlines()
    assert said[0] == "LSTM one-step RMSE 60.6, hallucination RMSE 99.1"  # fit: the same
    assert said[1] == "Forecast of passengers (thousands), 12 points"
    assert said[3].split() == ["1961-01", "493.2"] and len(said) == 16  # 12 rows, the note


def _code(fragment):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and fragment in c.source]
    assert len(cells) == 1, fragment
    return cells[0]


def test_the_notebooks_figures_draw_what_the_runs_figures_draw():
    """The notebook drew its loss curves from the report steps alone (they stopped at
    step 900 of 1000, where the run's loss.png reaches 1000) and its predictions and
    hallucination without the seasonal naive path the table below compares with (the
    run's predictions.png and hallucinations.png draw it). It now takes the curves and
    the baseline from the code that draws the run's figures."""
    assert "history.curves()" in _code("plots.plot_loss(")
    for cell in (_code("plots.plot_predictions("), _code("plots.plot_hallucinations(")):
        assert "baseline=outputs.naive_baseline(" in cell


def test_a_histories_curves_reach_the_last_step_run():
    """TrainingHistory.curves(): the report steps, then the last step run (1000 steps
    report at 0, 100, ..., 900; the curves end at 999), for both curves."""
    from series_predictor.training import TrainingHistory
    history = TrainingHistory(loss=[float(k) for k in range(1000, 0, -1)],
                              report_steps=list(range(0, 1000, 100)),
                              report_train_loss=[float(1000 - s) for s in range(0, 1000, 100)],
                              report_monitor_loss=[2.0] * 10, final_monitor_loss=1.5)
    steps, train, monitor_steps, monitor = history.curves()
    assert steps[-2:] == [900, 999] and train[-1] == 1.0 == history.loss[-1]
    assert monitor_steps[-2:] == [900, 999] and monitor[-1] == 1.5
    unmonitored = TrainingHistory(loss=[3.0, 2.0], report_steps=[0], report_train_loss=[3.0])
    assert unmonitored.curves() == ([0, 1], [3.0, 2.0], [], [])
