"""The ``fazhi`` command line: a thin layer, each command one call into the library.

Output for machines goes to stdout; progress and messages go to stderr. A
:class:`~fazhi_analysis.errors.FazhiError` becomes one line on stderr and its exit code
(2 for bad input, 1 for failed checks, 3 for an output or system failure); it never shows a traceback.

Every command works on a project folder (:mod:`fazhi_analysis.project`): ``--project DIR``, else
``$FAZHI_ROOT``, else the working directory or the nearest folder above it holding ``data/raw/``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from fazhi_analysis import __version__, options, project
from fazhi_analysis.errors import FazhiError, InputError, OutputError
from fazhi_analysis.options import FRACTION, POSITIVE, YEAR

Handler = Callable[[argparse.Namespace], int]
UNREPORTABLE = ("region_name",)  # findings of rows no report can be made of: fazhi build exits 2
PEERS_HELP = (
    "比较范围：缺省为同层级且同上级的地区；level 同层级，parent 同上级，group:分组名 地区表中的分组，all 全部地区 / "
    "peers: default same level and parent; level, parent, group:NAME (the regions table's 分组), all"
)

MAIN_EPILOG = """\
常用流程 / typical use:
  fazhi init 我的项目 && cd 我的项目             # 新建项目文件夹 / a new project folder
  fazhi doctor                                 # 本机能否生成报告 / can the report run here
  fazhi build                                  # data/raw/ → data/processed/indicators.parquet
  fazhi report --region 达坂城区 --year 2024     # → reports/达坂城区/2024/annual_report.html/.pdf
  fazhi report --overview --year 2024          # 各地区概览 / all regions of a year
  fazhi batch --workers 2                      # 全部地区和年度 / every region and year, with an index
  fazhi export                                 # 各地区×指标×年度宽表 / the wide table → reports/*.xlsx
  fazhi explore                                # 探索笔记本 / the explore notebook
  fazhi review                                 # → reports/review.xlsx；填好存为 data/raw/overrides.xlsx 再 build
  fazhi check-draft 草稿.docx --region 达坂城区 --year 2024   # 检查报告草稿 / check a draft
  fazhi extract data/raw/dabancheng_2024_report.txt --format csv

'fazhi COMMAND --help' 查看各命令的用法和示例 / shows each command's options and examples.
"""


def _cmd_catalog(args: argparse.Namespace) -> int:
    from fazhi_analysis.table import catalog

    sys.stdout.write(catalog.to_table(args.format, catalog.of(args.here)).rstrip("\n") + "\n")
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from fazhi_analysis.ingest import extract
    from fazhi_analysis.table import write

    threshold = extract.default_min_confidence() if args.min_confidence is None else args.min_confidence
    figures = extract.extract_file(
        args.path, region=args.region, year=args.year, min_confidence=threshold, **_limits(args)
    )
    write.write_records(figures, fmt=args.format, out=args.output)
    low = (figures["indicator"].isna() & (figures["confidence"] > 0) & (figures["confidence"] < threshold)).sum()
    print(
        f"{args.path}: {len(figures)} 个数字 / figures, {figures['indicator'].notna().sum()} 个已对应指标 / mapped, "
        f"{low} 个低于置信度 {threshold} / below the confidence threshold",
        file=sys.stderr,
    )
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from fazhi_analysis import build, checks

    processed = args.processed or args.here.processed
    table, findings, _ = build.build_checked(
        raw_dir=args.raw, processed_dir=processed, limits=_limits(args), here=args.here
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


def _command(
    sub: argparse._SubParsersAction,
    name: str,
    handler: Handler,
    *,
    help: str,
    description: str,
    examples: str,
    **defaults: object,
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` shows its description, then worked examples."""
    parser = sub.add_parser(
        name,
        help=help,
        description=description,
        epilog="示例 / examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler, **defaults)
    _add_verbosity(parser)
    parser.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        help="项目文件夹，缺省为当前目录或其上含 data/raw/ 的目录 / project folder "
        "(default: $FAZHI_ROOT, else the working directory or the nearest parent holding data/raw/)",
    )
    return parser


