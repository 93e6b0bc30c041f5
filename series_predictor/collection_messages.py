"""A collection's messages about a series told about what the user gave: a long or
wide table's path, the series' id and the table's own lines and columns, or a Python
dict's id and the values' indices, instead of the package's own ``OUT/ID/series.csv``
(the file each series' run reads). The standard library only.
"""

import dataclasses
import os
import re

_LINES = re.compile(r"\b(lines? )(\d+)((?: and |\.\.)(\d+))?(, column (\d+))?")


def in_source(item, data, text):
    """``text``, a message about ``data`` (the series' own ``OUT/ID/series.csv``), told
    about what the user gave instead: the table's path, the series' id and the table's
    lines and columns (``item.lines``, ``item.columns``); for data given from Python,
    the series' id and the values' indices (from 0). Unchanged for a series read from
    its own file (folder layout)."""
    if not text or item.path is not None:
        return text
    names = sorted({data, os.path.abspath(data)}, key=len, reverse=True)
    if not any(name in text for name in names):
        return text
    python = item.lines is None

    def line(number):
        k = int(number) - 1
        if python:
            return str(k - 1) if k >= 1 else number
        return str(item.lines[k]) if 0 <= k < len(item.lines) else number

    def swap(match):
        word = ("indices " if match[1] == "lines " else "index ") if python else match[1]
        told = word + line(match[2])
        if match[3]:
            told += match[3][:-len(match[4])] + line(match[4])
        if match[5] and not python:
            k = int(match[6])
            told += f", column {item.columns[k] if k < len(item.columns) else k}"
        return told
    where = f"series {item.id!r}" if python else f"{item.source} (series {item.id!r})"
    for name in names:
        text = text.replace(name, where)
    return _LINES.sub(swap, text)


def told_in_source(record, item, data):
    """``record`` with its error (and data warnings) told about what the user gave
    (``in_source``): a ``SeriesResult`` (a new one is returned), or a collection
    metrics entry, a dict with ``error`` and ``data_warnings`` (changed and returned).
    ``data``: the series' own file (``OUT/ID/series.csv``) its run read."""
    if not isinstance(record, dict):
        return dataclasses.replace(record, error=in_source(item, data, record.error))
    if record.get("error"):
        record["error"] = in_source(item, data, record["error"])
    if record.get("data_warnings"):
        record["data_warnings"] = [in_source(item, data, text)
                                   for text in record["data_warnings"]]
    return record
