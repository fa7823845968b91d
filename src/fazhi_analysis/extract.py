"""Find the figures of a published report's text, with provenance, and map them to the catalog.

The text is split into its heading tree (``一、``, ``(一)``, ``1.``, ``(1)``) and sentences. A
figure is a number (Arabic or Chinese) followed by a unit or ``%``; years, dates, times,
document numbers, ordinals, list markers, slogans and names inside quotes or book-title marks
are not figures. Each figure is mapped to a catalog indicator from its context (the catalog's
aliases near the number, its heading's section, its unit); when that is not clear the
indicator is left empty and the label kept: a wrong id is worse than none.

Example:
    >>> figures = extract_text("(五)行政复议\\n全年收到行政复议申请11件，结案5件。")
    >>> figures[["indicator", "value", "unit"]].values.tolist()[0]
    ['disputes.reconsideration_applications', 11.0, '件']
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from . import catalog
from .config import PACKAGE_DATA
from .numbers import CN_NUMERAL, chinese_to_number, parse_values
from .textio import read_report_text

FIGURE_COLUMNS = ["indicator", "label", "section", "value", "unit", "approx", "raw", "start", "end", "sentence"]
# Full-width digits and signs folded one character to one character, so offsets stay valid.
_FOLD = str.maketrans("０１２３４５６７８９％．（）＋－～", "0123456789%.()+-~")
_SENTENCE_END = "。！？!?\n"
_CLAUSE_END = _SENTENCE_END + "，,；;：:、"
_OPEN_QUOTES, _CLOSE_QUOTES = "“《「『〔[【", "”》」』〕]】"
_CN_DIGIT = "一二两三四五六七八九"


@dataclass(frozen=True)
class _Rules:
    figure_re: re.Pattern[str]
    skip_after_re: re.Pattern[str]
    slogans: tuple[str, ...]
    rank_words: tuple[str, ...]
    change_words: tuple[str, ...]
    lead_words: tuple[str, ...]
    object_verbs: tuple[str, ...]
    label_strip: tuple[str, ...]


@cache
def _rules() -> _Rules:
    with (PACKAGE_DATA / "extract_rules.yaml").open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    units = sorted(raw["units"], key=len, reverse=True)
    num = r"\d+(?:,\d{3})*(?:\.\d+)?"
    cn = rf"[{CN_NUMERAL}]+"
    figure = (
        r"(?P<pre>不少于|不低于|至少|超过|将近|接近|多达|约|近|超|逾)?(?P<pct>百分之)?"
        rf"(?P<num>{num}|{cn})(?:(?P<sep>至|到|~|-|—|－|～)(?P<num2>{num}|{cn}))?"
        r"(?P<apx1>余|多)?(?P<mult>万亿|千万|百万|万|亿|千)?(?P<apx2>余|多)?"
        rf"(?P<space>[ \u3000]?)(?P<unit>%|‰|{'|'.join(re.escape(u) for u in units)})?"
        r"(?P<post>以上|左右|有余|多)?"
    )
    skip = "|".join(re.escape(u) for u in sorted(raw["skip_units"], key=len, reverse=True))
    return _Rules(
        figure_re=re.compile(figure),
        skip_after_re=re.compile(rf"[ \u3000]?(?:{skip})"),
        slogans=tuple(raw["slogans"]),
        rank_words=tuple(raw["rank_words"]),
        change_words=tuple(sorted(raw["change_words"], key=len, reverse=True)),
        lead_words=tuple(sorted(raw["lead_words"], key=len, reverse=True)),
        object_verbs=tuple(sorted(raw["object_verbs"], key=len, reverse=True)),
        label_strip=tuple(sorted(raw["label_strip"], key=len, reverse=True)),
    )


# --- structure -------------------------------------------------------------------------------

_HEADING_RES = [
    (1, re.compile(r"^[ \t\u3000]*(?P<marker>[一二三四五六七八九十]+[、.．])")),
    (2, re.compile(r"^[ \t\u3000]*(?P<marker>[(（][一二三四五六七八九十]+[)）])")),
    (3, re.compile(r"^[ \t\u3000]*(?P<marker>\d{1,2}[、.．](?!\d))")),
    (4, re.compile(r"^[ \t\u3000]*(?P<marker>[(（]\d{1,2}[)）])")),
]


def headings(text: str) -> pd.DataFrame:
    """The heading tree of a report: one row per heading line.

    Returns:
        Columns level (1 = ``一、``, 2 = ``(一)``, 3 = ``1.``, 4 = ``(1)``), marker, title
        (up to the first 。), start, end (offsets of the line) and section (catalog section id
        matched from the title and its parents, or NA).
    """
    rows = []
    offset = 0
    for line in text.split("\n"):
        for level, pattern in _HEADING_RES:
            match = pattern.match(line)
            if match:
                body = line[match.end():]
                title = re.split(r"[。！？]", body, maxsplit=1)[0].strip()
                rows.append({"level": level, "marker": match["marker"], "title": title,
                             "start": offset, "end": offset + len(line)})
                break
        offset += len(line) + 1
    frame = pd.DataFrame(rows, columns=["level", "marker", "title", "start", "end"])
    frame["section"] = _heading_sections(frame)
    return frame


def _heading_sections(frame: pd.DataFrame) -> list[str | None]:
    """Section of each heading: its own title's best section, else its parent's."""
    sections = catalog.sections()
    out: list[str | None] = []
    stack: dict[int, str | None] = {}
    for level, title in zip(frame["level"], frame["title"]):
        stack = {lvl: sec for lvl, sec in stack.items() if lvl < level}
        scores = {sid: sum(len(k) for k in kws if k in title) for sid, kws in sections["keywords"].items()}
        best = max(scores, key=scores.get) if scores else None
        own = best if best and scores[best] > 0 else None
        parent = stack[max(stack)] if stack else None
        stack[level] = own or parent
        out.append(stack[level])
    return out


def _section_at(heads: pd.DataFrame, positions: pd.Series) -> list[str | None]:
    """Section of the innermost heading above each position."""
    if heads.empty:
        return [None] * len(positions)
    idx = heads["start"].searchsorted(positions.to_numpy(), side="right") - 1
    sections = heads["section"].tolist()
    return [sections[i] if i >= 0 else None for i in idx]


def _quote_mask(text: str) -> list[bool]:
    """For each character, whether it stands inside quotes, book-title marks or brackets."""
    mask, depth = [], 0
    for ch in text:
        if ch in _CLOSE_QUOTES and depth:
            depth -= 1
        mask.append(depth > 0)
        if ch in _OPEN_QUOTES:
            depth += 1
        elif ch == "\n":
            depth = 0
    return mask


def _delimiters(text: str, quoted: list[bool], ends: str) -> list[int]:
    """Positions of the delimiters ``ends`` that stand outside quotes (、 inside “双随机、一公开” does not split)."""
    return [i for i, ch in enumerate(text) if ch in ends and (ch == "\n" or not quoted[i])]


def _bounds(delimiters: list[int], pos: int, length: int) -> tuple[int, int]:
    """Start and end of the span around ``pos`` between two delimiters."""
    k = bisect.bisect_left(delimiters, pos)
    return (delimiters[k - 1] + 1 if k else 0), (delimiters[k] if k < len(delimiters) else length)


# --- candidate figures -----------------------------------------------------------------------


def _candidates(text: str, folded: str, quoted: list[bool]) -> list[dict]:
    """Every number-with-unit span of the text that is a figure, before mapping."""
    rules = _rules()
    found = []
    for match in rules.figure_re.finditer(folded):
        if not match["num"] or match["num"] == "" or match.start("num") == match.end("num"):
            continue
        num_start = match.start("num")
        if _is_chinese(match["num"]) and not _valid_chinese(match, folded, rules):
            continue
        before = folded[max(0, match.start() - 6):match.start()]
        after = folded[match.end():match.end() + 4]
        unit = "%" if match["pct"] else match["unit"]
        rank = before.endswith("第") and any(before[:-1].endswith(w) for w in rules.rank_words)
        if before.endswith("第") and not rank:
            continue  # ordinal: 第一批, 第3名
        if quoted[num_start]:
            continue  # names, slogans and document numbers: “八五”, 《纲要(2021—2025)》, 〔2021〕
        if not unit or match["space"] and unit not in "%‰":
            if not (rank and (unit or "") in ("", "位", "名")):
                continue  # a bare number: year, code, hotline, document number
        if rules.skip_after_re.match(folded, match.end("num2") if match["num2"] else match.end("num")) and not match["mult"]:
            continue  # a date or a duration: 3月29日, 2024年
        if _is_year_range(match):
            continue
        if folded[num_start - 1:num_start].isascii() and folded[num_start - 1:num_start].isalnum():
            continue  # inside a code: G30, A4
        if after[:1].isascii() and after[:1].isalpha() and after[:1] not in "":
            continue  # a code such as 5G, 4A
        start = match.start()
        if rank:
            start -= 1
        found.append({"start": start, "end": match.end(), "num_start": num_start,
                      "unit": unit or ("位" if rank else ""), "rank": rank})
    return found


def _is_chinese(num: str) -> bool:
    return num[0] in CN_NUMERAL


def _valid_chinese(match: re.Match[str], text: str, rules: _Rules) -> bool:
    """A Chinese numeral is a figure only when well formed, not a lone 一, and not a slogan."""
    num = match["num"]
    if match["pct"]:
        return True
    if not any(ch in _CN_DIGIT for ch in num) and not (match["apx1"] or match["pre"]):
        return False  # 百, 千, 万 alone: 百场宣讲进万家
    if num == "一" or num.startswith("一") and len(num) == 1:
        return False  # 一 is idiom far more often than a count: 一件事, 一次办, 一起
    start = match.start("num")
    if any(text.startswith(s, start) for s in rules.slogans):
        return False
    if start > 0 and text[start - 1] in CN_NUMERAL + "第周":
        return False
    try:
        chinese_to_number(num)
    except (ValueError, KeyError):
        return False
    return True


def _is_year_range(match: re.Match[str]) -> bool:
    nums = [match["num"], match["num2"] or ""]
    return all(n.isdigit() and len(n) == 4 and 1900 <= int(n) <= 2100 for n in nums if n) and bool(match["num2"])


# --- labels and mapping ----------------------------------------------------------------------


def _strip_quotes(text: str) -> str:
    return re.sub(r"[“”\"《》「」『』]", "", text)


_AFTER_NOUN_END = re.compile(
    r"[，,。；;、：:()（）“”《》]|的|开展|提供|进行|参加|参与|研究|学习|追回|审议|办理|实现|完成|接受|获得|受到|达到|纳入|涉及|覆盖"
)


def _label(before: str, after: str, rules: _Rules) -> str:
    """A short phrase for what a figure counts, from the text before or after the number.

    ``召开5次常务会议`` and ``为1421名工人追回欠薪`` name the counted thing after the number;
    ``法治培训17次`` names it before.
    """
    for word in rules.change_words:
        if before.endswith(word):
            return word
    after_noun = _AFTER_NOUN_END.split(after, maxsplit=1)[0] if not after.startswith(("以上", "左右")) else ""
    if len(after_noun) >= 2:
        return after_noun[:16]
    label = _strip_quotes(before)
    for word in rules.lead_words:
        if label.endswith(word) and len(label) > len(word):
            label = label[: -len(word)]
            break
    for _ in range(3):
        for word in rules.label_strip:
            if label.startswith(word) and len(label) > len(word) + 1:
                label = label[len(word):]
    verbs = [m.end() for m in re.finditer("|".join(rules.object_verbs), label)]
    if verbs and len(label) - verbs[-1] >= 2:
        label = label[verbs[-1]:]
    label = re.sub(r"^(?:[一二三四五六七八九十]+是)?[达为共计约近了和及与]*|[达为共计约近了和及与]+$", "", label)
    return label[-16:] or after_noun


def _counted_noun(after: str) -> bool:
    """Whether the text right after a figure starts with a noun (not a delimiter or a verb)."""
    return bool(after) and after[0] not in _CLAUSE_END + "，" and not after.startswith(("的", "开展", "参加", "以上"))


def _unit_ok(unit: str, units: tuple[str, ...]) -> bool:
    return unit in units


@cache
def _indicator_table() -> pd.DataFrame:
    return catalog.indicators()


def _map(figure: dict, text: str, section: str | None, rules: _Rules) -> str | None:
    """The catalog id of a figure, or None when no indicator is clearly meant."""
    if figure["rank"] or figure["change"] or figure["respectively"]:
        return None  # ranks, changes, ranges and 分别为 lists are not levels of one indicator
    unit = figure["unit"]
    s0, s1 = figure["sentence_span"]
    c0, c1 = figure["clause_span"]
    sentence = text[s0:s1]
    heading = figure["heading"]
    lo, hi = figure["start"], figure["end"]
    scores: dict[str, float] = {}
    for ind_id, ind in _indicator_table().iterrows():
        if not _unit_ok(unit, ind["units"]):
            continue
        clause = text[c0:c1]
        if any(word in clause for word in ind["exclude"]):
            continue
        if ind["context"] and not any(word in sentence or word in heading for word in ind["context"]):
            continue
        best = 0.0
        for alias in ind["aliases"]:
            for hit in re.finditer(re.escape(alias), sentence):
                a0, a1 = s0 + hit.start(), s0 + hit.end()
                in_clause = c0 <= a0 and a1 <= c1
                if not in_clause and (a0 >= hi or figure["own_words"]):
                    # A later clause speaks of another figure; an earlier one matters only when
                    # the figure's own clause does not say what it counts (共举办80场次).
                    continue
                # Nouns after a number are a weaker sign than nouns before it.
                distance = lo - a1 if a1 <= lo else (a0 - hi) * 1.5 if a0 >= hi else 0
                weight = len(alias) / (1 + distance / 6) * (2 if in_clause else 0.5)
                best = max(best, weight)
        if best <= 0:
            continue
        if ind["nouns"] and _counted_noun(figure["after"]):
            # 6家执法单位 / 10个案卷: the noun after the number says what is counted.
            best *= 2 if any(n in figure["after"][:8] for n in ind["nouns"]) else 0.3
        if section is not None:
            best *= 1.5 if ind["section"] == section else 0.5
        scores[ind_id] = best
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    top_id, top = ranked[0]
    if top < 2.0:
        return None
    if len(ranked) > 1 and ranked[1][1] > top * 0.8:
        return None  # two indicators fit about equally well: leave it to the analyst
    return top_id


def extract_text(text: str) -> pd.DataFrame:
    """Every figure of a report's text, mapped to the catalog where the context is clear.

    Returns:
        One row per figure in text order, columns ``FIGURE_COLUMNS``: indicator (id or NA),
        label, section, value (base unit), unit (as written, 万/亿 folded in), approx, raw,
        start, end (offsets of raw in ``text``, end exclusive) and sentence.
    """
    rules = _rules()
    folded = text.translate(_FOLD)
    quoted = _quote_mask(text)
    found = _candidates(text, folded, quoted)
    if not found:
        return _empty_figures()
    heads = headings(text)
    sentence_ends = _delimiters(folded, quoted, _SENTENCE_END)
    clause_ends = _delimiters(folded, quoted, _CLAUSE_END)
    raws = pd.Series([text[f["start"]:f["end"]] for f in found])
    parsed = parse_values(raws.str.removeprefix("第"))
    sections = _section_at(heads, pd.Series([f["start"] for f in found]))
    rows = []
    for i, figure in enumerate(found):
        if pd.isna(parsed.at[i, "value"]):
            continue
        s0, s1 = _bounds(sentence_ends, figure["start"], len(text))
        c0, c1 = _bounds(clause_ends, figure["start"], len(text))
        prev_end = found[i - 1]["end"] if i else 0
        next_start = found[i + 1]["start"] if i + 1 < len(found) else len(text)
        before = folded[max(c0, prev_end):figure["start"]]
        after = folded[figure["end"]:min(c1, next_start)]
        change = any(before.endswith(w) or before.endswith(w + "了") for w in rules.change_words)
        respectively = "分别" in folded[s0:figure["start"]][-40:]
        ranged = bool(re.search(r"\d(?:至|到|~|-|—|－|～)", raws[i]))
        head_titles = heads.loc[heads["start"] <= figure["start"], "title"].tail(2)
        unit = "位" if figure["rank"] else parsed.at[i, "unit"]
        label = _label(before, after, rules)
        figure.update(own_words=len(label) >= 2, sentence_span=(s0, s1), clause_span=(c0, c1), change=change, unit=unit,
                      respectively=respectively or ranged,
                      after=after, heading=" ".join(head_titles))
        indicator = _map(figure, folded, sections[i], rules)
        rows.append({
            "indicator": indicator,
            "label": label,
            "section": _indicator_table().at[indicator, "section"] if indicator else sections[i],
            "value": parsed.at[i, "value"],
            "unit": unit,
            "approx": bool(parsed.at[i, "approx"]),
            "raw": raws[i],
            "start": figure["start"],
            "end": figure["end"],
            "sentence": text[s0:s1 + (s1 < len(text) and text[s1] in "。！？!?")].strip(),
        })
    return _typed(pd.DataFrame(rows, columns=FIGURE_COLUMNS))


def _empty_figures() -> pd.DataFrame:
    return _typed(pd.DataFrame(columns=FIGURE_COLUMNS))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({"indicator": "string", "label": "string", "section": "string", "value": "Float64",
                         "unit": "string", "approx": "boolean", "raw": "string", "start": "Int64",
                         "end": "Int64", "sentence": "string"})


# --- region and year -------------------------------------------------------------------------

_TITLE_RE = re.compile(
    r"(?P<region>[\u4e00-\u9fff]{2,20}?)人民政府(?:关于)?(?P<year>(?:19|20)\d{2})\s?年度?(?:法治政府建设|依法行政)"
)
_REGION_SUFFIX = "区县市旗州盟镇乡"
_LEAD_RE = re.compile(r"^.*?(?:现将|关于|按照|根据|将|是|的|和|及|与|对)")


def detect_region_year(text: str) -> tuple[str | None, int | None]:
    """Region and year from a report's own words, e.g. ``达坂城区人民政府2024年度法治政府建设``."""
    head = text[:2000]
    match = _TITLE_RE.search(head)
    if match:
        region = _LEAD_RE.sub("", match["region"]) or match["region"]
        region = region if region[-1] in _REGION_SUFFIX else None
        return region, int(match["year"])
    year = re.search(r"((?:19|20)\d{2})\s?年度?(?:法治政府建设|依法行政)", head)
    return None, int(year[1]) if year else None


def extract_file(path: str | Path, region: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Figures of a report file (see :func:`extract_text`), with region and year columns.

    Region and year default to those the report states about itself.

    Raises:
        InputError: the file is missing, empty, binary or undecodable.
    """
    text = read_report_text(path)
    figures = extract_text(text)
    found_region, found_year = detect_region_year(text)
    figures.insert(0, "year", pd.array([year or found_year] * len(figures), dtype="Int64"))
    figures.insert(0, "region", pd.array([region or found_region] * len(figures), dtype="string"))
    return figures
