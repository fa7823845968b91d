"""Parse the figures of Chinese reports and spreadsheets into value, unit and approx.

One vectorized function, :func:`parse_values`, serves text extraction and spreadsheet cleaning.
Strings with Arabic digits (the bulk) are parsed by one RE2 pass in Arrow; the rest (Chinese
numerals, ``百分之…``) are parsed once per distinct string in Python.

Rules:
    * 万, 亿 (and 千, 百万, 千万) are folded into the value: ``1547.16万元`` → 15471600 元.
    * Percentages stay in percent points: ``98%`` → 98 %; ``百分之九十八`` → 98 %.
    * approx is true for 余/多/约/近/超/逾/以上/不少于… and for ranges (``3至5次`` → 3, the lower bound).
    * Parenthesised and slashed units are joined: ``场(次)`` → 场次, ``人/次`` → 人次.
    * Missing markers (``—``, ``-``, ``无``, ``/``, empty) give NA with reason ``missing``.
    * A string that is not a figure gives NA and a reason; it never raises.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MISSING_MARKERS = ["", "—", "——", "–", "-", "--", "/", "\\", "无", "空", "暂无", "N/A", "NA", "n/a", "null", "None", "nan", "NaN"]
APPROX_PREFIXES = ("约", "近", "超", "逾", "大约", "将近", "接近", "超过", "不少于", "不低于", "不足", "至少", "多达")
PLAIN_PREFIXES = ("达", "达到", "共", "共计", "计", "累计", "合计", "为")
APPROX_SUFFIXES = ("以上", "余", "多", "左右", "上下", "以内", "以下", "有余", "多万")
MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "千万": 1e7, "万亿": 1e12}
RANGE_SEPARATORS = "至到~-—"
MISSING = "missing"

_alt = "|".join
_PRE = _alt(sorted(APPROX_PREFIXES + PLAIN_PREFIXES, key=len, reverse=True))
_POST = _alt(sorted(APPROX_SUFFIXES, key=len, reverse=True))
_MULT = _alt(sorted(MULTIPLIERS, key=len, reverse=True))
_UNIT = r"[^0-9.,+\-]*?"
# The unit is lazy so that a trailing approx suffix (以上, 左右) is not swallowed by it.
ARABIC_PATTERN = (
    rf"^(?P<pre>{_PRE})?(?P<sign>[+-])?(?P<num>[0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?|\.[0-9]+)"
    rf"(?:[{RANGE_SEPARATORS}](?P<num2>[0-9]+(?:\.[0-9]+)?))?"
    rf"(?P<apx1>余|多)?(?P<mult>{_MULT})?(?P<apx2>余|多)?(?P<unit>{_UNIT})(?P<post>{_POST})?$"
)

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_CN_NUM = rf"[{CN_NUMERAL}]+(?:点[零〇一二三四五六七八九]+)?"
CHINESE_RE = re.compile(
    rf"^(?P<pre>{_PRE})?(?P<pct>百分之)?(?P<num>{_CN_NUM})"
    rf"(?:[至到](?P<num2>{_CN_NUM}))?"
    rf"(?P<apx1>余|多)?(?P<unit>[^0-9]*?)(?P<post>{_POST})?$"
)


def chinese_to_number(text: str) -> float:
    """Value of a Chinese numeral: ``一千四百二十一`` → 1421, ``十七`` → 17, ``三点五`` → 3.5.

    Raises:
        ValueError: if ``text`` is not a well-formed Chinese numeral.
    """
    integer, _, fraction = text.partition("点")
    value = float(_chinese_integer(integer))
    if fraction:
        value += float("0." + "".join(str(CN_DIGITS[ch]) for ch in fraction))
    return value


def _chinese_integer(text: str) -> int:
    if not text or any(ch not in CN_NUMERAL for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in CN_DIGITS for ch in text) and len(text) > 1:
        # Digit by digit, as in 二〇二四.
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None and digit != 0:
                raise ValueError(f"not a Chinese numeral: {text!r}")
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        else:
            big = CN_BIG_UNITS[ch]
            section += digit or 0
            total = (total + section) * big if big > total + section or total == 0 else total + section * big
            section, digit = 0, None
    return total + section + (digit or 0)


def normalize_text(text: str) -> str:
    """NFKC-fold full-width digits, letters and punctuation (``１４２１件`` → ``1421件``)."""
    return unicodedata.normalize("NFKC", text)


def clean_unit(unit: str) -> str:
    """Canonical spelling of a written unit: ``场(次)`` → ``场次``, ``个百分点`` → ``百分点``."""
    unit = re.sub(r"[()（）/\s]", "", unit)
    return unit.removeprefix("个") if unit.endswith("百分点") else unit


@lru_cache(maxsize=65536)
def _parse_fallback(text: str) -> tuple[float | None, str | None, bool | None, str | None]:
    """Parse one normalized string that the Arrow pass could not: Chinese numerals and bad input."""
    match = CHINESE_RE.match(text)
    if not match:
        if not re.search(rf"[0-9{CN_NUMERAL}]", text):
            return None, None, None, "no number / 无数字"
        return None, None, None, f"not a figure / 无法解析: {text}"
    try:
        value = chinese_to_number(match["num"])
    except ValueError:
        return None, None, None, f"bad Chinese numeral / 中文数字无法解析: {match['num']}"
    unit = clean_unit(match["unit"])
    if match["pct"]:
        unit = "%"
    elif unit[:1] in MULTIPLIERS and match["num"][-1] not in "万亿":
        value *= MULTIPLIERS[unit[0]]
        unit = unit[1:].removeprefix("余").removeprefix("多")
    approx = bool(
        (match["pre"] in APPROX_PREFIXES) or match["apx1"] or match["post"] or match["num2"]
    )
    return value, unit, approx, None


def parse_values(values: pd.Series) -> pd.DataFrame:
    """Parse a Series of figure strings into value (base unit), unit, approx and reason.

    Args:
        values: strings such as ``1547.16万元``, ``２.８万余人次``, ``百分之九十八``, ``—``.
            Numbers (int/float) are accepted too and pass through with an empty unit.

    Returns:
        A DataFrame on the same index with columns value (Float64), unit (string),
        approx (boolean) and reason (string: NA when parsed, ``missing`` for a missing
        marker, else why the string is not a figure).

    Example:
        >>> parse_values(pd.Series(["1547.16万元", "130余份", "百分之九十八"]))["value"].tolist()
        [15471600.0, 130.0, 98.0]
    """
    arr = pa.chunked_array([pa.array(values.astype("string[pyarrow]").array)]).combine_chunks()
    arr = pc.cast(arr, pa.string())
    arr = pc.utf8_trim_whitespace(pc.utf8_normalize(arr, "NFKC"))
    arr = pc.replace_substring_regex(arr, r"\s+", "")
    missing = pc.or_kleene(pc.is_null(arr), pc.is_in(arr, value_set=pa.array(MISSING_MARKERS)))
    missing = pc.fill_null(missing, True)

    parts = pc.extract_regex(arr, ARABIC_PATTERN)
    matched = pc.fill_null(pc.is_valid(parts), False)
    field = {name: pc.struct_field(parts, [i]) for i, name in enumerate(parts.type.names)}
    number = pc.cast(pc.replace_substring(field["num"], ",", ""), pa.float64())
    number = pc.if_else(pc.equal(field["sign"], "-"), pc.negate(number), number)
    factor = pc.take(
        pa.array([1.0, *MULTIPLIERS.values()]),
        pc.add(pc.fill_null(pc.index_in(field["mult"], value_set=pa.array(list(MULTIPLIERS))), -1), 1),
    )
    unit = field["unit"]
    # 千米 and 千克 are units, not thousands.
    kilo = pc.and_(pc.equal(field["mult"], "千"), pc.match_substring_regex(unit, "^[米克瓦]"))
    factor = pc.if_else(kilo, 1.0, factor)
    unit = pc.if_else(kilo, pc.binary_join_element_wise("千", unit, ""), unit)
    unit = pc.replace_substring_regex(unit, r"[()（）/]", "")
    unit = pc.replace_substring_regex(unit, r"^个百分点$", "百分点")
    approx = pc.or_(
        pc.or_(pc.is_in(field["pre"], value_set=pa.array(APPROX_PREFIXES)), pc.not_equal(field["num2"], "")),
        pc.not_equal(pc.binary_join_element_wise(field["apx1"], field["apx2"], field["post"], ""), ""),
    )

    index = values.index
    result = pd.DataFrame(
        {
            "value": pd.array(pc.multiply(number, factor), dtype="Float64"),
            "unit": pd.array(unit, dtype="string"),
            "approx": pd.array(approx, dtype="boolean"),
            "reason": pd.array([None] * len(values), dtype="string"),
        },
        index=index,
    )
    matched_np = matched.to_numpy(zero_copy_only=False)
    missing_np = missing.to_numpy(zero_copy_only=False)
    result.loc[missing_np, ["value", "unit", "approx"]] = [pd.NA, pd.NA, pd.NA]
    result.loc[missing_np, "reason"] = MISSING

    todo = ~matched_np & ~missing_np
    if todo.any():
        strings = pd.Series(arr.filter(pa.array(todo)).to_pylist())
        codes, uniques = pd.factorize(strings)
        parsed = zip(*(_parse_fallback(s) for s in uniques))
        for column, parsed_column in zip(result.columns, parsed):
            result.loc[todo, column] = pd.array(parsed_column, dtype=result[column].dtype).take(codes)
    return result


def parse_value(text: str) -> tuple[float | None, str | None, bool | None, str | None]:
    """Parse a single string; see :func:`parse_values`. Returns (value, unit, approx, reason)."""
    row = parse_values(pd.Series([text], dtype="string")).iloc[0]
    return tuple(None if pd.isna(x) else x for x in row)  # type: ignore[return-value]
