"""The chart font: registered from its files whatever matplotlib's cache says; missing font or glyph is an error."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from report_data import REGION, YEAR, report_cli, with_prior_year

from fazhi_analysis.report import charts, facts, fonts, plotting

# A matplotlib font cache written before the CJK fonts were installed: every other font, none of Noto CJK.
STALE_CACHE = """
from matplotlib import font_manager as fm
fm.fontManager.ttflist = [f for f in fm.fontManager.ttflist if "CJK" not in f.name]
fm.json_dump(fm.fontManager, fm._get_fontmanager_cache_path() if hasattr(fm, "_get_fontmanager_cache_path")
             else __import__("os").path.join(__import__("matplotlib").get_cachedir(),
                                            f"fontlist-v{fm.FontManager.__version__}.json"))
"""


def _without_cjk() -> font_manager.FontManager:
    manager = copy.copy(font_manager.fontManager)
    manager.ttflist = [f for f in manager.ttflist if "CJK" not in f.name]
    return manager


def test_no_cjk_font_anywhere_is_an_error_that_says_how_to_install() -> None:
    with pytest.raises(fonts.FontError, match="fonts-noto-cjk"):
        fonts.ensure_font(_without_cjk(), files=[])


def test_unreadable_candidates_are_passed_over(tmp_path: Path) -> None:
    junk = tmp_path / "not-a-font.ttc"
    junk.write_bytes(b"junk")
    with pytest.raises(fonts.FontError, match=fonts.FONT):
        fonts.ensure_font(_without_cjk(), files=[str(junk), str(tmp_path / "missing.otf")])


@pytest.mark.system
def test_a_manager_that_lacks_the_font_gets_it_from_the_font_files() -> None:
    manager = _without_cjk()
    path = fonts.ensure_font(manager)
    assert font_manager.get_font(path).family_name.startswith("Noto Sans CJK")
    assert manager.findfont(font_manager.FontProperties(family=fonts.FONT), fallback_to_default=False) == path


@pytest.mark.system
def test_a_character_missing_from_the_font_fails_the_chart_unless_it_comes_from_the_data() -> None:
    found = facts.gather(with_prior_year(), REGION, YEAR)
    comparison = found.comparison.copy()
    comparison.loc[comparison["section"] == "disputes", "name"] = "行政复议\U0001f600"
    svg = charts.figures_chart(dataclasses.replace(found, comparison=comparison), "disputes")
    assert "行政复议□" in svg  # a name from the data is made drawable (issue 18: an emoji broke every report)
    with pytest.raises(fonts.FontError, match="missing"), plotting.house_style():  # any other text must be drawable
        fig = Figure()
        fig.text(0.5, 0.5, "收到\U0001f600")
        plotting.to_svg(fig)


@pytest.fixture(scope="module")
def stale_cache(tmp_path_factory) -> Path:
    """An MPLCONFIGDIR whose font cache lists no CJK font."""
    folder = tmp_path_factory.mktemp("mplconfig")
    subprocess.run([sys.executable, "-c", STALE_CACHE], env={"MPLCONFIGDIR": str(folder), "PATH": ""}, check=True)
    cache = next(folder.glob("fontlist-*.json"))
    assert "CJK" not in cache.read_text(encoding="utf-8")
    return folder


@pytest.mark.system
def test_report_with_a_stale_font_cache_draws_every_chart_in_the_font(stale_cache, tmp_path) -> None:
    result, folder = report_cli(tmp_path, env={"MPLCONFIGDIR": str(stale_cache)})
    assert result.returncode == 0, result.stderr
    executed = json.loads((folder / "annual_report.ipynb").read_text(encoding="utf-8"))
    streams = [o for c in executed["cells"] for o in c.get("outputs", []) if o["output_type"] == "stream"]
    assert not [o for o in streams if o["name"] == "stderr"], "warnings in the executed notebook"
    svgs = [
        o["data"]["image/svg+xml"]
        for c in executed["cells"]
        for o in c.get("outputs", [])
        if "image/svg+xml" in o.get("data", {})
    ]
    assert len(svgs) == 7 and all("Noto Sans CJK SC" in "".join(svg) for svg in svgs)


@pytest.mark.system
def test_report_without_the_font_exits_1_naming_it(stale_cache, tmp_path) -> None:
    result, folder = report_cli(tmp_path, env={"MPLCONFIGDIR": str(stale_cache), fonts.FILES_ENV: ""})
    assert result.returncode == 1
    assert f"找不到图表所需的中文字体 {fonts.FONT}" in result.stderr and "fonts-noto-cjk" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (folder / "annual_report.html").exists()
