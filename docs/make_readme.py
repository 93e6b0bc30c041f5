"""Regenerate the README's generated blocks, so numbers that change with the code are
never typed by hand.

    python docs/make_readme.py                 # the options table (from ChapterConfig)
    python docs/make_readme.py --results DIR   # also the results table, from DIR/metrics.json
                                               # of a default run: series-predictor --out DIR

A block sits between ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->``;
``tests/test_readme.py`` checks that each block is what this script writes.
"""

import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")

ROW_NAMES = {"lstm": "LSTM (book settings)", "persistence": "persistence (last value)",
             "seasonal_naive": "seasonal naive (lag 12)",
             "climatology": "climatology (season means)"}


def _default_text(field):
    default = field.default
    if default is None or default == ():
        return "off" if field.metadata["parse"] in ("flag",) else "—"
    if isinstance(default, bool):
        return "on" if default else "off"
    if isinstance(default, tuple):
        return ",".join(str(v) for v in default)
    return str(default)


def options_table():
    """Markdown table of every command-line option: flag, default, what it does."""
    sys.path.insert(0, ROOT)
    from series_predictor.config import settings
    rows = ["| option | default | what it does |", "|---|---|---|"]
    for field in settings():
        meta = field.metadata
        if meta["group"] is None:
            continue
        flag = meta["flag"] or "--" + field.name.replace("_", "-")
        where = "" if meta["group"] == "book" else " (beyond the book)"
        text = " ".join(meta["help"].split()).replace("|", "\\|")
        rows.append(f"| `{flag}` | `{_default_text(field)}` | {text}{where} |")
    return "\n".join(rows + collection_rows())


def collection_rows():
    """Rows of the collection options (``collection_options.add_options``)."""
    import argparse
    from series_predictor.collection_options import add_options
    parser = argparse.ArgumentParser(add_help=False)
    add_options(parser)
    rows = []
    for action in parser._actions:  # argparse keeps no public list of its options
        text = " ".join((action.help or "").split()).replace("|", "\\|")
        default, _, rest = text.partition("(default: ")
        shown = rest.split(")")[0] if rest else "off"
        rows.append(f"| `{action.option_strings[0]}` | {shown} | {default.strip()} (collections) |")
    return rows


def results_table(metrics_path):
    """The chapter's results table from a default run's ``metrics.json``."""
    with open(metrics_path, encoding="utf-8") as handle:
        metrics = json.load(handle)
    rows = ["| model | one-step RMSE | one-step MAE | hallucination RMSE | hallucination MAE |",
            "|---|---:|---:|---:|---:|"]
    for name, scores in results_rows(metrics):
        rows.append(f"| {ROW_NAMES.get(name, name)} | " + " | ".join(f"{s:.1f}" for s in scores)
                    + " |")
    return "\n".join(rows)


def results_rows(metrics):
    """``[(model, [one-step RMSE, MAE, hallucination RMSE, MAE])]`` from metrics.json."""
    one, hall = metrics["one_step"], metrics["hallucination"]
    return [(name, [one[name]["rmse"], one[name]["mae"], hall[name]["rmse"], hall[name]["mae"]])
            for name in one if name in hall]


def replace_block(text, name, body):
    pattern = re.compile(rf"(<!-- generated: {name} -->\n).*?(<!-- end: {name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no generated block {name!r}")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def block(text, name):
    """The text of generated block ``name`` of ``text`` (for the tests)."""
    found = re.search(rf"<!-- generated: {name} -->\n(.*?)\n<!-- end: {name} -->", text, re.S)
    return found.group(1) if found else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", metavar="DIR",
                        help="a default run's folder: regenerate the results table too")
    args = parser.parse_args(argv)
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    text = replace_block(text, "options", options_table())
    if args.results:
        text = replace_block(text, "results",
                             results_table(os.path.join(args.results, "metrics.json")))
    with open(README, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
