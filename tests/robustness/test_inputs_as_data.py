"""Cases that already held, kept so that none comes back: input text never becomes markup, code or objects."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from report_data import REGION, YEAR, report_cli, with_prior_year

from fazhi_analysis import project
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.discover import sidecar_region_year
from fazhi_analysis.report import facts, narrative
from fazhi_analysis.table import catalog

HOSTILE = '"); import os; os.system("touch pwned") #<script>alert(1)</script>{{ 7*7 }}'


def test_hostile_labels_and_regions_are_escaped_in_every_part_of_the_page() -> None:
    table = with_prior_year()
    table["label"] = HOSTILE
    found = facts.gather(table, REGION, YEAR)
    title = narrative.title(dataclasses.replace(found, region=REGION + "<b>"))
    assert "<b>" not in title and "&lt;b&gt;" in title
    parts = pd.DataFrame({"region": [REGION], "year": [YEAR], "part": ["shortcomings"], "title": ["不足"],
                          "heading": [HOSTILE], "text": [HOSTILE], "source": [HOSTILE]})  # fmt: skip
    sentences = pd.DataFrame({"region": [REGION], "year": [YEAR], "source": table["source"].head(1).tolist(),
                              "sentence": [HOSTILE]})  # fmt: skip
    for page in (
        narrative.sources_appendix(table, REGION, YEAR, sentences),
        narrative.quality_appendix(table, REGION, YEAR, None),
        narrative.own_words(found, parts),
    ):
        assert "<script>" not in page and "&lt;script&gt;" in page
        assert "{{ 7*7 }}" in page  # the label is text, never a template
    assert "<script>" not in narrative.chapter(found, "disputes")


def test_yaml_tags_are_refused_in_a_project_catalog_and_a_sidecar(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(project.ROOT_ENV, raising=False)
    project.init(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalog.yaml").write_text(
        "indicators: !!python/object/apply:os.system ['touch pwned']\n", encoding="utf-8"
    )
    with pytest.raises(InputError):
        catalog.indicators()
    report = tmp_path / "data" / "raw" / "r.txt"
    report.write_text("收到行政复议申请11件。", encoding="utf-8")
    (tmp_path / "data" / "raw" / "r.txt.meta.yaml").write_text(
        "region: !!python/object/apply:os.system ['touch pwned']\n", encoding="utf-8"
    )
    with pytest.raises(InputError):
        sidecar_region_year(report)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.system
def test_a_region_that_looks_like_code_is_a_parameter_value_not_code(tmp_path) -> None:
    region = '甲"); open("pwned", "w") #区'
    table = with_prior_year()
    table["region"] = table["region"].replace(REGION, region)
    result, folder = report_cli(tmp_path, table, region=region)
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.rglob("pwned"))
    assert f"<title>{region}" in (folder / "annual_report.html").read_text(encoding="utf-8")  # shown as text
