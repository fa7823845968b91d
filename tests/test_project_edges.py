"""``project.find()`` is called only at the edges: the library is given its project, it does not look it up.

The source of ``src/fazhi_analysis`` is read with :mod:`ast`: every call of ``fazhi_analysis.project.find`` (as
``project.find(…)``, or ``find(…)`` imported from it) is listed by module and function, and must be one of
:data:`EDGES` (a module that is an edge as a whole), :data:`API_DEFAULTS` (a function of the public API,
``fazhi_analysis._API``, whose project defaults to the working one at its entry) or :data:`WORKING_DEFAULTS`
(the two lookups that stand for the working project where none is given). Each entry of the last two must be
there: a call removed is an entry to remove.
"""

from __future__ import annotations

import ast
from pathlib import Path

import fazhi_analysis

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "fazhi_analysis"
PROJECT = f"{PACKAGE}.project"

EDGES = {
    f"{PACKAGE}.cli": "the command line: --project, $FAZHI_ROOT or the working directory",
    f"{PACKAGE}.doctor": "fazhi doctor [DIR]",
    f"{PACKAGE}.build": "build, build_checked, review_sheet: the project's folders by default",
    f"{PACKAGE}.report.run": "run_report, run_overview and their output folders: the project's by default",
    f"{PACKAGE}.report.batch": "run_batch: the project's table and reports by default",
    PROJECT: "where find is defined (shadows takes a folder)",
}
API_DEFAULTS = {
    (f"{PACKAGE}.analysis.comparison", "load_table"),
    (f"{PACKAGE}.analysis.targeting", "targets"),
    (f"{PACKAGE}.draft", "check_draft"),
}
WORKING_DEFAULTS = {
    (f"{PACKAGE}.table.catalog", "current"),  # the catalog lookups' default (tests/test_project_switch.py)
    (f"{PACKAGE}.report.wording", "_working"),  # the report's wording: its notebooks are not given the project
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _aliases(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The names the module gives ``fazhi_analysis.project`` and its ``find``."""
    modules, functions = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == PROJECT and a.asname}
        elif isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            modules |= {a.asname or a.name for a in node.names if a.name == "project"}
        elif isinstance(node, ast.ImportFrom) and node.module == PROJECT:
            functions |= {a.asname or a.name for a in node.names if a.name == "find"}
    return modules, functions


def _calls_of_find(path: Path) -> set[tuple[str, str]]:
    """(module, enclosing function) of each call of ``project.find`` in the file at ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    module = _module_name(path)
    modules, functions = _aliases(tree)
    if module == PROJECT:
        functions.add("find")
    found = set()

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call):
                called = child.func
                if (isinstance(called, ast.Name) and called.id in functions) or (
                    isinstance(called, ast.Attribute)
                    and called.attr == "find"
                    and isinstance(called.value, ast.Name)
                    and called.value.id in modules
                ):
                    found.add((module, function))
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            visit(child, inner)

    visit(tree, "<module>")
    return found


def _calls() -> set[tuple[str, str]]:
    return {call for path in sorted((SRC / PACKAGE).rglob("*.py")) for call in _calls_of_find(path)}


def _at_an_edge(module: str) -> bool:
    return any(module == edge or module.startswith(f"{edge}.") for edge in EDGES)


def test_the_calls_are_read() -> None:
    calls = _calls()
    assert (f"{PACKAGE}.cli", "main") in calls
    assert (f"{PACKAGE}.project", "shadows") in calls  # find(root), called by its own name


def test_project_find_is_called_only_at_the_edges() -> None:
    inside = {call for call in _calls() if not _at_an_edge(call[0])}
    assert inside - API_DEFAULTS - WORKING_DEFAULTS == set(), "project.find() inside the library: pass the project"
    assert (API_DEFAULTS | WORKING_DEFAULTS) - inside == set(), "no longer called there: remove the entry"


def test_the_api_defaults_are_public_api() -> None:
    """Only a function of ``fazhi_analysis``'s public API may default to the working project at its entry."""
    public = set(dir(fazhi_analysis))
    assert {function for _, function in API_DEFAULTS} <= public
