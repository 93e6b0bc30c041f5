"""simple_regression.py, as the chapter names it (listings 10.1-10.6 and 10.9).

``from simple_regression import SeriesPredictor, plot_results`` works as in the
book; the code lives in the ``series_predictor`` package. Run this file to run
the chapter:

    python simple_regression.py            # listing 10.9 on the bundled airline data
    python simple_regression.py --dummy    # listing 10.6
    python simple_regression.py --help
"""

import sys

__all__ = ["SeriesPredictor", "TrainingHistory", "plot_results"]


def __getattr__(name):
    # Imported on first use, so that `--help` does not wait for TensorFlow.
    if name in ("SeriesPredictor", "TrainingHistory"):
        from series_predictor import model
        return getattr(model, name)
    if name == "plot_results":
        from series_predictor.plots import plot_results
        return plot_results
    raise AttributeError(f"module 'simple_regression' has no attribute {name!r}")


if __name__ == "__main__":
    from series_predictor.cli import main
    sys.exit(main())
