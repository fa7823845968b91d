"""Write tables safely: to stdout or files, as JSON, CSV or Parquet, never half-overwriting a good file."""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from fazhi_analysis.errors import InputError

if TYPE_CHECKING:  # pandas is imported where a table is written, not on import:
    import pandas as pd  # the report pipeline uses atomic_path without loading pandas


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one rename.

    The temporary name keeps the suffix last (``.report.x1y2.tmp.html``): tools such as papermill
    and Chromium go by it. On an exception the temporary file is removed and ``target`` is left
    as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_records(frame: pd.DataFrame, fmt: str, out: str | Path | None) -> None:
    """Write ``frame`` as a JSON array (one object per row), CSV or Parquet to ``out`` or stdout.

    Raises:
        InputError: Parquet asked for without an output file.
    """
    if fmt == "parquet":
        if out is None:
            raise InputError("parquet 格式需要 -o 输出文件 / --format parquet needs -o FILE")
        with atomic_path(out) as tmp:
            frame.to_parquet(tmp, index=False)
        return
    if fmt == "json":
        records = [{key: _json_scalar(value) for key, value in row.items()} for row in frame.to_dict(orient="records")]
        text = json.dumps(records, ensure_ascii=False, indent=1)
    else:
        text = frame.to_csv(index=False)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    with atomic_path(out) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _json_scalar(value: object) -> object:
    """A JSON-ready scalar: NA → null, whole floats → int (17 rather than 17.0)."""
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a CSV file in UTF-8 with BOM, so that Excel reads the Chinese, atomically."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")


def write_file(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` to ``path`` as Parquet, JSON or CSV, chosen by the suffix (CSV otherwise)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".json"):
        write_records(frame, fmt=suffix[1:], out=path)
    else:
        _write_csv(frame, path)


def write_table(frame: pd.DataFrame, stem: Path) -> tuple[Path, Path]:
    """Write ``frame`` to ``stem.parquet`` and ``stem.csv`` (UTF-8 with BOM, so Excel reads Chinese)."""
    parquet, csv = stem.with_suffix(".parquet"), stem.with_suffix(".csv")
    with atomic_path(parquet) as tmp:
        frame.to_parquet(tmp, index=False)
    _write_csv(frame, csv)
    return parquet, csv
