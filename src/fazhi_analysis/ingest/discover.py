"""Which files are inputs (report texts, departments' spreadsheets), and what a file's sidecar says of it.

An input is a file whose suffix says what it is (:data:`~fazhi_analysis.ingest.inputs.FORMATS`); hidden files
(``.name``) and the lock files an office program leaves beside an open document (``~$name``) are not. Folders
are searched recursively, and files come in a stable (sorted) order. Report texts are ``.txt``/``.md``,
``.docx``, ``.pdf`` and saved web pages (``.html``/``.htm``). The analysts' overrides
(``overrides.xlsx``/``overrides.csv`` at the top of the folder, see :mod:`fazhi_analysis.ingest.review`) are
not departments' spreadsheets.

A sidecar ``<file>.meta.yaml`` beside an input gives its region and year when the input does not
(``region: 达坂城区``, ``year: 2024``); it is read with :func:`fazhi_analysis.userfiles.load_yaml` and
checked against :class:`Sidecar`.

A file with an input's suffix that is not a regular file (a FIFO, a device, a dangling link) is listed
too, so that reading it refuses it by name instead of passing it over.

Example:
    >>> spreadsheet_files(Path("data/raw"))       # doctest: +SKIP
    [PosixPath('data/raw/dept.xlsx')]
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Annotated

import pydantic

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.inputs import TABLE, TEXT, suffixes
from fazhi_analysis.userfiles import Text, Year, load_yaml

__all__ = [
    "OVERRIDE_NAMES",
    "Sidecar",
    "expand_paths",
    "report_files",
    "sidecar",
    "sidecar_path",
    "sidecar_region_year",
    "source_name",
    "spreadsheet_files",
]


_SIDECAR_SUFFIX = ".meta.yaml"
_NOT_INPUTS = (".", "~$")  # name prefixes of hidden files and office lock files
OVERRIDE_NAMES = ("overrides.xlsx", "overrides.csv")  # the review loop's file in data/raw/, not a table


def _files_under(folder: Path, suffixes: Collection[str]) -> list[Path]:
    """The input files under ``folder`` (recursively) with one of ``suffixes``, sorted (every one but folders)."""
    return sorted(
        p
        for p in folder.rglob("*")
        if not p.is_dir() and p.suffix.lower() in suffixes and not p.name.startswith(_NOT_INPUTS)
    )


def report_files(folder: Path) -> list[Path]:
    """Report texts (``.txt``, ``.docx``, ``.pdf``, ``.html`` …) under ``folder`` (recursively), in a stable order."""
    return _files_under(folder, suffixes(TEXT))


def spreadsheet_files(folder: Path) -> list[Path]:
    """Departments' spreadsheets (CSV, XLSX) under ``folder`` (recursively), in a stable order; no overrides file."""
    overrides = {folder / name for name in OVERRIDE_NAMES}
    return [path for path in _files_under(folder, suffixes(TABLE)) if path not in overrides]


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the spreadsheets inside given folders (recursively, sorted).

    Raises:
        InputError: no path given, or a folder holds no spreadsheet.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = spreadsheet_files(path)
            if not found:
                raise InputError(f"{path}: 文件夹中没有 CSV/XLSX 表格 / no CSV or XLSX files in the folder")
            files.extend(found)
        else:
            files.append(path)
    if not files:
        raise InputError("没有指定输入文件 / no input files given")
    return files


def source_name(path: str | Path, root: str | Path | None = None) -> str:
    """How sources name an input file: its path under ``root`` (``sub/dept.xlsx``), else its name."""
    return Path(path).relative_to(root).as_posix() if root else Path(path).name


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of ``path`` is: ``<file>.meta.yaml`` beside it."""
    return path.with_name(path.name + _SIDECAR_SUFFIX)


class Sidecar(pydantic.BaseModel):
    """What a sidecar may say of its input: ``region`` (text) and ``year`` (an integer, 1949–2100)."""

    model_config = pydantic.ConfigDict(extra="forbid", strict=True)

    region: Annotated[Text, pydantic.StringConstraints(max_length=64)] | None = None
    year: Year | None = None


def sidecar(path: Path) -> dict:
    """What the sidecar of ``path`` says (an empty mapping when there is none, or it is empty).

    Raises:
        InputError: the sidecar is not a regular file, not valid YAML, or breaks :class:`Sidecar`
            (one line naming the file, the entry and the type expected).
    """
    found = sidecar_path(path)
    if not found.exists():
        return {}
    return load_yaml(found, Sidecar, if_empty={}).model_dump(exclude_none=True)


def sidecar_region_year(path: Path) -> tuple[str | None, int | None]:
    """(region, year) from the sidecar of ``path``; None for what it does not give."""
    meta = sidecar(path)
    return meta.get("region"), meta.get("year")