def _add_verbosity(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    """``-v`` (repeatable: each stage's timing, each job) and ``-q`` (errors only), read by :func:`_setup_logging`.

    Both before the command (``fazhi -v report``, where they default to 0) and after it (``fazhi report -v``,
    where a missing flag leaves the value given before the command).
    """
    group = parser.add_mutually_exclusive_group()
    more = "更多信息，含各步耗时 / more detail, with stage timings"
    group.add_argument("-v", "--verbose", action="count", default=default, help=more)
    group.add_argument("-q", "--quiet", action="count", default=default, help="只显示错误 / errors only")


def _setup_logging(args: argparse.Namespace) -> None:
    """The package's log to stderr: warnings by default, INFO at -v, DEBUG at -vv, errors only at -q."""
    import logging

    loudness = getattr(args, "verbose", 0) - getattr(args, "quiet", 0)
    level = logging.ERROR if loudness < 0 else (logging.WARNING, logging.INFO, logging.DEBUG)[min(loudness, 2)]
    logger = logging.getLogger("fazhi_analysis")
    logger.setLevel(level)
    if not any(getattr(h, "fazhi", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.fazhi = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def _cmd_init(args: argparse.Namespace) -> int:
    created = project.init(args.folder, customized=args.customize)
    root = Path(args.folder).resolve()
    for path in created:
        print(f"  + {path.relative_to(root)}", file=sys.stderr)
    print(f"项目文件夹已就绪 / project folder ready: {root}", file=sys.stderr)
    print(root)
    return 0


def _add_init(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "init",
        _cmd_init,
        help="新建项目文件夹 / make a new project folder",
        description=(
            "新建项目文件夹：data/raw/（放报告文本和部门表格）、data/processed/、reports/、探索笔记本\n"
            "notebooks/explore.ipynb，以及指标目录补充 catalog.yaml 和工作目标 targets.yaml。已有的文件不会被覆盖。\n"
            "报告的措辞模板和笔记本用包内的版本，升级后即生效；要修改它们，加 --customize（或以后运行\n"
            "fazhi customize templates|notebook）复制一份，副本记下来自哪个版本，fazhi doctor 会指出已过时的副本。\n"
            "Make a project folder: data/raw/ for the inputs, data/processed/, reports/, the explore notebook,\n"
            "catalog.yaml and targets.yaml. Existing files are kept. The wording and the report notebook stay the\n"
            "package's, so upgrades reach the project; --customize copies them to edit (stamped with the version)."
        ),
        examples=(
            "  fazhi init 乌鲁木齐市2024\n"
            "  cp 报告.txt 乌鲁木齐市2024/data/raw/ && cd 乌鲁木齐市2024\n"
            "  fazhi build && fazhi report --region 达坂城区 --year 2024\n"
            "  fazhi init 乌鲁木齐市2024 --customize   # 同时复制措辞模板和报告笔记本以便修改"
        ),
    )
    p.add_argument("folder", type=Path, help="项目文件夹（不存在则新建）/ the project folder (made if missing)")
    p.add_argument(
        "--customize", action="store_true", help="同时复制措辞模板和报告笔记本以便修改 / also copy them to edit"
    )


def _cmd_customize(args: argparse.Namespace) -> int:
    here = args.here
    copied = project.customize(here.root, args.what)
    for path in copied:
        print(f"  + {path.relative_to(here.root)}", file=sys.stderr)
    if not copied:
        print("项目中已有这些文件，未覆盖 / the project has them already: nothing copied", file=sys.stderr)
    return 0


def _add_customize(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "customize",
        _cmd_customize,
        help="复制内置的措辞模板或报告笔记本到项目中修改 / copy the bundled wording or notebooks to edit",
        description=(
            "把包内的措辞模板（templates：templates/narrative/）或报告笔记本（notebook：notebooks/annual_report.ipynb、\n"
            "regional_overview.ipynb）复制到项目中修改；项目里的副本优先于包内的版本。每个副本记下来自哪个版本\n"
            "和原文件的 SHA-256，升级后 fazhi doctor 会指出包内文件已更新的副本。已有的文件不覆盖。\n"
            "Copy the bundled wording or report notebooks into the project to edit; the copies win over the bundled\n"
            "ones. Each is stamped with the version it came from, so fazhi doctor names those an upgrade changed."
        ),
        examples="  fazhi customize templates\n  fazhi customize notebook\n  fazhi doctor   # 之后检查副本是否过时",
    )
    p.add_argument("what", choices=project.CUSTOMIZABLE, help="templates（措辞模板）或 notebook（报告笔记本）")


def _cmd_doctor(args: argparse.Namespace) -> int:
    from fazhi_analysis import doctor

    text, code = doctor.diagnose(args.here.root)
    print(text)
    return code


def _add_doctor(sub: argparse._SubParsersAction) -> None:
    _command(
        sub,
        "doctor",
        _cmd_doctor,
        help="检查本机能否生成报告、项目是否跟上包的版本 / can the report run here, is the project current",
        description=(
            "检查中文字体和 Chromium（缺少则报告无法生成，退出码 1）、poppler 和 LibreOffice（可选），列出要安装的\n"
            "软件包；检查项目：数据表是否已生成，哪些项目文件覆盖了包内已更新的模板或笔记本。\n"
            "Check the Chinese font and Chromium (without them the report cannot run: exit 1), poppler and\n"
            "LibreOffice (optional), and print what to install; then the project: its table, and its files that\n"
            "shadow bundled templates or notebooks changed since they were copied."
        ),
        examples="  fazhi doctor\n  fazhi doctor --project 乌鲁木齐市2024",
    )


def _cmd_explore(args: argparse.Namespace) -> int:
    import shutil
    import subprocess

    here = args.here
    if not here.is_project:
        raise InputError(project.NOT_A_PROJECT.format(root=here.root))
    path, copied = project.explore_notebook(here.root)
    print(f"{'已复制 / copied' if copied else '已有 / found'}: {path}", file=sys.stderr)
    print(path)
    jupyter = shutil.which("jupyter-lab")
    if args.no_open or jupyter is None:
        if jupyter is None:
            print("用 Jupyter 打开 / open it with Jupyter: pip install jupyterlab && jupyter lab " + str(path),
                  file=sys.stderr)  # fmt: skip
        return 0
    return subprocess.run([jupyter, str(path)], cwd=here.root).returncode


def _add_explore(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "explore",
        _cmd_explore,
        help="打开（或先复制）项目的探索笔记本 / open (or first copy) the project's explore notebook",
        description=(
            "打开项目的 notebooks/explore.ipynb（没有时先从包内复制）：读取、一个地区一个年度、历年走势、地区比较、\n"
            "比率，各一表一图。装有 JupyterLab 时用它打开，否则打印路径。\n"
            "Open the project's explore notebook (copied from the package when missing) in JupyterLab when it is\n"
            "installed; else print its path."
        ),
        examples="  fazhi explore\n  fazhi explore --no-open   # 只复制并打印路径 / only copy and print the path",
    )
    p.add_argument("--no-open", action="store_true", help="不打开，只打印路径 / print the path, do not open it")


def _add_limits(p: argparse.ArgumentParser, *, cells: bool = True) -> None:
    """Flags that cap what one input file may cost (a workbook's cells, its unzipped size, a text's size)."""
    from fazhi_analysis.ingest import sheets, unpack

    if cells:
        p.add_argument(
            "--max-cells",
            type=POSITIVE,
            metavar="N",
            help=f"一个表格文件最多的单元格数 / most cells of one workbook or CSV (default: {sheets.MAX_CELLS:,})",
        )
    p.add_argument(
        "--max-unzipped-mb",
        type=POSITIVE,
        metavar="MB",
        help=f".xlsx/.docx 解压后最大体积 / largest unzipped .xlsx/.docx "
        f"(default: {unpack.MAX_UNZIPPED_BYTES >> 20} MB)",
    )
    p.add_argument(
        "--max-text-mb",
        type=POSITIVE,
        metavar="MB",
        help=f"报告文本或 CSV 的最大体积 / largest report text or CSV (default: {unpack.MAX_TEXT_BYTES >> 20} MB)",
    )


def _limits(args: argparse.Namespace) -> dict[str, int]:
    """The limits given on the command line, as the keyword arguments of the readers."""
    given = {
        "max_cells": getattr(args, "max_cells", None),
        "max_unzipped_bytes": args.max_unzipped_mb and args.max_unzipped_mb << 20,
        "max_text_bytes": args.max_text_mb and args.max_text_mb << 20,
    }
    return {key: value for key, value in given.items() if value is not None}


def _add_catalog(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "catalog",
        _cmd_catalog,
        help="打印指标目录 / print the indicator catalog",
        description="打印指标目录（编号、板块、名称、单位、类型、别名）。\nPrint the indicator catalog.",
        examples=(
            "  fazhi catalog\n  fazhi catalog --format csv > catalog.csv\n  fazhi catalog --format json | jq '.[0]'"
        ),
    )
    p.add_argument(
        "--format", choices=["table", "csv", "json"], default="table", help="输出格式 / output format (default: table)"
    )


def _add_extract(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "extract",
        _cmd_extract,
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
    _add_limits(p, cells=False)


def _add_build(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "build",
        _cmd_build,
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
    _add_limits(p)


def _cmd_review(args: argparse.Namespace) -> int:
    from fazhi_analysis import build

    path, rows = build.review_sheet(
        raw_dir=args.raw, out=args.output, below=args.below, limits=_limits(args), here=args.here
    )
    print(f"{rows} 个待复核数字 / figures to review → {path}", file=sys.stderr)
    print(path)
    return 0


def _add_review(sub: argparse._SubParsersAction) -> None:
    from fazhi_analysis.ingest import review

    p = _command(
        sub,
        "review",
        _cmd_review,
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
        default=review.REVIEW_BELOW,
        metavar="X",
        help=f"已对应但置信度低于 X 的数字也列出 / also list mapped figures less sure than X "
        f"(default: {review.REVIEW_BELOW})",
    )
    _add_limits(p, cells=False)


def _cmd_validate(args: argparse.Namespace) -> int:
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


def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "validate",
        _cmd_validate,
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


def _cmd_report(args: argparse.Namespace) -> int:
    from fazhi_analysis.report import run

    if args.overview:
        if args.region is not None or args.compare_year is not None:
            raise InputError(
                "--overview 汇总全部地区，不能与 --region 或 --compare-year 同用 / "
                "--overview covers every region: do not give --region or --compare-year with it"
            )
        _progress(args, f"生成各地区概览 / building the regional overview: {args.year} …")
        paths = run.run_overview(
            args.year,
            formats=args.formats,
            output_dir=args.output_dir,
            data_path=args.data,
            peers=args.peers,
            here=args.here,
        )
    elif args.region is None:
        raise InputError("请指定 --region 地区，或用 --overview 生成各地区概览 / give --region, or --overview")
    else:
        _progress(args, f"生成报告 / building the report: {args.region} {args.year} …")
        paths = run.run_report(
            args.region,
            args.year,
            formats=args.formats,
            output_dir=args.output_dir,
            data_path=args.data,
            compare_year=args.compare_year,
            peers=args.peers,
            here=args.here,
        )
    for fmt in ("html", "pdf", "docx"):
        if fmt in paths:
            print(paths[fmt])
    return 0


def _progress(args: argparse.Namespace, text: str) -> None:
    """A progress line on stderr, unless ``-q``."""
    if not getattr(args, "quiet", 0):
        print(text, file=sys.stderr, flush=True)


def _add_report(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "report",
        _cmd_report,
        help="生成年度报告或各地区概览（HTML 和 PDF）/ build the annual report or the regional overview",
        description=(
            "用 papermill 执行年度报告笔记本（项目的 notebooks/annual_report.ipynb，缺省为内置的），\n"
            "导出为 reports/<地区>/<年度>/annual_report.{ipynb,html,pdf}。\n"
            "Run the annual-report notebook with papermill and export it to HTML and PDF (via the system Chromium).\n"
            "--overview：一个年度全部地区的概览（覆盖、排名、关注点、离群值），\n"
            "导出为 reports/overview/<年度>/regional_overview.{ipynb,html,pdf}。\n"
            "--overview: every region of a year side by side (coverage, rankings, highlights, outliers).\n"
            "成功时在标准输出打印 HTML 和 PDF 的路径 / prints the HTML and PDF paths on stdout.\n"
            "出错时原有报告不被改动；单元格出错时保存 annual_report.failed.ipynb。\n"
            "On failure the previous report is untouched; a cell error keeps annual_report.failed.ipynb."
        ),
        examples=(
            "  fazhi report --region 达坂城区 --year 2024\n"
            "  fazhi report --region 达坂城区 --year 2024 --formats html\n"
            "  fazhi report --region 达坂城区 --year 2024 --compare-year 2022 --output-dir /tmp/reports\n"
            "  fazhi report --overview --year 2024                # 各地区概览 / the regional overview\n"
            "  fazhi report --region 达坂城区 --year 2024 --peers parent   # 与同一上级的地区比较 / same parent\n"
            "  jupyter nbconvert --to fazhi_pdf reports/达坂城区/2024/annual_report.ipynb   # 仅导出 / export only"
        ),
    )
    p.add_argument("--region", help="地区，与数据表一致 / region as in the table (e.g. 达坂城区)")
    p.add_argument(
        "--overview", action="store_true", help="生成该年度各地区概览 / build the overview of every region of the year"
    )
    p.add_argument("--year", required=True, type=YEAR, help="报告年度 / report year")
    p.add_argument(
        "--formats",
        default="html,pdf",
        help="输出格式 / output formats: html,pdf,docx (default: html,pdf; docx: 公文格式 Word 初稿 / Word draft)",
    )
    p.add_argument("--output-dir", type=Path, help="报告根目录 / reports root (default: PROJECT/reports)")
    p.add_argument(
        "--data", type=Path, help="整洁指标表 / tidy table (default: PROJECT/data/processed/indicators.parquet)"
    )
    p.add_argument("--compare-year", type=YEAR, help="对比年度，缺省为上一年 / comparison year (default: year - 1)")
    p.add_argument("--peers", metavar="RULE", help=PEERS_HELP)


def _cmd_batch(args: argparse.Namespace) -> int:
    from fazhi_analysis.report import batch

    if args.scheduler is not None:
        if args.executor == "local":
            raise InputError("--scheduler 只用于 --executor dask / --scheduler needs --executor dask, not local")
        options.check_scheduler(args.scheduler)
    result = batch.run_batch(
        args.regions,
        args.years,
        overview=args.overview,
        workers=args.workers,
        formats=args.formats,
        force=args.force,
        executor=args.executor or ("dask" if args.scheduler else "local"),
        scheduler=args.scheduler,
        output_dir=args.output_dir,
        data_path=args.data,
        progress=not args.quiet,
        peers=args.peers,
        here=args.here,
    )
    if not args.quiet:
        print(batch.summary(result), file=sys.stderr)
    print(result.index)
    return result.exit_code


def _add_batch(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "batch",
        _cmd_batch,
        help="批量生成全部地区、年度的报告 / render every region and year in one run",
        description=(
            "为数据表中的每个（地区，年度）生成年度报告（可加 --overview 生成各年度概览），多个进程并行；\n"
            "输入未变的报告跳过（--force 全部重做）。写出 reports/manifest.csv/.json 和 reports/index.html\n"
            "（自包含的索引页：状态、地区×年度覆盖表、各报告要点）。某份报告失败不影响其他报告，结束时退出码为 1。\n"
            "Render the annual report of every (region, year) of the table, side by side; unchanged ones are\n"
            "skipped unless --force. Writes the manifest and a self-contained index page. A failed report does\n"
            "not stop the others; the batch exits 1 at the end. Ctrl-C keeps what finished.\n"
            "--executor dask：在 dask.distributed 上运行（无 --scheduler 时为本机 LocalCluster）/ run on dask."
        ),
        examples=(
            "  fazhi batch                                     # 全部地区和年度 / everything\n"
            "  fazhi batch --years 2024 --overview --workers 4\n"
            "  fazhi batch --regions 达坂城区 天山区 --formats html --force\n"
            "  fazhi batch --scheduler tcp://10.0.0.5:8786        # dask 集群 / a dask cluster (README)\n"
            "退出码 / exit codes: 0 完成 done, 1 有报告失败 a report failed, 2 输入有误 bad input, 130 中断 interrupted"
        ),
    )
    p.add_argument("--regions", nargs="+", metavar="R", help="只生成这些地区 / only these regions")
    p.add_argument("--years", nargs="+", type=YEAR, metavar="Y", help="只生成这些年度 / only these years")
    p.add_argument("--overview", action="store_true", help="同时生成各年度概览 / also each year's overview")
    p.add_argument(
        "--workers",
        type=options.workers(),
        default=2,
        metavar="N",
        help="并行进程数，1 到 CPU 核数×4 / worker processes, 1 to 4 per core (default: 2)",
    )
    p.add_argument("--formats", default="html,pdf", help="输出格式 / output formats: html,pdf (default: html,pdf)")
    p.add_argument("--force", action="store_true", help="输入未变也重新生成 / render even unchanged reports")
    p.add_argument(
        "--executor",
        choices=["local", "dask"],
        help="执行器，缺省为 local，给出 --scheduler 时为 dask / executor (default: local; dask with --scheduler)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask 调度器地址 tcp://主机:端口，须在 10 秒内应答；意味着 --executor dask / a dask scheduler "
        "(tcp://host:8786) answering within 10 s; implies --executor dask",
    )
    p.add_argument("--peers", metavar="RULE", help=PEERS_HELP)
    p.add_argument("--output-dir", type=Path, help="报告根目录 / reports root (default: PROJECT/reports)")
    p.add_argument(
        "--data", type=Path, help="整洁指标表 / tidy table (default: PROJECT/data/processed/indicators.parquet)"
    )


def _cmd_export(args: argparse.Namespace) -> int:
    from fazhi_analysis import analysis
    from fazhi_analysis.table import regions

    here = args.here
    data = args.data or here.table
    out = args.output or here.reports / (
        f"截至{args.year}年各地区历年数据宽表.xlsx" if args.year else "各地区历年数据宽表.xlsx"
    )
    table = analysis.load_table(data)
    path = analysis.export_wide(table, out, as_of=args.year, peers=args.peers, region_table=regions.load(data))
    print(f"宽表已写入 / wide table written: {path}", file=sys.stderr)
    print(path)
    return 0


def _add_export(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "export",
        _cmd_export,
        help="导出各地区×指标×年度的宽表（Excel）/ export the wide table (xlsx)",
        description=(
            "把整洁指标表导出为 Excel 宽表：每个地区、每项指标一行，每个年度一组列——数值、同比变化、同比变化(%)、\n"
            "位次（在比较范围内由高到低，数值相同者并列）、可比地区数、并列地区数，地区表给出常住人口时还有每万人数值和位次；\n"
            "另一工作表“说明”写明比较规则和各列含义。文字单元格防公式注入，数字保持为数字。\n"
            "Export the tidy table as a wide xlsx: a row per region and indicator, per year the figure, its change,\n"
            "its change in %, its rank among the peers (ties shared), how many peers reported it and how many share\n"
            "the rank, per 10,000 residents where a population is given; a second sheet explains the columns.\n"
            "--year Y：只含 Y 年及以前（与 Y 年报告一致）/ only the years up to Y, as a report of Y reads them."
        ),
        examples=(
            "  fazhi export                                   # → reports/各地区历年数据宽表.xlsx\n"
            "  fazhi export --year 2023 --peers level -o 2023宽表.xlsx"
        ),
    )
    p.add_argument("-o", "--output", type=Path, help="输出文件 .xlsx / output file (default: PROJECT/reports/…xlsx)")
    p.add_argument("--year", type=YEAR, help="只含该年度及以前 / only the years up to this one")
    p.add_argument("--peers", metavar="RULE", help=PEERS_HELP)
    p.add_argument(
        "--data", type=Path, help="整洁指标表 / tidy table (default: PROJECT/data/processed/indicators.parquet)"
    )


def _cmd_clean(args: argparse.Namespace) -> int:
    from fazhi_analysis.ingest import clean
    from fazhi_analysis.table import write

    result = clean.clean_files(
        args.paths,
        region=args.region,
        year=args.year,
        threshold=args.threshold,
        progress=clean.print_progress,
        **_limits(args),
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


def _add_clean(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "clean",
        _cmd_clean,
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
    _add_limits(p)


def _cmd_template(args: argparse.Namespace) -> int:
    from fazhi_analysis.ingest import workbook

    path = workbook.write_template(args.output, region=args.region, year=args.year)
    print(f"模板已写入 / template written: {path}", file=sys.stderr)
    return 0


def _add_template(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "template",
        _cmd_template,
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


def _cmd_check_draft(args: argparse.Namespace) -> int:
    from datetime import date

    from fazhi_analysis import draft
    from fazhi_analysis.analysis import load_table

    data = args.data or args.here.table
    table = load_table(data) if args.data or Path(data).is_file() else None
    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        raise InputError(f"--today {args.today}: 日期应为 YYYY-MM-DD / not a date") from None
    findings = draft.check_draft(args.path, region=args.region, year=args.year, table=table, previous=args.previous,
                                 level=args.level, today=today)  # fmt: skip
    draft.write(findings, args.format, args.out)
    return 1 if draft.has_errors(findings) else 0


def _add_check_draft(sub: argparse._SubParsersAction) -> None:
    p = _command(
        sub,
        "check-draft",
        _cmd_check_draft,
        help="检查年度报告草稿 / check a draft annual report",
        description=(
            "检查报告草稿（.docx、.txt）：《法治政府建设与责任落实督察工作规定》要求的各部分（按标题查找）、\n"
            "标题中的地区和年度、标题年份、与部门报表不一致的数据、目录关系（结案≤收到）、与计数不符的比率、\n"
            "上年报告而本稿确实未见的指标、报送期限（deadlines.yaml）。每条意见注明所在标题、第几段第几句（附原句）\n"
            "和所依据的部门报表单元格。数字按抽取时的同一规则读（2,536.8万元、全角数字），项目的人工指定\n"
            "（data/raw/overrides.xlsx 或 .csv，fazhi review）按“数字”和“句子”套用到草稿上，行号变了也适用。\n"
            "Check a draft report: the required parts, title, years, figures against the departments' tables,\n"
            "relations and rates, indicators truly dropped since last year, the deadline; each finding names its\n"
            "heading, paragraph and sentence and the departments' cell. The project's overrides apply by figure and\n"
            "sentence, wherever the lines moved."
        ),
        examples=(
            "  fazhi check-draft 草稿.docx\n"
            "  fazhi check-draft 草稿.docx --previous data/raw/dabancheng_2023_report.txt --level department\n"
            "  fazhi check-draft 草稿.txt --format xlsx --out 意见.xlsx\n"
            "退出码 / exit codes: 0 无错误 no errors (warnings allowed), 1 缺少必备部分或数据冲突 a required part\n"
            "  missing or a figure in conflict, 2 输入有误 bad input"
        ),
    )
    p.add_argument("path", type=Path, help="报告草稿 .docx 或 .txt / the draft")
    p.add_argument("--region", help="地区，缺省取自草稿 / region (default: the draft's own words)")
    p.add_argument("--year", type=YEAR, help="报告年度，缺省取自草稿 / report year (default: the draft's own words)")
    p.add_argument("--previous", type=Path, help="上年报告或整洁表 / last year's report text or tidy table")
    p.add_argument("--level", choices=["county", "city", "province", "department"], default="county",
                   help="报告主体级别，决定报送期限 / level, for its deadline (default: county)")  # fmt: skip
    p.add_argument("--data", type=Path, help="整洁指标表 / tidy table (default: the project's, when built)")
    p.add_argument("--format", choices=["text", "json", "xlsx"], default="text", help="输出格式 / output format")
    p.add_argument("--out", type=Path, help="输出文件，缺省为标准输出 / output file (default: stdout; xlsx needs it)")
    p.add_argument("--today", help="按此日期判断期限 YYYY-MM-DD / the date for the deadline (default: today)")


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_init,
    _add_customize,
    _add_doctor,
    _add_explore,
    _add_catalog,
    _add_extract,
    _add_build,
    _add_review,
    _add_validate,
    _add_report,
    _add_check_draft,
    _add_batch,
    _add_export,
    _add_clean,
    _add_template,
]


# The commands that work on a project's folders: failing outside a project, they say how to make one.
PROJECT_COMMANDS = (_cmd_build, _cmd_review, _cmd_validate, _cmd_report, _cmd_batch, _cmd_export, _cmd_customize)


class _Parser(argparse.ArgumentParser):
    """argparse's parser whose errors are one line (``fazhi batch: …``) and exit 2, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: 参数错误 / bad argument: {message}（{self.prog} --help）\n")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of ``fazhi`` with every subcommand."""
    parser = _Parser(
        prog="fazhi",
        description=(
            "法治政府建设情况报告的数据整理、校验、分析与报告。\n"
            "Tidy, check, analyse and report the figures of 法治政府建设情况报告."
        ),
        epilog=MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_verbosity(parser, default=0)
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
    _setup_logging(args)
    with _terminate_as_interrupt():
        try:
            args.here = _project_of(args.project)
            with project.use(args.here):
                options.check_outputs(args)
                code = args.handler(args)
        except FazhiError as exc:
            print(f"fazhi: {exc}", file=sys.stderr)
            code = exc.exit_code
            here = getattr(args, "here", None) or project.find()
            if args.handler in PROJECT_COMMANDS and not here.is_project:
                print(f"fazhi: 提示 / hint: {project.NOT_A_PROJECT.format(root=here.root)}", file=sys.stderr)
        except OSError as exc:  # a folder that cannot be written, a full disk: not the input's fault
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"fazhi: {where}写入或系统错误 / output or system failure: {exc.strerror or exc}", file=sys.stderr)
            code = OutputError.exit_code
        except KeyboardInterrupt:
            print("已中断 / interrupted", file=sys.stderr)
            return 130
    return code


def _project_of(folder: Path | None) -> project.Project:
    """The project the command works in: ``folder`` (``--project``), else the one found from the environment
    or the working directory. The command is given it, and runs with it in use (:func:`project.use`).

    Raises:
        InputError: ``folder`` is not a folder.
    """
    if folder is not None and not folder.is_dir():
        raise InputError(f"--project {folder}: 项目文件夹不存在 / no such project folder")
    return project.find(folder)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP stop a command as Ctrl-C does, so that its kernel, Chromium and temporary
    files are cleaned up on the way out (``kill`` and a closed terminal leave nothing behind)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread (e.g. fazhi run from a notebook's worker)
        return
    previous = {sig: signal.signal(sig, interrupt) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
