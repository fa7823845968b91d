"""The version of the API the report notebooks call, and the check of a notebook against it before a kernel starts.

The bundled notebooks call the library (``fz.*``, :mod:`fazhi_analysis.report.facts`, ``narrative``, ``charts``,
``word_draft``, ``overview`` …) and papermill hands them parameters. When those calls or parameters change in a way
an older notebook cannot follow, :data:`API_VERSION` goes up by one and the bundled notebooks record the new number
in their metadata (``metadata.fazhi_analysis.api``). A project's customized copy (``fazhi customize notebook``)
keeps the number of the version it was copied from: :func:`check` refuses a notebook of another number, naming
the file and what to do, before a kernel is started for it.

Example:
    >>> check(Path(__file__).with_name("annual_report.ipynb"))
"""

from __future__ import annotations

import json
from pathlib import Path

from fazhi_analysis.errors import InputError

__all__ = ["API_VERSION", "KEY", "check", "version_of"]

API_VERSION = 1
KEY = "fazhi_analysis"  # the notebook metadata's entry: {"api": API_VERSION, …} (a project's copy adds its stamp)


def version_of(notebook: Path) -> int | None:
    """The API version ``notebook`` records, or None when it records none.

    Raises:
        InputError: ``notebook`` cannot be read as a notebook.
    """
    try:
        metadata = json.loads(notebook.read_bytes()).get("metadata", {})
    except (OSError, ValueError, AttributeError) as exc:
        raise InputError(f"{notebook}: 无法读取报告笔记本 / cannot read the report notebook: {exc}") from None
    entry = metadata.get(KEY) if isinstance(metadata, dict) else None
    found = entry.get("api") if isinstance(entry, dict) else None
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def check(notebook: Path) -> None:
    """Refuse ``notebook`` unless it records :data:`API_VERSION`.

    Raises:
        InputError: It records an older version or none (made for an earlier version of the package), or a newer
            one; the message names the file and what to do.
    """
    found = version_of(notebook)
    if found == API_VERSION:
        return
    if found is not None and found > API_VERSION:
        raise InputError(
            f"{notebook}: 报告笔记本需要更新版本的 fazhi-analysis（笔记本接口第 {found} 版，本机为第 {API_VERSION} "
            f"版），请升级 / the notebook needs a newer fazhi-analysis (notebook API {found}, here {API_VERSION})"
        )
    made = "未记录笔记本接口版本" if found is None else f"笔记本接口为第 {found} 版"
    made_en = "records no notebook API version" if found is None else f"is of notebook API {found}"
    raise InputError(
        f"{notebook}: 报告笔记本{made}，与本版本（第 {API_VERSION} 版）不符：它复制自较早的版本。请删除此文件以使用"
        f"内置笔记本，或将其移开后重新运行 fazhi customize notebook，再把改动并入新副本 / the report notebook "
        f"{made_en}, not {API_VERSION}: it was copied from an earlier version. Delete it to use the bundled notebook, "
        "or move it away, run fazhi customize notebook again and merge your changes into the new copy"
    )
