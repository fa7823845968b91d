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
from fazhi_analysis.cli._common import add_verbosity
from fazhi_analysis.cli.build_cmds import add_build, add_review, add_validate, cmd_build, cmd_review, cmd_validate
from fazhi_analysis.cli.ingest_cmds import add_catalog, add_clean, add_extract, add_template
from fazhi_analysis.cli.project_cmds import add_customize, add_doctor, add_explore, add_init, cmd_customize
from fazhi_analysis.cli.report_cmds import (
    add_batch,
    add_check_draft,
    add_export,
    add_report,
    cmd_batch,
    cmd_export,
    cmd_report,
)
from fazhi_analysis.errors import FazhiError, InputError, OutputError

__all__ = ["COMMANDS", "MAIN_EPILOG", "PROJECT_COMMANDS", "main", "make_parser"]


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


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_init,
    add_customize,
    add_doctor,
    add_explore,
    add_catalog,
    add_extract,
    add_build,
    add_review,
    add_validate,
    add_report,
    add_check_draft,
    add_batch,
    add_export,
    add_clean,
    add_template,
]


# The commands that work on a project's folders: failing outside a project, they say how to make one.
PROJECT_COMMANDS = (cmd_build, cmd_review, cmd_validate, cmd_report, cmd_batch, cmd_export, cmd_customize)


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
    add_verbosity(parser, default=0)
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
            if args.handler in PROJECT_COMMANDS and not here.is_project and not _paths_given(args):
                print(f"fazhi: 提示 / hint: {project.NOT_A_PROJECT.format(root=here.root)}", file=sys.stderr)
        except OSError as exc:  # a folder that cannot be written, a full disk: not the input's fault
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"fazhi: {where}写入或系统错误 / output or system failure: {exc.strerror or exc}", file=sys.stderr)
            code = OutputError.exit_code
        except KeyboardInterrupt:
            print("已中断 / interrupted", file=sys.stderr)
            return 130
    return code


def _paths_given(args: argparse.Namespace) -> bool:
    """Whether the command was given its files (``--data``, ``--raw`` …): then an error is not for want of a
    project, and no hint to make one is given."""
    return any(getattr(args, name, None) for name in ("data", "raw", "processed", "table"))


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
