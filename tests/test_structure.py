"""The package's rooms: no import cycle between its modules, none over ~400 lines.

Read from the source alone (``ast``), without importing anything: every
``import`` counts, also one inside a function (a lazy import still ties the
two modules together).
"""

import ast
import os

import series_predictor

PACKAGE = "series_predictor"
FOLDER = os.path.dirname(series_predictor.__file__)
MAX_MODULE_LINES = 400


def _modules():
    return sorted(name[:-3] for name in os.listdir(FOLDER) if name.endswith(".py"))


def _imported(node, modules):
    """The package modules that the import statement ``node`` reads."""
    if isinstance(node, ast.Import):
        parts = [alias.name.split(".") for alias in node.names]
        return {p[1] for p in parts if len(p) > 1 and p[0] == PACKAGE} & modules
    parts = (node.module or "").split(".") if node.module else []
    if node.level == 0:
        if not parts or parts[0] != PACKAGE:
            return set()
        parts = parts[1:]
    if parts:
        return {parts[0]} & modules
    return {alias.name for alias in node.names} & modules  # from . import a, b


def import_graph():
    """``{module: set of package modules it imports}``, lazy imports included."""
    modules = set(_modules())
    graph = {}
    for module in modules:
        with open(os.path.join(FOLDER, module + ".py"), encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        graph[module] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph[module] |= _imported(node, modules)
        graph[module].discard(module)
    return graph


def find_cycle(graph):
    """One import cycle as a list of modules ``[a, b, ..., a]``, or None."""
    state = {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target, path + [target])
                if cycle:
                    return cycle
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [module])
            if cycle:
                return cycle
    return None


def test_find_cycle_finds_a_cycle_through_a_lazy_import():
    graph = {"chapter": {"backtest", "report"}, "backtest": {"stages"}, "stages": set(),
             "report": set()}
    assert find_cycle(graph) is None
    graph["stages"] = {"chapter"}
    assert find_cycle(graph) == ["backtest", "stages", "chapter", "backtest"]


def test_the_graph_counts_imports_inside_functions():
    assert "model" in import_graph()["stages"]  # stages imports model inside a function


def test_the_package_has_no_import_cycle():
    assert find_cycle(import_graph()) is None


def test_no_module_is_over_400_lines():
    long = {}
    for module in _modules():
        with open(os.path.join(FOLDER, module + ".py"), encoding="utf-8") as handle:
            count = len(handle.read().splitlines())
        if count > MAX_MODULE_LINES:
            long[module] = count
    assert long == {}
