"""A project folder: the analyst's data, reports and local overrides, found from the working directory.

A project is a folder holding ``data/raw/`` (``fazhi init DIR`` makes one). Its paths are found
from, in order: an explicit folder, the project in use (:func:`use`: the CLI's ``--project``, a batch
worker's job), ``$FAZHI_ROOT``, the working directory or the nearest folder above it that holds
``data/raw/``, else the working directory itself. Never from where the package is installed. Files
the project may add to change the bundled defaults: ``catalog.yaml`` (extra or changed indicators),
``targets.yaml`` (targets the figures are held against), ``templates/narrative/`` (wording) and
``notebooks/annual_report.ipynb`` (the report notebook). :meth:`Project.layers` is the one place that finds the
project's copy of a file or the bundled one it stands in for (:data:`OVERRIDABLE`).

**Upgrades reach projects.** A bundled template or notebook copied into a project wins over the bundled one,
so a copy would keep a project on the wording of the version it came from. ``fazhi init`` therefore copies none
(only the explore notebook, a workspace of the analyst's own); :func:`customize` copies them when asked
(``fazhi init --customize``, ``fazhi customize templates|notebook``), each stamped with the package version and
the bundled file's SHA-256 it came from (:func:`stamp_of`), so that :func:`shadows` can tell a copy whose
bundled file has changed since (``fazhi doctor``).

Example:
    >>> project = Project(Path("/srv/fazhi"))
    >>> project.table
    PosixPath('/srv/fazhi/data/processed/indicators.parquet')
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from fazhi_analysis import __version__
from fazhi_analysis.errors import InputError
from fazhi_analysis.userfiles import PACKAGE_DIR

__all__ = [
    "CATALOG",
    "CUSTOMIZABLE",
    "NOT_A_PROJECT",
    "OVERRIDABLE",
    "Project",
    "ROOT_ENV",
    "Shadow",
    "bundled_file",
    "customize",
    "digest",
    "explore_notebook",
    "find",
    "init",
    "shadows",
    "stamp_of",
    "use",
]


ROOT_ENV = "FAZHI_ROOT"
_TABLE_NAME = "indicators.parquet"
CATALOG = "catalog.yaml"  # the project's indicators and aliases over the bundled catalog
# What a project may override: its place in the project → the bundled file or folder (below the package) it stands
# in for. A folder stands for each file in it (templates/narrative/phrases.yaml).
OVERRIDABLE = {
    CATALOG: "table/catalog.yaml",
    "targets.yaml": "table/targets.yaml",
    "deadlines.yaml": "deadlines.yaml",
    "templates/narrative": "report/templates/narrative",
}
CUSTOMIZABLE = ("templates", "notebook")  # what fazhi customize copies
_EXPLORE = "explore.ipynb"  # the analyst's notebook: copied by init, never a shadow of a bundled file
NOT_A_PROJECT = (
    "{root} 不是项目文件夹（没有 data/raw/）：新建项目用 fazhi init 文件夹名，或用 --project 指明项目 / "
    "{root} is no project folder (no data/raw/): make one with fazhi init DIR, or name it with --project DIR"
)
_STAMP = re.compile(r"fazhi-analysis (?P<version>\S+) sha256:(?P<sha256>[0-9a-f]{64})")
_STAMP_TEXT = "fazhi-analysis {version} sha256:{sha256} 内置文件的副本（fazhi doctor 据此判断内置文件是否已更新）"
_STAMP_LINES = {".yaml": "# {}\n", ".j2": "{{# {} #}}\n"}  # the first line of a copied YAML file or template
_CATALOG_EXAMPLE = """\
# 本项目的指标目录补充 / this project's additions to the bundled indicator catalog (fazhi catalog lists it).
# 新指标写全 id、section、name、unit、kind；已有指标只写要改的字段，列表（aliases 等）会追加到内置目录。
# New indicators need id, section, name, unit, kind; for a bundled id, the fields given replace the
# bundled ones and lists (aliases, units, context, exclude, nouns) are added to them. Example:
#
# indicators:
#   - {id: disputes.reconsideration_applications, aliases: [复议申请件数]}
#   - {id: disputes.legal_aid_hotline_calls, section: disputes, name: 法律援助热线接听, unit: 次, kind: count,
#      aliases: [热线接听, 12348热线]}
"""
_TARGETS_EXAMPLE = """\
# 本项目的工作目标 / targets this project holds its figures against (fazhi_analysis.analysis.against_targets).
# 每项写 indicator（指标编号）、comparison（>=、<=、>、<、==）、value（指标基本单位的数值，比率为百分点）、
# source（提出目标的文件，必填）；region、year 可选（不写则适用于所有地区、年度），note 可选。
# Each entry: indicator, comparison, value (in the indicator's base unit; rates in percent points),
# source (the document that states the target; required), optional region, year and note. Example:
#
# targets:
#   - {indicator: disputes.head_appearance_rate, comparison: ">=", value: 100, region: 示例区甲,
#      source: 《示例区法治政府建设年度工作要点》（示例区人民政府，2024年）, note: 示例，请改为实际文件}
"""


@dataclass(frozen=True)
class Project:
    """The folders and override files of one project, below ``root``."""

    root: Path

    @property
    def raw(self) -> Path:
        """Immutable inputs: report texts and departments' spreadsheets."""
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        """The tidy table, findings and rejects that ``fazhi build`` writes."""
        return self.root / "data" / "processed"

    @property
    def table(self) -> Path:
        """The tidy table ``fazhi build`` writes and ``fazhi report`` reads."""
        return self.processed / _TABLE_NAME

    @property
    def reports(self) -> Path:
        """Root of the generated reports."""
        return self.root / "reports"

    @property
    def notebooks(self) -> Path:
        """The project's notebooks; an ``annual_report.ipynb`` here replaces the bundled one."""
        return self.root / "notebooks"

    @property
    def targets(self) -> Path:
        """``targets.yaml``: the project's targets (indicator, comparison, value, source), see ``analysis.targets``."""
        return self.root / "targets.yaml"

    @property
    def templates(self) -> Path:
        """Wording templates that win over the bundled ones (``templates/narrative/…``)."""
        return self.root / "templates"

    def layers(self, name: str) -> tuple[Path, ...]:
        """The bundled file ``name`` (a place of :data:`OVERRIDABLE`, or a file below one) and, when the project
        has its own copy there, that copy last: the one that wins (or, for a layered file, is read over it).

        Every file a project may override is found through here; YAML is read by
        :func:`fazhi_analysis.userfiles.load_yaml` (the project's copy guarded, the package's by libyaml).

        Example:
            >>> Project(Path("/srv/fazhi")).layers("targets.yaml")[0].relative_to(PACKAGE_DIR)
            PosixPath('table/targets.yaml')
        """
        own = self.root / name
        return (bundled_file(name), own) if own.exists() else (bundled_file(name),)

    def file(self, name: str) -> Path:
        """The project's copy of ``name`` if present, else the bundled one (:meth:`layers`)."""
        return self.layers(name)[-1]

    @property
    def is_project(self) -> bool:
        """Whether the folder is a project (holds ``data/raw/``), not a working directory taken for one."""
        return self.raw.is_dir()


