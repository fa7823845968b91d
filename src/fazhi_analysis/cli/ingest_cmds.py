"""The commands that read inputs alone: ``fazhi catalog``, ``extract``, ``clean`` and ``template``."""

from __future__ import annotations

import argparse
import sys

from fazhi_analysis import options
from fazhi_analysis.cli._common import add_limits, command, limits_of
from fazhi_analysis.options import FRACTION, YEAR

__all__ = [
    "add_catalog",
    "add_clean",
    "add_extract",
    "add_template",
    "cmd_catalog",
    "cmd_clean",
    "cmd_extract",
    "cmd_template",
]


def cmd_catalog(args: argparse.Namespace) -> int:
    """Run ``fazhi catalog``; returns the exit code."""
    from fazhi_analysis.table import catalog

    sys.stdout.write(catalog.to_table(args.format, catalog.of(args.here)).rstrip("\n") + "\n")
    return 0


def add_catalog(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi catalog`` to the subcommands."""
    p = command(
        sub,
        "catalog",
        cmd_catalog,
        help="打印指标目录 / print the indicator catalog",
        description="打印指标目录（编号、板块、名称、单位、类型、别名）。\nPrint the indicator catalog.",
        examples=(
            "  fazhi catalog\n  fazhi catalog --format csv > catalog.csv\n  fazhi catalog --format json | jq '.[0]'"
        ),
    )
    p.add_argument(
        "--format", choices=["table", "csv", "json"], default="table", help="输出格式 / output format (default: table)"
    )


def cmd_extract(args: argparse.Namespace) -> int:
    """Run ``fazhi extract``; returns the exit code."""
    from fazhi_analysis.ingest import extract
    from fazhi_analysis.table import write

    threshold = extract.default_min_confidence() if args.min_confidence is None else args.min_confidence
    figures = extract.extract_file(
        args.path, region=args.region, year=args.year, min_confidence=threshold, **limits_of(args).for_text()
    )
    write.write_records(figures, fmt=args.format, out=args.output)
    low = (figures["indicator"].isna() & (figures["confidence"] > 0) & (figures["confidence"] < threshold)).sum()
    print(
        f"{args.path}: {len(figures)} 个数字 / figures, {figures['indicator'].notna().sum()} 个已对应指标 / mapped, "
        f"{low} 个低于置信度 {threshold} / below the confidence threshold",
        file=sys.stderr,
    )
    return 0


def add_extract(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi extract`` to the subcommands."""
    p = command(
        sub,
        "extract",
        cmd_extract,
        help="从报告文本中提取数字 / extract the figures of a report's text",
        description=(
            "从一份报告（.txt UTF-8/GBK、.docx、.pdf 文字层或另存的网页 .html）中找出每个数字，\n"
            "换算到基本单位，并对应到指标目录。\n"
            "Find every figure of a report, fold 万/亿 into the value and map it to a catalog indicator.\n\n"
            "JSON records: indicator, label, section, value, unit, approx, raw, start, end, sentence,\n"
            "confidence, reason (start/end: character offsets of raw in the decoded text, end exclusive;\n"
            "confidence 0–1: how sure the indicator is; reason: why it was chosen or left empty, e.g.\n"
            "alias+noun+section, abstain:subset(其中)). 置信度低于 --min-confidence 的指标留空，数字保留。\n"
            "Ids less sure than --min-confidence are left empty; figures are never dropped."
        ),
        examples=(
            "  fazhi extract data/raw/dabancheng_2024_report.txt\n"
            "  fazhi extract report.docx --format csv -o figures.csv\n"
            "  fazhi extract report.txt --region 达坂城区 --year 2024 --format parquet -o figures.parquet\n"
            "  fazhi extract report.txt --min-confidence 0   # every id the mapper chose / 保留全部候选指标"
        ),
    )
    p.add_argument("path", help="报告文件 / report file (.txt, .docx, .pdf, .html)")
    p.add_argument("--region", help="地区，缺省时从报告正文识别 / region (default: detected from the text)")
    p.add_argument("--year", type=YEAR, help="年度，缺省时从报告正文识别 / year (default: detected from the text)")
    p.add_argument(
        "--format", choices=["json", "csv", "parquet"], default="json", help="输出格式 / output format (default: json)"
    )
    p.add_argument(
        "-o", "--output", help="输出文件，缺省为标准输出 / output file (default: stdout; required for parquet)"
    )
    p.add_argument(
        "--min-confidence",
        type=FRACTION,
        metavar="X",
        help="置信度低于 X（0–1）的指标留空，缺省与 fazhi build 相同 / leave ids less sure than X empty "
        "(default: the threshold fazhi build uses, the calibrated one of the model: extract.default_min_confidence())",
    )
    add_limits(p, cells=False)


def cmd_clean(args: argparse.Namespace) -> int:
    """Run ``fazhi clean``; returns the exit code."""
    from fazhi_analysis.ingest import clean
    from fazhi_analysis.table import write

    result = clean.clean_files(
        args.paths,
        region=args.region,
        year=args.year,
        threshold=args.threshold,
        progress=clean.print_progress,
        **limits_of(args).for_tables(),
    )
    if args.output:
        write.write_file(result.table, args.output)
    else:
        write.write_records(result.table, fmt=args.format or "csv", out=None)
    if args.rejects:
        write.write_file(result.rejects, args.rejects)
    elif len(result.rejects):
        shown = result.rejects.head(10)
        for row in shown.itertuples():
            print(f"  拒收 / rejected {row.source}: {row.message_zh} / {row.message_en}", file=sys.stderr)
        if len(result.rejects) > len(shown):
            print(
                f"  … 另有 {len(result.rejects) - len(shown)} 个 / {len(result.rejects) - len(shown)} more",
                file=sys.stderr,
            )
        print("  完整清单请用 --rejects FILE / use --rejects FILE for the full list", file=sys.stderr)
    for where in result.skipped:
        print(f"  跳过 / skipped {where}: 没有数值 / no figures", file=sys.stderr)
    print(result.summary(), file=sys.stderr)
    return 1 if args.strict and len(result.rejects) else 0


def add_clean(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi clean`` to the subcommands."""
    p = command(
        sub,
        "clean",
        cmd_clean,
        help="整理部门报送的 CSV/Excel 表格 / clean departments' CSV and Excel tables",
        description=(
            "读取 CSV（UTF-8/GBK 自动识别）和 Excel .xlsx（所有工作表），识别标题行、合并单元格、说明行、合计行，\n"
            "长表（每行一个指标）和宽表（年度或地区为列），把指标名称对应到指标目录（含模糊匹配），\n"
            "换算单位（万元→元，万人次→人次），输出与 fazhi build 相同列的整洁表；source = 文件#工作表!单元格。\n"
            "Read CSV (encoding detected) and XLSX (every sheet): title rows, merged cells, notes, totals,\n"
            "long and wide layouts; match names to the catalog; fold 万/亿 into values; write the tidy table.\n\n"
            "每个有内容的数值单元格要么进入整洁表，要么进入拒收表并注明原因：\n"
            "Every value cell ends in the tidy table or in the rejects with a reason:\n"
            "  unknown_indicator 无法对应指标, unparsable 数值无法解析, missing 空值标记, unit 单位不符,\n"
            "  duplicate 重复, conflict 数值冲突, total 合计行/列, unknown_column 无法识别的列,\n"
            "  no_region 缺少地区, no_year 缺少年度.\n\n"
            "比率 / rates: 带 % 的按百分数读；没有任何单位且在 0–1 之间的按小数读（0.98 → 98%），\n"
            "  否则按百分数（98 → 98%）。\n"
            "  With a % anywhere (cell, unit column, header, Excel percent format) a rate is read as written;\n"
            "  with no unit, 0–1 is a fraction (0.98 → 98 %) and above 1 is percent points.\n"
            "地区和年度 / region and year: 表中的列和表头 > --region/--year > 工作表名 > 标题行 > 文件名。"
        ),
        examples=(
            "  fazhi clean 司法局.xlsx -o cleaned.csv --rejects rejects.csv\n"
            "  fazhi clean data/raw/tables/ --year 2024 -o cleaned.parquet     # every CSV/XLSX in a folder\n"
            "  fazhi clean 各区汇总.csv --region 达坂城区 --threshold 90          # stricter name matching\n"
            "  fazhi clean a.csv b.xlsx --format json | jq '.[0]'\n"
            "退出码 / exit codes: 0 完成 done (rejects listed), 1 有拒收且用了 --strict, 2 输入有误 bad input"
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="CSV/XLSX 文件或文件夹 / CSV or XLSX files or folders")
    p.add_argument(
        "-o",
        "--output",
        help="整洁表输出文件 .csv/.xlsx/.parquet/.json，缺省为标准输出 / tidy table file (default: stdout)",
    )
    p.add_argument(
        "--rejects", metavar="OUT", help="拒收清单输出文件 .csv/.parquet/.json / file for the rejected cells"
    )
    p.add_argument(
        "--format", choices=["csv", "json"], help="未给 -o 时标准输出的格式 / stdout format without -o (default: csv)"
    )
    p.add_argument("--region", help="表中未写明时使用的地区 / region when the table does not say")
    p.add_argument("--year", type=YEAR, help="表中未写明时使用的年度 / year when the table does not say")
    p.add_argument(
        "--threshold",
        type=options.number(0, 100, above=True),
        default=80.0,
        help="指标名称模糊匹配阈值 0–100 / fuzzy matching threshold for indicator names (default: 80)",
    )
    p.add_argument("--strict", action="store_true", help="有拒收时退出码为 1 / exit 1 when any cell is rejected")
    add_limits(p)


def cmd_template(args: argparse.Namespace) -> int:
    """Run ``fazhi template``; returns the exit code."""
    from fazhi_analysis.ingest import workbook

    path = workbook.write_template(args.output, region=args.region, year=args.year)
    print(f"模板已写入 / template written: {path}", file=sys.stderr)
    return 0


def add_template(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi template`` to the subcommands."""
    p = command(
        sub,
        "template",
        cmd_template,
        help="生成部门填报用的 Excel 模板 / write the fill-in Excel workbook",
        description=(
            "按指标目录生成填报表：每个板块一个工作表，列为 指标编号、指标名称、单位、本年数值、上年数值、备注；\n"
            "数值单元格有数字校验，表头冻结。填好后用 fazhi clean 读回。\n"
            "Write the fill-in workbook from the catalog: a sheet per section, number validation, frozen header.\n"
            "Read it back with fazhi clean."
        ),
        examples=(
            "  fazhi template --region 达坂城区 --year 2024 -o 达坂城区2024填报表.xlsx\n"
            "  fazhi clean 达坂城区2024填报表.xlsx -o cleaned.csv"
        ),
    )
    p.add_argument("--region", help="地区，写入标题 / region, written into the titles")
    p.add_argument("--year", type=YEAR, help="年度，写入表头（本年数值（2024年））/ year, written into the headers")
    p.add_argument("-o", "--output", required=True, help="输出文件 .xlsx / output file")
