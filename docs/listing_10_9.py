# Listing 10.9 of Machine Learning with TensorFlow, typed from the chapter.
# The only edits:
#   - the imports: listing 10.1's `from tensorflow.contrib import rnn` is gone
#     (TensorFlow 2 removed it); `import data_loader`, which the listing uses but
#     never imports, is added; SeriesPredictor and plot_results come from
#     simple_regression (installed by `pip install .`), the book's file, where the
#     book puts this listing (it never prints plot_results);
#   - tf.Session() is tf.compat.v1.Session().
# Run it from any folder: `python listing_10_9.py` writes predictions.png and
# hallucinations.png into the current folder, as the book's script does.
import numpy as np
import tensorflow as tf

import data_loader
from simple_regression import SeriesPredictor, plot_results

if __name__ == '__main__':
    seq_size = 5
    predictor = SeriesPredictor(
        input_dim=1,
        seq_size=seq_size,
        hidden_dim=100)

    data = data_loader.load_series('international-airline-passengers.csv')
    train_data, actual_vals = data_loader.split_data(data)

    train_x, train_y = [], []
    for i in range(len(train_data) - seq_size - 1):
        train_x.append(np.expand_dims(train_data[i:i+seq_size],
                                      axis=1).tolist())
        train_y.append(train_data[i+1:i+seq_size+1])

    test_x, test_y = [], []
    for i in range(len(actual_vals) - seq_size - 1):
        test_x.append(np.expand_dims(actual_vals[i:i+seq_size],
                                     axis=1).tolist())
        test_y.append(actual_vals[i+1:i+seq_size+1])

    predictor.train(train_x, train_y, test_x, test_y)

    with tf.compat.v1.Session() as sess:
        predicted_vals = predictor.test(sess, test_x)[:,0]
        print('predicted_vals', np.shape(predicted_vals))
        plot_results(train_data, predicted_vals, actual_vals,
                     'predictions.png')

        prev_seq = train_x[-1]
        predicted_vals = []
        for i in range(20):
            next_seq = predictor.test(sess, [prev_seq])
            predicted_vals.append(next_seq[-1])
            prev_seq = np.vstack((prev_seq[1:], next_seq[-1]))
        plot_results(train_data, predicted_vals, actual_vals,
                     'hallucinations.png')
