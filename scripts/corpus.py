"""The labelled figure corpus (data/corpus/): check label files, place them, settle two labellings.

Usage::

    python scripts/corpus.py check data/corpus/labels/writer/a001_county.json …   # a labeller's own check
    python scripts/corpus.py settle          # writer vs second labels → disagreements.csv, gold/<doc>.json


A label file lists a document's figures in order (``data/corpus/GUIDE.md``, section 4). ``check`` finds each
mention in the document, searching forward from the previous one, and says what is wrong, one line a
problem: a quote not in the text, a raw not in its quote, a value or unit that does not read as the raw
says, an id that is not in the catalog, a period, scope or why outside the guide's words.

``settle`` places both labellings of every document that has two, pairs their mentions by overlapping
spans, and writes ``disagreements.csv``: one row a field on which they differ (or a figure only one of them
lists), with the writer's and the second labeller's answer and the columns ``decision`` and ``reason``,
which a third person fills in by the guide. Rows already decided keep their decision when ``settle`` runs
again. ``gold/<doc>.json`` holds every mention both agree on, and the decided ones; a document with an
undecided row gets no gold file. One kind of row is decided by rule, not by hand: 本级 against 全域 (both
take an id, the difference is only whose figure the text says it is): 全域 when the figure's sentence names the
whole region (全县, 全区, 全市, 全省, 全旗, 各级…), else 本级.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import yaml

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
CATALOG = Path(__file__).resolve().parent.parent / "src" / "fazhi_analysis" / "table" / "catalog.yaml"
PERIODS = {"全年", "以来", "期间"}
PERIOD_PART = re.compile(r"^截至\d{1,2}月$")
SCOPES = {"本级", "全域", "下级合计", "其他机关"}
WHYS = {
    "other_noun", "subset", "breakdown", "mixed", "other_level", "other_body", "part_year", "multi_year", "window",
    "threshold", "other_rate", "not_catalog", "ambiguous",
}  # fmt: skip
FIELDS = ("raw", "quote", "value", "unit", "approx", "indicator", "period", "scope", "why")


def catalog_ids() -> set[str]:
    """The indicator ids of the bundled catalog."""
    return {entry["id"] for entry in yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["indicators"]}


def _raw_in(quote: str, raw: str) -> int:
    """Where ``raw`` stands in ``quote`` as a figure of its own (``9件`` in ``维持39件、驳回9件`` is the second)."""
    at = quote.find(raw)
    while at > 0 and (quote[at - 1].isdigit() or quote[at - 1] in ".,，") and raw[:1].isdigit():
        following = quote.find(raw, at + 1)
        if following < 0:
            break
        at = following
    return at


def _find_after(text: str, quote: str, raw: str, after: int) -> int:
    """Offset of ``raw`` in the first occurrence of ``quote`` that puts it after offset ``after``; -1 if none."""
    inner = _raw_in(quote, raw)
    at = text.find(quote, max(0, after - inner + 1))
    return -1 if at < 0 else at + inner


def place(text: str, mentions: list[dict]) -> tuple[list[int | None], list[str]]:
    """Offsets of each mention's raw in ``text`` (each after the one before), and the problems.

    A quote may reach back over the mention before (``受理41件，审结39件`` for ``39件``); its raw must come later.
    """
    offsets: list[int | None] = []
    problems, last = [], -1
    for n, m in enumerate(mentions, start=1):
        quote, raw = str(m.get("quote", "")), str(m.get("raw", ""))
        if not raw or raw not in quote:
            problems.append(f"#{n}: raw {raw!r} is not in its quote {quote!r}")
            offsets.append(None)
            continue
        at = _find_after(text, quote, raw, last)
        if at < 0:
            where = "is not in the text" if quote not in text else "puts its raw only before the previous mention's"
            problems.append(f"#{n} {raw!r}: quote {quote!r} {where} (order?)")
            offsets.append(None)
            continue
        offsets.append(at)
        last = at
    return offsets, problems


def check_mention(n: int, m: dict, ids: set[str]) -> list[str]:
    """Problems of one mention's fields."""
    out = [f"#{n}: missing field {f}" for f in FIELDS if f not in m]
    raw = str(m.get("raw", ""))
    if m.get("indicator") is not None and m.get("indicator") not in ids:
        out.append(f"#{n} {raw!r}: unknown indicator {m.get('indicator')!r}")
    period = str(m.get("period", ""))
    if period not in PERIODS and not PERIOD_PART.match(period):
        out.append(f"#{n} {raw!r}: period {period!r} is not 全年, 截至M月, 以来 or 期间")
    if m.get("scope") not in SCOPES:
        out.append(f"#{n} {raw!r}: scope {m.get('scope')!r} is not one of {sorted(SCOPES)}")
    if m.get("indicator") is None and m.get("why") not in WHYS:
        out.append(f"#{n} {raw!r}: a null indicator needs a why from the guide, not {m.get('why')!r}")
    if not isinstance(m.get("value"), int | float) or isinstance(m.get("value"), bool):
        out.append(f"#{n} {raw!r}: value {m.get('value')!r} is not a number")
    unit = str(m.get("unit", ""))
    if unit and unit not in raw:
        out.append(f"#{n} {raw!r}: unit {unit!r} is not written in raw")
    if "万" + unit in raw and isinstance(m.get("value"), int | float) and m["value"] < 10000:
        out.append(f"#{n} {raw!r}: 万 is not folded into value {m['value']}")
    return out


