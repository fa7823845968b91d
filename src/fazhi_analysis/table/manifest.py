"""The manifest of one ``fazhi build``: the files it published together, written last, trusted by readers.

Each output file is replaced atomically on its own, so a build killed half way can leave a new table
beside the findings of the one before. The manifest, written after all of them, names every file of
the build with its SHA-256: a reader that combines two files (the table and its findings) trusts the
pair only when the manifest vouches for both.

Example:
    >>> write(folder, [folder / "indicators.parquet", folder / "findings.parquet"])   # doctest: +SKIP
    >>> same_build(folder / "indicators.parquet", folder / "findings.parquet")          # doctest: +SKIP
    True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from fazhi_analysis.table.write import atomic_path

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NAME", "read_beside", "same_build", "write"]

NAME = "manifest.json"


def _digest(path: Path) -> str:
    with path.open("rb") as fh:  # read a block at a time: a table of a million rows is 100 MB of CSV
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write(folder: Path, files: Iterable[Path]) -> Path:
    """Write ``folder/manifest.json`` naming ``files`` (all in ``folder``) with their SHA-256; returns its path."""
    listed = {path.name: _digest(path) for path in sorted(files)}
    target = Path(folder) / NAME
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps({"files": listed}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


def same_build(*paths: Path) -> bool:
    """Whether the manifest beside ``paths`` lists each of them as it is now (one build wrote them all)."""
    try:
        listed = json.loads((Path(paths[0]).parent / NAME).read_text(encoding="utf-8"))["files"]
        return all(listed.get(Path(p).name) == _digest(Path(p)) for p in paths)
    except (OSError, ValueError, KeyError, TypeError):  # no manifest, no such file, not a manifest
        return False


def read_beside(table_path: Path, name: str) -> pd.DataFrame | None:
    """The parquet file ``name`` beside the table at ``table_path`` when the manifest vouches for both, else None."""
    import pandas as pd

    path = Path(table_path).with_name(name)
    if not path.is_file() or not same_build(Path(table_path), path):
        return None
    return pd.read_parquet(path)
