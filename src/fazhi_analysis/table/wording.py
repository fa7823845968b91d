"""Write figures the way a Chinese report writes them: ``1547.16万元``, ``2.8万余人次``, ``130余份``, ``98%``.

The tidy table keeps values in the base unit (万/亿 folded in). :func:`format_figure` is the one
function every page, chart, download and Word draft writes a figure with. It folds 万/亿 back out,
taking the magnitude, the approximation marker and the written unit from the original text (``raw``)
when there is one, so a figure reads in the report as it read in the source.

Figures shown together (a table row of several years, a panel of regions) read in one form: the
caller passes the magnitude of the row's reference figure (:func:`magnitude_of` of the report year's
figure, or :func:`common_magnitude` of a panel), and every figure of the row is written with it.
Each keeps its own marker (余/多/约…). A rate has one decimal unless its source wrote more.

Example:
    >>> format_figure(15471600, "元", False, "1547.16万元")
    '1547.16万元'
    >>> format_figure(28000, "人次", True, "2.8万余人次")
    '2.8万余人次'
    >>> format_figure(17000, "人次", True, "17000余人次", magnitude="万")
    '1.7万余人次'
    >>> format_figure(100 / 3, "%")
    '33.3%'
    >>> format_change(15, 11, "件")
    '同比增加4件、增长36.4%'
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

import pandas as pd

from fazhi_analysis.table.numbers import APPROX_MARKS, APPROX_PREFIXES, CN_NUMBER, MULTIPLIERS, alternation

__all__ = [
    "NA_TEXT",
    "SMALL_COUNT",
    "common_magnitude",
    "format_change",
    "format_figure",
    "format_number",
    "magnitude_of",
    "plain_figure",
    "signed_percent",
]

# The markers written back as the source wrote them. 大约 is written as its 约; 不足 and 多达 are not
# written back (the figure then reads with 余, as an approximate figure without a marker does).
_WRITTEN_PREFIXES = tuple(p for p in APPROX_PREFIXES if p not in ("大约", "不足", "多达"))
_WRITTEN_SUFFIXES = ("以上", "左右")  # of numbers.APPROX_SUFFIXES, those written after the unit
_MAGNITUDES = {m: MULTIPLIERS[m] for m in ("万", "亿", "万亿")}
_DIGITS = r"\d[\d,，.]*"
_MAGNITUDE_RE = re.compile(_DIGITS + rf"\s*({alternation(_MAGNITUDES)})")
_PREFIX_RE = re.compile(rf"({alternation(_WRITTEN_PREFIXES)})\s*\d")
_INNER_RE = re.compile(_DIGITS + rf"\s*{alternation(_MAGNITUDES)}?\s*({alternation(APPROX_MARKS)})")
_OUTER_RE = re.compile(f"({alternation(_WRITTEN_SUFFIXES)})")
_PERCENT_RE = re.compile(r"\d+(?:\.\d+)?(?=\s*[%％])")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# A figure written in Chinese numerals (五类, 约三十人, 两万余人次, 百分之九十八): kept as the source wrote it.
_CHINESE_RE = re.compile(
    rf"(?:{alternation(_WRITTEN_PREFIXES)}\s*)?(?:百分之)?{CN_NUMBER}(?:{alternation(APPROX_MARKS)})?"
)
NA_TEXT = "—"
SMALL_COUNT = 10  # a count under this in either year changes by its size only: 3→1 is not "−66.7%", 5→9 not "+80%"


def _is_na(value: object) -> bool:
    """Whether a cell is missing: None, NA or NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def format_number(value: float, decimals: int | None = 2) -> str:
    """A number without thousands separators and without trailing zeros: ``1547.16``, ``98``, ``2.8``.

    Rounded to ``decimals``; with None, every digit the value holds, as Python writes it (``12.0`` →
    ``12``, ``0.1 + 0.2`` → ``0.30000000000000004``; a value that is not a float as ``str`` writes it):
    a spreadsheet cell's own figure, quoted back.
    """
    if decimals is None:
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def plain_figure(value: float, unit: object = "", approx: object = False) -> str:
    """A figure for messages, every digit kept and no 万/亿: ``15471600元``, ``130余份``, ``98.5%``.

    An approximate figure gets 余 before its unit, except a rate (``98%``).
    """
    unit = "" if _is_na(unit) else str(unit)
    mark = "余" if not _is_na(approx) and bool(approx) and unit != "%" else ""
    return f"{format_number(float(value), None)}{mark}{unit}"