def bundled_file(name: str) -> Path:
    """The package's file that the project's ``name`` overrides (:data:`OVERRIDABLE`).

    Raises:
        InputError: ``name`` is nothing a project may override.
    """
    for place, packaged in OVERRIDABLE.items():
        if name == place or name.startswith(f"{place}/"):
            return PACKAGE_DIR / packaged / name[len(place) :].lstrip("/")
    raise InputError(
        f"项目不能覆盖此文件 / a project cannot override: {name}（可覆盖 / may override: {', '.join(OVERRIDABLE)}）"
    )


def find(root: str | Path | None = None) -> Project:
    """The project of ``root`` if given, else the one in use (:func:`use`), else of ``$FAZHI_ROOT``, else of the
    working directory.

    Without an explicit root, the nearest folder at or above the working directory that holds
    ``data/raw/`` is the project; when there is none, the working directory is.
    """
    if root is None:
        if (here := _IN_USE.get()) is not None:
            return here
        root = os.environ.get(ROOT_ENV) or _nearest(Path.cwd())
    return Project(Path(root).resolve())


_IN_USE: contextvars.ContextVar[Project | None] = contextvars.ContextVar("project_in_use", default=None)


@contextmanager
def use(here: Project) -> Iterator[Project]:
    """Work in ``here`` within the block (this thread or task only; the environment is left alone): what looks
    the project up without being given one (:func:`find`) finds it.

    Example:
        >>> with use(Project(Path("/srv/fazhi"))):
        ...     find().root
        PosixPath('/srv/fazhi')
    """
    token = _IN_USE.set(here)
    try:
        yield here
    finally:
        _IN_USE.reset(token)


def _nearest(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "data" / "raw").is_dir():
            return folder
    return start


def init(
    root: str | Path, *, customized: bool = False, notebooks: Mapping[str, Traversable] | None = None
) -> list[Path]:
    """Make a project folder at ``root`` and return what was created (existing files are kept as they are).

    It holds ``data/raw/`` (inputs), ``data/processed/``, ``reports/``, the explore notebook
    (``notebooks/explore.ipynb``), a commented ``catalog.yaml`` for the project's own indicators and aliases and a
    commented ``targets.yaml``; with ``customized``, editable copies of the bundled templates and report notebooks
    (``notebooks``, as for :func:`customize`) as well.
    """
    here = Project(Path(root).resolve())
    created = [folder for folder in (here.raw, here.processed, here.reports, here.notebooks) if not folder.is_dir()]
    for folder in created:
        folder.mkdir(parents=True)
    created += [path for path, copied in [explore_notebook(here.root)] if copied]
    for path, text in ((here.root / CATALOG, _CATALOG_EXAMPLE), (here.targets, _TARGETS_EXAMPLE)):
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            created.append(path)
    for what in CUSTOMIZABLE if customized else ():
        created += customize(here.root, what, notebooks)
    return created


