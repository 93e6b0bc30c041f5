"""How the bands of series without a season cover their test period when their errors
are measured in units of the recent volatility (``volatility.WINDOW`` one-step changes)
and when they are not: auto's structures alone, the chapter's split (first 80% trains).

    python benchmarks/band_volatility.py DATA_DIR [GROUP,GROUP...]

The window was chosen on "development / prices" (the default group); the holdout's
prices were scored once with the chosen one.
"""

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import pool_study  # noqa: E402
from series_predictor import volatility  # noqa: E402

WINDOWS = (None, 20, 60, 120, 250)   # None: errors as they are (no scaling)


def _coverage(values, window):
    """Auto's 80%/95% band coverage on one series with the volatility window ``window``."""
    original, chosen = volatility.recent, volatility.WINDOW
    try:
        if window is None:
            volatility.recent = lambda *args, **kwargs: 1.0
        else:
            volatility.WINDOW = window
            volatility.recent = lambda v, e, log=False, window=window: original(v, e, log, window)
        return pool_study._ours(np.asarray(values, float), 1)[1]
    finally:
        volatility.recent, volatility.WINDOW = original, chosen


def main(folder, names):
    groups = pool_study._groups(folder)
    for name in names:
        season, series = groups[name]
        assert season == 1, f"{name}: the scaling applies to series without a season"
        rows = {k: [_coverage(v, w) for w in WINDOWS] for k, v in series.items()}
        print(f"{name} ({len(rows)} series): mean coverage of the 80% / 95% bands")
        for i, window in enumerate(WINDOWS):
            share = {lv: np.mean([r[i][lv] for r in rows.values()]) for lv in (0.8, 0.95)}
            label = "not scaled" if window is None else f"window {window}"
            print(f"  {label:12s} {share[0.8]:.1%} / {share[0.95]:.1%}")
        for key, row in rows.items():
            print(f"    {key[:24]:24s} " + "  ".join(f"{c[0.8]:.2f}/{c[0.95]:.2f}" for c in row))


if __name__ == "__main__":
    main(sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "development / prices").split(","))
