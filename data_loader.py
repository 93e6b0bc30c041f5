"""data_loader.py, as the chapter names it (listing 10.7): ``import data_loader``.

The code lives in ``series_predictor.data_loader``; importing it does not import
TensorFlow.
"""

from series_predictor.data_loader import (  # noqa: F401
    BUNDLED_CSV, Normalization, Series, bundled_data_path, future_times, load_series,
    make_windows, read_series, split_data, train_size)
