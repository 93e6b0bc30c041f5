import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_python(code, *, cwd=ROOT, timeout=300, env=None):
    """Run ``code`` in a fresh interpreter with the checkout on the path."""
    full_env = dict(os.environ, PYTHONPATH=ROOT, **(env or {}))
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def airline_csv():
    from series_predictor.data_loader import bundled_data_path
    return bundled_data_path()
