"""Names from the inputs that become parts of paths: is a region a safe name, does a path stay inside a folder.

A region comes from a report text, a spreadsheet cell or a sidecar file: it is data, and it must never
lead a path out of the output folder (``reports/<region>/<year>/``). Neither function imports pandas,
so the report code can use them cheaply.

Example:
    >>> safe_region("达坂城区") is None
    True
    >>> safe_region("../../../tmp/x")
    '含“..”路径成分 / has a ".." path component'
    >>> from pathlib import Path
    >>> inside(Path("reports"), Path("reports/甲区/2024")), inside(Path("reports"), Path("reports/../x"))
    (True, False)
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

__all__ = ["inside", "region_problem", "safe_region", "shown"]

_MAX_REGION_LENGTH = 64
_SEPARATORS = ("/", "\\")
# Cc: control characters (newline, tab, NUL …); Cf: invisible formatting (bidi overrides, zero width);
# Zl/Zp: the line and paragraph separators; Cs: lone surrogates.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def region_problem(name: object) -> tuple[str, str] | None:
    """Why ``name`` is not a safe region, in Chinese and in English; ``None`` when it is.

    A safe region is text of 1 to :data:`_MAX_REGION_LENGTH` characters, without a path separator
    (``/``, ``\\``), not ``.`` or ``..`` (nor with a ``..`` component), without control or invisible
    formatting characters (newline, tab, NUL, bidi overrides …) and without leading or trailing
    whitespace. Braces, quotes and inner spaces are fine (``乙{year}区``, ``"甲"区``, ``甲 区``).

    Example:
        >>> region_problem("/tmp/x")
        ('含路径分隔符“/”或“\\\\”', 'contains a path separator (/ or \\\\)')
    """
    if not isinstance(name, str):
        return "不是文本", "is not text"
    if not name:
        return "为空", "is empty"
    if len(name) > _MAX_REGION_LENGTH:
        return (
            f"长度 {len(name)} 超过 {_MAX_REGION_LENGTH} 个字符",
            f"is {len(name)} characters long, more than {_MAX_REGION_LENGTH}",
        )
    if name in (".", ".."):
        return f"不能是“{name}”", f'cannot be "{name}"'
    if ".." in name.replace("\\", "/").split("/"):
        return "含“..”路径成分", 'has a ".." path component'
    if any(sep in name for sep in _SEPARATORS):
        return "含路径分隔符“/”或“\\”", "contains a path separator (/ or \\)"
    if any(unicodedata.category(c) in _UNPRINTABLE for c in name):
        return "含控制字符或不可见字符", "contains a control or invisible character"
    if name != name.strip():
        return "首尾有空白", "has leading or trailing whitespace"
    return None


def safe_region(name: object) -> str | None:
    """``None`` when ``name`` is a safe region (see :func:`region_problem`), else the reason (``中文 / English``).

    Example:
        >>> safe_region("乙{year}区") is None, safe_region('"甲"区') is None
        (True, True)
        >>> safe_region("甲区\\n")
        '含控制字符或不可见字符 / contains a control or invisible character'
        >>> safe_region("..")
        '不能是“..” / cannot be ".."'
    """
    problem = region_problem(name)
    return None if problem is None else f"{problem[0]} / {problem[1]}"


def shown(name: object) -> str:
    """``name`` for a message: as it is when it is a safe region, else its ``repr`` (control characters visible).

    Example:
        >>> shown("甲区"), shown("甲区\\n")
        ('甲区', "'甲区\\\\n'")
    """
    return str(name) if isinstance(name, str) and region_problem(name) is None else repr(name)


def inside(base: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is ``base`` or lies beneath it, once ``..`` and symbolic links are resolved.

    Relative paths are taken relative to the working directory, as when the file is opened; neither
    path need exist. Check the path that will be written (``output_dir / region / str(year)``).

    Example:
        >>> inside("reports", "reports/甲区/2024"), inside("reports", "reports/../x"), inside("reports", "/tmp/x")
        (True, False, False)
    """
    root = Path(os.path.realpath(base))
    target = Path(os.path.realpath(path))
    return target == root or target.is_relative_to(root)