def explore_notebook(root: str | Path) -> tuple[Path, bool]:
    """The project's explore notebook, copied from the package (stamped) when it has none; and whether it was."""
    here = Project(Path(root).resolve())
    copied = _copied({here.notebooks / _EXPLORE: resources.files("fazhi_analysis.report") / _EXPLORE})
    return here.notebooks / _EXPLORE, bool(copied)


_REPORT_NOTEBOOKS = ("annual_report.ipynb", "regional_overview.ipynb")  # the bundled report kinds' notebooks


def _bundled(what: str, here: Project, notebooks: Mapping[str, Traversable] | None) -> dict[Path, Traversable]:
    """The bundled files a project may customize (``templates`` or ``notebook``: ``notebooks`` by file name, default
    the bundled report kinds'), by their place in ``here``.

    Raises:
        InputError: ``what`` is neither.
    """
    if what == "templates":
        narrative = bundled_file("templates/narrative")
        return {here.templates / "narrative" / f.name: f for f in sorted(narrative.iterdir(), key=lambda f: f.name)}
    if what == "notebook":
        if notebooks is None:
            notebooks = {name: resources.files("fazhi_analysis.report") / name for name in _REPORT_NOTEBOOKS}
        return {here.notebooks / name: source for name, source in notebooks.items()}
    raise InputError(f"不能定制 / cannot customize: {what}; 可选 / choose from: {', '.join(CUSTOMIZABLE)}")


def customize(root: str | Path, what: str, notebooks: Mapping[str, Traversable] | None = None) -> list[Path]:
    """Copy the bundled ``templates`` or report ``notebook`` into the project at ``root`` for editing, each copy
    stamped with the version and the bundled file's SHA-256 it came from; files the project has are kept.

    ``notebooks``: the report notebooks by file name (default: the bundled kinds'; the CLI passes every report kind's,
    other packages' included: :func:`fazhi_analysis.report.kinds.notebooks`).

    Returns the files copied.

    Raises:
        InputError: ``what`` is neither ``templates`` nor ``notebook``.
    """
    return _copied(_bundled(what, Project(Path(root).resolve()), notebooks))


def _copied(copies: dict[Path, Traversable]) -> list[Path]:
    """Copy each bundled file to its place unless something is there; returns the places written."""
    done = []
    for target, source in copies.items():
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_stamped(source.read_bytes(), target.suffix))
            done.append(target)
    return done


def digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def _stamped(data: bytes, suffix: str) -> bytes:
    """A bundled file's bytes as its copy in a project: stamped with this version and the file's SHA-256 — a first
    comment line in YAML and templates, the ``fazhi_analysis`` entry of a notebook's metadata."""
    stamp = {"version": __version__, "sha256": digest(data)}
    if suffix == ".ipynb":
        notebook = json.loads(data)  # its entry keeps what the bundled one records (the notebook API's version)
        notebook["metadata"]["fazhi_analysis"] = {**notebook["metadata"].get("fazhi_analysis", {}), **stamp}
        return (json.dumps(notebook, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return _STAMP_LINES[suffix].format(_STAMP_TEXT.format(**stamp)).encode("utf-8") + data


def stamp_of(path: Path) -> dict[str, str] | None:
    """The version and SHA-256 a project's copy came from (:func:`_stamped`), or None for an unstamped file.

    Example:
        >>> stamp_of(Path("templates/narrative/phrases.yaml"))          # doctest: +SKIP
        {'version': '0.1.0', 'sha256': '5f2c…'}
    """
    if path.suffix == ".ipynb":
        found = json.loads(path.read_bytes()).get("metadata", {}).get("fazhi_analysis")
        return found if isinstance(found, dict) and {"version", "sha256"} <= set(found) else None
    with path.open(encoding="utf-8", errors="replace") as fh:
        match = _STAMP.search(fh.readline())
    return match.groupdict() if match else None


@dataclass(frozen=True)
class Shadow:
    """A project file standing in for a bundled one, and whether the bundled one has changed since it was copied.

    ``status``: ``changed`` (the bundled file is not the one it was copied from), ``unknown`` (no stamp: copied
    before stamps, or written by hand; ``same`` says whether it equals today's bundled file), ``current``.
    """

    path: Path
    status: str
    version: str | None = None
    same: bool = False


def shadows(root: str | Path | None = None, notebooks: Mapping[str, Traversable] | None = None) -> list[Shadow]:
    """The project's files that win over bundled templates or report notebooks (``notebooks`` as for
    :func:`customize`), each with its :class:`Shadow` status."""
    here = find(root)
    found = []
    for what in CUSTOMIZABLE:
        for place, source in _bundled(what, here, notebooks).items():
            if not place.is_file():
                continue
            original, stamp = source.read_bytes(), stamp_of(place)
            if stamp is None:
                found.append(Shadow(place, "unknown", same=place.read_bytes() == original))
            else:
                status = "current" if stamp["sha256"] == digest(original) else "changed"
                found.append(Shadow(place, status, stamp["version"]))
    return found