def check_file(label_path: Path, ids: set[str]) -> list[str]:
    """Every problem of one label file, each prefixed with the file's name."""
    try:
        labels = json.loads(label_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"{label_path.name}: {exc}"]
    doc = CORPUS / "docs" / str(labels.get("document", ""))
    if not doc.is_file():
        return [f"{label_path.name}: document {labels.get('document')!r} not found in {CORPUS / 'docs'}"]
    mentions = labels.get("mentions") or []
    _, problems = place(doc.read_text(encoding="utf-8"), mentions)
    for n, m in enumerate(mentions, start=1):
        problems += check_mention(n, m, ids)
    return [f"{label_path.name}: {p}" for p in problems]


COMPARED = ("value", "unit", "approx", "indicator", "period", "scope")
DISAGREEMENT_COLUMNS = ["document", "offset", "raw", "field", "writer", "second", "decision", "reason"]


def placed(doc: Path, label_path: Path) -> list[dict]:
    """The mentions of one label file with their ``offset`` in the document (unplaceable ones dropped)."""
    mentions = json.loads(label_path.read_text(encoding="utf-8"))["mentions"]
    offsets, _ = place(doc.read_text(encoding="utf-8"), mentions)
    return [{**m, "offset": at} for m, at in zip(mentions, offsets) if at is not None]


