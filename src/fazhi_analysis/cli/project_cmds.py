"""The commands of a project folder: ``fazhi init``, ``customize``, ``doctor`` and ``explore``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fazhi_analysis import project
from fazhi_analysis.cli._common import command
from fazhi_analysis.errors import InputError

__all__ = [
    "add_customize",
    "add_doctor",
    "add_explore",
    "add_init",
    "cmd_customize",
    "cmd_doctor",
    "cmd_explore",
    "cmd_init",
]


def cmd_init(args: argparse.Namespace) -> int:
    """Run ``fazhi init``; returns the exit code."""
    from fazhi_analysis.report import kinds

    created = project.init(args.folder, customized=args.customize, notebooks=kinds.notebooks())
    root = Path(args.folder).resolve()
    for path in created:
        print(f"  + {path.relative_to(root)}", file=sys.stderr)
    print(f"项目文件夹已就绪 / project folder ready: {root}", file=sys.stderr)
    print(root)
    return 0


def add_init(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi init`` to the subcommands."""
    p = command(
        sub,
        "init",
        cmd_init,
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


def cmd_customize(args: argparse.Namespace) -> int:
    """Run ``fazhi customize``; returns the exit code."""
    from fazhi_analysis.report import kinds

    here = args.here
    copied = project.customize(here.root, args.what, kinds.notebooks())
    for path in copied:
        print(f"  + {path.relative_to(here.root)}", file=sys.stderr)
    if not copied:
        print("项目中已有这些文件，未覆盖 / the project has them already: nothing copied", file=sys.stderr)
    return 0


def add_customize(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi customize`` to the subcommands."""
    p = command(
        sub,
        "customize",
        cmd_customize,
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


def cmd_doctor(args: argparse.Namespace) -> int:
    """Run ``fazhi doctor``; returns the exit code."""
    from fazhi_analysis import doctor

    text, code = doctor.diagnose(args.here.root)
    print(text)
    return code


def add_doctor(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi doctor`` to the subcommands."""
    command(
        sub,
        "doctor",
        cmd_doctor,
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


def cmd_explore(args: argparse.Namespace) -> int:
    """Run ``fazhi explore``; returns the exit code."""
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


def add_explore(sub: argparse._SubParsersAction) -> None:
    """Add ``fazhi explore`` to the subcommands."""
    p = command(
        sub,
        "explore",
        cmd_explore,
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
