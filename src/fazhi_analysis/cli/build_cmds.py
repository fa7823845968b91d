"""The commands of the project's table: ``fazhi build``, ``review`` and ``validate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fazhi_analysis import options
from fazhi_analysis.cli._common import add_limits, command, limits_of
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import REVIEW_BELOW
from fazhi_analysis.options import FRACTION

__all__ = ["UNREPORTABLE", "add_build", "add_review", "add_validate", "cmd_build", "cmd_review", "cmd_validate"]


UNREPORTABLE = ("region_name",)  # findings of rows no report can be made of: fazhi build exits 2


def cmd_build(args: argparse.Namespace) -> int:
    """Run ``fazhi build``; returns the exit code."""
    from fazhi_analysis import build, checks

    processed = args.processed or args.here.processed
    table, findings, _ = build.build_checked(
        raw_dir=args.raw, processed_dir=processed, limits=limits_of(args), here=args.here
    )
    print(f"{len(table)} 行 / rows → {processed / 'indicators.parquet'}", file=sys.stderr)
    for row in findings[findings["level"] == "error"].head(20).itertuples():
        print(f"  [error] {row.message_zh}", file=sys.stderr)
    print(
        f"校验 / checks: {checks.summary(findings)} → {processed / 'findings.csv'}"
        f"（每类至多列出 {checks.PER_KIND} 条 / at most {checks.PER_KIND} of each kind）",
        file=sys.stderr,
    )
    if findings["rule"].isin(UNREPORTABLE).any():  # rows no report can be made of: bad input, not failed checks
        return InputError.exit_code
    return 1 if checks.has_errors(findings) else 0


def add_build(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi build`` to the subcommands."""
    p = command(
        sub,
        "build",
        cmd_build,
        help="由 data/raw/ 生成整洁指标表 / build the tidy table from data/raw/",
        description=(
            "读取 data/raw/ 下的报告（.txt/.docx/.pdf/.html，.docx 中的表格按表格读）和部门表格（.csv/.xlsx），\n"
            "合并、校验，生成 "
            "data/processed/indicators.{parquet,csv}，以及 findings（校验结果）和 rejects（拒收单元格）。\n"
            "Read the report texts and the departments' tables under data/raw/, merge and check them, and write\n"
            "the tidy table plus the findings and rejects (parquet and csv). Same inputs, byte-identical outputs.\n"
            "报告文本的地区和年度优先取报告正文，其次取旁注文件 <name>.meta.yaml，最后取文件名。\n"
            "Region and year of a text: the report's own words win, then a <name>.meta.yaml sidecar,\n"
            "then the file name.\n"
            "报告文本中置信度低于校准阈值（验证集上准确率达 95% 处）的指标留空，数字保留，见 fazhi review。\n"
            "Ids of report texts less sure than the calibrated threshold (where the calibration split's ids are\n"
            "right 95% of the time) are left empty, the figures kept; fazhi review lists them.\n"
            "退出码 / exit codes: 0 完成 done, 1 校验有错误 check errors (files still written), 2 输入有误 bad input\n"
            "  （含不能用作文件夹名的地区，无法为其生成报告 / a region that cannot name a folder: no report of it）"
        ),
        examples="  fazhi build\n  fazhi build --raw other/raw --processed other/processed",
    )
    p.add_argument("--raw", type=Path, help="输入文件夹 / input folder (default: PROJECT/data/raw)")
    p.add_argument("--processed", type=Path, help="输出文件夹 / output folder (default: PROJECT/data/processed)")
    add_limits(p)


def cmd_review(args: argparse.Namespace) -> int:
    """Run ``fazhi review``; returns the exit code."""
    from fazhi_analysis import build

    path, rows = build.review_sheet(
        raw_dir=args.raw, out=args.output, below=args.below, limits=limits_of(args), here=args.here
    )
    print(f"{rows} 个待复核数字 / figures to review → {path}", file=sys.stderr)
    print(path)
    return 0


