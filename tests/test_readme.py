"""The README's quick start is what CI runs (issue 2)."""

import json
import os
import re
import subprocess
import sys

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
    """The Python examples of the README and of the docs/ pages it links to, each with
    what its page says it prints: ``(block, text)``, the text of the next ```text
    block when the words between the two say "prints", else None."""
    pages = ["README.md"] + [os.path.join("docs", name)
                             for name in sorted(os.listdir(os.path.join(ROOT, "docs")))
                             if name.endswith(".md")]
    blocks = []
    for page in pages:
        text = open(os.path.join(ROOT, page), encoding="utf-8").read()
        for found in re.finditer(r"```python\n(.*?)```", text, re.S):
            after = re.match(r"(.*?)```(\w*)\n(.*?)```", text[found.end():], re.S)
            said = (after.group(3) if after and after.group(2) == "text"
                    and "prints" in after.group(1) and "```" not in after.group(1) else None)
            blocks.append((found.group(1), said))
    return blocks


def test_the_docs_say_what_their_examples_print():
    """docs/python.md's and docs/collections.md's examples are followed by the text they
    print; the slow test below compares it with what they print."""
    said = [text for _, text in python_blocks() if text is not None]
    assert len(said) >= 2 and any("Forecast of passengers (thousands)" in t for t in said)


@pytest.mark.slow
def test_readme_python_blocks_run_from_another_folder(tmp_path):
    """Every Python example of the README, as written, from a folder outside the
    checkout, with the installed package (the quick start's `pip install .`), prints
    what its page says it prints (to the digit)."""
    blocks = python_blocks()
    assert blocks
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["MPLBACKEND"] = "Agg"
    for i, (block, said) in enumerate(blocks):
        folder = tmp_path / f"block-{i}"
        folder.mkdir()
        result = subprocess.run([sys.executable, "-c", block], cwd=folder, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"README python block {i}:\n{block}\n{result.stderr}"
        if said is not None:
            assert result.stdout == said, f"python block {i} prints otherwise:\n{block}"


def test_readme_has_no_unfilled_placeholder():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert "⟨" not in readme and "TODO" not in readme


def _make_readme():
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_readme",
                                                  os.path.join(ROOT, "docs", "make_readme.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_options_table_is_the_one_the_code_generates():
    """The README's options table is generated (docs/make_readme.py), never typed:
    a new option or a changed default shows up here."""
    make = _make_readme()
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert make.block(readme, "options") == make.options_table()
    assert "`--season`" in make.options_table() and "`--force`" in make.options_table()


def test_every_page_the_readme_links_to_exists():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    links = re.findall(r"\]\(((?:docs|series_predictor|notebooks)/[^)#]+)\)", readme)
    assert len(links) >= 10
    assert [link for link in links if not os.path.exists(os.path.join(ROOT, link))] == []


@pytest.mark.slow
def test_the_results_table_is_what_a_fresh_default_run_prints(tmp_path):
    """The README's results table against `series-predictor` (the book's settings,
    seed 0) run now, through the same generator."""
    out = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "series_predictor.cli", "--quiet",
                             "--out", str(out)], cwd=tmp_path, capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=ROOT), timeout=600)
    assert result.returncode == 0, result.stderr
    make = _make_readme()
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert make.block(readme, "results") == make.results_table(str(out / "metrics.json"))
    metrics = json.loads((out / "metrics.json").read_text())
    assert round(metrics["hallucination"]["lstm"]["rmse"], 1) == 99.1
