"""Files a user gives: read only when they are regular files within a size, and YAML loaded safely to a schema.

Every input goes through :func:`read_file`: a folder, a FIFO, a device (``/dev/zero``) or a socket is
refused before it is opened (a FIFO would block, a device never ends), as is a file beyond its limit
or one that cannot be read. YAML a user writes (sidecars, ``deadlines.yaml``, rules) goes through
:func:`load_yaml`: aliases and anchors are refused and nodes and depth capped before anything is
built (a "billion laughs" document never expands), then the data are validated against a declared
pydantic schema, each violation named by file, entry and expected type. Every failure is one
:class:`~fazhi_analysis.errors.InputError` line.

Example:
    >>> class Meta(pydantic.BaseModel):
    ...     year: int | None = None
    >>> _parse_yaml("year: 2024", Meta, "a.meta.yaml").year
    2024
    >>> _parse_yaml("year: 二〇二四", Meta, "a.meta.yaml")
    Traceback (most recent call last):
    ...
    fazhi_analysis.errors.InputError: a.meta.yaml: year: 应为整数 / expected an integer (实为 / got '二〇二四')
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import pydantic
import yaml

from fazhi_analysis.errors import InputError

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "PACKAGE_DIR",
    "Text",
    "Year",
    "check_regular",
    "check_size",
    "load_yaml",
    "read_file",
    "too_large",
    "validate",
]


PACKAGE_DIR = Path(__file__).resolve().parent  # files below it are the package's own, not a user's
_MAX_YAML_BYTES = 1024**2  # a user's YAML file (the bundled catalog is 28 KB)
MAX_YAML_NODES = 100_000  # scalars, lists and mappings of one document
MAX_YAML_DEPTH = 50  # lists and mappings nested in one another
_MAX_ERRORS_SHOWN = 5
FIRST_YEAR, LAST_YEAR = 1949, 2100  # the years a user may write (in a file or on the command line)
Year = Annotated[int, pydantic.Strict(False), pydantic.Field(ge=FIRST_YEAR, le=LAST_YEAR)]  # 2024 or "2024", not 2024.7
Text = Annotated[str, pydantic.StringConstraints(strip_whitespace=True, min_length=1)]  # not empty
_KINDS = (
    (stat.S_ISDIR, "是文件夹而非文件", "is a directory, not a file"),
    (stat.S_ISFIFO, "是命名管道（FIFO）而非普通文件", "is a FIFO (named pipe), not a regular file"),
    (stat.S_ISCHR, "是字符设备而非普通文件", "is a character device, not a regular file"),
    (stat.S_ISBLK, "是块设备而非普通文件", "is a block device, not a regular file"),
    (stat.S_ISSOCK, "是套接字而非普通文件", "is a socket, not a regular file"),
)


# --- reading ---------------------------------------------------------------------------------


def too_large(
    where: object, what_zh: str, what_en: str, size: int | str, limit: int, size_en: str | None = None
) -> InputError:
    """The error for an input beyond a limit: one bilingual line naming it, its size and the limit."""
    return InputError(
        f"{where}: {what_zh}过大（{size}，上限 {limit}），为防止耗尽内存已拒绝读取 / "
        f"{what_en} too large ({size if size_en is None else size_en}, the limit is {limit}): "
        "refused so as not to exhaust memory"
    )


def check_size(where: object, size: int, limit: int, what_zh: str, what_en: str) -> None:
    """Raise :func:`too_large` (in bytes) when ``size`` exceeds ``limit``."""
    if size > limit:
        raise too_large(where, what_zh + "字节数", what_en + " size in bytes", size, limit)


def check_regular(path: str | Path) -> None:
    """Refuse a path that is missing or is not a regular file (folder, FIFO, device, socket), without opening it.

    Raises:
        InputError: naming the path and what it is.
    """
    _check_mode(Path(path), _stat(Path(path)).st_mode)


def read_file(path: str | Path, limit: int, *, allow_empty: bool = False) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (``allow_empty``: an empty file gives ``b""``).

    The kind of file is checked before it is opened, and again on the open descriptor (opened without
    blocking, so that a FIFO put in its place cannot hang the read); at most ``limit + 1`` bytes are read.

    Raises:
        InputError: missing, not a regular file, unreadable, larger than ``limit`` or empty.
    """
    path = Path(path)
    info = _stat(path)
    _check_mode(path, info.st_mode)
    check_size(path, info.st_size, limit, "文件", "file")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as fh:
            _check_mode(path, os.fstat(fh.fileno()).st_mode)
            data = fh.read(limit + 1)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    check_size(path, len(data), limit, "文件", "file")
    if not data.strip() and not allow_empty:
        raise InputError(f"{path}: 文件为空 / empty file")
    return data


