"""The chapter script's command line: ``series-predictor`` and ``python simple_regression.py``.

Parsing the options imports no TensorFlow, so ``--help`` answers at once.
"""

import argparse
import sys

from .chapter import ChapterConfig
from .errors import SeriesPredictorError, TrainingInterrupted
from .recipes import RECIPES

PROG = "series-predictor"


def build_parser():
    d = ChapterConfig()
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Chapter 10 of Machine Learning with TensorFlow: train the LSTM on a "
                    "series, predict the test period one step ahead, hallucinate it, and "
                    "score both against naive baselines. Defaults are the book's settings.")
    p.add_argument("--dummy", action="store_true",
                   help="run listing 10.6 on the dummy sequences instead")
    p.add_argument("--data", default=d.data, metavar="CSV",
                   help="CSV file of the series (default: the bundled airline passengers)")
    p.add_argument("--column", type=int, default=d.column, metavar="N",
                   help="column of the values, from 0 (default: %(default)s)")
    p.add_argument("--seq-size", type=int, default=d.seq_size, metavar="N",
                   help="window length (default: %(default)s)")
    p.add_argument("--hidden-dim", type=int, default=d.hidden_dim, metavar="N",
                   help="LSTM state size (default: %(default)s)")
    p.add_argument("--iterations", type=int, default=d.iterations, metavar="N",
                   help="Adam steps (default: %(default)s)")
    p.add_argument("--learning-rate", type=float, default=d.learning_rate, metavar="LR",
                   help="Adam step size (default: %(default)s)")
    p.add_argument("--patience", type=int, default=d.patience, metavar="N",
                   help="stop when the test error has not improved for N reports, keeping "
                        "the best weights (default: off; the companion code uses 3)")
    p.add_argument("--batch-size", type=int, default=d.batch_size, metavar="N",
                   help="mini-batch size (default: full batch)")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed (default: %(default)s)")
    p.add_argument("--horizon", type=int, default=d.horizon, metavar="N",
                   help="hallucinated points to draw (default: %(default)s)")
    p.add_argument("--out", default=d.out, metavar="DIR",
                   help="output folder for figures, metrics.json and the checkpoint "
                        "(default: ./%(default)s)")
    p.add_argument("--normalize", choices=("all", "train"), default=d.normalize,
                   help="mean/std from the whole series (the book) or the training part "
                        "only (default: %(default)s)")
    p.add_argument("--season", type=int, default=d.season, metavar="N",
                   help="season length for the seasonal naive baseline (default: %(default)s)")
    p.add_argument("--units", default=d.units, help="label of the values' units")
    beyond = p.add_argument_group(
        "beyond the book (all off by default)",
        "Transforms, a validation tail and an ensemble; --recipe bundles settings.")
    beyond.add_argument("--log", action="store_true", default=d.log,
                        help="model the log of the values (positive series only)")
    beyond.add_argument("--diff", default="", metavar="LAGS",
                        help="difference at these lags before windowing, e.g. 1, 12 or 1,12")
    beyond.add_argument("--validation", type=int, default=d.validation, metavar="N",
                        help="carve the last N training points off for early stopping; the "
                             "test period is then used only for the final report")
    beyond.add_argument("--ensemble", type=int, default=d.ensemble, metavar="N",
                        help="train N predictors (seeds SEED..SEED+N-1) and average them")
    beyond.add_argument("--recipe", choices=sorted(RECIPES), default=None,
                        help="a preset of the settings above and more (see the README); "
                             "options given explicitly still win")
    return p


_CONFIG_FIELDS = ("data", "column", "seq_size", "hidden_dim", "iterations", "learning_rate",
                  "patience", "seed", "horizon", "out", "normalize", "season", "batch_size",
                  "units", "log", "validation", "ensemble")


def _explicit_options(parser, argv):
    """The destinations of the options the user actually typed."""
    saved = {action.dest: action.default for action in parser._actions}
    try:
        for action in parser._actions:
            action.default = argparse.SUPPRESS
        return set(vars(parser.parse_args(argv)))
    finally:
        for action in parser._actions:
            action.default = saved[action.dest]


def config_from_args(parser, args, argv=None):
    """ChapterConfig from the book's defaults, then the recipe, then explicit options."""
    from .transforms import parse_lags
    values = {name: getattr(args, name) for name in _CONFIG_FIELDS}
    values["diff"] = parse_lags(args.diff)
    if args.recipe:
        explicit = _explicit_options(parser, argv)
        for name, value in RECIPES[args.recipe].items():
            if name not in explicit:
                values[name] = value
        values["recipe"] = args.recipe
    return ChapterConfig(**values)


def main(argv=None):
    """Run the chapter; return the exit status (0, 1 for an error, 130 when interrupted)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.dummy:
            from .dummy import run_dummy
            run_dummy(seed=args.seed)
        else:
            from .chapter import run_chapter
            run_chapter(config_from_args(parser, args, argv))
    except TrainingInterrupted as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except (SeriesPredictorError, OSError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
