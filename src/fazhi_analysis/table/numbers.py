"""Parse the figures of Chinese reports and spreadsheets into value, unit and approx.

One vectorized function, :func:`parse_values`, serves text extraction and spreadsheet cleaning.
Strings with Arabic digits (the bulk) are split by one RE2 pass in Arrow into a prefix, the
number and a tail (``万余人次``); prefixes and tails repeat, so each distinct one is parsed once in
Python and broadcast back. Strings without Arabic digits (Chinese numerals, ``百分之…``) are
parsed once per distinct string.

Rules:
    * 万, 亿 (and 千, 百万, 千万) are folded into the value: ``1547.16万元`` → 15471600 元.
    * Percentages stay in percent points: ``98%`` → 98 %; ``百分之九十八`` → 98 %.
    * approx is true for 余/多/约/近/超/逾/以上/不少于… and for ranges (``3至5次`` → 3, the lower bound).
    * Parenthesised and slashed units are joined: ``场(次)`` → 场次, ``人/次`` → 人次.
    * Missing markers (``—``, ``-``, ``无``, ``/``, empty) give NA with reason ``missing``.
    * A string that is not a figure gives NA and a reason; it never raises.
    * A number too large for a float (``1`` followed by 400 digits) gives NA and the reason
      :data:`TOO_LARGE`: no value is ever ``inf`` or ``NaN``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "APPROX_MARKS",
    "APPROX_PREFIXES",
    "APPROX_SUFFIXES",
    "APPROX_TOLERANCE",
    "CN_NUMBER",
    "CN_NUMERAL",
    "MISSING",
    "MULTIPLIERS",
    "PANDAS_TYPES",
    "RANGE_SEPARATORS",
    "TOO_LARGE",
    "abbreviated",
    "alternation",
    "chinese_to_number",
    "parse_value",
    "parse_values",
    "resolution",
]

APPROX_TOLERANCE = 0.10  # how far (of the larger) an approximate figure (余/多/约 …) may lie from another and agree
_MISSING_MARKERS = [
    "",
    "—",
    "——",
    "–",
    "-",
    "--",
    "/",
    "\\",
    "无",
    "空",
    "暂无",
    "N/A",
    "NA",
    "n/a",
    "null",
    "None",
    "nan",
    "NaN",
]
APPROX_PREFIXES = ("约", "近", "超", "逾", "大约", "将近", "接近", "超过", "不少于", "不低于", "不足", "至少", "多达")
_PLAIN_PREFIXES = ("达", "达到", "共", "共计", "计", "累计", "合计", "为")
APPROX_SUFFIXES = ("以上", "余", "多", "左右", "上下", "以内", "以下", "有余")
APPROX_MARKS = ("余", "多")  # inside a figure, after the number or its 万/亿: 130余份, 2.8万余人次
MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "千万": 1e7, "万亿": 1e12}
RANGE_SEPARATORS = "至到~-—"
_DASHES = "\u2010\u2011\u2012\u2013"  # ‐ ‑ ‒ –: dashes a range may be written with in a cell
MISSING = "missing"
TOO_LARGE = "too large / 数值过大，无法表示"

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
CN_NUMBER = rf"[{CN_NUMERAL}]+(?:点[零〇一二三四五六七八九]+)?"  # a regex: 一千四百二十一, 三点五


def chinese_to_number(text: str) -> float:
    """Value of a Chinese numeral: ``一千四百二十一`` → 1421, ``十七`` → 17, ``三点五`` → 3.5.

    Raises:
        ValueError: if ``text`` is not a well-formed Chinese numeral.
    """
    integer, _, fraction = text.partition("点")
    value = float(_chinese_integer(integer))
    if fraction:
        value += float("0." + "".join(str(_CN_DIGITS[ch]) for ch in fraction))
    return value


def _chinese_integer(text: str) -> int:
    """Value of a Chinese integer numeral, digit by digit (二〇二四) or with units (一千四百二十一)."""
    if not text or any(ch not in CN_NUMERAL for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:
        # Digit by digit, as in 二〇二四.
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                raise ValueError(f"not a Chinese numeral: {text!r}")
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * _CN_SMALL_UNITS[ch]
            digit = None
        else:
            big = _CN_BIG_UNITS[ch]
            section += digit or 0
            total = (total + section) * big if big > total + section or total == 0 else total + section * big
            section, digit = 0, None
    return total + section + (digit or 0)


def alternation(words: Iterable[str]) -> str:
    """A regex group matching any of ``words`` (escaped), longest first: ``(?:将近|约|近)``."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