def _stat(path: Path) -> os.stat_result:
    """``os.stat`` of an input, its failures as :class:`InputError`."""
    try:
        return path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: 文件不存在 / file not found") from None
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _check_mode(path: Path, mode: int) -> None:
    """Raise unless ``mode`` is a regular file's."""
    for test, zh, en in _KINDS:
        if test(mode):
            raise InputError(f"{path}: {zh} / {en}")
    if not stat.S_ISREG(mode):
        raise InputError(f"{path}: 不是普通文件 / not a regular file")


def _unreadable(path: Path, exc: OSError) -> InputError:
    """The error for an input the system will not let us read (permissions, I/O)."""
    return InputError(f"{path}: 无法读取文件 / cannot read the file ({exc.strerror or exc})")


# --- YAML ------------------------------------------------------------------------------------


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases and anchors and caps nodes and depth while composing.

    The checks run on parser events, before any node of an alias could be repeated or a Python object built.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.nodes = self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            self._refuse("YAML 别名和锚点（& 和 *）不允许使用 / aliases and anchors (& and *) are not allowed", event)
        self.nodes += 1
        self.depth += 1
        if self.nodes > MAX_YAML_NODES:
            self._refuse(f"节点超过 {MAX_YAML_NODES} 个 / more than {MAX_YAML_NODES} nodes", event)
        if self.depth > MAX_YAML_DEPTH:
            self._refuse(f"嵌套超过 {MAX_YAML_DEPTH} 层 / nested more than {MAX_YAML_DEPTH} deep", event)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    @staticmethod
    def _refuse(problem: str, event: yaml.Event) -> None:
        raise yaml.composer.ComposerError(None, None, problem, event.start_mark)


def _parse_yaml(text: str, schema: Any, where: object, *, if_empty: object = None) -> Any:
    """The YAML document ``text`` validated against ``schema`` (a pydantic model, or any type pydantic validates).

    Args:
        text: the document.
        schema: e.g. a :class:`pydantic.BaseModel` subclass, or ``dict[str, int]``.
        where: names the file in messages.
        if_empty: what an empty document stands for (default: None, validated like any value).

    Raises:
        InputError: not valid YAML, an alias or anchor, too many nodes, or data the schema refuses
            (one line: the file, then each entry with the type it should have).
    """
    try:
        data = yaml.load(text, Loader=_BoundedLoader)  # a SafeLoader: no Python object is ever built
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # ValueError: an int of more than 4300 digits
        raise InputError(f"{where}: YAML 格式错误 / invalid YAML: {_yaml_problem(exc)}") from None
    return validate(if_empty if data is None else data, schema, where)


def validate(data: object, schema: Any, where: object) -> Any:
    """``data`` (as YAML or JSON gives it) validated against ``schema``, as :func:`_parse_yaml` does.

    Raises:
        InputError: One line: the file ``where`` names, then each entry with the type it should have.
    """
    try:
        return _adapter(schema).validate_python(data)
    except pydantic.ValidationError as exc:
        raise InputError(f"{where}: {_violations(exc)}") from None


@cache
def _adapter(schema: Any) -> pydantic.TypeAdapter:
    """The validator of ``schema``, built once (a file per input may be checked against it)."""
    return pydantic.TypeAdapter(schema)


def load_yaml(path: str | Path, schema: Any, *, if_empty: object = None, limit: int = _MAX_YAML_BYTES) -> Any:
    """A YAML file (UTF-8, at most ``limit`` bytes) validated against ``schema``: the reader of every YAML file a
    user writes or a project may override, and of the bundled files they stand in for.

    A user's file is guarded (:func:`_parse_yaml`); a file of the package is ours and is read by libyaml (the
    pure-Python loader that guards a user's file takes half a second over the bundled catalog).

    Raises:
        InputError: as :func:`read_file` and :func:`_parse_yaml`, or not UTF-8.
    """
    if Path(path).resolve().is_relative_to(PACKAGE_DIR):
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return validate(if_empty if data is None else data, schema, path)
    data = read_file(path, limit, allow_empty=True)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: 不是 UTF-8 文本（第 {exc.start} 字节），请另存为 UTF-8 / not UTF-8 text") from None
    return _parse_yaml(text, schema, path, if_empty=if_empty)


