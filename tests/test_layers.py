"""The import graph of ``src/fazhi_analysis``: no circle, and no import running back up the layers.

The graph is read with :mod:`ast` from the source, not by importing it: every ``import`` and ``from … import``
counts, at module level or inside a function (a function-level import is still a dependency). ``from pkg import
name`` is an arrow to ``pkg.name`` when that is a module, else to ``pkg``.

Run alone: ``python -m pytest tests/test_layers.py``.
"""

from __future__ import annotations

import ast
import graphlib
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "fazhi_analysis"

# The layers from the bottom up, as module names or packages (a package stands for all its modules). A module may
# import from its own layer or any below it, never from one above.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", (PACKAGE, f"{PACKAGE}.errors", f"{PACKAGE}.scratch", f"{PACKAGE}.userfiles", f"{PACKAGE}.project")),
    # the contracts: tidy table, findings, catalog (a project's: catalog.of), derived rates, numbers
    ("table", (f"{PACKAGE}.table",)),
    ("ingest", (f"{PACKAGE}.ingest",)),
    ("checks", (f"{PACKAGE}.checks",)),
    ("build", (f"{PACKAGE}.build",)),
    ("analysis", (f"{PACKAGE}.analysis",)),
    ("draft", (f"{PACKAGE}.deadline", f"{PACKAGE}.draft")),
    ("report", (f"{PACKAGE}.report",)),
    ("front", (f"{PACKAGE}.options", f"{PACKAGE}.doctor", f"{PACKAGE}.cli", f"{PACKAGE}.__main__")),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted((SRC / PACKAGE).rglob("*.py"))}


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The names ``node`` imports, as dotted paths (submodules where ``from … import`` names one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: from the module's package, up level - 1 packages
        anchor = module if is_package else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            anchor = anchor.rpartition(".")[0]
        base = f"{anchor}.{base}" if base else anchor
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def _graph() -> dict[str, set[str]]:
    """Each module of the package with the modules of the package it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = graph.setdefault(module, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            names = _imported(node, module, path.name == "__init__.py")
            if isinstance(node, ast.ImportFrom):  # the submodules named, else the module imported from
                names = [n for n in names[:-1] if n in modules] or names[-1:]
            for name in names:
                while name and name not in modules:  # fazhi_analysis.table.tidy.KEY → fazhi_analysis.table.tidy
                    name = name.rpartition(".")[0]
                if name and name != module:
                    targets.add(name)
    return graph


def _layer(module: str) -> int:
    """The index in :data:`LAYERS` of the layer holding ``module`` (its longest matching entry)."""
    found = [
        (len(entry), index)
        for index, (_, entries) in enumerate(LAYERS)
        for entry in entries
        if module == entry or (entry != PACKAGE and module.startswith(f"{entry}."))
    ]
    if not found:
        pytest.fail(f"{module} is in no layer: add it to LAYERS in {Path(__file__).name}")
    return max(found)[1]


def test_the_graph_is_read() -> None:
    graph = _graph()
    assert f"{PACKAGE}.table.tidy" in graph[f"{PACKAGE}.checks"]
    assert f"{PACKAGE}.analysis" in graph[f"{PACKAGE}.report.facts"]  # from fazhi_analysis import analysis


def test_no_circle() -> None:
    try:
        graphlib.TopologicalSorter(_graph()).prepare()
    except graphlib.CycleError as exc:
        pytest.fail(f"import circle: {' -> '.join(exc.args[1])}")


def test_no_import_runs_back_up() -> None:
    upward = [
        f"{module} ({LAYERS[_layer(module)][0]}) imports {target} ({LAYERS[_layer(target)][0]})"
        for module, targets in sorted(_graph().items())
        for target in sorted(targets)
        if _layer(target) > _layer(module)
    ]
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("package", sorted(m for m, path in _modules().items() if path.name == "__init__.py"))
def test_no_module_is_shadowed_by_a_name_of_its_package(package: str) -> None:
    """``package.name`` is the module ``name``, not a function the package exports under the same name."""
    imported = importlib.import_module(package)
    for module in (m for m in _modules() if m.rpartition(".")[0] == package):
        name = module.rpartition(".")[2]
        if name != "__main__":
            loaded = importlib.import_module(module)
            assert getattr(imported, name) is loaded, f"{package}.{name} is shadowed"
