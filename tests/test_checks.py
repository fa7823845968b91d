"""Tests of fazhi_analysis.checks and `fazhi validate`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from fazhi_analysis import checks
from fazhi_analysis.cli import main
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import catalog, tidy
from fazhi_analysis.table import findings as findings_contract

FIXTURES = Path(__file__).parent / "fixtures"


def _table(rows: list[tuple]) -> pd.DataFrame:
    """Tidy rows from (region, year, indicator, value, unit, approx, source)."""
    frame = pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "unit", "approx", "source"])
    return tidy.conform(frame)


def _seed() -> pd.DataFrame:
    gold = json.loads((FIXTURES / "dabancheng_2024_report.mentions.json").read_text(encoding="utf-8"))
    frame = pd.DataFrame(gold["mentions"]).assign(region="达坂城区", year=2024, source="report.txt")
    return tidy.conform(frame)


def _rules(findings: pd.DataFrame, *, without: tuple[str, ...] = ("completeness",)) -> list[tuple]:
    kept = findings[~findings["rule"].isin(without)]
    return list(zip(kept["level"], kept["rule"], kept["indicator"].fillna("")))


def test_seed_report_has_no_errors_only_one_completeness_warning_naming_its_missing_core_figures():
    findings = checks.check(_seed())
    assert list(findings.columns) == findings_contract.FINDING_COLUMNS
    assert not checks.has_errors(findings)
    assert findings["rule"].tolist() == ["completeness"]
    assert findings["message_zh"].item() == "达坂城区 2024年：缺少 2/9 项核心指标：行政诉讼败诉案件、主动公开政府信息"
    assert findings["message_en"].item().endswith("lacks 2 of 9 core indicators: disputes.litigation_lost, "
                                                  "oversight.proactive_disclosures")  # fmt: skip


def test_completeness_counts_core_indicators_only(tmp_path, monkeypatch):
    core = catalog.core()
    every_core = [("甲区", 2024, i, 1.0, catalog.indicators().at[i, "unit"], False, "a.txt") for i in core]
    assert checks.check(_table(every_core)).empty  # 80 other catalog indicators missing: no warning
    findings = checks.check(_table(every_core[1:] + [("甲区", 2024, "legal_education.flag_lectures", 3.0, "场次",
                                                      False, "a.txt")]))  # fmt: skip
    assert findings["rule"].tolist() == ["completeness"] and findings["indicator"].isna().all()
    assert findings["message_zh"].item().endswith(f"缺少 1/{len(core)} 项核心指标：政府常务会议专题学法")
    monkeypatch.setenv("FAZHI_ROOT", str(tmp_path))  # a project that expects 法治讲堂 of every report
    (tmp_path / "catalog.yaml").write_text("indicators:\n  - {id: study.law_lectures, core: true}\n", encoding="utf-8")
    assert "政府部门参加法治培训" in checks.check(_table(every_core))["message_zh"].item()


def test_check_does_not_mutate_input():
    table = _seed()
    before = table.copy()
    checks.check(table)
    pd.testing.assert_frame_equal(table, before)


def test_unit_not_accepted_is_an_error_naming_region_year_indicator_source():
    table = _table([("甲区", 2024, "disputes.litigation_cases", 5.0, "人次", False, "a.xlsx#表1!C3")])
    findings = checks.check(table)
    unit = findings[findings["rule"] == "unit"].iloc[0]
    assert (unit["level"], unit["region"], unit["year"], unit["indicator"], unit["source"]) == (
        "error",
        "甲区",
        2024,
        "disputes.litigation_cases",
        "a.xlsx#表1!C3",
    )
    assert unit["message_zh"] == (
        "甲区 2024年：行政应诉案件（disputes.litigation_cases）的单位“人次”不在可接受的单位（件、起、宗、个）中"
        "（来源：a.xlsx#表1!C3）"
    )
    assert "unit '人次' is not an accepted unit of disputes.litigation_cases" in unit["message_en"]


def test_ranges_rate_count_negative():
    table = _table(
        [
            ("甲区", 2024, "disputes.litigation_loss_rate", 120.0, "%", False, "t.csv#!B2"),
            ("甲区", 2024, "disputes.litigation_cases", 2.5, "件", False, "t.csv#!B3"),
            ("甲区", 2024, "enforcement.penalty_amount", -10.0, "元", False, "t.csv#!B4"),
            ("甲区", 2024, "disputes.legal_aid_cases", 0.0, "件", False, "t.csv#!B5"),
        ]
    )
    assert _rules(checks.check(table)) == [
        ("error", "count_whole", "disputes.litigation_cases"),
        ("error", "rate_range", "disputes.litigation_loss_rate"),
        ("error", "negative", "enforcement.penalty_amount"),
    ]


def test_relation_closed_not_above_received():
    table = _table(
        [
            ("甲区", 2024, "disputes.reconsideration_applications", 11.0, "件", False, "r.txt"),
            ("甲区", 2024, "disputes.reconsideration_closed", 12.0, "件", False, "r.txt"),
            ("乙区", 2024, "disputes.reconsideration_applications", 11.0, "件", False, "r.txt"),
            ("乙区", 2024, "disputes.reconsideration_closed", 11.0, "件", False, "r.txt"),
        ]
    )
    findings = checks.check(table)
    relation = findings[findings["rule"] == "relation"]
    assert relation["region"].tolist() == ["甲区"]
    assert relation["source"].item() == "r.txt"
    assert "实际为 12件 与 11件" in relation["message_zh"].item()


def test_conflict_between_table_and_text_and_approx_tolerance():
    table = _table(
        [
            ("甲区", 2024, "disputes.litigation_cases", 5.0, "件", False, "report.txt"),
            ("甲区", 2024, "disputes.litigation_cases", 6.0, "件", False, "dept.xlsx#应诉!C4"),
            # 130余份 in the text and 132 in the table agree; 150 would not.
            ("甲区", 2024, "administration.legal_opinion_letters", 130.0, "份", True, "report.txt"),
            ("甲区", 2024, "administration.legal_opinion_letters", 132.0, "份", False, "dept.xlsx#决策!C5"),
            ("乙区", 2024, "administration.legal_opinion_letters", 130.0, "份", True, "report.txt"),
            ("乙区", 2024, "administration.legal_opinion_letters", 150.0, "份", False, "dept.xlsx#决策!C5"),
        ]
    )
    findings = checks.check(table)
    conflicts = findings[findings["rule"] == "conflict"]
    assert list(zip(conflicts["region"], conflicts["indicator"])) == [
        ("乙区", "administration.legal_opinion_letters"),
        ("甲区", "disputes.litigation_cases"),
    ]
    assert conflicts["level"].unique().tolist() == ["error"]
    assert conflicts["source"].iloc[1] == "dept.xlsx#应诉!C4; report.txt"
    assert "dept.xlsx#应诉!C4 为 6件，report.txt 为 5件" in conflicts["message_zh"].iloc[1]


def test_duplicate_in_one_file_is_a_warning():
    table = _table(
        [
            ("甲区", 2024, "disputes.litigation_cases", 5.0, "件", False, "report.txt"),
            ("甲区", 2024, "disputes.litigation_cases", 5.0, "件", False, "report.txt"),
        ]
    )
    assert _rules(checks.check(table)) == [("warning", "duplicate", "disputes.litigation_cases")]


def test_schema_errors_year_range_unknown_id_missing_value_and_text():
    table = pd.DataFrame(
        {
            "region": ["甲区", "甲区", None, "甲区", "甲区"],
            "year": ["1999", "2024", "2024", "二〇二四", "2024"],
            "indicator": [
                "disputes.litigation_cases",
                "no.such_id",
                "disputes.litigation_cases",
                "disputes.litigation_cases",
                "disputes.litigation_cases",
            ],
            "value": ["1", "2", "3", "4", "many"],
            "unit": ["件"] * 5,
            "approx": ["false"] * 5,
            "source": [f"t.csv#!B{i}" for i in range(2, 7)],
        }
    )
    findings = checks.check(table)
    schema = findings[findings["rule"] == "schema"].sort_values("source")
    assert schema["source"].tolist() == ["t.csv#!B2", "t.csv#!B3", "t.csv#!B4", "t.csv#!B5", "t.csv#!B6"]
    assert schema["level"].unique().tolist() == ["error"]
    messages = schema["message_en"].tolist()
    assert f"year 1999 outside 2000–{dt.date.today().year + 1}" in messages[0]
    assert "indicator id no.such_id is not in the catalog" in messages[1]
    assert "region is missing" in messages[2]
    assert "year is not a number: 二〇二四" in messages[3]
    assert "value is not a number: many" in messages[4]


def test_schema_findings_follow_the_tidy_contract(monkeypatch):
    monkeypatch.setattr(tidy, "max_year", lambda: 2023)
    table = _table([("甲区", 2024, "disputes.litigation_cases", 5.0, "件", False, "a.csv#!B2")])
    schema = checks.check(table).query("rule == 'schema'")
    assert schema["message_en"].tolist() == ["甲区 2024: year 2024 outside 2000–2023 (source: a.csv#!B2)"]
    assert schema["message_zh"].tolist() == ["甲区 2024年：年度 2024 超出范围 2000–2023（来源：a.csv#!B2）"]


def test_a_row_failing_two_rules_of_the_contract_gives_two_findings():
    table = _table([(None, 1999, "no.such_id", 5.0, "件", False, "a.csv#!B2")])
    findings = checks.check(table)
    assert findings["rule"].tolist() == ["schema", "schema", "schema"]
    assert [m.split(": ", 1)[1] for m in findings["message_en"]] == [
        "region is missing (source: a.csv#!B2)",
        f"year 1999 outside 2000–{dt.date.today().year + 1} (source: a.csv#!B2)",
        "indicator id no.such_id is not in the catalog (source: a.csv#!B2)",
    ]


UNSAFE_REGIONS = [
    ("../../../tmp/x", 'has a ".." path component'),
    ("/tmp/x", "contains a path separator (/ or \\)"),
    ("甲区\\乙区", "contains a path separator (/ or \\)"),
    ("..", 'cannot be ".."'),
    (".", 'cannot be "."'),
    ("甲区\n", "contains a control or invisible character"),
    ("甲\t区", "contains a control or invisible character"),
    ("甲\x00区", "contains a control or invisible character"),
    (" 甲区", "has leading or trailing whitespace"),
    ("甲区 ", "has leading or trailing whitespace"),
    ("区" * 65, "is 65 characters long, more than 64"),
]


@pytest.mark.parametrize(("region", "reason"), UNSAFE_REGIONS, ids=[repr(r)[:16] for r, _ in UNSAFE_REGIONS])
def test_a_region_that_cannot_name_a_folder_is_an_error(region, reason):
    table = _table([(region, 2024, "disputes.litigation_cases", 5.0, "件", False, "a.xlsx#表1!C3")])
    findings = checks.check(table)
    assert findings["rule"].tolist() == ["region_name"]  # the row is set aside: no completeness warning
    finding = findings.iloc[0]
    assert (finding["level"], finding["region"], finding["year"]) == ("error", region, 2024)
    assert finding["source"] == "a.xlsx#表1!C3"
    escaped = repr(region)
    assert finding["message_en"] == f"{escaped} 2024: the region cannot name a folder: {reason} (source: a.xlsx#表1!C3)"
    assert finding["message_zh"].startswith(f"{escaped} 2024年：地区名称不能用作文件夹名：")
    assert finding["message_zh"].endswith("（来源：a.xlsx#表1!C3）")
    assert "\n" not in finding["message_zh"] + finding["message_en"]
    assert checks.has_errors(findings)
    pd.testing.assert_frame_equal(findings_contract.FindingsTable.validate(findings), findings)


@pytest.mark.parametrize("region", ["达坂城区", "乙{year}区", '"甲"区', "甲 区", "区" * 64])
def test_regions_with_braces_quotes_or_inner_spaces_are_fine(region):
    table = _table([(region, 2024, "disputes.litigation_cases", 5.0, "件", False, "a.xlsx#表1!C3")])
    findings = checks.check(table)
    assert "region_name" not in findings["rule"].tolist() and not checks.has_errors(findings)
    assert findings["message_en"].str.startswith(f"{region} 2024: ").all()


def test_the_region_name_rule_is_part_of_the_tidy_contract():
    table = _table([("../x", 2024, "disputes.litigation_cases", 5.0, "件", False, "a.csv#!B2")])
    with pytest.raises(Exception, match="region_name"):
        tidy.TidyTable.validate(table)
    tidy.TidyTable.validate(table.assign(region=pd.array(["甲区"], dtype="string")))


def test_a_blank_region_is_missing_not_misnamed():
    table = _table([("  ", 2024, "disputes.litigation_cases", 5.0, "件", False, "a.csv#!B2")])
    findings = checks.check(table)
    assert findings["rule"].tolist() == ["schema"] and "region is missing" in findings["message_en"].item()


def test_validate_finds_an_unsafe_region_in_a_csv(tmp_path, capsys):
    path = tmp_path / "t.csv"
    table = _table([("../../../tmp/x", 2024, "disputes.litigation_cases", 5.0, "件", False, "a.xlsx#表1!C3")])
    table.to_csv(path, index=False, encoding="utf-8-sig")
    assert main(["validate", str(path), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["region"]) for f in findings] == [("region_name", "../../../tmp/x")]


def test_findings_keep_their_contract():
    assert findings_contract.FINDING_COLUMNS == list(findings_contract.FindingsTable.to_schema().columns)
    bad = _seed()
    bad.loc[0, "value"] = -1
    bad.loc[1, "indicator"] = "no.such_id"
    for table in (_seed(), bad, tidy.empty(), pd.DataFrame({"region": ["甲区"]})):
        findings = checks.check(table)
        pd.testing.assert_frame_equal(findings_contract.FindingsTable.validate(findings), findings)


def test_missing_columns_is_one_error():
    findings = checks.check(pd.DataFrame({"region": ["甲区"]}))
    assert findings["rule"].tolist() == ["schema"]
    assert findings["message_en"].item().endswith("missing columns: year, indicator, value, unit, source")


def test_outliers_respect_threshold():
    table = _table(
        [
            ("甲区", 2023, "disputes.litigation_cases", 10.0, "件", False, "r23.txt"),
            ("甲区", 2024, "disputes.litigation_cases", 25.0, "件", False, "r24.txt"),
            ("甲区", 2023, "disputes.legal_aid_cases", 0.0, "件", False, "r23.txt"),
            ("甲区", 2024, "disputes.legal_aid_cases", 7.0, "件", False, "r24.txt"),
            ("甲区", 2022, "enforcement.penalty_cases", 100.0, "件", False, "r22.txt"),
            ("甲区", 2024, "enforcement.penalty_cases", 900.0, "件", False, "r24.txt"),
        ]
    )
    default = checks.check(table)
    outlier = default[default["rule"] == "outlier"]
    assert outlier[["year", "indicator", "source"]].values.tolist() == [
        [2024, "disputes.litigation_cases", "r24.txt; r23.txt"]
    ]
    assert "同比变化 +150.0%（2023年 10件 → 2024年 25件）" in outlier["message_zh"].item()
    small = _table(
        [
            ("甲区", 2023, "disputes.litigation_cases", 3.0, "件", False, "r23.txt"),
            ("甲区", 2024, "disputes.litigation_cases", 1.0, "件", False, "r24.txt"),
            ("甲区", 2023, "disputes.legal_aid_cases", 2.0, "件", False, "r23.txt"),
            ("甲区", 2024, "disputes.legal_aid_cases", 500.0, "件", False, "r24.txt"),
        ]
    )
    found = checks.check(small)
    assert found.loc[found["rule"] == "outlier", "indicator"].tolist() == ["disputes.legal_aid_cases"]  # not 3 → 1
    assert (checks.check(table, outlier_threshold=2.0)["rule"] == "outlier").sum() == 0
    with pytest.raises(InputError):
        checks.check(table, outlier_threshold=0)


def test_a_reported_rate_its_counts_contradict_is_a_warning_naming_both_figures():
    table = _table(
        [
            ("甲区", 2024, "disputes.litigation_lost", 9.0, "件", False, "dept.xlsx#表1!C3"),
            ("甲区", 2024, "disputes.litigation_cases", 12.0, "件", False, "dept.xlsx#表1!C2"),
            ("甲区", 2024, "disputes.litigation_loss_rate", 50.0, "%", False, "report.txt:3:5"),
            ("乙区", 2024, "disputes.reconsideration_corrected", 1.0, "件", False, "b.txt:1:1"),
            ("乙区", 2024, "disputes.reconsideration_closed", 3.0, "件", False, "b.txt:1:5"),
            ("乙区", 2024, "disputes.reconsideration_correction_rate", 33.3, "%", False, "b.txt:1:9"),
        ]
    )
    findings = checks.check(table)
    mismatch = findings[findings["rule"] == "rate_mismatch"]  # 1 ÷ 3 = 33.33…% rounds to 33.3%: no finding for 乙区
    assert mismatch[["level", "region", "indicator"]].values.tolist() == [
        ["warning", "甲区", "disputes.litigation_loss_rate"]
    ]
    zh = mismatch["message_zh"].item()
    assert "报告为 50%（来源：report.txt:3:5）" in zh
    assert "行政诉讼败诉案件（disputes.litigation_lost） 9件 ÷ 行政应诉案件（disputes.litigation_cases） 12件" in zh
    assert "计算为 75%（来源：dept.xlsx#表1!C3; dept.xlsx#表1!C2），相差 25 个百分点" in zh
    assert "±0.5 个百分点" in zh and "beyond the ±0.5 of rounding" in mismatch["message_en"].item()
    assert mismatch["source"].item() == "report.txt:3:5; dept.xlsx#表1!C3; dept.xlsx#表1!C2"
    assert not checks.has_errors(findings)


def test_no_rate_mismatch_without_both_rates_or_from_a_zero_denominator():
    table = _table(
        [
            ("甲区", 2024, "disputes.litigation_lost", 0.0, "件", False, "a.txt"),
            ("甲区", 2024, "disputes.litigation_cases", 0.0, "件", False, "a.txt"),
            ("甲区", 2024, "disputes.litigation_loss_rate", 10.0, "%", False, "a.txt"),
            ("乙区", 2024, "disputes.reconsideration_corrected", 2.0, "件", False, "b.txt"),
            ("乙区", 2024, "disputes.reconsideration_correction_rate", 90.0, "%", False, "b.txt"),
        ]
    )
    assert "rate_mismatch" not in checks.check(table)["rule"].tolist()


def test_an_approximate_count_widens_the_rate_agreement():
    rows = [
        ("甲区", 2024, "disputes.litigation_lost", 1.0, "件", False, "a.txt"),
        ("甲区", 2024, "disputes.litigation_cases", 9.0, "件", False, "a.txt"),  # 11.11…%
        ("甲区", 2024, "disputes.litigation_loss_rate", 10.5, "%", False, "a.txt"),  # 0.61 points off
    ]
    assert "rate_mismatch" in checks.check(_table(rows))["rule"].tolist()
    rows[1] = (*rows[1][:5], True, "a.txt")  # 9余件: 10 % of 11.11… = 1.11 points allowed
    assert "rate_mismatch" not in checks.check(_table(rows))["rule"].tolist()


def test_findings_are_deterministic_errors_first():
    table = _seed()
    shuffled = table.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(checks.check(table), checks.check(shuffled))
    table.loc[0, "value"] = -1
    findings = checks.check(table)
    assert findings["level"].iloc[0] == "error"


def test_representative_prefers_exact_over_approx():
    table = _table(
        [
            ("甲区", 2024, "disputes.litigation_cases", 5.0, "件", True, "a.txt"),
            ("甲区", 2024, "disputes.litigation_cases", 6.0, "件", False, "b.xlsx#S!C3"),
        ]
    )
    assert checks.representative(table)["value"].tolist() == [6.0]


# --- command line ------------------------------------------------------------------------------


def test_cli_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.parquet"
    _seed().to_parquet(good)
    assert main(["validate", str(good)]) == 0
    bad = tmp_path / "bad.csv"
    table = _seed()
    table.loc[0, "value"] = 2.5
    table.to_csv(bad, index=False, encoding="utf-8-sig")
    capsys.readouterr()
    assert main(["validate", str(bad), "--format", "csv"]) == 1
    out, err = capsys.readouterr()
    findings = pd.read_csv(pd.io.common.StringIO(out))
    assert findings.loc[0, "rule"] == "count_whole"
    assert "1 个错误" in err and "1 errors" in err


def test_cli_bad_input_exit_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.parquet")]) == 2
    wrong = tmp_path / "table.txt"
    wrong.write_text("x", encoding="utf-8")
    assert main(["validate", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert "missing.parquet" in err and "table.txt" in err and "Traceback" not in err


def test_catalog_relations_all_reference_known_ids():
    ids = set(catalog.indicators().index)
    relations = catalog.relations()
    assert set(relations["left"]) <= ids and set(relations["right"]) <= ids


# --- inside fazhi build -------------------------------------------------------------------------


def _raw_with_table(tmp_path: Path, table_text: str) -> Path:
    raw = tmp_path / "raw"
    (raw / "tables").mkdir(parents=True)
    seed = Path(__file__).parents[1] / "data" / "raw" / "dabancheng_2024_report.txt"
    (raw / seed.name).write_bytes(seed.read_bytes())
    (raw / "tables" / "司法局.csv").write_text(table_text, encoding="utf-8")
    return raw


def test_build_merges_spreadsheets_deterministically_and_flags_conflicts(tmp_path, capsys):
    raw = _raw_with_table(
        tmp_path,
        "地区,年度,指标名称,单位,数值\n达坂城区,2024,收到行政复议申请,件,12\n"
        "达坂城区,2024,法律援助案件,件,9\n达坂城区,2024,天气,件,1\n",
    )
    first, second = tmp_path / "p1", tmp_path / "p2"
    assert main(["build", "--raw", str(raw), "--processed", str(first)]) == 1
    assert main(["build", "--raw", str(raw), "--processed", str(second)]) == 1
    for name in ("indicators.parquet", "indicators.csv", "findings.csv", "rejects.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    table = pd.read_parquet(first / "indicators.parquet")
    from_table = table[table["source"].str.startswith("tables/司法局.csv#")]
    assert from_table[["indicator", "value"]].values.tolist() == [
        ["disputes.reconsideration_applications", 12.0],
        ["disputes.legal_aid_cases", 9.0],
    ]
    findings = pd.read_csv(first / "findings.csv", encoding="utf-8-sig")
    conflict = findings[findings["rule"] == "conflict"]
    assert conflict["indicator"].tolist() == ["disputes.reconsideration_applications"]
    sources = conflict["source"].item().split("; ")
    assert sources[0].startswith("dabancheng_2024_report.txt:") and sources[1] == "tables/司法局.csv#E2"
    assert pd.read_csv(first / "rejects.csv", encoding="utf-8-sig")["reason"].tolist() == ["unknown_indicator"]
    assert "1 个错误" in capsys.readouterr().err


def test_build_with_agreeing_table_exits_0(tmp_path):
    raw = _raw_with_table(tmp_path, "地区,年度,指标名称,单位,数值\n达坂城区,2024,收到行政复议申请,件,11\n")
    assert main(["build", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 0


def test_build_spells_table_regions_as_the_reports_do(tmp_path):
    raw = _raw_with_table(tmp_path, "乌鲁木齐市达坂城区2024年法治指标\n指标名称,单位,数值\n收到行政复议申请,件,12\n")
    assert main(["build", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 1
    table = pd.read_parquet(tmp_path / "p" / "indicators.parquet")
    assert set(table["region"]) == {"达坂城区"}
    findings = pd.read_parquet(tmp_path / "p" / "findings.parquet")
    assert findings.loc[findings["rule"] == "conflict", "indicator"].tolist() == [
        "disputes.reconsideration_applications"
    ]