def _violations(error: pydantic.ValidationError) -> str:
    """The violations of a validation as one line: ``entry: expected type (got …)``, ``;``-separated."""
    found = [f"{_entry(e['loc'])}: {_expected(e)}{_got(e)}" for e in error.errors()]
    more = len(found) - _MAX_ERRORS_SHOWN
    return "; ".join(found[:_MAX_ERRORS_SHOWN]) + (f"; 另有 {more} 处 / {more} more" if more > 0 else "")


def _entry(loc: tuple) -> str:
    """Where in the document: ``parts[2].patterns``, ``weird（键名 / the key）``, or the whole file."""
    shown = {"[key]": "（键名 / the key）"}
    text = "".join(f"[{part}]" if isinstance(part, int) else shown.get(part, f".{_printable(part)}") for part in loc)
    return text.lstrip(".") or "（整个文件 / the whole file）"


def _printable(key: object) -> str:
    """A key as it can stand in a one-line message: control characters escaped (``'a\\nb'`` → ``a\\nb``)."""
    text = str(key)
    return text if text.isprintable() else repr(text)[1:-1]


# pydantic error type → what the entry should be, in Chinese and English
_EXPECTED: dict[str, Callable[[dict], str]] = {
    "int_type": lambda _: "应为整数 / expected an integer",
    "int_parsing": lambda _: "应为整数 / expected an integer",
    "int_from_float": lambda _: "应为整数 / expected an integer",
    "float_type": lambda _: "应为数 / expected a number",
    "string_type": lambda _: "应为文字 / expected text",
    "bool_type": lambda _: "应为 true 或 false / expected true or false",
    "dict_type": lambda _: "应为映射（键: 值）/ expected a mapping (key: value)",
    "model_type": lambda _: "应为映射（键: 值）/ expected a mapping (key: value)",
    "model_attributes_type": lambda _: "应为映射（键: 值）/ expected a mapping (key: value)",
    "list_type": lambda _: "应为列表 / expected a list",
    "missing": lambda _: "缺少此项 / missing",
    "extra_forbidden": lambda _: "未知的项 / unknown entry",
    "greater_than_equal": lambda e: f"应不小于 {e['ctx']['ge']} / expected at least {e['ctx']['ge']}",
    "less_than_equal": lambda e: f"应不大于 {e['ctx']['le']} / expected at most {e['ctx']['le']}",
    "greater_than": lambda e: f"应大于 {e['ctx']['gt']} / expected more than {e['ctx']['gt']}",
    "finite_number": lambda _: "应为有限的数 / expected a finite number",
    "string_too_short": lambda _: "不能为空 / expected non-empty text",
    "too_short": lambda _: "不能为空 / expected a non-empty list",
    "string_too_long": lambda e: f"最长 {e['ctx']['max_length']} 字 / at most {e['ctx']['max_length']} characters",
    "literal_error": lambda e: f"应为 {e['ctx']['expected']} 之一 / expected one of {e['ctx']['expected']}",
    "value_error": lambda e: str(e["ctx"]["error"]),
}


def _expected(error: dict) -> str:
    """What an entry should be, from one pydantic error."""
    found = _EXPECTED.get(error["type"])
    return found(error) if found else error["msg"]


def _got(error: dict) -> str:
    """`` (实为 / got '…')``: the value found, short; nothing for a missing entry or a whole mapping."""
    if error["type"] == "missing" or isinstance(error.get("input"), dict):
        return ""
    shown = repr(error.get("input"))
    return f" (实为 / got {shown[:40] + '…' if len(shown) > 40 else shown})"


def _yaml_problem(exc: Exception) -> str:
    """What is wrong with a YAML document, and where, on one line (PyYAML's messages span several)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = (
        f"第 {mark.line + 1} 行第 {mark.column + 1} 列 / line {mark.line + 1}, column {mark.column + 1}: "
        if mark
        else ""
    )
    return where + " ".join(problem.split())