def magnitude_of(value: object, unit: object, raw: object = None) -> str:
    """The multiplier a figure is written with: ``万``, ``亿``, ``万亿`` or ``""``.

    The source's own (``2.8万余人次`` → 万, ``17000余人次`` → none, ``两万余人次`` → 万); without a source
    text, 亿/万 for large amounts and 万 for round counts of 100,000 or more. Rates have none.

    Example:
        >>> magnitude_of(15471600, "元"), magnitude_of(21000, "人次", "2.1万余人次"), magnitude_of(98, "%")
        ('万', '万', '')
    """
    unit = "" if _is_na(unit) else str(unit)
    raw = None if _is_na(raw) or not str(raw).strip() else str(raw)
    if raw:
        if chinese := _chinese_figure(unit, raw):
            return next((m for m in sorted(_MAGNITUDES, key=len, reverse=True) if m in chinese), "")
        found = _MAGNITUDE_RE.search(raw)
        return found.group(1) if found else ""
    if _is_na(value) or unit == "%":
        return ""
    size = abs(float(value))
    if unit == "元":
        return "亿" if size >= 1e8 else "万" if size >= 1e4 else ""
    return "万" if size >= 1e5 and size % 1000 == 0 else ""


def common_magnitude(values: Iterable[object], units: Iterable[object], raws: Iterable[object]) -> str:
    """The magnitude most of the figures are written with (the first of them on a tie): a panel's one form.

    Example:
        >>> common_magnitude([17000, 21000, 30000], ["人次"] * 3, ["17000余人次", "2.1万余人次", "3万余人次"])
        '万'
    """
    found = Counter(magnitude_of(v, u, r) for v, u, r in zip(values, units, raws))
    return found.most_common(1)[0][0] if found else ""


def _rate_number(value: float, raw: str | None) -> str:
    """A rate's number: as its source wrote it (``98``, ``99.0``, ``97.75``), else with one decimal (``33.3``)."""
    found = _PERCENT_RE.search(raw or "") or _NUMBER_RE.search(raw or "")
    if found and abs(float(found.group(0)) - value) < 1e-9:
        return f"{value:.{len(found.group(0).partition('.')[2])}f}"
    return format_number(value, 1)


def _written_unit(unit: str, raw: str | None) -> str:
    """The unit as the source wrote it, keeping a spelling such as ``场(次)`` for 场次."""
    if raw and len(unit) == 2:
        found = re.search(re.escape(unit[0]) + r"\s*([(（])" + re.escape(unit[1]) + r"\s*([)）])", raw)
        if found:
            return f"{unit[0]}{found.group(1)}{unit[1]}{found.group(2)}"
    return unit


def _chinese_figure(unit: str, raw: str) -> str | None:
    """The figure as written in ``raw`` when the source wrote it in Chinese numerals, else None.

    The numeral with its markers and the unit right after it: ``五类`` → ``五类``,
    ``共收到约三十件`` → ``约三十件``, ``百分之九十八`` → ``百分之九十八``.
    """
    if re.search(r"\d", raw):
        return None
    written = _written_unit(unit, raw)
    for found in _CHINESE_RE.finditer(raw):
        text, rest = found.group(0), raw[found.end() :].lstrip()
        spelling = "" if "百分之" in text else next((u for u in (written, unit) if u and rest.startswith(u)), None)
        if spelling is not None:
            after = _OUTER_RE.match(rest[len(spelling) :].lstrip())
            return text + spelling + (after.group(1) if after else "")
    return None


