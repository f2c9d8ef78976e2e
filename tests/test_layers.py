"""The package's dependency rule: data flows one way, and so do imports.

Layers, in the order data flows (README "Layout"). A module may import from its own layer and
the layers before it, never from a later one, and no set of modules imports itself in a circle.
Every import counts: at module level, inside functions and under ``TYPE_CHECKING``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "partner_analysis"

#: Layer of each top-level module or subpackage of ``partner_analysis``, in data-flow order.
LAYERS = {
    "_version": 0, "errors": 0, "paths": 0, "config": 0, "periods": 0, "atomic": 0, "membership": 0,
    "formatting": 0, "codes": 0, "vocabulary": 0, "versions": 0,
    "ingest": 1,
    "kpis": 2,
    "build": 3,
    "store": 4,
    "stats": 5,
    "viz": 6,
    "report": 7,
    "demo": 8,
    "cli": 9, "__init__": 9,
}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every ``partner_analysis`` module that ``path`` imports, resolved to absolute names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "partner_analysis":
                continue
            found.add(target)
            for alias in node.names:  # `from . import revenue` imports a module
                candidate = f"{target}.{alias.name}"
                if (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py").exists() or \
                        (PACKAGE.parent / candidate.replace(".", "/") / "__init__.py").exists():
                    found.add(candidate)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "partner_analysis"}
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top not in LAYERS:
        raise AssertionError(f"{module}: its top-level name {top!r} has no layer in tests/test_layers.py; "
                             "add it where it belongs in the data flow (and to the README's Layout)")
    return LAYERS[top]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a module into a later layer."""
    return sorted(f"{src} (layer {layer_of(src)}) imports {dst} (layer {layer_of(dst)})"
                  for src, targets in graph.items() for dst in targets if layer_of(dst) > layer_of(src))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (import circles), by Tarjan's algorithm.

    A package's ``__init__`` importing its own modules is not a circle by itself; it becomes one
    only when a module imports back through the package name.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer():
    for module in import_graph():
        layer_of(module)


def test_no_module_imports_a_later_layer():
    assert upward_imports(import_graph()) == []


def test_no_import_circles():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("graph, upward, circles", [
    ({"partner_analysis.ingest.loading": {"partner_analysis.kpis.engine"}, "partner_analysis.kpis.engine": set()},
     1, 0),
    ({"partner_analysis.ingest.a": {"partner_analysis.ingest.b"}, "partner_analysis.ingest.b": {"partner_analysis.ingest.a"}},
     0, 1),
    ({"partner_analysis.store": {"partner_analysis.build"}, "partner_analysis.build": {"partner_analysis.kpis"},
      "partner_analysis.kpis": set()}, 0, 0),
])
def test_the_checks_catch_what_they_are_for(graph, upward, circles):
    assert len(upward_imports(graph)) == upward
    assert len(cycles(graph)) == circles


def test_relative_imports_resolve_to_modules():
    graph = import_graph()
    assert "partner_analysis.ingest.readers" in graph["partner_analysis.ingest.mapping"]
    assert "partner_analysis.kpis.revenue" in graph["partner_analysis.kpis"]
    assert "partner_analysis.errors" in graph["partner_analysis.ingest.validation"]
