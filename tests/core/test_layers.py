"""The import graph: no circles, and no import pointing up a layer (core < features < command line).

Why a test: couplings that point the wrong way (the core importing eval, a feature importing the
CLI) or that go round in a circle are how a framework rots; this keeps the joints where they are.
Every import counts, lazy ones inside functions too; only ``if TYPE_CHECKING:`` blocks are skipped.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {"chirpy": 0, "classifiers": 1, "responders": 1, "initiative": 1, "eval": 1, "knowledge": 1, "cli": 2}


def _modules() -> dict[str, Path]:
    found = {}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py") if (ROOT / package).is_dir() else ():
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
               for child in node.body for n in ast.walk(child)}
    targets = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from chirpy import registry" imports the module chirpy.registry, not just the package.
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                     for alias in node.names]
        targets |= {n for n in names if n in modules}
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def test_no_import_points_up_a_layer():
    upward = sorted(f"{source} -> {target}" for source, targets in _graph().items() for target in targets
                    if LAYERS[target.split(".")[0]] > LAYERS[source.split(".")[0]])
    assert upward == []


def test_no_import_circle():
    graph = _graph()
    # Package __init__ modules re-export their children: an edge child -> its own package is not a circle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []
