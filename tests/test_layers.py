"""The package's layers, as drawn in docs/architecture.md, read from the code's imports.

Every import counts, function-level ones included; only ``if TYPE_CHECKING:`` blocks are left
out. A module may import its own layer and the layers below it, never one above; no module
imports the top-level ``planner`` package (the public API) except ``planner/__init__.py``
itself; there is no import cycle; and no file of ``planner/`` exceeds 400 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "planner"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "base",
        (
            "planner.errors",
            "planner.version",
            "planner.formats",
            "planner.hashing",
            "planner.interrupts",
        ),
    ),
    ("data", ("planner.data", "planner.imports")),
    ("inputs", ("planner.inputs",)),
    ("model", ("planner.model",)),
    ("solver", ("planner.solver",)),
    ("diagnose", ("planner.diagnose",)),
    ("results", ("planner.results",)),
    (
        "solve",
        (
            "planner.solve",
            "planner.periods",
            "planner.composite",
            "planner.stochastic",
            "planner.hedging_outcomes",
            "planner.scenario_cases",
            "planner.portfolio",
            "planner.pathway",
        ),
    ),
    ("sweep", ("planner.sweep",)),
    ("report", ("planner.report",)),
    ("apps", ("planner.shipped", "planner.study", "planner.schema_doc")),
    ("cli", ("planner.cli", "planner.__main__")),
]
"""Layers from the lowest; a module belongs to the layer of its longest matching prefix. The
package ``planner`` itself (the public API) is above them all."""

MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


class _Imports(ast.NodeVisitor):
    """Every planner module a module imports (function-level included, TYPE_CHECKING not)."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module, self.is_package = module, is_package
        self.found: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _add(self, name: str) -> None:
        resolved = _resolve(name)
        if resolved is not None and resolved != self.module:
            self.found.add(resolved)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "planner":
                self._add(alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module.split(".")
            base = base if self.is_package else base[:-1]
            base = base[: len(base) - (node.level - 1)]
            name = ".".join(base + ([node.module] if node.module else []))
        else:
            name = node.module or ""
        if name.split(".")[0] != "planner":
            return
        for alias in node.names:
            full = f"{name}.{alias.name}"
            self._add(full if full in MODULES else name)


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        visitor = _Imports(module, path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        graph[module] = visitor.found
    return graph


GRAPH = _graph()


def layer_of(module: str) -> int:
    """Index in :data:`LAYERS` (the package ``planner`` itself: above every layer)."""
    if module == "planner":
        return len(LAYERS)
    best, index = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, index = len(prefix), i
    assert index is not None, f"{module} belongs to no layer: add it to LAYERS"
    return index


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_module_imports_a_higher_layer() -> None:
    wrong = []
    for module, imported in GRAPH.items():
        for other in imported:
            if layer_of(other) > layer_of(module):
                low, high = (
                    LAYERS[layer_of(module)][0],
                    (LAYERS + [("api", ())])[layer_of(other)][0],
                )
                wrong.append(f"{module} ({low}) imports {other} ({high})")
    assert not wrong, "\n".join(sorted(wrong))


def test_internal_code_never_imports_the_top_level_package() -> None:
    wrong = [module for module, imported in GRAPH.items() if "planner" in imported]
    assert not wrong, f"these import `planner` itself instead of the module they need: {wrong}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle() -> None:
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check itself works: a two-module cycle (and one through a third) is found."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]


def test_the_import_reader_sees_function_level_imports_and_skips_type_checking() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from planner.solve import solve\n"
        "def f():\n    from planner.report import figures\n"
    )
    visitor = _Imports("planner.inputs.instance", False)
    visitor.visit(ast.parse(source))
    assert visitor.found == {"planner.report.figures"}


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_is_longer_than_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT.parent)}: {lines} lines, split it by job"