def format_figure(
    value: object, unit: object, approx: object = False, raw: object = None, magnitude: str | None = None
) -> str:
    """One figure as a Chinese report writes it: the one formatter of every page, chart and download.

    Args:
        value: The value in the base unit (万/亿 folded in; percentages in percent points).
        unit: The unit (``件``, ``元``, ``%`` …).
        approx: Whether the source gives the figure as approximate (余/多/约…).
        raw: The source's own text of the figure, if any; it decides the marker and the spelling, and
            万/亿 unless ``magnitude`` is given.
        magnitude: The multiplier of the row the figure stands in (:func:`magnitude_of` of its reference
            figure), so that one row reads in one form; a figure less than one of it takes the next
            smaller one (``300人次`` in a row of 万). None: the figure's own.

    Returns:
        ``1547.16万元``, ``2.8万余人次``, ``130余份``, ``98%``, ``约300人``; ``五类`` when the source
        wrote Chinese numerals (and the row's form is the source's); ``—`` for a missing value. A rate
        has one decimal (``33.3%``), or the decimals its source wrote when more (``97.75%``).
    """
    if _is_na(value):
        return NA_TEXT
    unit = "" if _is_na(unit) else str(unit)
    raw = None if _is_na(raw) or not str(raw).strip() else str(raw)
    approx = False if _is_na(approx) else bool(approx)
    own = magnitude_of(value, unit, raw)
    magnitude = own if magnitude is None or unit == "%" else _at_most(magnitude, float(value))
    if raw and magnitude == own and (chinese := _chinese_figure(unit, raw)):
        return chinese
    if unit == "%":
        number = _rate_number(float(value), raw)
    else:
        number = format_number(float(value) / _MAGNITUDES.get(magnitude, 1), 4 if magnitude else 2)
    return _marked(number + magnitude, unit, approx, raw)


def _at_most(magnitude: str, value: float) -> str:
    """``magnitude``, or the largest smaller one that ``value`` holds once: 300 in a row of 万 is ``300``."""
    limit = min(_MAGNITUDES.get(magnitude, 1), abs(value))
    return max((m for m, size in _MAGNITUDES.items() if size <= limit), key=_MAGNITUDES.get, default="")


def _marked(number: str, unit: str, approx: bool, raw: str | None) -> str:
    """``number`` (with its 万/亿) with the unit and the source's approximation marker where it wrote it."""
    prefix = inner = outer = ""
    if approx:
        if raw and (found := _PREFIX_RE.search(raw)):
            prefix = found.group(1)
        elif raw and (found := _INNER_RE.search(raw)):
            inner = found.group(1)
        elif raw and (found := _OUTER_RE.search(raw)):
            outer = found.group(1)
        elif unit == "%":
            prefix = "约"
        else:
            inner = "余"
    return f"{prefix}{number}{inner}{_written_unit(unit, raw)}{outer}"


def signed_percent(value: float) -> str:
    """A change in percent with its sign and one decimal: ``+23.3%``, ``-8.1%``."""
    return f"{'+' if value > 0 else '-' if value < 0 else ''}{format_number(abs(float(value)), 1)}%"


def format_change(
    current: object, prior: object, unit: object, approx: bool = False, magnitude: str | None = None
) -> str:
    """The year-over-year change in report wording.

    Rates change in percentage points (``同比提高2个百分点``); other figures by amount and
    percentage (``同比增加4件、增长36.4%``), by amount only when either is under :data:`SMALL_COUNT`
    (``同比减少2件``: a percentage of 3 says little; the change rule, as in
    :func:`~fazhi_analysis.analysis.compare`). Approximate figures give an approximate change. The
    amount is written in the row's ``magnitude`` (:func:`format_figure`): ``增加1.2万人次``, but
    ``减少2000人次`` (less than one 万).

    Returns:
        The phrase, or an empty string when either value is missing.
    """
    if _is_na(current) or _is_na(prior):
        return ""
    current, prior = float(current), float(prior)
    unit = "" if _is_na(unit) else str(unit)
    about = "约" if approx else ""
    diff = current - prior
    if diff == 0:
        return "与上年持平"
    if unit == "%":
        verb = "提高" if diff > 0 else "下降"
        return f"同比{verb}{about}{format_number(abs(diff), 1)}个百分点"
    verb, trend = ("增加", "增长") if diff > 0 else ("减少", "下降")
    amount = format_figure(abs(diff), unit, magnitude=magnitude)
    if prior == 0 or min(abs(current), abs(prior)) < SMALL_COUNT:
        return f"同比{verb}{about}{amount}"
    pct = format_number(abs(diff) / abs(prior) * 100, 1)
    return f"同比{verb}{about}{amount}、{trend}{about}{pct}%"
