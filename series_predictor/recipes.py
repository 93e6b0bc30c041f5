"""Named presets of chapter settings (``--recipe NAME``). NumPy-free, TensorFlow-free.

Each preset only sets ``ChapterConfig`` fields; options given explicitly on the
command line still win. How the ``seasonal`` values were chosen: see the README
and ``benchmarks/recipe_search.py`` (validation tail only).
"""

RECIPES = {
    "book": {},
    # --recipe auto: these settings, and per series the candidates auto.py chooses on
    # validation origins inside the training part (see the README).
    "auto": {
        "seq_size": 12,
        "hidden_dim": 16,
        "learning_rate": 0.01,
        "iterations": 200,
        "report_every": 100,
        "ensemble": 1,
        "normalize": "train",
        "fast_training": True,
    },
    # --recipe global (collections only): auto's structures per series, and one network
    # trained on the windows of every series (global_network.py; see docs/collections.md).
    "global": {
        "seq_size": 12,
        "hidden_dim": 32,
        "learning_rate": 0.005,
        "iterations": 1000,
        "report_every": 100,
        "batch_size": 128,
        "ensemble": 1,
        "normalize": "train",
        "fast_training": True,
    },
    "seasonal": {
        "log": True,
        "diff": (1, 12),
        "normalize": "train",
        "validation": 24,
        "patience": 5,
        "iterations": 2000,
        "report_every": 50,
        "seq_size": 6,
        "hidden_dim": 100,
        "learning_rate": 0.01,
        "ensemble": 5,
    },
}
