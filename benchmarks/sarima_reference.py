"""External reference: the Box-Jenkins airline model, SARIMA (0,1,1)(0,1,1)12 on log values.

    pip install statsmodels && python benchmarks/sarima_reference.py [--data CSV]

Not a dependency of the package: this only gives the README's comparison an
external yardstick, on the same split and test period as the chapter script.
It fits on the training part (the first 80%) and reports, in the series' units:
- the 1-step RMSE, refiltering with the true history (parameters fixed);
- the multi-step RMSE over the whole test period, from the end of training.
"""

import argparse
import os
import sys
import warnings

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from series_predictor import data_loader, metrics  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=data_loader.bundled_data_path())
    parser.add_argument("--column", type=int, default=1)
    parser.add_argument("--season", type=int, default=12)
    args = parser.parse_args()
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    values = data_loader.read_series(args.data, args.column).values
    n_train = data_loader.train_size(len(values))
    logs = np.log(values)
    order, seasonal = (0, 1, 1), (0, 1, 1, args.season)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = SARIMAX(logs[:n_train], order=order, seasonal_order=seasonal).fit(disp=False)
        multi = np.exp(fit.forecast(len(values) - n_train))
        full = SARIMAX(logs, order=order, seasonal_order=seasonal).filter(fit.params)
        one = np.exp(full.predict(start=n_train, end=len(values) - 1))
    actual = values[n_train:]
    print(f"{os.path.basename(args.data)}: SARIMA{order}x{seasonal} on log values, "
          f"trained on {n_train} points, tested on {len(actual)}")
    print(f"one-step RMSE {metrics.rmse(one, actual):.1f}  MAE {metrics.mae(one, actual):.1f}")
    print(f"multi-step RMSE {metrics.rmse(multi, actual):.1f}  MAE {metrics.mae(multi, actual):.1f}")


if __name__ == "__main__":
    main()