def add_review(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi review`` to the subcommands."""
    p = command(
        sub,
        "review",
        cmd_review,
        help="导出待复核的数字，供人工指定指标 / write the figures to review to an xlsx",
        description=(
            "把报告文本中未对应指标或置信度低于 --below 的数字写入 Excel：句子、数字、数值、单位、来源、\n"
            "当前指标及置信度和理由、候选指标及得分，以及空白的“指标编号”列（可从指标目录中选择）。\n"
            "填好后另存为 data/raw/overrides.xlsx（或同样列的 overrides.csv），fazhi build 会以它为准：\n"
            "填指标编号即指定指标，填 - 或 无 表示不对应任何指标；以“来源”（文件:行:列）为键。\n"
            "报告文本改动后来源对不上的行不会被套用，并在 findings 中给出警告。\n"
            "Write the figures without an indicator, or less sure than --below, to an xlsx with an empty 指标编号\n"
            "column. Saved as data/raw/overrides.xlsx (or .csv), fazhi build applies it over the automatic\n"
            "mapping (an id, or - / 无 for none), keyed by the source file:line:column; a row whose figure is\n"
            "gone after the text changed is not applied and is reported as a warning finding."
        ),
        examples=(
            "  fazhi review                      # → reports/review.xlsx\n"
            "  cp reports/review.xlsx data/raw/overrides.xlsx   # 填好“指标编号”后 / after filling 指标编号\n"
            "  fazhi build"
        ),
    )
    p.add_argument("--raw", type=Path, help="输入文件夹 / input folder (default: PROJECT/data/raw)")
    p.add_argument(
        "-o", "--output", type=Path, help="输出文件 .xlsx / output file (default: PROJECT/reports/review.xlsx)"
    )
    p.add_argument(
        "--below",
        type=FRACTION,
        default=REVIEW_BELOW,
        metavar="X",
        help=f"已对应但置信度低于 X 的数字也列出 / also list mapped figures less sure than X (default: {REVIEW_BELOW})",
    )
    add_limits(p, cells=False)


def cmd_validate(args: argparse.Namespace) -> int:
    """Run ``fazhi validate``; returns the exit code."""
    from fazhi_analysis import checks
    from fazhi_analysis.table import write

    args.table = args.table or args.here.table
    table = checks.read_table(args.table)
    threshold = checks.DEFAULT_OUTLIER_THRESHOLD if args.threshold is None else args.threshold
    found = checks.check(table, outlier_threshold=threshold)
    findings = checks.capped(found, args.per_kind or None)
    if args.format == "table":
        text = "\n".join(f"[{f.level}] {f.message_zh}\n          {f.message_en}" for f in findings.itertuples())
        if args.output is None:
            if text:
                sys.stdout.write(text + "\n")
        else:
            with write.atomic_path(args.output) as tmp:
                tmp.write_text(text + "\n" if text else "", encoding="utf-8")
    else:
        write.write_records(findings, fmt=args.format, out=args.output)
    print(f"{args.table}: {len(table)} 行 / rows; {checks.summary(found)}", file=sys.stderr)
    return 1 if checks.has_errors(found) else 0


def add_validate(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi validate`` to the subcommands."""
    p = command(
        sub,
        "validate",
        cmd_validate,
        help="校验整洁指标表 / check a tidy indicator table",
        description=(
            "按模式和指标目录校验整洁指标表，列出错误和警告（中英文，注明地区、年度、指标和来源）。\n"
            "Check a tidy table against the schema and the catalog; list errors and warnings.\n\n"
            "错误 / errors (exit 1): 类型与缺失值 types and missing values (schema), 年度 year 2000…next year,\n"
            "  单位不在目录中 unit not accepted (unit), 来源间数值不一致 conflicting values (conflict),\n"
            "  目录关系如 结案≤收到 catalog relations (relation), 比率超出0–100 (rate_range),\n"
            "  计数非整数或为负 counts not whole / negative (count_whole, negative),\n"
            "  地区名称不能用作文件夹名 region cannot name a folder (region_name).\n"
            "警告 / warnings (exit 0): 同一文件重复 (duplicate), 板块指标不全 (completeness),\n"
            "  同比异常变化 year-over-year outliers (outlier, see --threshold)."
        ),
        examples=(
            "  fazhi validate                                   # data/processed/indicators.parquet\n"
            "  fazhi validate cleaned.csv --threshold 0.5       # flag changes beyond ×1.5 / ÷1.5\n"
            "  fazhi validate --format csv -o findings.csv\n"
            "  fazhi validate --per-kind 0 -o 全部.txt               # every finding, none counted\n"
            "退出码 / exit codes: 0 无错误 no errors (warnings allowed), 1 有错误 errors, 2 输入有误 bad input"
        ),
    )
    p.add_argument(
        "table",
        nargs="?",
        type=Path,
        help="整洁指标表 .parquet 或 .csv / tidy table (default: PROJECT/data/processed/indicators.parquet)",
    )
    p.add_argument(
        "--threshold",
        type=options.number(0, above=True),
        default=None,
        help="同比离群阈值：较大值超过较小值的 (1+阈值) 倍即警告 / "
        "year-over-year outlier threshold (default: 1.0, i.e. doubled or halved)",
    )
    p.add_argument(
        "--format", choices=["table", "csv", "json"], default="table", help="输出格式 / output format (default: table)"
    )
    p.add_argument("-o", "--output", help="输出文件，缺省为标准输出 / output file (default: stdout)")
    p.add_argument(
        "--per-kind",
        type=options.number(0, whole=True),
        default=50,
        metavar="N",
        help="每类发现至多列出 N 条，其余计数；0 列出全部 / list at most N findings of each kind, count the others; "
        "0 lists all (default: 50)",
    )
