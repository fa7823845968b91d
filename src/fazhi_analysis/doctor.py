"""``fazhi doctor``: whether the report can run on this machine, and whether a project follows the installed package.

The system: the Chinese font of the charts and Chromium, without which the report cannot run (exit 1); poppler
(``pdftotext``, ``pdftoppm``: the tests and ``make check-install`` read the PDF back) and LibreOffice (to look at
the Word draft's pages on Linux), which it can do without. Each missing one is named with the Debian package that
brings it, and one ``apt-get install`` line lists them all.

The project: whether the folder is one and its table is built, and which of its files stand in for bundled
templates or report notebooks whose bundled version has changed since they were copied (:func:`project.shadows`),
so that an upgrade's fixes would not reach the project, and which report notebooks are made for another notebook API
(:mod:`fazhi_analysis.report.notebook_api`: a report refuses them).

Example:
    >>> text, code = diagnose()        # doctest: +SKIP
    >>> code                           # doctest: +SKIP
    0
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fazhi_analysis import __version__, project
from fazhi_analysis.errors import FazhiError, InputError
from fazhi_analysis.report import kinds, notebook_api

__all__ = ["diagnose"]


_OK, _MISSING, _OPTIONAL = "通过", "缺少", "可选"


@dataclass(frozen=True)
class _Check:
    """One thing the report needs: what it is, whether it is there (and where), and the package that brings it."""

    name: str
    found: str | None
    package: str
    required: bool

    @property
    def line(self) -> str:
        mark = _OK if self.found else (_MISSING if self.required else _OPTIONAL)
        where = self.found or f"未找到，安装 / install: {self.package}"
        return f"  [{mark}] {self.name}: {where}"


def _font() -> str:
    from fazhi_analysis.report import fonts

    return fonts.ensure_font()


def _chromium() -> str:
    from fazhi_analysis.report import pdf

    return pdf.find_chromium()


def _tools(*names: str) -> Callable[[], str | None]:
    """The first of ``names`` on PATH (all of them, for several tools that come together)."""

    def found() -> str | None:
        paths = [shutil.which(n) for n in names]
        return "、".join(p for p in paths if p) if all(paths) else None

    return found


def _tried(find: Callable[[], str | None]) -> str | None:
    try:
        return find()
    except FazhiError:
        return None


def _system_checks() -> list[_Check]:
    """The font, Chromium (both required), poppler and LibreOffice (optional), each found or not."""
    return [
        _Check("中文字体 / Chinese font Noto Sans CJK SC", _tried(_font), "fonts-noto-cjk", True),
        _Check("Chromium（打印 PDF / prints the PDF）", _tried(_chromium), "chromium-headless-shell", True),
        _Check(
            "poppler（pdftotext、pdftoppm：测试读回 PDF / tests read the PDF）",
            _tools("pdftotext", "pdftoppm")(),
            "poppler-utils",
            False,
        ),  # fmt: skip
        _Check(
            "LibreOffice（在 Linux 上查看 Word 初稿 / views the Word draft）",
            _tools("soffice")(),
            "libreoffice-writer-nogui",
            False,
        ),  # fmt: skip
    ]


_SHADOW_ADVICE = {
    "changed": "内置文件自 {version} 版复制以来已更新：比较后把新内容并入，或删除此文件以使用内置文件 / "
    "the bundled file changed since version {version}: merge it in, or delete this file to use the bundled one",
    "unknown_same": "与内置文件相同：可删除，以后随升级更新 / same as the bundled file: delete it to follow upgrades",
    "unknown": "复制时未记录版本（或为手写）：如未改动过，删除它以使用内置文件 / no version recorded: if you did "
    "not edit it, delete it to use the bundled file",
}


#: What a project's report notebook must call, and what is lost when it does not.
_NOTEBOOK_CALLS = {
    "word_draft": "不记录 Word 初稿：--formats docx 会失败 / it records no Word draft: --formats docx fails",
    "load_sentences": "不读取构建保存的原文句子（sentences.parquet）：附录二只列数字 / it reads no saved sentences: "
    "the sources appendix shows the figures without them",
}


def _notebook_lines(notebook: Path) -> list[str]:
    """A line for each call of :data:`_NOTEBOOK_CALLS` that the project's report notebook lacks."""
    if not notebook.is_file():
        return []
    code = notebook.read_text(encoding="utf-8", errors="replace")
    return [f"  [覆盖 / shadows] notebooks/{notebook.name} {lost}" for call, lost in _NOTEBOOK_CALLS.items()
            if call not in code]  # fmt: skip


def _api_lines(here: project.Project) -> list[str]:
    """A line for each of the project's report notebooks made for another notebook API (a report refuses it)."""
    lines = []
    for path in (here.notebooks / kind.notebook for kind in kinds.kinds().values()):
        try:
            if path.is_file():
                notebook_api.check(path)
        except InputError as exc:
            lines.append(f"  [笔记本接口 / notebook API] {exc}")
    return lines


def _project_lines(here: project.Project) -> list[str]:
    """The project: is it one, is its table built, and its files that stand in for changed bundled ones."""
    if not here.is_project:
        return [f"  {project.NOT_A_PROJECT.format(root=here.root)}"]
    lines = [f"  项目 / project: {here.root}"]
    if not here.table.is_file():
        lines.append("  数据表尚未生成：把报告和表格放进 data/raw/ 后运行 fazhi build / no table yet: run fazhi build")
    found = project.shadows(here.root, kinds.notebooks())
    for shadow in (s for s in found if s.status != "current"):
        key = "unknown_same" if shadow.status == "unknown" and shadow.same else shadow.status
        advice = _SHADOW_ADVICE[key].format(version=shadow.version)
        lines.append(f"  [覆盖 / shadows] {shadow.path.relative_to(here.root)}：{advice}")
    lines += _api_lines(here)
    lines += _notebook_lines(here.notebooks / kinds.ANNUAL.notebook)
    current = sum(s.status == "current" for s in found)
    lines.append(f"  定制的文件 / customized files: {len(found)}，其中与当前内置版本同源 / current: {current}")
    return lines


def diagnose(root: str | Path | None = None) -> tuple[str, int]:
    """The doctor's report as text, and its exit code: 1 when the report cannot run (a required check failed)."""
    checks = _system_checks()
    missing = [c.package for c in checks if not c.found]
    lines = [f"fazhi-analysis {__version__}", "系统 / system:", *(c.line for c in checks)]
    if missing:
        lines.append(f"  安装 / install: sudo apt-get install -y {' '.join(missing)}")
    lines += ["项目 / project:", *_project_lines(project.find(root))]
    cannot = [c.name for c in checks if c.required and not c.found]
    lines.append("报告无法运行 / the report cannot run" if cannot else "报告可以运行 / the report can run")
    return "\n".join(lines), 1 if cannot else 0
