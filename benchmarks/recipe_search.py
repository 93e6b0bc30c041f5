"""How the `seasonal` recipe's settings were chosen: a small grid, scored on the
validation tail only.

    python benchmarks/recipe_search.py [--data CSV] [--validation 24] [--seeds 3]

Each candidate runs the chapter exactly as the recipe would: training on the
training part minus its last ``--validation`` points, early stopping on those
points, with an ensemble of ``--seeds`` predictors. The score is the sum of the
validation tail's one-step RMSE and hallucination RMSE, in the series' units.
This script reads only ``report["validation"]``: the test period's errors are
computed by the pipeline but never printed, compared or used here.
"""

import argparse
import itertools
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from series_predictor.chapter import ChapterConfig, run_chapter  # noqa: E402

GRID = {
    "transform": [(True, (12,)), (True, (1, 12))],
    "seq_size": [6, 12, 13],
    "hidden_dim": [16, 100],
    "learning_rate": [0.001, 0.01],
}
FIXED = dict(normalize="train", iterations=2000, patience=5, report_every=50)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--validation", type=int, default=24)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    results = []
    keys = list(GRID)
    for combo in itertools.product(*(GRID[k] for k in keys)):
        choice = dict(zip(keys, combo))
        log_, diff = choice.pop("transform")
        with tempfile.TemporaryDirectory() as out:
            config = ChapterConfig(data=args.data, out=out, log=log_, diff=diff,
                                   validation=args.validation, ensemble=args.seeds,
                                   seed=0, quiet=True, **choice, **FIXED)
            report = run_chapter(config, log=lambda *_: None).metrics
        val = report["validation"]
        one, hal = val["one_step"]["lstm"]["rmse"], val["hallucination"]["lstm"]["rmse"]
        row = dict(choice, log=log_, diff=diff, one_step=one, hallucination=hal,
                   score=one + hal, naive_one=val["one_step"]["seasonal_naive"]["rmse"],
                   naive_hal=val["hallucination"]["seasonal_naive"]["rmse"])
        results.append(row)
        print(f"log={log_!s:5s} diff={str(diff):8s} seq={row['seq_size']:2d} "
              f"hidden={row['hidden_dim']:3d} lr={row['learning_rate']:<6g} "
              f"val one-step {one:8.2f}  val hallucination {hal:8.2f}  score {one + hal:8.2f}",
              flush=True)
    best = min(results, key=lambda r: r["score"])
    print(f"\nseasonal naive on the validation tail: one-step {best['naive_one']:.2f}, "
          f"hallucination {best['naive_hal']:.2f}")
    print("best on the validation tail:", {k: best[k] for k in
                                            ("log", "diff", "seq_size", "hidden_dim",
                                             "learning_rate", "one_step", "hallucination")})


if __name__ == "__main__":
    main()
