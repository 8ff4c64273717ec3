"""No import loop between or inside apps, not even one hidden in a function-level import.

A loop hidden behind an import inside a function still means two modules each need the other
to be understood: the outbox's old home in scheduling made `notify → tasks → services →
referrals → notify` one. The graph is read from the source (ast), so nothing is imported.
"""

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if "tests" in parts or "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imports_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from package import module` names the module, not the package's __init__.
                targets = [
                    f"{node.module}.{alias.name}"
                    if f"{node.module}.{alias.name}" in modules
                    else node.module
                    for alias in node.names
                ]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                # A module's own packages are imported before it; that is no loop.
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def _loops(graph: dict[str, set[str]], modules: dict[str, Path]) -> list[list[str]]:
    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        stack = [start]
        while stack:
            for nxt in graph.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    reach = {name: reachable(name) for name in modules}
    loops, placed = [], set()
    for name in sorted(modules):
        if name in placed:
            continue
        component = {name} | {other for other in reach[name] if name in reach[other]}
        placed |= component
        if len(component) > 1:
            loops.append(sorted(component))
    return loops


def test_the_graph_sees_imports_inside_functions():
    modules = _modules()
    graph = _imports_graph(modules)
    assert "medcenter.core.audit" in graph["medcenter.patients.selectors"]
    assert len(modules) > 100


def test_no_module_takes_part_in_an_import_loop():
    modules = _modules()
    assert _loops(_imports_graph(modules), modules) == []
