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
:data:`AMBIGUITY_MARGIN` of each other are ambiguous: the label stays unmatched, since a wrong
id is worse than none.

Example:
    >>> match_labels(pd.Series(["收到行政复义申请", "罚没金额（万元）"]))["indicator"].tolist()
    ['disputes.reconsideration_applications', 'enforcement.penalty_amount']
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pandas as pd

from fazhi_analysis.table import catalog

DEFAULT_THRESHOLD = 80.0
AMBIGUITY_MARGIN = 2.0
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


@cache
def _choices() -> tuple[dict[str, list[tuple[str, bool]]], list[str], list[list[tuple[str, bool]]]]:
    """Normalized names and aliases → [(id, is_name)], and the same as parallel lists for rapidfuzz."""
    table: dict[str, list[tuple[str, bool]]] = {}
    for ind, row in catalog.indicators().iterrows():
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


def _allowed(ind: str, is_name: bool, label: str, context: str) -> bool:
    """Whether an indicator may match a label: not excluded, no count for a rate (…率), in context if by alias."""
    info = catalog.indicators().loc[ind]
    if not is_name and any(word in label for word in info["exclude"]):
        return False
    if info["kind"] != "rate" and label.endswith("率"):
        return False
    if not is_name and info["context"] and not any(word in label + context for word in info["context"]):
        return False
    return True


@cache
def match_one(label: str, context: str = "", threshold: float = DEFAULT_THRESHOLD) -> tuple[str | None, float, str]:
    """Match one raw label; returns (indicator id or None, score 0–100, note on how or why not).

    Example:
        >>> match_one("行政处罚案件数")[0]
        'enforcement.penalty_cases'
    """
    from rapidfuzz import fuzz, process

    norm = normalize_label(label)
    if not norm:
        return None, 0.0, "无指标名称 / no indicator name"
    ids = catalog.indicators().index
    if norm in ids:
        return norm, 100.0, "id"
    table, keys, owners = _choices()
    scored: dict[str, tuple[float, bool, str]] = {}
    for variant in _variants(norm):
        for ind, is_name in table.get(variant, []):
            if _allowed(ind, is_name, norm, context) and (ind not in scored or scored[ind][0] < 100):
                scored[ind] = (100.0, is_name, variant)
    if not scored:
        for key, score, index in process.extract(norm, keys, scorer=fuzz.ratio, score_cutoff=threshold, limit=8):
            for ind, is_name in owners[index]:
                if _allowed(ind, is_name, norm, context) and (ind not in scored or scored[ind][0] < score):
                    scored[ind] = (float(score), is_name, key)
    if not scored:
        return None, 0.0, f"指标目录中没有与“{norm}”相近的指标 / no catalog indicator like '{norm}'"
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], not item[1][1], item[0]))
    best_id, (best_score, best_is_name, best_key) = ranked[0]
    rivals = [
        ind
        for ind, (score, is_name, _) in ranked[1:]
        if score >= best_score - AMBIGUITY_MARGIN and is_name == best_is_name
    ]
    if rivals:
        section = _context_section(context)
        in_section = [ind for ind in (best_id, *rivals) if section and ind.startswith(section + ".")]
        if len(in_section) == 1:
            return in_section[0], best_score, f"{best_key}（按板块区分 / by section）"
        names = "、".join([best_id, *rivals])
        return None, best_score, f"“{norm}”可能是多个指标（{names}），无法确定 / ambiguous: {names}"
    return best_id, best_score, best_key


def _context_section(context: str) -> str | None:
    """The catalog section a context text names (a section title or keyword), if exactly one."""
    if not context:
        return None
    sections = catalog.sections()
    hits = [sid for sid, row in sections.iterrows() if row["title"] in context or sid == context]
    if len(hits) == 1:
        return hits[0]
    hits = [sid for sid, row in sections.iterrows() if any(k in context for k in row["keywords"])]
    return hits[0] if len(set(hits)) == 1 else None


def match_labels(
    labels: pd.Series, context: pd.Series | None = None, *, threshold: float = DEFAULT_THRESHOLD
) -> pd.DataFrame:
    """Match a Series of labels (with an optional parallel Series of context text) to catalog ids.

    Returns:
        A DataFrame on the same index: indicator (string, NA when unmatched), score (float),
        note (how it matched, or why not).

    Example:
        >>> match_labels(pd.Series(["行政应诉案件", "天气"]))["indicator"].tolist()
        ['disputes.litigation_cases', <NA>]
    """
    ctx = pd.Series(context.to_numpy(object) if context is not None else "", index=labels.index)  # positional
    keys = labels.astype(object).fillna("").astype(str) + "\x1f" + ctx.astype(object).fillna("").astype(str)
    codes, uniques = pd.factorize(keys.to_numpy(object))
    results = [match_one(*key.split("\x1f", 1), float(threshold)) for key in uniques]
    table = (
        pd.DataFrame(results, columns=["indicator", "score", "note"])
        if results
        else pd.DataFrame(columns=["indicator", "score", "note"])
    )
    out = table.take(codes).set_axis(labels.index)
    return out.astype({"indicator": "string", "score": "float64", "note": "string"})
