"""The report's colours live in one file, palette.yaml: no colour literal in the code, the style files agree."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

from fazhi_analysis.report import palette, plotting

SRC = Path(palette.__file__).resolve().parents[1]
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_no_hex_colour_is_written_in_the_code_outside_the_palette() -> None:
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "palette.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if HEX.search(line)
    ]
    assert found == []


def test_the_charts_and_the_style_files_use_the_palette() -> None:
    colors = palette.colors()
    assert (plotting.ACCENT, plotting.GOOD, plotting.BAD) == (colors["accent"], colors["good"], colors["bad"])
    css = (SRC / "report/templates/nbconvert/fazhi_report/report.css").read_text(encoding="utf-8")
    assert f"--red: {colors['accent']};" in css
    cycle = matplotlib.rc_params_from_file(plotting.STYLE, use_default_template=False)["axes.prop_cycle"]
    assert cycle.by_key()["color"][0].lower() in (colors["accent"], colors["accent"].lstrip("#"))
