"""The ``fazhi`` command line: a thin layer, each command one call into the library.

Output for machines goes to stdout; progress and messages go to stderr. A
:class:`~fazhi_analysis.errors.FazhiError` becomes one line on stderr and its exit code
(2 for bad input, 1 for failed checks); it never shows a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from . import __version__
from .errors import FazhiError

Handler = Callable[[argparse.Namespace], int]

MAIN_EPILOG = """\
常用流程 / typical use:
  fazhi build                                  # data/raw/ → data/processed/indicators.parquet
  fazhi report --region 达坂城区 --year 2024     # → reports/达坂城区/2024/annual_report.html/.pdf
  fazhi extract data/raw/dabancheng_2024_report.txt --format csv

'fazhi COMMAND --help' 查看各命令的用法和示例 / shows each command's options and examples.
"""


def _cmd_catalog(args: argparse.Namespace) -> int:
    from . import catalog

    sys.stdout.write(catalog.to_table(args.format).rstrip("\n") + "\n")
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from . import extract, output

    figures = extract.extract_file(args.path, region=args.region, year=args.year)
    output.write_records(figures, fmt=args.format, out=args.output)
    print(f"{args.path}: {len(figures)} 个数字 / figures, {figures['indicator'].notna().sum()} 个已对应指标 / mapped",
          file=sys.stderr)
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from . import build

    table = build.build(raw_dir=args.raw, processed_dir=args.processed)
    print(f"{len(table)} 行 / rows → {Path(args.processed) / 'indicators.parquet'}", file=sys.stderr)
    return 0


def _add_catalog(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "catalog",
        help="打印指标目录 / print the indicator catalog",
        description="打印指标目录（编号、板块、名称、单位、类型、别名）。\nPrint the indicator catalog.",
        epilog="示例 / examples:\n  fazhi catalog\n  fazhi catalog --format csv > catalog.csv\n  fazhi catalog --format json | jq '.[0]'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="输出格式 / output format (default: table)")
    p.set_defaults(handler=_cmd_catalog)


def _add_extract(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="从报告文本中提取数字 / extract the figures of a report's text",
        description=(
            "从一份报告（.txt UTF-8/GBK 或 .docx）中找出每个数字，换算到基本单位，并对应到指标目录。\n"
            "Find every figure of a report, fold 万/亿 into the value and map it to a catalog indicator.\n\n"
            "JSON records: indicator, label, section, value, unit, approx, raw, start, end, sentence\n"
            "(start/end: character offsets of raw in the decoded text, end exclusive)."
        ),
        epilog=(
            "示例 / examples:\n"
            "  fazhi extract data/raw/dabancheng_2024_report.txt\n"
            "  fazhi extract report.docx --format csv -o figures.csv\n"
            "  fazhi extract report.txt --region 达坂城区 --year 2024 --format parquet -o figures.parquet"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("path", help="报告文件 / report file (.txt or .docx)")
    p.add_argument("--region", help="地区，缺省时从报告正文识别 / region (default: detected from the text)")
    p.add_argument("--year", type=int, help="年度，缺省时从报告正文识别 / year (default: detected from the text)")
    p.add_argument("--format", choices=["json", "csv", "parquet"], default="json", help="输出格式 / output format (default: json)")
    p.add_argument("-o", "--output", help="输出文件，缺省为标准输出 / output file (default: stdout; required for parquet)")
    p.set_defaults(handler=_cmd_extract)


def _add_build(sub: argparse._SubParsersAction) -> None:
    from .config import PROCESSED_DIR, RAW_DIR

    p = sub.add_parser(
        "build",
        help="由 data/raw/ 生成整洁指标表 / build the tidy table from data/raw/",
        description=(
            "读取 data/raw/ 下的报告文本，生成 data/processed/indicators.parquet 和 .csv。\n"
            "Read the report texts under data/raw/ and write the tidy table (parquet and csv).\n"
            "地区和年度优先取报告正文，其次取旁注文件 <name>.meta.yaml，最后取文件名。\n"
            "Region and year: the report's own words win, then a <name>.meta.yaml sidecar, then the file name."
        ),
        epilog="示例 / examples:\n  fazhi build\n  fazhi build --raw other/raw --processed other/processed",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--raw", type=Path, default=RAW_DIR, help=f"输入文件夹 / input folder (default: {RAW_DIR})")
    p.add_argument("--processed", type=Path, default=PROCESSED_DIR, help=f"输出文件夹 / output folder (default: {PROCESSED_DIR})")
    p.set_defaults(handler=_cmd_build)


def _cmd_validate(args: argparse.Namespace) -> int:
    from . import output, validate

    table = validate.read_table(args.table)
    threshold = validate.DEFAULT_OUTLIER_THRESHOLD if args.threshold is None else args.threshold
    findings = validate.check(table, outlier_threshold=threshold)
    if args.format == "table":
        text = "\n".join(f"[{f.level}] {f.message_zh}\n          {f.message_en}" for f in findings.itertuples())
        if args.output is None:
            if text:
                sys.stdout.write(text + "\n")
        else:
            with output.atomic_path(args.output) as tmp:
                tmp.write_text(text + "\n" if text else "", encoding="utf-8")
    else:
        output.write_records(findings, fmt=args.format, out=args.output)
    print(f"{args.table}: {len(table)} 行 / rows; {validate.summary(findings)}", file=sys.stderr)
    return 1 if validate.has_errors(findings) else 0


def _add_validate(sub: argparse._SubParsersAction) -> None:
    from .config import DEFAULT_TABLE

    p = sub.add_parser(
        "validate",
        help="校验整洁指标表 / check a tidy indicator table",
        description=(
            "按模式和指标目录校验整洁指标表，列出错误和警告（中英文，注明地区、年度、指标和来源）。\n"
            "Check a tidy table against the schema and the catalog; list errors and warnings.\n\n"
            "错误 / errors (exit 1): 类型与缺失值 types and missing values (schema), 年度 year 2000…next year,\n"
            "  单位不在目录中 unit not accepted (unit), 来源间数值不一致 conflicting values (conflict),\n"
            "  目录关系如 结案≤收到 catalog relations (relation), 比率超出0–100 (rate_range),\n"
            "  计数非整数或为负 counts not whole / negative (count_whole, negative).\n"
            "警告 / warnings (exit 0): 同一文件重复 (duplicate), 板块指标不全 (completeness),\n"
            "  同比异常变化 year-over-year outliers (outlier, see --threshold)."
        ),
        epilog=(
            "示例 / examples:\n"
            "  fazhi validate                                   # data/processed/indicators.parquet\n"
            "  fazhi validate cleaned.csv --threshold 0.5       # flag changes beyond ×1.5 / ÷1.5\n"
            "  fazhi validate --format csv -o findings.csv\n"
            "退出码 / exit codes: 0 无错误 no errors (warnings allowed), 1 有错误 errors, 2 输入有误 bad input"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("table", nargs="?", default=str(DEFAULT_TABLE), help=f"整洁指标表 .parquet 或 .csv / tidy table (default: {DEFAULT_TABLE})")
    p.add_argument("--threshold", type=float, default=None,
                   help="同比离群阈值：较大值超过较小值的 (1+阈值) 倍即警告 / year-over-year outlier threshold (default: 1.0, i.e. doubled or halved)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="输出格式 / output format (default: table)")
    p.add_argument("-o", "--output", help="输出文件，缺省为标准输出 / output file (default: stdout)")
    p.set_defaults(handler=_cmd_validate)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_catalog, _add_extract, _add_build, _add_validate]


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of ``fazhi`` with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="fazhi",
        description="法治政府建设情况报告的数据整理、校验、分析与报告。\nTidy, check, analyse and report the figures of 法治政府建设情况报告.",
        epilog=MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``fazhi`` with ``argv``; returns the exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.handler(args)
    except FazhiError as exc:
        print(f"fazhi: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
