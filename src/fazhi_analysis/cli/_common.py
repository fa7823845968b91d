"""What every ``fazhi`` command shares: its parser, verbosity and project flags, the input limits, progress lines."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

from fazhi_analysis.ingest.inputs import DEFAULT_LIMITS, Limits
from fazhi_analysis.options import POSITIVE

__all__ = ["Handler", "PEERS_HELP", "add_limits", "add_verbosity", "command", "limits_of", "say_progress"]


Handler = Callable[[argparse.Namespace], int]


PEERS_HELP = (
    "比较范围：缺省为同层级且同上级的地区；level 同层级，parent 同上级，group:分组名 地区表中的分组，all 全部地区 / "
    "peers: default same level and parent; level, parent, group:NAME (the regions table's 分组), all"
)


def command(
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
    add_verbosity(parser)
    parser.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        help="项目文件夹，缺省为当前目录或其上含 data/raw/ 的目录 / project folder "
        "(default: $FAZHI_ROOT, else the working directory or the nearest parent holding data/raw/)",
    )
    return parser


def add_verbosity(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    """``-v`` (repeatable: each stage's timing, each job) and ``-q`` (errors only), read by :func:`_setup_logging`.

    Both before the command (``fazhi -v report``, where they default to 0) and after it (``fazhi report -v``,
    where a missing flag leaves the value given before the command).
    """
    group = parser.add_mutually_exclusive_group()
    more = "更多信息，含各步耗时 / more detail, with stage timings"
    group.add_argument("-v", "--verbose", action="count", default=default, help=more)
    group.add_argument("-q", "--quiet", action="count", default=default, help="只显示错误 / errors only")


def add_limits(p: argparse.ArgumentParser, *, cells: bool = True) -> None:
    """Flags that cap what one input file may cost (a workbook's cells, its unzipped size, a text's size), read by
    :func:`limits_of` (defaults: :data:`~fazhi_analysis.ingest.inputs.DEFAULT_LIMITS`)."""
    if cells:
        p.add_argument(
            "--max-cells",
            type=POSITIVE,
            metavar="N",
            help=f"一个表格文件最多的单元格数（默认 {DEFAULT_LIMITS.cells:,}）/ most cells of one workbook or CSV",
        )
    p.add_argument(
        "--max-unzipped-mb",
        type=POSITIVE,
        metavar="MB",
        help=f".xlsx/.docx 解压后、PDF 文件的最大体积（默认 {DEFAULT_LIMITS.unzipped_bytes >> 20} MB）/ "
        "largest unzipped .xlsx/.docx, largest PDF",
    )
    p.add_argument(
        "--max-text-mb",
        type=POSITIVE,
        metavar="MB",
        help=f"报告文本或 CSV 的最大体积（默认 {DEFAULT_LIMITS.text_bytes >> 20} MB）/ largest report text or CSV",
    )


def limits_of(args: argparse.Namespace) -> Limits:
    """The input limits: those given on the command line (:func:`add_limits`), the defaults for the others."""
    given = {
        "cells": getattr(args, "max_cells", None),
        "unzipped_bytes": args.max_unzipped_mb and args.max_unzipped_mb << 20,
        "text_bytes": args.max_text_mb and args.max_text_mb << 20,
    }
    return dataclasses.replace(DEFAULT_LIMITS, **{key: value for key, value in given.items() if value is not None})


def say_progress(args: argparse.Namespace, text: str) -> None:
    """A progress line on stderr, unless ``-q``."""
    if not getattr(args, "quiet", 0):
        print(text, file=sys.stderr, flush=True)