_MARK = alternation(APPROX_MARKS)
_PREFIX = rf"(?P<pre>{alternation(APPROX_PREFIXES + _PLAIN_PREFIXES)})?"
# What follows a number: a range, 余/多, a multiplier, the unit and a trailing approx word. The
# unit is lazy so that a trailing 以上 or 左右 is not swallowed by it.
_TAIL = (
    rf"(?:[{re.escape(RANGE_SEPARATORS + _DASHES)}](?P<num2>[0-9]+(?:\.[0-9]+)?|{CN_NUMBER}))?(?P<apx1>{_MARK})?"
    rf"(?P<mult>{alternation(MULTIPLIERS)})?(?P<apx2>{_MARK})?(?P<unit>[^0-9]*?)"
    rf"(?P<post>{alternation(APPROX_SUFFIXES)})?$"
)
# The Arrow pass: prefix, Arabic number, tail. Few groups keep RE2 fast.
_SPLIT_PATTERN = r"^(?P<head>[^0-9]*)(?P<num>[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)(?P<tail>.*)$"
_SPLIT_RE = re.compile(_SPLIT_PATTERN)
_HEAD_RE = re.compile(rf"^{_PREFIX}(?P<sign>[+-])?$")
_TAIL_RE = re.compile(_TAIL)
_CHINESE_RE = re.compile(rf"^{_PREFIX}(?P<pct>百分之)?(?P<num>{CN_NUMBER}){_TAIL}")
# Characters that NFKC changes in figures: full-width forms, ideographic space, enclosed numbers.
_COMPAT_CHARS = r"[\x{3000}\x{2150}-\x{218F}\x{2460}-\x{24FF}\x{3300}-\x{33FF}\x{FF00}-\x{FFEF}]"


def _clean_unit(unit: str) -> str:
    """Canonical spelling of a written unit: ``场(次)`` → ``场次``, ``个百分点`` → ``百分点``."""
    unit = re.sub(r"[()（）/\s]", "", unit)
    return unit.removeprefix("个") if unit.endswith("百分点") else unit


def _read_tail(match: re.Match[str]) -> tuple[float, str, bool]:
    """Multiplier, clean unit and approx flag from the tail groups of a match."""
    factor = MULTIPLIERS.get(match["mult"] or "", 1.0)
    unit = match["unit"]
    if match["mult"] == "千" and unit[:1] in "米克瓦":
        factor, unit = 1.0, "千" + unit  # 千米 and 千克 are units, not thousands
    approx = bool(match["num2"] or match["apx1"] or match["apx2"] or match["post"])
    return factor, _clean_unit(unit), approx


@lru_cache(maxsize=4096)
def _parse_head(head: str) -> tuple[float, bool, bool]:
    """Sign, approx flag and validity of the text before an Arabic number (``约``, ``不少于``, ``-``)."""
    match = _HEAD_RE.match(head)
    if not match:
        return 1.0, False, False
    return (-1.0 if match["sign"] == "-" else 1.0), match["pre"] in APPROX_PREFIXES, True


@lru_cache(maxsize=65536)
def _parse_tail(tail: str) -> tuple[float, str, bool, bool]:
    """Multiplier, unit, approx flag and validity of the text after an Arabic number (``万余人次``)."""
    match = _TAIL_RE.match(tail)
    if not match:
        return 1.0, "", False, False
    return (*_read_tail(match), True)


@lru_cache(maxsize=65536)
def _parse_other(text: str) -> tuple[float | None, str | None, bool | None, str | None]:
    """Parse one string without a well-formed Arabic figure: Chinese numerals, or say why it is bad."""
    match = _CHINESE_RE.match(text)
    if not match:
        if not re.search(rf"[0-9{CN_NUMERAL}]", text):
            return None, None, None, "no number / 无数字"
        return None, None, None, f"not a figure / 无法解析: {text}"
    try:
        value = chinese_to_number(match["num"])
    except (ValueError, KeyError):
        return None, None, None, f"bad Chinese numeral / 中文数字无法解析: {match['num']}"
    except OverflowError:
        return None, None, None, TOO_LARGE
    factor, unit, approx = _read_tail(match)
    return value * factor, "%" if match["pct"] else unit, approx or match["pre"] in APPROX_PREFIXES, None


def _lookup(strings: pa.Array, parse: Callable[[str], tuple]) -> tuple[list, pa.Array]:
    """Parse each distinct string of ``strings`` once: (parsed rows of the distinct values, codes)."""
    encoded = pc.dictionary_encode(pc.fill_null(strings, ""))
    return [parse(s) for s in encoded.dictionary.to_pylist()], encoded.indices


def _normalize(arr: pa.Array) -> pa.Array:
    """NFKC-fold only the strings that hold full-width or compatibility characters (the slow part)."""
    needs = pc.fill_null(pc.match_substring_regex(arr, _COMPAT_CHARS), False)
    if pc.any(needs).as_py():
        arr = pc.replace_with_mask(arr, needs, pc.utf8_normalize(arr.filter(needs), "NFKC"))
    return pc.replace_substring(pc.utf8_trim_whitespace(arr), " ", "")


