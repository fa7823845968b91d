"""Match indicator names as departments write them to catalog ids: exact, then fuzzy (rapidfuzz).

A label is first normalized (full-width folded, spaces, numbering such as ``一、`` ``(二)``
``1.`` ``其中：`` and a trailing unit such as ``（万元）`` removed). Then, in order:

1. an exact catalog id (``disputes.litigation_cases``);
2. an exact catalog name or alias, also after dropping filler such as ``数``/``数量``/``情况`` at the
   end or ``全年``/``累计`` at the front;
3. the best fuzzy match (``rapidfuzz.fuzz.ratio``) among names and aliases scoring at least
   ``threshold`` (0–100).

A candidate is dropped when the label holds one of its catalog ``exclude`` words, or when it was
reached through an alias and none of its ``context`` words appears in the label or its context
(sheet name, title, group row). Two different indicators scoring within
:data:`_AMBIGUITY_MARGIN` of each other are ambiguous: the label stays unmatched, since a wrong
id is worse than none.

The unit the figure is written in, when known, decides between a count and its rate: when the
match does not accept it, the candidates of the unit's kind (rates for ``%``, the others for other
units) are preferred, among those scoring within :data:`_AMBIGUITY_MARGIN` of the best and the
counts a rate is of (``行政诉讼败诉`` is nearest to ``行政诉讼败诉率``, but ``件`` makes it
``行政诉讼败诉案件``), if one of them accepts the unit. Otherwise the match stands (and the figure is
rejected for its unit); the unit does not tell one count from another. With no unit known, the
label tells: a label without a word of rates (:data:`_RATE_WORDS`: 率, 比例 …) is a count
(``行政复议纠错`` is the count of corrections, not 行政复议纠错率), when a count is among those candidates.

Example:
    >>> [match_one(label)[0] for label in ["收到行政复义申请", "罚没金额（万元）", "天气"]]
    ['disputes.reconsideration_applications', 'enforcement.penalty_amount', None]
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pandas as pd

from fazhi_analysis.table import catalog

__all__ = ["DEFAULT_THRESHOLD", "match_one", "normalize_label", "trailing_unit"]


DEFAULT_THRESHOLD = 80.0
_AMBIGUITY_MARGIN = 2.0
_NUMBERING = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十百]+[)）、.．]|[（(][0-9]+[)）]|[0-9]+(?:[.．][0-9]+)*[、.．)）]|[①-⑳]|其中[:：]?|[-—·•*]+)+"
)
_TRAILING_UNIT = re.compile(r"[（(][^（）()]{0,12}[)）]$")
_SUFFIXES = (
    "总数量",
    "总数",
    "数量",
    "件数",
    "次数",
    "人数",
    "个数",
    "条数",
    "场次数",
    "人次数",
    "情况",
    "总量",
    "总计",
    "合计",
    "数",
)
_PREFIXES = ("全年", "本年", "本年度", "年度", "当年", "累计", "共计", "其中")
_GLOSS = re.compile(r"[（(][^（）()]*[)）]$")  # a name's trailing explanation: 纠错(撤销/变更/…)
_COUNT_NOUNS = ("案件", "件数", "数量", "数")  # what a count's name may add to its rate's: 败诉案件 / 败诉率
_RATE_WORDS = ("率", "比例", "比重", "占比", "百分", "满意度", "覆盖")  # a label naming a rate holds one


def normalize_label(text: object) -> str:
    """A label as compared with the catalog: ``'  一、收到行政复议申请（件）：'`` → ``'收到行政复议申请'``."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"\s+", "", text).strip(":：;；,，。")
    text = _NUMBERING.sub("", text)
    while _TRAILING_UNIT.search(text):
        text = _TRAILING_UNIT.sub("", text)
    return text.strip(":：")


def trailing_unit(text: object) -> str | None:
    """The unit in a label's trailing parentheses: ``罚没金额（万元）`` → ``万元``; None when absent."""
    if not isinstance(text, str):
        return None
    match = re.search(r"[（(]\s*(?:单位[:：])?\s*([^（）()]{1,8}?)\s*[)）]\s*$", unicodedata.normalize("NFKC", text))
    return match.group(1) if match else None


