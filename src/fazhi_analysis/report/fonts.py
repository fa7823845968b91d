"""The charts' Chinese font, registered with matplotlib from its files so that a stale font cache cannot matter.

matplotlib keeps a cache of the fonts it saw the first time it ran; fonts installed later are not
in it, and a chart drawn then gets boxes or a fallback font with only warnings to show for it. So
:func:`ensure_font` does not trust the cache: when :data:`FONT` is not in it, it adds the font
files itself, found through fontconfig (``fc-list``), matplotlib's own scan of the system's font
folders, or ``$FAZHI_FONT_FILES`` (files separated by ``os.pathsep``, which replaces the search).
No font, or a character the font lacks, is a :class:`FontError`, never a warning; text that comes from
the data (a region's name) is made drawable first (:func:`drawable`).

Example:
    >>> ensure_font()                      # doctest: +SKIP
    '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from fazhi_analysis.errors import ReportError

__all__ = ["FILES_ENV", "FONT", "FontError", "drawable", "ensure_font", "glyphs_required"]


# The first face of Debian's Noto CJK collection is Japanese: the Simplified Chinese face is named.
FONT = "Noto Sans CJK SC"
FILES_ENV = "FAZHI_FONT_FILES"
_HINT = (
    "请安装思源黑体 Noto Sans CJK：sudo apt-get install fonts-noto-cjk（或运行 bash scripts/install-system-deps.sh），"
    f"或用环境变量 {FILES_ENV} 指定字体文件 / install Noto Sans CJK (apt-get install fonts-noto-cjk) "
    f"or name its files in {FILES_ENV}"
)


class FontError(ReportError):
    """The charts cannot be drawn in Chinese: no CJK font, or a glyph missing from it."""


def _registered(manager: font_manager.FontManager) -> str | None:
    """The file ``manager`` uses for :data:`FONT`, or None when it does not know the font."""
    try:
        return manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=False)
    except ValueError:
        return None


def _candidates() -> list[str]:
    """Font files that may hold :data:`FONT`: ``$FAZHI_FONT_FILES``, else fontconfig's and matplotlib's lists."""
    if (env := os.environ.get(FILES_ENV)) is not None:
        return [path for path in env.split(os.pathsep) if path]
    found: list[str] = []
    if fc_list := shutil.which("fc-list"):
        listed = subprocess.run([fc_list, FONT, "file"], capture_output=True, text=True, check=False).stdout
        found += [line.strip().rstrip(":") for line in listed.splitlines() if line.strip()]
    found += [path for path in font_manager.findSystemFonts() if "cjk" in os.path.basename(path).lower()]
    return list(dict.fromkeys(found))


def ensure_font(manager: font_manager.FontManager | None = None, files: list[str] | None = None) -> str:
    """Make sure ``manager`` (default: matplotlib's) draws :data:`FONT`; returns the font's file.

    Raises:
        FontError: The font is neither known to the manager nor in any of ``files`` (default:
            :func:`_candidates`); the message says how to install it.
    """
    manager = manager or font_manager.fontManager
    if found := _registered(manager):
        return found
    for path in _candidates() if files is None else files:
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue  # not a font file matplotlib can read: the next one may be
    if found := _registered(manager):
        return found
    raise FontError(f"找不到图表所需的中文字体 {FONT} / chart font {FONT} not found. {_HINT}")


@contextmanager
def glyphs_required() -> Iterator[None]:
    """Within the block, a character missing from the chart font raises :class:`FontError`."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing from font", category=UserWarning)
        try:
            yield
        except UserWarning as exc:
            raise FontError(
                f"图表文字含有字体 {FONT} 没有的字符 / a chart character is missing from {FONT}: {exc}"
            ) from exc


_MISSING_GLYPH = "□"  # shown for a character the chart font lacks (an emoji, a script it does not cover)


@cache
def _covered(path: str) -> frozenset[int]:
    """The code points the font file at ``path`` has glyphs for."""
    return frozenset(FT2Font(path).get_charmap())


def drawable(text: str) -> str:
    """``text`` as the chart font can draw it: invisible format and control characters (zero-width spaces,
    direction marks, newlines) dropped, any other character the font lacks shown as □.

    Example:
        >>> drawable("甲\u200b区\u202e😀")                       # doctest: +SKIP
        '甲区□'
    """
    covered = _covered(ensure_font())
    kept = (c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) not in ("Cc", "Cf"))
    return "".join(c if ord(c) in covered else _MISSING_GLYPH for c in kept)
