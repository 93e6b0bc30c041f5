"""Listing 10.6: the dummy sequences, and what the book says the model should predict.

Each target is ``y[t] = x[t] + x[t-1]`` (with ``x[-1] = 0``).
"""

import numpy as np

TRAIN_X = [[[1], [2], [5], [6]],
           [[5], [7], [7], [8]],
           [[3], [4], [5], [7]]]
TRAIN_Y = [[1, 3, 7, 11],
           [5, 12, 14, 15],
           [3, 7, 9, 12]]
TEST_X = [[[1], [2], [3], [4]],
          [[4], [5], [6], [7]]]
EXPECTED = [[1, 3, 5, 7],
            [4, 9, 11, 13]]


def run_dummy(seed=0, log=print):
    """Train listing 10.6's predictor and print its predictions beside the book's.

    Returns:
        ``(predictions [2, 4], TrainingHistory)``.
    """
    from .model import SeriesPredictor
    with SeriesPredictor(input_dim=1, seq_size=4, hidden_dim=10, seed=seed) as predictor:
        history = predictor.train(TRAIN_X, TRAIN_Y)
        predicted = predictor.predict(TEST_X)
    for inputs, got, want in zip(TEST_X, predicted, EXPECTED):
        log(f"input {[v[0] for v in inputs]}: predicted "
            f"{', '.join(f'{v:.2f}' for v in got)}; the book expects "
            f"{', '.join(str(v) for v in want)}")
    log(f"largest difference from the book: {np.max(np.abs(predicted - EXPECTED)):.2f}")
    return predicted, history
