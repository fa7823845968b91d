"""Extras from other installed packages: the objects an entry-point group names, each checked, a broken one skipped.

Another package adds an output format or a report kind by naming it in its ``pyproject.toml``::

    [project.entry-points."fazhi_analysis.formats"]
    ofd = "fazhi_ofd:FORMAT"            # an OutputFormat (fazhi_analysis.report.outputs)

    [project.entry-points."fazhi_analysis.report_kinds"]
    summary = "fazhi_summary:KIND"      # a ReportKind (fazhi_analysis.report.kinds)

The bundled formats and kinds are not entry points: they are read from the package itself, so that they are there
however it was installed (a checkout on ``PYTHONPATH`` has no installed metadata) and no extra can replace them.
An extra that fails to load, is not of the expected type or takes a name already held is skipped with a warning
naming it: a broken plugin never stops a report.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import TypeVar

__all__ = ["load"]

_log = logging.getLogger(__name__)
_T = TypeVar("_T")
_NAME = re.compile(r"[a-z][a-z0-9_]*")  # a name the command line and the file names can hold


def load(group: str, expected: type[_T], held: Iterable[str]) -> dict[str, _T]:
    """The objects of type ``expected`` named by the entry points of ``group``, by their ``name``.

    ``held``: the names already taken (the bundled ones, reserved words); an extra taking one is skipped.
    """
    taken, found = set(held), {}
    for point in entry_points(group=group):
        try:
            value = point.load()
        except Exception as exc:  # any error of someone else's package: reported, never raised
            _skip(point, "无法加载", "failed to load", f"{type(exc).__name__}: {exc}")
            continue
        name = getattr(value, "name", None)
        if not isinstance(value, expected):
            _skip(point, f"不是 {expected.__name__}", f"is no {expected.__name__}", type(value).__name__)
        elif not isinstance(name, str) or not _NAME.fullmatch(name):
            _skip(point, "名称无效", "has an invalid name", f"{name!r}（小写字母、数字、下划线 / a-z, 0-9, _）")
        elif name in taken:
            _skip(point, "名称已被占用", "takes a name already held", name)
        else:
            taken.add(name)
            found[name] = value
    return found


def _skip(point: EntryPoint, zh: str, en: str, detail: str) -> None:
    dist = getattr(point, "dist", None)
    where = f"{point.group} {point.name} = {point.value}" + (f"（{dist.name}）" if dist is not None else "")
    _log.warning("插件%s，已跳过 / plugin skipped, it %s: %s: %s", zh, en, where, detail)