def pair(first: list[dict], second: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """Mentions of two labellings paired by overlapping spans, in text order; unpaired ones alone."""
    pairs, used = [], set()
    for m in first:
        lo, hi = m["offset"], m["offset"] + len(m["raw"])
        match = next(
            (
                i
                for i, o in enumerate(second)
                if i not in used and o["offset"] < hi and o["offset"] + len(o["raw"]) > lo
            ),
            None,
        )
        if match is None:
            pairs.append((m, None))
        else:
            used.add(match)
            pairs.append((m, second[match]))
    pairs += [(None, o) for i, o in enumerate(second) if i not in used]
    return sorted(pairs, key=lambda p: (p[0] or p[1])["offset"])


def _text(value: object) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def differences(document: str, pairs: list[tuple[dict | None, dict | None]]) -> list[dict]:
    """Disagreement rows of one document: a figure listed once, or a compared field that differs."""
    rows = []
    for a, b in pairs:
        m = a or b
        base = {"document": document, "offset": m["offset"], "raw": m["raw"], "decision": "", "reason": ""}
        if a is None or b is None:
            rows.append(
                {
                    **base,
                    "field": "figure",
                    "writer": "listed" if a else "absent",
                    "second": "listed" if b else "absent",
                }
            )
            continue
        for field in COMPARED:
            if a.get(field) != b.get(field):
                rows.append({**base, "field": field, "writer": _text(a.get(field)), "second": _text(b.get(field))})
    return rows


_WHOLE_REGION = re.compile(r"全[县区市省旗州盟]|各级|全系统")
_SENTENCE_MARKS = "。；！？\n"


def whole_region_scope(row: dict, text: str) -> dict:
    """``row`` decided when it is a 本级/全域 scope disagreement (see the module's docstring); else unchanged."""
    if row["decision"] or row["field"] != "scope" or {row["writer"], row["second"]} != {"本级", "全域"}:
        return row
    at = int(row["offset"])
    start = max(text.rfind(mark, 0, at) for mark in _SENTENCE_MARKS) + 1
    ends = [e for e in (text.find(mark, at) for mark in _SENTENCE_MARKS) if e >= 0]
    sentence = text[start : min(ends, default=len(text))]
    whole = _WHOLE_REGION.search(sentence)
    reason = f"rule: the sentence names {whole.group()}" if whole else "rule: the sentence names no whole region"
    return {**row, "decision": "全域" if whole else "本级", "reason": reason}


def _decided(path: Path) -> dict[tuple[str, str, str], dict]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {(r["document"], r["offset"], r["field"]): r for r in csv.DictReader(f) if r["decision"]}


def _decide(value: str) -> object:
    """A decision as written in the CSV: null, a JSON literal (numbers, true/false) or plain text."""
    if value == "null":
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def gold_mentions(pairs: list[tuple[dict | None, dict | None]], decided: dict, document: str) -> list[dict] | None:
    """The settled mentions of a document, or None while one of its disagreements is undecided."""
    out = []
    for a, b in pairs:
        m = dict(a or b)
        key = (document, str(m["offset"]))
        if a is None or b is None:
            row = decided.get((*key, "figure"))
            if row is None:
                return None
            if row["decision"] != "keep":
                continue
        else:
            for field in COMPARED:
                if a.get(field) != b.get(field):
                    row = decided.get((*key, field))
                    if row is None:
                        return None
                    m[field] = _decide(row["decision"])
            if m["indicator"] is None and not m.get("why"):
                m["why"] = b.get("why")  # the writer gave an id the settlement took away: the second's why
        out.append(
            {k: m.get(k) for k in ("raw", "offset", "value", "unit", "approx", "indicator", "period", "scope", "why")}
        )
    return out


def settle() -> int:
    """Write disagreements.csv (keeping decisions) and the gold file of every fully settled document."""
    out_path = CORPUS / "disagreements.csv"
    decided = _decided(out_path)
    rows, settled = [], 0
    (CORPUS / "gold").mkdir(exist_ok=True)
    for second_path in sorted((CORPUS / "labels" / "second").glob("*.json")):
        writer_path = CORPUS / "labels" / "writer" / second_path.name
        doc = CORPUS / "docs" / second_path.with_suffix(".txt").name
        if not writer_path.is_file() or not doc.is_file():
            continue
        pairs = pair(placed(doc, writer_path), placed(doc, second_path))
        text = doc.read_text(encoding="utf-8")
        for row in differences(doc.name, pairs):
            row = whole_region_scope(decided.get((row["document"], str(row["offset"]), row["field"]), row), text)
            decided.setdefault((row["document"], str(row["offset"]), row["field"]), row) if row["decision"] else None
            rows.append(row)
        mentions = gold_mentions(pairs, decided, doc.name)
        if mentions is not None:
            gold = {"document": doc.name, "mentions": mentions}
            text = json.dumps(gold, ensure_ascii=False, indent=1) + "\n"
            (CORPUS / "gold" / second_path.name).write_text(text, encoding="utf-8")
            settled += 1
    with out_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, DISAGREEMENT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    open_rows = sum(not r["decision"] for r in rows)
    print(f"{settled} document(s) settled; {len(rows)} disagreement(s), {open_rows} undecided → {out_path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``check FILE…``: print every problem, exit 1 when there is one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check label files against their documents and the guide")
    check.add_argument("files", nargs="+", type=Path)
    sub.add_parser("settle", help="pair writer and second labels; write disagreements.csv and gold/")
    args = parser.parse_args(argv)
    if args.command == "settle":
        return settle()
    ids = catalog_ids()
    problems = [p for f in args.files for p in check_file(f, ids)]
    print("\n".join(problems) if problems else f"{len(args.files)} file(s): no problem")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
