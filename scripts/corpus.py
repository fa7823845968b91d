"""The labelled figure corpus (data/corpus/): check label files, place them, settle two labellings.

Usage::

    python scripts/corpus.py check data/corpus/labels/writer/a001_county.json …   # a labeller's own check
    python scripts/corpus.py settle          # writer vs second labels → disagreements.csv and gold/ (agreed)

A label file lists a document's figures in order (``data/corpus/GUIDE.md``, section 4). ``check`` finds each
mention in the document, searching forward from the previous one, and says what is wrong, one line a
problem: a quote not in the text, a raw not in its quote, a value or unit that does not read as the raw
says, an id that is not in the catalog, a period, scope or why outside the guide's words.
"""

from __future__ import annotations

import argparse
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


def place(text: str, mentions: list[dict]) -> tuple[list[int | None], list[str]]:
    """Offsets of each mention's raw in ``text`` (searching forward through the quotes), and the problems."""
    offsets: list[int | None] = []
    problems, cursor = [], 0
    for n, m in enumerate(mentions, start=1):
        quote, raw = str(m.get("quote", "")), str(m.get("raw", ""))
        at = text.find(quote, cursor) if quote else -1
        if at < 0:
            at = text.find(quote) if quote else -1
            if at < 0:
                problems.append(f"#{n} {raw!r}: quote {quote!r} is not in the text")
                offsets.append(None)
                continue
            problems.append(f"#{n} {raw!r}: quote {quote!r} appears only before the previous mention (order?)")
        inner = quote.find(raw)
        if not raw or inner < 0:
            problems.append(f"#{n}: raw {raw!r} is not in its quote {quote!r}")
            offsets.append(None)
            continue
        offsets.append(at + inner)
        cursor = at + inner + len(raw)
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


def main(argv: list[str] | None = None) -> int:
    """``check FILE…``: print every problem, exit 1 when there is one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check label files against their documents and the guide")
    check.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    ids = catalog_ids()
    problems = [p for f in args.files for p in check_file(f, ids)]
    print("\n".join(problems) if problems else f"{len(args.files)} file(s): no problem")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
