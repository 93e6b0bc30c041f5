"""The README's quick start is what CI runs (issue 2)."""

import os
import re
import pytest

from conftest import ROOT


def quick_start_commands():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_commands_and_ci_runs_them_verbatim():
    commands = quick_start_commands()
    assert len(commands) == 2
    ci = open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8").read().splitlines()
    for command in commands:
        assert command in ci
    assert "pytest" in commands[1] and "[test]" in commands[1]


def python_blocks():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    return re.findall(r"```python\n(.*?)```", readme, re.S)


@pytest.mark.slow
def test_readme_python_blocks_run_from_another_folder(tmp_path):
    """Every Python example of the README, as written, from a folder outside the
    checkout, with the installed package (the quick start's `pip install .`)."""
    import subprocess
    import sys
    blocks = python_blocks()
    assert blocks
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["MPLBACKEND"] = "Agg"
    for i, block in enumerate(blocks):
        folder = tmp_path / f"block-{i}"
        folder.mkdir()
        result = subprocess.run([sys.executable, "-c", block], cwd=folder, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"README python block {i}:\n{block}\n{result.stderr}"


def test_readme_has_no_unfilled_placeholder():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert "⟨" not in readme and "TODO" not in readme
