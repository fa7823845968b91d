"""The surface of every module of ``src/fazhi_analysis``: short enough to read, and declared.

Read with :mod:`ast` from the source, not by importing it: every module is at most :data:`MAX_LINES` lines long,
defines ``__all__`` as a list of names, and each name it lists is one the module defines or imports (a package that
loads a name on first use, PEP 562, names the module it comes from, which must define it). ``__all__`` lists every
public name a module defines, and a module that is not a package's ``__init__`` lists nothing else: a name not meant
for other modules, notebooks or users starts with an underscore.

Run alone: ``python -m pytest tests/test_surfaces.py``.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "fazhi_analysis"
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted((SRC / PACKAGE).rglob("*.py"))}


def _tree(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(encoding="utf-8"), str(MODULES[module]))


def _defined(tree: ast.Module) -> set[str]:
    """The names a module's top level defines (functions, classes, assigned names; not imported ones)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            names |= {e.id for e in elements if isinstance(e, ast.Name)}
    return names - {"__all__"}


def _imported(tree: ast.Module) -> set[str]:
    """The names a module's top level binds by ``import``."""
    return {
        alias.asname or alias.name.partition(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }


def _lazy(tree: ast.Module) -> dict[str, str]:
    """A package's names loaded on first use: the dict literal of name → module its ``__getattr__`` reads."""
    tables = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and node.value.keys
        if all(isinstance(v, ast.Constant) and str(v.value).startswith(f"{PACKAGE}.") for v in node.value.values)
    ]
    return {key.value: value.value for table in tables for key, value in zip(table.keys, table.values)}


def _declared(tree: ast.Module) -> list[str] | None:
    """``__all__`` as written: string elements, and the keys of a lazy table unpacked into it (``*_API``)."""
    found = [n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__all__"]
    if not found:
        return None
    assert len(found) == 1 and isinstance(found[0].value, ast.List), "__all__ is one list"
    lazy = list(_lazy(tree))
    return [name for e in found[0].value.elts for name in (lazy if isinstance(e, ast.Starred) else [e.value])]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_is_short(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES}): split it by job"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_declares_its_surface(module: str) -> None:
    tree = _tree(module)
    declared = _declared(tree)
    assert declared is not None, f"{module} has no __all__"
    assert len(declared) == len(set(declared)), f"{module}: __all__ lists a name twice"
    lazy = _lazy(tree)
    missing = [name for name in declared if name not in _defined(tree) | _imported(tree) | set(lazy)]
    assert not missing, f"{module}: __all__ names what it neither defines nor imports: {missing}"
    unloaded = [name for name, source in lazy.items() if name not in _defined(_tree(source)) | _imported(_tree(source))]
    assert not unloaded, f"{module}: loads on first use names their modules lack: {unloaded}"


def _undeclared(module: str) -> tuple[set[str], set[str]]:
    """The public names ``module`` defines that ``__all__`` lacks, and the names ``__all__`` lists that a module
    other than a package's ``__init__`` does not define."""
    tree = _tree(module)
    listed = set(_declared(tree) or [])
    public = {name for name in _defined(tree) if not name.startswith("_")}
    return public - listed, set() if MODULES[module].stem == "__init__" else listed - public


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_declares_its_public_names_and_underscores_the_rest(module: str) -> None:
    lacking, foreign = _undeclared(module)
    assert not lacking, f"{module}: __all__ lacks {sorted(lacking)} (or underscore them)"
    assert not foreign, f"{module}: __all__ names what other modules define: {sorted(foreign)}"


def _entry_points() -> list[str]:
    """The ``module:name`` targets of the package's entry points and scripts in ``pyproject.toml``."""
    config = tomllib.loads((SRC.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    groups = [config.get("scripts", {}), *config.get("entry-points", {}).values()]
    return sorted(target for group in groups for target in group.values())


@pytest.mark.parametrize("target", _entry_points())
def test_an_entry_point_names_a_declared_name(target: str) -> None:
    module, _, name = target.partition(":")
    assert module in MODULES, f"{target}: no module {module}"
    assert name in (_declared(_tree(module)) or []), f"{target}: {module}.__all__ lacks {name} (other programs load it)"