def parse_values(values: pd.Series) -> pd.DataFrame:
    """Parse a Series of figure strings into value (base unit), unit, approx and reason.

    Args:
        values: strings such as ``1547.16万元``, ``２.８万余人次``, ``百分之九十八``, ``—``.
            Numbers (int/float) are accepted too and pass through with an empty unit.

    Returns:
        A DataFrame on the same index with columns value (Float64), unit (string),
        approx (boolean) and reason (string: NA when parsed, ``missing`` for a missing
        marker, :data:`TOO_LARGE` beyond a float, else why the string is not a figure).

    Example:
        >>> parse_values(pd.Series(["1547.16万元", "130余份", "百分之九十八"]))["value"].tolist()
        [15471600.0, 130.0, 98.0]
    """
    if values.empty:
        return pd.DataFrame(
            {
                "value": pd.array([], dtype="Float64"),
                "unit": pd.array([], dtype="string"),
                "approx": pd.array([], dtype="boolean"),
                "reason": pd.array([], dtype="string"),
            },
            index=values.index,
        )
    arr = pc.cast(pa.chunked_array([pa.array(values.astype("string[pyarrow]").array)]).combine_chunks(), pa.string())
    arr = _normalize(arr)
    missing = pc.or_(pc.is_null(arr), pc.is_in(arr, value_set=pa.array(_MISSING_MARKERS)))

    parts = pc.extract_regex(arr, _SPLIT_PATTERN)
    heads, head_codes = _lookup(pc.struct_field(parts, [0]), _parse_head)
    tails, tail_codes = _lookup(pc.struct_field(parts, [2]), _parse_tail)
    sign, head_approx, head_ok = (pa.array(column).take(head_codes) for column in zip(*heads))
    factor, unit, tail_approx, tail_ok = (pa.array(column).take(tail_codes) for column in zip(*tails))
    matched = pc.and_(pc.fill_null(pc.is_valid(parts), False), pc.and_(head_ok, tail_ok))
    number = pc.cast(pc.replace_substring(pc.struct_field(parts, [1]), ",", ""), pa.float64())
    approx = pc.or_(head_approx, tail_approx)
    columns = {
        "value": pc.multiply(pc.multiply(number, sign), factor),
        "unit": unit,
        "approx": approx,
        "reason": pa.nulls(len(arr), pa.string()),
    }
    unmatched = pc.invert(pc.or_(matched, missing))
    if pc.any(unmatched).as_py():
        # Chinese numerals and bad strings: parsed once per distinct string, in Python.
        others, codes = _lookup(arr.filter(unmatched), _parse_other)
        for (name, column), parsed in zip(columns.items(), zip(*others)):
            replacement = pa.array(parsed, type=column.type).take(codes)
            columns[name] = pc.replace_with_mask(column, unmatched, replacement)
    huge = pc.fill_null(pc.invert(pc.is_finite(columns["value"])), False)  # beyond a float: inf, never data
    for name in ("value", "unit", "approx"):
        columns[name] = pc.if_else(pc.or_(missing, huge), pa.scalar(None, columns[name].type), columns[name])
    columns["reason"] = pc.if_else(
        missing, pa.scalar(MISSING), pc.if_else(huge, pa.scalar(TOO_LARGE), columns["reason"])
    )
    result = pa.table(columns).to_pandas(types_mapper=PANDAS_TYPES.get)
    result.index = values.index
    return result


# Arrow types → the nullable pandas dtypes of tables built through Arrow (here and in extraction).
PANDAS_TYPES = {
    pa.float64(): pd.Float64Dtype(),
    pa.string(): pd.StringDtype(),
    pa.bool_(): pd.BooleanDtype(),
    pa.int64(): pd.Int64Dtype(),
}


def abbreviated(text: str, keep: int = 20) -> str:
    """``text`` for a message: as it is, or its first ``keep`` characters and its length when much longer.

    Example:
        >>> abbreviated("9" * 400)
        '99999999999999999999…（共 400 字）'
    """
    return text if len(text) <= keep + 4 else f"{text[:keep]}…（共 {len(text)} 字）"


def resolution(text: str) -> float | None:
    """One unit of the last digit a figure is written with, in its base unit, read as :func:`parse_values` reads it.

    Half of it is how far a figure may lie from another and still be the same figure rounded: ``1547万元``
    is written to the 万 (±5000 元), ``2,536.8万元`` to the 千 (the comma is a thousands separator, not the
    number's end). None when ``text`` is no figure.

    Example:
        >>> [resolution(t) for t in ("1547万元", "2,536.8万元", "１１件", "98.5%", "三点五万人次", "无")]
        [10000.0, 1000.0, 1.0, 0.1, 1000.0, None]
    """
    folded = _normalize(pa.array([text], pa.string()))[0].as_py()
    if (match := _SPLIT_RE.match(folded)) is not None:
        factor, _, _, tail_ok = _parse_tail(match["tail"])
        valid, decimals = tail_ok and _parse_head(match["head"])[2], match["num"].partition(".")[2]
    elif (match := _CHINESE_RE.match(folded)) is not None:
        factor, valid, decimals = _read_tail(match)[0], True, match["num"].partition("点")[2]
    else:
        return None
    return factor * 10.0 ** -len(decimals) if valid else None


def parse_value(text: str) -> tuple[float | None, str | None, bool | None, str | None]:
    """Parse a single string; see :func:`parse_values`. Returns (value, unit, approx, reason)."""
    row = parse_values(pd.Series([text], dtype="string")).iloc[0]
    return tuple(None if pd.isna(x) else x for x in row)  # type: ignore[return-value]