@catalog.per_catalog
def _choices(cat: catalog.Catalog) -> tuple[dict[str, list[tuple[str, bool]]], list[str], list[list[tuple[str, bool]]]]:
    """Normalized names and aliases → [(id, is_name)], and the same as parallel lists for rapidfuzz."""
    table: dict[str, list[tuple[str, bool]]] = {}
    for ind, row in cat.indicators.iterrows():
        for text, is_name in [(row["name"], True), *[(a, False) for a in row["aliases"]]]:
            key = normalize_label(text)
            if key and (ind, is_name) not in table.setdefault(key, []):
                table[key].append((ind, is_name))
    keys = list(table)
    return table, keys, [table[k] for k in keys]


def _variants(label: str) -> list[str]:
    """A label and its forms without a filler prefix (全年) or suffix (数量), to look up exactly."""
    out = [label]
    for prefix in _PREFIXES:
        if label.startswith(prefix) and len(label) > len(prefix) + 1:
            out.append(label[len(prefix) :])
    for text in list(out):
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                out.append(text[: -len(suffix)])
    return out


def _allowed(cat: catalog.Catalog, ind: str, is_name: bool, label: str, context: str) -> bool:
    """Whether an indicator may match a label: not excluded, no count for a rate (…率), in context if by alias."""
    info = cat.indicators.loc[ind]
    if not is_name and any(word in label for word in info["exclude"]):
        return False
    if info["kind"] != "rate" and label.endswith("率"):
        return False
    if not is_name and info["context"] and not any(word in label + context for word in info["context"]):
        return False
    return True


@catalog.per_catalog
def _counts_of_rates(cat: catalog.Catalog) -> dict[str, list[tuple[str, bool]]]:
    """Names and aliases of indicators that are not rates, without a gloss or a count noun → [(id, is_name)].

    ``行政诉讼败诉案件`` → ``行政诉讼败诉``, ``行政复议纠错(撤销/变更/…)`` → ``行政复议纠错``: the rate
    ``行政诉讼败诉率`` without its ``率``.
    """
    info = cat.indicators
    table: dict[str, list[tuple[str, bool]]] = {}
    for ind, row in info[info["kind"] != "rate"].iterrows():
        for text, is_name in [(row["name"], True), *[(a, False) for a in row["aliases"]]]:
            key = _GLOSS.sub("", normalize_label(text))
            for noun in _COUNT_NOUNS:
                if key.endswith(noun) and len(key) > len(noun) + 1:
                    key = key[: -len(noun)]
                    break
            if key and (ind, is_name) not in table.setdefault(key, []):
                table[key].append((ind, is_name))
    return table


def _accepts(cat: catalog.Catalog, ind: str, unit: str) -> bool:
    """Whether the catalog accepts ``unit`` (a base unit: 元, 件, %) for indicator ``ind``."""
    return unit in cat.indicators.loc[ind, "units"]


def match_one(
    label: str,
    context: str = "",
    threshold: float = DEFAULT_THRESHOLD,
    unit: str | None = None,
    cat: catalog.Catalog | None = None,
) -> tuple[str | None, float, str]:
    """Match one raw label; returns (indicator id or None, score 0–100, note on how or why not).

    ``unit``, when given, is the base unit of the label's figures (``元`` for ``万元``, ``%``, ``件``):
    a match that does not accept it gives way to a near candidate that does; with no unit, a label
    without 率 prefers a near count to a rate (see the module docstring). ``cat`` is the catalog (the
    working project's by default); results are cached per catalog content.

    Example:
        >>> match_one("行政处罚案件数")[0]
        'enforcement.penalty_cases'
        >>> match_one("行政诉讼败诉", unit="件")[0], match_one("行政诉讼败诉", unit="%")[0]
        ('disputes.litigation_lost', 'disputes.litigation_loss_rate')
        >>> match_one("行政复议纠错")[0]
        'disputes.reconsideration_corrected'

    """
    return _match_one(cat or catalog.current(), label, context, threshold, unit)


