"""The commands that write reports: ``fazhi report``, ``batch``, ``export`` and ``check-draft``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fazhi_analysis import options
from fazhi_analysis.cli._common import PEERS_HELP, command, say_progress
from fazhi_analysis.errors import InputError
from fazhi_analysis.options import YEAR
from fazhi_analysis.report import kinds, outputs

__all__ = [
    "add_batch",
    "add_check_draft",
    "add_export",
    "add_report",
    "cmd_batch",
    "cmd_check_draft",
    "cmd_export",
    "cmd_report",
]


def _formats(text: str) -> tuple[str, ...]:
    """``--formats``: the names of the formats asked for (:func:`fazhi_analysis.report.outputs.parse`)."""
    try:
        return tuple(fmt.name for fmt in outputs.parse(text))
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_formats(p: argparse.ArgumentParser) -> None:
    """``--formats``, offering every output format (the bundled ones and those other packages add)."""
    offered = "，".join(f"{name}（{fmt.label}）" for name, fmt in outputs.formats().items())
    default = ",".join(outputs.defaults())
    p.add_argument(
        "--formats",
        type=_formats,
        metavar="F[,F…]",
        help=f"输出格式，逗号分隔 / output formats, comma-separated: {offered} (default: {default})",
    )


def _add_kind(p: argparse.ArgumentParser) -> None:
    """``--kind``, offering every report kind, and ``--overview`` for ``--kind overview``."""
    offered = "，".join(f"{name}（{kind.label}）" for name, kind in kinds.kinds().items())
    p.add_argument("--kind", choices=list(kinds.kinds()), default=kinds.ANNUAL.name,
                   help=f"报告类型 / report kind: {offered} (default: {kinds.ANNUAL.name})")  # fmt: skip
    p.add_argument("--overview", dest="kind", action="store_const", const=kinds.OVERVIEW.name,
                   help="即 --kind overview：该年度各地区概览 / the overview of every region of the year")  # fmt: skip


def _add_kinds(p: argparse.ArgumentParser) -> None:
    """``--kinds``, offering every report kind."""
    offered = "，".join(f"{name}（{kind.label}）" for name, kind in kinds.kinds().items())
    p.add_argument("--kinds", nargs="+", choices=list(kinds.kinds()), default=[kinds.ANNUAL.name], metavar="K",
                   help=f"报告类型 / report kinds: {offered} (default: {kinds.ANNUAL.name})")  # fmt: skip


def cmd_report(args: argparse.Namespace) -> int:
    """Run ``fazhi report``; returns the exit code."""
    from fazhi_analysis.report import run

    kind = kinds.get(args.kind)
    what = " ".join(str(part) for part in (args.region, args.year) if part is not None)
    say_progress(args, f"生成{kind.label} / building the {kind.name} report: {what} …")
    job = run.job_of(
        kind, args.region, args.year, output_dir=args.output_dir, data_path=args.data,
        compare_year=args.compare_year, peers=args.peers, here=args.here,
    )  # fmt: skip
    paths = run.publish(job, args.formats, args.here)
    for name in outputs.formats():
        if name in paths:
            print(paths[name])
    return 0


def add_report(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi report`` to the subcommands."""
    p = command(
        sub,
        "report",
        cmd_report,
        help="生成年度报告或各地区概览（HTML 和 PDF）/ build the annual report or the regional overview",
        description=(
            "用 papermill 执行年度报告笔记本（项目的 notebooks/annual_report.ipynb，缺省为内置的），\n"
            "导出为 reports/<地区>/<年度>/annual_report.{ipynb,html,pdf}。\n"
            "Run the annual-report notebook with papermill and export it to HTML and PDF (via the system Chromium).\n"
            "--overview（即 --kind overview）：一个年度全部地区的概览（覆盖、排名、关注点、离群值），\n"
            "导出为 reports/overview/<年度>/regional_overview.{ipynb,html,pdf}。\n"
            "--overview (--kind overview): every region of a year side by side (coverage, rankings, highlights).\n"
            "项目中定制的笔记本须与本版本的笔记本接口一致，否则在启动内核前报错。\n"
            "A project's customized notebook of an older notebook API is refused before a kernel starts.\n"
            "成功时在标准输出打印各格式文件的路径 / prints the paths of the files written on stdout.\n"
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
    _add_kind(p)
    p.add_argument("--year", required=True, type=YEAR, help="报告年度 / report year")
    _add_formats(p)
    p.add_argument("--output-dir", type=Path, help="报告根目录 / reports root (default: PROJECT/reports)")
    p.add_argument(
        "--data", type=Path, help="整洁指标表 / tidy table (default: PROJECT/data/processed/indicators.parquet)"
    )
    p.add_argument("--compare-year", type=YEAR, help="对比年度，缺省为上一年 / comparison year (default: year - 1)")
    p.add_argument("--peers", metavar="RULE", help=PEERS_HELP)


def cmd_batch(args: argparse.Namespace) -> int:
    """Run ``fazhi batch``; returns the exit code."""
    from fazhi_analysis.report import batch

    if args.scheduler is not None:
        if args.executor == "local":
            raise InputError("--scheduler 只用于 --executor dask / --scheduler needs --executor dask, not local")
        options.check_scheduler(args.scheduler)
    asked = [*args.kinds, *([kinds.OVERVIEW.name] if args.overview else [])]
    result = batch.run_batch(
        args.regions,
        args.years,
        kinds=asked,
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


def add_batch(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi batch`` to the subcommands."""
    p = command(
        sub,
        "batch",
        cmd_batch,
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
    _add_kinds(p)
    p.add_argument("--overview", action="store_true", help="同时生成各年度概览（即 --kinds 加上 overview）/ also each "
                   "year's overview (overview added to --kinds)")  # fmt: skip
    p.add_argument(
        "--workers",
        type=options.workers(),
        default=2,
        metavar="N",
        help="并行进程数，1 到 CPU 核数×4 / worker processes, 1 to 4 per core (default: 2)",
    )
    _add_formats(p)
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


def cmd_export(args: argparse.Namespace) -> int:
    """Run ``fazhi export``; returns the exit code."""
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


def add_export(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi export`` to the subcommands."""
    p = command(
        sub,
        "export",
        cmd_export,
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


def cmd_check_draft(args: argparse.Namespace) -> int:
    """Run ``fazhi check-draft``; returns the exit code."""
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
                                 level=args.level, today=today, here=args.here)  # fmt: skip
    draft.write(findings, args.format, args.out)
    return 1 if draft.has_errors(findings) else 0


def add_check_draft(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi check-draft`` to the subcommands."""
    p = command(
        sub,
        "check-draft",
        cmd_check_draft,
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
