"""Extraction time grows linearly with the text (run on demand: ``make bench``).

Times :func:`fazhi_analysis.ingest.extract.extract_text` on 200 KB and on 8× that of report text, and on a
run-on line (no full stop, no line break) of 50 KB and 8× that, best of two runs each, and prints the
ratio of the times beside the ratio of the sizes. Goal: ≤ 10× the time for 8× the text.
"""

from __future__ import annotations

import time

from fazhi_analysis.ingest.extract import extract_text

PARAGRAPH = (
    "一、推进依法行政\n（一）行政复议\n全年收到行政复议申请11件，结案5件。一是开展法治培训17次，参训1200人次；"
    "二是召开5次常务会议。三是办理行政应诉案件3件。\n1.执法监督\n检查执法案卷130余份，整改率达98%。\n"
)


def best_of(text: str, runs: int = 2) -> float:
    """Seconds of the fastest of ``runs`` extractions of ``text``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        extract_text(text)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    extract_text(PARAGRAPH)  # the catalog and rules load once, outside the timing
    for label, paragraph, size in [
        ("paragraphs", PARAGRAPH, 200_000),
        ("one run-on line", PARAGRAPH.replace("\n", "").replace("。", "，"), 50_000),
    ]:
        repeats = size // len(paragraph.encode("utf-8"))
        small, large = best_of(paragraph * repeats), best_of(paragraph * 8 * repeats)
        print(f"{label}: {size // 1000} KB {small:.2f} s, 8× {large:.2f} s → {large / small:.1f}× (goal ≤ 10×)")


if __name__ == "__main__":
    main()