@cache
def _match_one(
    cat: catalog.Catalog, label: str, context: str, threshold: float, unit: str | None
) -> tuple[str | None, float, str]:
    from rapidfuzz import fuzz, process

    norm = normalize_label(label)
    if not norm:
        return None, 0.0, "无指标名称 / no indicator name"
    if norm in cat.indicators.index:
        return norm, 100.0, "id"
    table, keys, owners = _choices(cat)
    scored: dict[str, tuple[float, bool, str]] = {}
    for variant in _variants(norm):
        for ind, is_name in table.get(variant, []):
            if _allowed(cat, ind, is_name, norm, context) and (ind not in scored or scored[ind][0] < 100):
                scored[ind] = (100.0, is_name, variant)
    if not scored:
        for key, score, index in process.extract(norm, keys, scorer=fuzz.ratio, score_cutoff=threshold, limit=8):
            for ind, is_name in owners[index]:
                if _allowed(cat, ind, is_name, norm, context) and (ind not in scored or scored[ind][0] < score):
                    scored[ind] = (float(score), is_name, key)
    if not scored:
        return None, 0.0, f"指标目录中没有与“{norm}”相近的指标 / no catalog indicator like '{norm}'"
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], not item[1][1], item[0]))
    found = _pick(cat, norm, ranked, context)
    rate = (unit == "%") if unit else (None if any(word in norm for word in _RATE_WORDS) else False)
    if rate is not None and (found[0] is None or not _fits(cat, found[0], unit, rate)):
        fitting = _fitting(cat, norm, ranked, context, unit, rate)
        if fitting:
            got, score, note = _pick(cat, norm, fitting, context)
            if got is not None and _fits(cat, got, unit, rate):
                return (
                    got,
                    score,
                    f"{note}（按单位 / by unit）" if unit else f"{note}（名称无“率” / no 率 in the label）",
                )
    return found


def _fits(cat: catalog.Catalog, ind: str, unit: str | None, rate: bool) -> bool:
    """Whether an indicator takes ``unit`` (a base unit), or, with no unit known, is of the kind wanted."""
    return _accepts(cat, ind, unit) if unit else (cat.indicators.loc[ind, "kind"] == "rate") == rate


def _fitting(
    cat: catalog.Catalog,
    norm: str,
    ranked: list[tuple[str, tuple[float, bool, str]]],
    context: str,
    unit: str | None,
    rate: bool,
) -> list[tuple[str, tuple[float, bool, str]]]:
    """Candidates of the kind wanted (``rate`` or not), when one of them fits (:func:`_fits`).

    They are those within the ambiguity margin of the best, and the counts of near rates
    (:func:`_counts_of_rates`). The unit tells a rate from a count, not one count from another: two
    counts stay ambiguous.
    """
    best_score = ranked[0][1][0]
    near = {ind: got for ind, got in ranked if got[0] >= best_score - _AMBIGUITY_MARGIN}
    variants = _variants(norm)
    kinds = cat.indicators["kind"]
    for ind, (score, _, key) in list(near.items()):
        if kinds[ind] == "rate" and key.endswith("率") and key[:-1] in variants:
            for count, is_name in _counts_of_rates(cat).get(key[:-1], []):
                if count not in near and _fits(cat, count, unit, rate) and _allowed(cat, count, is_name, norm, context):
                    near[count] = (score, is_name, key[:-1])
    out = {ind: got for ind, got in near.items() if (kinds[ind] == "rate") == rate}
    if not any(_fits(cat, ind, unit, rate) for ind in out):
        return []
    return sorted(out.items(), key=lambda item: (-item[1][0], not item[1][1], item[0]))


def _pick(
    cat: catalog.Catalog, norm: str, ranked: list[tuple[str, tuple[float, bool, str]]], context: str
) -> tuple[str | None, float, str]:
    """The best of ranked candidates, unless another scores within the margin (then by section, else none)."""
    best_id, (best_score, best_is_name, best_key) = ranked[0]
    rivals = [
        ind
        for ind, (score, is_name, _) in ranked[1:]
        if score >= best_score - _AMBIGUITY_MARGIN and is_name == best_is_name
    ]
    if rivals:
        section = _context_section(cat, context)
        in_section = [ind for ind in (best_id, *rivals) if section and ind.startswith(section + ".")]
        if len(in_section) == 1:
            return in_section[0], best_score, f"{best_key}（按板块区分 / by section）"
        names = "、".join([best_id, *rivals])
        return None, best_score, f"“{norm}”可能是多个指标（{names}），无法确定 / ambiguous: {names}"
    return best_id, best_score, best_key


def _context_section(cat: catalog.Catalog, context: str) -> str | None:
    """The catalog section a context text names (a section title or keyword), if exactly one."""
    if not context:
        return None
    sections = cat.sections
    hits = [sid for sid, row in sections.iterrows() if row["title"] in context or sid == context]
    if len(hits) == 1:
        return hits[0]
    hits = [sid for sid, row in sections.iterrows() if any(k in context for k in row["keywords"])]
    return hits[0] if len(set(hits)) == 1 else None
