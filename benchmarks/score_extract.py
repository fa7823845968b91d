"""Score the text extractor: figures and indicator ids against a gold file, precision and recall.

Two kinds of gold:

* a mentions file (``tests/fixtures/dabancheng_2024_report.mentions.json``: ``mentions`` with ``offset``,
  ``raw``, ``value``, ``unit``, ``indicator``) against the JSON records of ``fazhi extract PATH --format json``;
* the phrasings set (``tests/fixtures/phrasings.yaml``), each case extracted on its own.

Usage::

    fazhi extract data/raw/dabancheng_2024_report.txt --format json -o /tmp/seed.json
    python benchmarks/score_extract.py --gold tests/fixtures/dabancheng_2024_report.mentions.json /tmp/seed.json
    python benchmarks/score_extract.py --phrasings tests/fixtures/phrasings.yaml [--min-confidence 0.4]

Figure F1 counts a figure found when a record overlaps the gold span with the same value and unit; id
precision is right ids over ids given (on found figures), id recall right ids over gold ids.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import yaml

PHRASING_TITLE = "甲县人民政府2023年度法治政府建设情况报告\n"


def score_mentions(gold: list[dict], records: list[dict]) -> Counter:
    """Counts of one report: gold and found figures, matched figures, ids given, right and in gold.

    Example:
        >>> gold = [{"offset": 0, "raw": "5件", "value": 5, "unit": "件", "indicator": "a"}]
        >>> dict(score_mentions(gold, [{"start": 0, "end": 2, "value": 5.0, "unit": "件", "indicator": "b"}]))
        {'gold': 1, 'found': 1, 'gold_ids': 1, 'matched': 1, 'ids_given': 1, 'ids_right': 0}
    """
    counts = Counter(gold=len(gold), found=len(records), gold_ids=sum(m["indicator"] is not None for m in gold))
    for mention in gold:
        lo, hi = mention["offset"], mention["offset"] + len(mention["raw"])
        hits = [r for r in records if r["start"] < hi and r["end"] > lo]
        same = [r for r in hits if r["value"] == mention["value"] and r["unit"] == mention["unit"]]
        if not same:
            continue
        counts["matched"] += 1
        given = same[0].get("indicator")
        counts["ids_given"] += given is not None
        counts["ids_right"] += given is not None and given == mention["indicator"]
    return counts


def score_phrasings(cases: list[dict], min_confidence: float | None = None) -> tuple[Counter, list[str]]:
    """Counts over the phrasings set (each case extracted under a county report's title) and the wrong ids."""
    from fazhi_analysis.ingest.extract import extract_text

    counts, wrong = Counter(), []
    for case in cases:
        kwargs = {} if min_confidence is None else {"min_confidence": min_confidence}
        figures = extract_text(f"{PHRASING_TITLE}{case['heading']}\n{case['text']}", **kwargs)
        rows = figures[figures["raw"] == case["raw"]]
        counts["gold"] += 1
        counts["gold_ids"] += case["id"] is not None
        if rows.empty or (rows.iloc[0]["value"], rows.iloc[0]["unit"]) != (case["value"], case["unit"]):
            continue
        counts["matched"] += 1
        given = rows.iloc[0]["indicator"]
        given = None if pd.isna(given) else str(given)
        counts["ids_given"] += given is not None
        counts["ids_right"] += given is not None and given == case["id"]
        if given is not None and given != case["id"]:
            wrong.append(f"{case['kind']}: {case['text']} {case['raw']} → {given} ({rows.iloc[0]['reason']})")
    return counts, wrong


def summary(counts: Counter) -> str:
    """One line: figure recall, id precision and id recall."""
    given, right = counts["ids_given"], counts["ids_right"]
    precision = right / given if given else 1.0
    recall = right / counts["gold_ids"] if counts["gold_ids"] else 1.0
    return (
        f"figures {counts['matched']}/{counts['gold']}, ids given {given}, right {right}: "
        f"id precision {precision:.2f}, id recall {recall:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the scores asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", nargs="?", help="JSON output of fazhi extract --format json")
    parser.add_argument("--gold", help="mentions JSON of the same report")
    parser.add_argument("--phrasings", help="phrasings YAML")
    parser.add_argument("--min-confidence", type=float)
    args = parser.parse_args(argv)
    if args.gold and args.records:
        gold = json.loads(Path(args.gold).read_text(encoding="utf-8"))["mentions"]
        records = json.loads(Path(args.records).read_text(encoding="utf-8"))
        print(f"{args.records}: {summary(score_mentions(gold, records))}")
    if args.phrasings:
        cases = yaml.safe_load(Path(args.phrasings).read_text(encoding="utf-8"))["cases"]
        counts, wrong = score_phrasings(cases, args.min_confidence)
        print(f"{args.phrasings}: {summary(counts)}")
        for line in wrong:
            print("  wrong:", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
