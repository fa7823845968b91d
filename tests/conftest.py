"""Shared fixtures: the seed report, its hand-checked figures and a CLI runner; the ``slow`` and ``system`` markers.

A test is marked where it is defined (``pytestmark`` or a decorator), through a shared fixture of
``FIXTURE_MARKS``, or (slow) when it or a fixture it uses calls a runner of ``SLOW_CALLS`` or runs
``[sys.executable, "-m", "fazhi_analysis", …]``. What it starts is checked as it
runs: a test that starts the CLI or a Jupyter kernel in a subprocess, or worker processes, without ``slow``,
or Chromium, LibreOffice or poppler without ``system``, fails naming the marker it lacks, so that
``make test-fast`` (``-m "not slow and not system"``) stays fast as tests are added.
"""

from __future__ import annotations

import json
import multiprocessing.process
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import CodeType

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "data" / "raw" / "dabancheng_2024_report.txt"


@cache
def missing_system_tools() -> list[str]:
    """What a ``system`` test needs and this machine lacks: Chromium, poppler, the Noto CJK fonts."""
    from fazhi_analysis.report import fonts, pdf

    missing = []
    try:
        pdf.find_chromium()
    except pdf.ChromiumNotFound:
        missing.append("chromium-headless-shell (or chromium)")
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        missing.append("poppler-utils")
    try:
        fonts.ensure_font()
    except fonts.FontError:
        missing.append("fonts-noto-cjk")
    return missing


#: Shared fixtures that make each test using them slow or system (module fixtures: mark their module).
FIXTURE_MARKS: dict[str, tuple[str, ...]] = {}
#: Names that make a test slow when it or a fixture it uses calls them: they start the CLI, a kernel or workers.
SLOW_CALLS = frozenset(
    {
        "run_fazhi",
        "report_cli",
        "run_limited",
        "papermill",
        "run_report",
        "run_overview",
        "run_batch",
        "LocalCluster",
        "Session",
        "publish",
    }
)

#: Programs a test may start only with the marker: a name's start → marker.
_PROGRAMS = {
    "fazhi": "slow",
    "jupyter": "slow",
    "papermill": "slow",
    "dask": "slow",  # dask scheduler, dask worker
    "chrom": "system",  # chromium, chromium-headless-shell, chrome
    "headless_shell": "system",
    "soffice": "system",
    "libreoffice": "system",
    "pdfto": "system",  # poppler's pdftotext, pdftoppm
}
#: Modules a test may run in a Python subprocess (``python -m``) only when marked slow.
_SLOW_MODULES = ("fazhi_analysis", "ipykernel", "ipykernel_launcher", "papermill", "jupyter", "nbconvert")
_running: list[pytest.Item] = []  # the test now in setup, call or teardown


