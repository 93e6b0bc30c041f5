"""The command line's collection options (``--layout``, ``--workers``, ``--cluster``,
``--keep-going``) and the choice between a single run and a collection.
NumPy-free and TensorFlow-free, so ``--help`` answers at once."""

import argparse

from .collection_io import LAYOUTS, detect_layout
from .errors import SettingError

OPTIONS = ("layout", "workers", "cluster", "keep_going")


def _workers(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1; found "
                                         f"{text!r}")
    return value


def add_options(parser):
    """Add the collection options (absent from the namespace unless typed)."""
    group = parser.add_argument_group(
        "collections", "--data may be a long table (id,date,value), a wide one (a date "
        "column, then one column per series) or a folder of CSV files: each series then "
        "runs in its own folder OUT/ID/, and OUT gets forecast.csv, metrics.json and "
        "summary.png for all of them.")
    group.add_argument("--layout", choices=LAYOUTS, help="how --data holds its series "
                       "(default: auto: a folder, a table with an id column, or a table "
                       "with 3 or more columns and no --column typed is a collection)")
    group.add_argument("--workers", type=_workers, metavar="N",
                       help="series run at once, each in its own process (default: the "
                            "number of cores; capped at it and at the number of series, "
                            "with a note)")
    group.add_argument("--cluster", metavar="ADDRESS",
                       help="run the series on this Dask scheduler, tcp://127.0.0.1:PORT "
                            "(another host only when listed in "
                            "SERIES_PREDICTOR_CLUSTER_HOSTS), or 'local' for a local Dask "
                            "cluster (needs the [cluster] extra)")
    group.add_argument("--keep-going", dest="keep_going", action="store_true",
                       help="go on past a failed series, reporting it (default: stop)")


def layout_of(args):
    """``single`` or the collection layout of the parsed ``args``; refuses collection
    options on a single series."""
    layout = getattr(args, "layout", "auto")
    if layout not in ("auto", "single") and getattr(args, "data", None) is None:
        raise SettingError(f"--layout {layout} needs --data: a collection (a long or wide "
                           "table, or a folder of CSV files); without it the bundled airline "
                           "data is one series")
    if layout == "auto":
        layout = detect_layout(getattr(args, "data", None), getattr(args, "encoding", None),
                               column_typed=hasattr(args, "column"))
    typed = [name for name in OPTIONS[1:] if hasattr(args, name)]
    if layout == "single" and typed:
        raise SettingError(", ".join("--" + n.replace("_", "-") for n in typed)
                           + " applies to a collection, but --data holds one series")
    return layout


def run_from_args(args, layout, config, log):
    """Run the collection the command line describes."""
    from .collection import run_collection
    run_collection(config.data, config, workers=getattr(args, "workers", None),
                   keep_going=getattr(args, "keep_going", False),
                   cluster=getattr(args, "cluster", None), log=log, layout=layout)