def _names(function: object, seen: set[CodeType] | None = None) -> set[str]:
    """The global and attribute names and the strings in ``function``'s code, its nested functions and lambdas
    included, and those of the helpers in tests/ it calls."""
    code, seen = getattr(function, "__code__", None), set() if seen is None else seen
    if not isinstance(code, CodeType) or code in seen or not code.co_filename.startswith(str(ROOT / "tests")):
        return set()
    seen.add(code)
    names, codes = set(code.co_names), [code]
    while codes:
        for const in codes.pop().co_consts:
            if isinstance(const, CodeType):
                names.update(const.co_names)
                codes.append(const)
            elif isinstance(const, str):
                names.add(const)
    helpers = [getattr(function, "__globals__", {}).get(name) for name in names]
    return names.union(*(_names(h, seen) for h in helpers if callable(h)))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the shared fixtures it uses and by what it and its fixtures call (``SLOW_CALLS``)."""
    for item in items:
        function = getattr(item, "function", None)
        if function is None:  # a doctest
            continue
        names = _names(function)
        for name, definitions in item._fixtureinfo.name2fixturedefs.items():
            names.update(*(_names(d.func) for d in definitions))
            for marker in FIXTURE_MARKS.get(name, ()):
                item.add_marker(marker)
        if SLOW_CALLS & names or {"executable", "fazhi_analysis"} <= names:  # [sys.executable, "-m", "fazhi_analysis"]
            item.add_marker("slow")


_UNMARKED = pytest.StashKey[list[str]]()


def _lacks(what: str, marker: str) -> None:
    """Note on the running test that it started ``what`` without ``marker``."""
    if _running and _running[-1].get_closest_marker(marker) is None:
        _running[-1].stash.setdefault(_UNMARKED, []).append(f"{what} (mark it @pytest.mark.{marker})")


def _program_marker(args: object) -> tuple[str, str] | None:
    """What ``args`` (Popen's) starts and the marker that needs: the CLI, a kernel, Chromium, poppler."""
    argv = [args] if isinstance(args, str | bytes | os.PathLike) else list(args)  # type: ignore[arg-type]
    argv = [os.fsdecode(a) for a in argv]
    name = Path(argv[0]).name if argv else ""
    what = " ".join(argv[:3])
    if name.startswith("python") and "-m" in argv[:-1] and argv[argv.index("-m") + 1] in _SLOW_MODULES:
        return what, "slow"
    return next(((what, marker) for start, marker in _PROGRAMS.items() if name.startswith(start)), None)


_popen_init = subprocess.Popen.__init__
_process_start = multiprocessing.process.BaseProcess.start


def _checked_popen_init(self, args, *rest, **kwargs):
    if found := _program_marker(args):
        _lacks(f"started {found[0]!r}", found[1])
    _popen_init(self, args, *rest, **kwargs)


def _checked_process_start(self) -> None:
    _lacks("started a worker process", "slow")
    _process_start(self)


def pytest_configure(config: pytest.Config) -> None:
    subprocess.Popen.__init__ = _checked_popen_init  # type: ignore[method-assign]
    multiprocessing.process.BaseProcess.start = _checked_process_start  # type: ignore[method-assign]


def pytest_unconfigure(config: pytest.Config) -> None:
    subprocess.Popen.__init__ = _popen_init  # type: ignore[method-assign]
    multiprocessing.process.BaseProcess.start = _process_start  # type: ignore[method-assign]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """A passing test that started what its markers do not allow fails, naming what and the marker."""
    report = yield
    if report.when == "call" and report.passed and (unmarked := item.stash.get(_UNMARKED, [])):
        report.outcome = "failed"
        report.longrepr = "unmarked slow or system test: " + "; ".join(dict.fromkeys(unmarked))
    return report


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A ``system`` test skips, with the reason, where its tools are missing; under ``CI`` it fails instead."""
    if item.get_closest_marker("system") is None or not (missing := missing_system_tools()):
        return
    reason = f"needs {', '.join(missing)} (bash scripts/install-system-deps.sh)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must have the system tools: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((FIXTURES / "dabancheng_2024_report.mentions.json").read_text(encoding="utf-8"))


def run_fazhi(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``fazhi`` command line (as ``python -m fazhi_analysis``) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "fazhi_analysis", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        stdin=subprocess.DEVNULL,
        timeout=600,
        env=None if env is None else {**os.environ, **env},
    )


def as_in_a_terminal() -> None:
    """``preexec_fn`` of a child a test interrupts: SIGINT acts as a terminal's Ctrl-C does, even when the tests run
    with SIGINT ignored (a background job of a non-interactive shell passes that on, and Python then never raises
    KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


EXAMPLES_RAW = ROOT / "data" / "examples" / "raw"


@pytest.fixture(scope="session")
def example_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tidy table of the generated example data (data/examples/raw/, 示例区甲…戊 2021–2024), built once.

    Returns the path of its ``indicators.parquet``; ``parts``, ``findings`` and the manifest lie beside it.
    """
    from fazhi_analysis import build

    processed = tmp_path_factory.mktemp("examples") / "processed"
    build.build_checked(raw_dir=EXAMPLES_RAW, processed_dir=processed, quiet=True)
    return processed / "indicators.parquet"
