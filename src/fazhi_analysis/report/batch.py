"""Every report of a table in one call: plan the jobs, skip the unchanged ones, run the rest side by side.

A job is one report of a kind (:mod:`fazhi_analysis.report.kinds`): an annual report (region, year), a year's
overview, or a report of a kind another package adds. Each is published by the very function
``fazhi report`` uses (:func:`fazhi_analysis.report.run.publish`) in a worker: a process pool (spawn start
method) on this machine, or dask.distributed workers (a ``LocalCluster`` or an existing scheduler). A failed
job does not stop the others; its error goes to the manifest.

How the workers run the jobs, and keep a kernel and a browser warm: :mod:`fazhi_analysis.report.workers`.

The cache: a job is skipped, unless ``force``, when the hash of its inputs equals the one stored beside
its report (``<stem>.inputs.sha256``, published with the report) and its files exist. The inputs are the
rows it reads (every row up to its year, the parts and findings among them: a report reads no later year,
and the wide table it links holds its peers' earlier years), the peer rule and the regions table, its
notebook, the templates, the catalog and wording files, the project's ``catalog.yaml``, ``targets.yaml``
and templates, and the package (version and code).

Example:
    >>> result = run_batch(years=[2024], workers=2, formats="html")     # doctest: +SKIP
    >>> result.counts                                                   # doctest: +SKIP
    {'done': 5, 'skipped': 0, 'failed': 0, 'cancelled': 0}
"""

from __future__ import annotations

import hashlib
import logging
import sys
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fazhi_analysis import __version__, project
from fazhi_analysis.errors import InputError
from fazhi_analysis.report import index, outputs, run
from fazhi_analysis.report.kinds import ANNUAL, ReportKind, get
from fazhi_analysis.report.workers import run_dask, run_local

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BatchJob", "BatchResult", "Outcome", "input_hash", "plan", "row_digests", "run_batch", "summary"]


_log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parents[1]
_EXECUTORS = ("local", "dask")
_HASH_SUFFIX = run.HASH_SUFFIX
_STATUS_WORDS = {"done": "完成", "skipped": "跳过", "failed": "失败", "cancelled": "取消"}
# read by the notebooks beside the table
_SIDE_TABLES = ("parts.parquet", "sentences.parquet", "findings.parquet", "regions.parquet")


@dataclass(frozen=True)
class BatchJob:
    """One report of a batch: of ``kind``, a region's year (``region`` None for a kind of every region)."""

    kind: ReportKind
    region: str | None
    year: int

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.kind.name, self.region or "", self.year)

    def folder(self, output_dir: Path) -> Path:
        """The job's report folder below ``output_dir``."""
        return self.kind.target(self.region, self.year, output_dir)

    def label(self) -> str:
        kind = self.kind
        return f"{self.region} {self.year}" if kind.per_region else f"{kind.label} / {kind.name} {self.year}"


@dataclass
class Outcome:
    """What became of one job: ``status`` done, skipped, failed or cancelled; paths relative to the batch folder."""

    job: BatchJob
    status: str
    input_hash: str = ""
    seconds: float = 0.0
    paths: dict[str, str] = field(default_factory=dict)
    error: str = ""


@dataclass
class BatchResult:
    """The outcomes of a batch and the manifest and index it wrote."""

    outcomes: list[Outcome]
    manifest: Path
    index: Path

    @property
    def counts(self) -> dict[str, int]:
        return {status: sum(o.status == status for o in self.outcomes) for status in index.STATUSES}

    @property
    def exit_code(self) -> int:
        """1 when any job failed, else 0."""
        return 1 if self.counts["failed"] else 0


def plan(
    table: pd.DataFrame,
    regions: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    kinds: Iterable[ReportKind] = (ANNUAL,),
) -> list[BatchJob]:
    """The jobs of ``table`` kind by kind: every (region, year) it holds, narrowed to ``regions`` and ``years``, for a
    kind of one region; every year, narrowed to ``years``, for a kind of every region.

    Raises:
        InputError: A region or year asked for that the table does not hold (the message lists what it holds).

    Example:
        >>> import pandas as pd
        >>> t = pd.DataFrame({"region": ["甲", "甲", "乙"], "year": [2023, 2024, 2024]})
        >>> from fazhi_analysis.report.kinds import OVERVIEW
        >>> [j.label() for j in plan(t, years=[2024], kinds=[ANNUAL, OVERVIEW])]
        ['乙 2024', '甲 2024', '各地区概览 / overview 2024']
    """
    pairs = table[["region", "year"]].dropna().drop_duplicates()
    pairs = sorted((str(r), int(y)) for r, y in pairs.itertuples(index=False))
    held_regions, held_years = sorted({r for r, _ in pairs}), sorted({y for _, y in pairs})
    wanted_regions = _asked(regions, held_regions, "地区 / region")
    wanted_years = _asked(None if years is None else [int(y) for y in years], held_years, "年度 / year")
    jobs = []
    for kind in kinds:
        if kind.per_region:
            jobs += [BatchJob(kind, r, y) for r, y in pairs if r in wanted_regions and y in wanted_years]
        else:
            jobs += [BatchJob(kind, None, y) for y in held_years if y in wanted_years]
    return jobs


def _asked(asked: Iterable[Any] | None, held: list[Any], what: str) -> set[Any]:
    if asked is None:
        return set(held)
    asked = list(asked)
    if unknown := [a for a in asked if a not in held]:
        raise InputError(
            f"数据表中没有该{what}: {', '.join(map(str, unknown))}；已有 / the table holds: {', '.join(map(str, held))}"
        )
    return set(asked)


def _digest_files(paths: Iterable[Path], root: Path) -> str:
    """SHA-256 over the names (relative to ``root``) and contents of ``paths``, in name order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in paths if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _shared_inputs(here: project.Project, notebook: Path) -> str:
    """The hash of what every job of one notebook reads besides the table's rows.

    That is the notebook, the package's version, its templates, chart style, catalog and wording files,
    and the project's ``catalog.yaml``, ``targets.yaml`` and ``templates/``. The package's code is not
    hashed (its version stands for it): after changing the code in place, run with ``force``.
    """
    package = [*(_PACKAGE / "report" / "templates").rglob("*"), *_PACKAGE.glob("report/*.mplstyle")]
    package += _PACKAGE.glob("table/*.yaml")
    own = [here.root / project.CATALOG, here.targets, *(here.templates.rglob("*") if here.templates.is_dir() else [])]
    parts = [__version__, _digest_files(package, _PACKAGE), _digest_files(own, here.root), notebook.read_bytes().hex()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _rows_of(year: int, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` a report of ``year`` reads: every row up to its year (a report reads no later year, and
    its wide table holds its peers' earlier years too). A frame without years (the regions table) is read whole.
    """
    if "year" not in frame.columns:
        return frame
    return frame[(frame["year"] <= year).fillna(False).astype(bool)]


def row_digests(frames: dict[str, pd.DataFrame]) -> Callable[[int], str]:
    """The digest of the rows of each frame (table, parts, sentences, findings, regions) a report of a year reads,
    computed once a year: every report of a year reads the same rows (a national table's 14,000 reports would
    otherwise write its million rows out 14,000 times)."""

    @cache
    def of_year(year: int) -> str:
        digest = hashlib.sha256()
        for name in sorted(frames):
            frame = frames[name]
            if "region" in frame.columns:
                digest.update(f"{name}\n".encode() + _rows_of(year, frame).to_csv(index=False).encode())
        return digest.hexdigest()

    return of_year


def input_hash(
    job: BatchJob,
    frames: dict[str, pd.DataFrame],
    shared: str,
    peers: str = "default",
    rows: Callable[[int], str] | None = None,
) -> str:
    """The job's cache key: the digest of its rows of each frame (``rows``, a batch's :func:`row_digests`, else the
    frames' own), the peer rule and the ``shared`` inputs' hash."""
    rows = rows or row_digests(frames)
    return hashlib.sha256(f"{shared}\n{job.key}\n{peers}\n{rows(job.year)}\n".encode()).hexdigest()


def _side_frames(data_path: Path) -> dict[str, pd.DataFrame]:
    """The table and the side tables the notebooks read beside it: those of the table's own build (as they do)."""
    import pandas as pd

    from fazhi_analysis import analysis
    from fazhi_analysis.table import manifest

    frames = {"table": analysis.load_table(data_path)}
    for name in _SIDE_TABLES:
        path = data_path.with_name(name)
        if path.is_file() and manifest.same_build(data_path, path):
            try:
                frames[name] = pd.read_parquet(path)
            except Exception:  # an unreadable side table: the notebook will not use it either
                _log.warning("%s: 无法读取，不计入缓存 / unreadable, left out of the cache key", path)
    return frames


def run_batch(
    regions: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    *,
    kinds: Iterable[str] = (ANNUAL.name,),
    workers: int = 2,
    formats: str | Iterable[str] | None = None,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    output_dir: str | Path | None = None,
    data_path: str | Path | None = None,
    progress: bool = True,
    peers: str | None = None,
    here: project.Project | None = None,
) -> BatchResult:
    """Render every report of ``kinds`` the table holds (or those asked), then write the manifest and index.

    Args:
        regions, years: Narrow the batch (default: everything the table holds).
        kinds: The report kinds (:func:`fazhi_analysis.report.kinds.kinds`): ``annual`` (default), ``overview``
            (each year's regional overview), or a kind another package adds.
        workers: Worker processes (local pool, or LocalCluster workers).
        formats: As for :func:`~fazhi_analysis.report.run.run_report`.
        force: Render even the jobs whose inputs did not change.
        executor: ``local`` (process pool) or ``dask``.
        scheduler: A dask scheduler's address (``tcp://host:8786``); default: a LocalCluster.
        output_dir: The batch folder (default: the project's ``reports/``).
        data_path: The tidy table (default: the project's).
        progress: Show progress on stderr: a bar on a terminal, else a line per report made.
        peers: Who each region is compared with (:class:`fazhi_analysis.analysis.PeerRule`; default the
            regions of the same level under the same parent), with the regions table built beside the table.
        here: The project (default: :func:`fazhi_analysis.project.find`'s).

    Returns:
        The outcomes, the manifest and the index; ``exit_code`` is 1 when a job failed.

    Raises:
        InputError: Unknown executor, kind, format, region, year or peer rule, no table, or a project's notebook made
            for an older notebook API (nothing is run).
        KeyboardInterrupt: After the manifest and index of what finished were written.
    """
    if executor not in _EXECUTORS:
        raise InputError(f"未知执行器 / unknown executor: {executor}; 可选 / choose from: {', '.join(_EXECUTORS)}")
    from fazhi_analysis.analysis import PeerRule

    wanted = outputs.parse(formats or outputs.defaults())
    asked = [get(name) for name in dict.fromkeys(kinds)]
    rule = str(PeerRule.parse(peers))
    here = here or project.find()
    books = {kind.name: run.notebook_of(here, kind) for kind in asked}  # checked before any worker starts
    out = Path(output_dir or here.reports).resolve()
    data = Path(data_path or here.table).resolve()
    if not data.is_file():
        raise InputError(
            f"{data}: 找不到整洁指标表，请先运行 fazhi build / tidy table not found: run fazhi build first"
        )
    frames = _side_frames(data)
    jobs = plan(frames["table"], regions, years, asked)
    shared = {name: _shared_inputs(here, path) for name, path in books.items()}
    tracker = _Tracker(out, len(jobs), progress)
    batch_id, specs, rows = uuid.uuid4().hex, [], row_digests(frames)
    for job in jobs:
        key = input_hash(job, frames, shared[job.kind.name], rule, rows)
        try:
            job.folder(out)
        except InputError as exc:  # a region that cannot name a folder: this job fails, the others run
            tracker.add(Outcome(job, "failed", key, error=str(exc)))
            continue
        if not force and _unchanged(job, out, key, wanted):
            tracker.add(Outcome(job, "skipped", key, paths=_existing(job, out)))
            continue
        tracker.add(Outcome(job, "cancelled", key))  # until a worker says otherwise
        specs.append(
            {"kind": job.kind.name, "region": job.region, "year": job.year, "formats": [f.name for f in wanted],
             "key": key,
             "output_dir": str(out), "data_path": str(data), "project": str(here.root), "peers": rule,
             "batch": batch_id}
        )  # fmt: skip
    tracker.begin(len(specs), workers if executor == "local" else None)
    specs = _heaviest_first(specs, frames["table"])
    region_table = frames["regions.parquet"] if len(frames.get("regions.parquet", ())) else None
    regional = [(s["region"], s["year"]) for s in specs if s["region"] is not None]
    ahead = index.Ahead(frames["table"], regional, peers=rule, region_table=region_table)  # while the workers run
    try:
        if specs and executor == "local":
            run_local(specs, max(1, workers), tracker.finished)
        elif specs:
            run_dask(specs, max(1, workers), scheduler, tracker.finished)
    finally:
        tracker.close()
        ahead.finish(keep={(o.job.region, o.job.year) for o in tracker.outcomes if o.status == "done"})
        manifest, page = index.write_batch(
            out, tracker.rows(), frames["table"], ahead, peers=rule, region_table=region_table
        )
    return BatchResult(tracker.outcomes, manifest, page)


def _heaviest_first(specs: list[dict[str, Any]], table: pd.DataFrame) -> list[dict[str, Any]]:
    """The jobs in the order to start them: those that read the most rows first (a region's report: its rows up to
    its year; a report of every region: the year's rows), so that the workers finish together instead of one
    long report starting last while the others idle. Equal ones keep their order.

    Example:
        >>> import pandas as pd
        >>> t = pd.DataFrame({"region": ["甲", "甲", "乙"], "year": [2023, 2024, 2024]})
        >>> [(s["region"], s["year"]) for s in _heaviest_first(
        ...     [{"region": "乙", "year": 2024}, {"region": "甲", "year": 2024}, {"region": None, "year": 2024}], t)]
        [('甲', 2024), (None, 2024), ('乙', 2024)]
    """
    counts = table.groupby(["region", "year"]).size().sort_index()
    upto = counts.groupby(level="region").cumsum()  # a region's rows up to each of its years
    of_year = counts.groupby(level="year").sum()

    def rows(spec: dict[str, Any]) -> int:
        if spec["region"] is None:
            return int(of_year.get(spec["year"], 0))
        return int(upto.get((spec["region"], spec["year"]), 0))

    return sorted(specs, key=rows, reverse=True)


def summary(result: BatchResult) -> str:
    """The batch's closing lines: the counts, each failed job with its error, the index.

    Example:
        >>> job = BatchJob(ANNUAL, "甲", 2024)
        >>> print(summary(BatchResult([Outcome(job, "failed", error="无数据")], Path("m.csv"), Path("index.html"))))
        完成 0，跳过 0，失败 1，取消 0 / done 0, skipped 0, failed 1, cancelled 0
          失败 / failed: 甲 2024: 无数据
        索引 / index: index.html
    """
    c = result.counts
    lines = [
        f"完成 {c['done']}，跳过 {c['skipped']}，失败 {c['failed']}，取消 {c['cancelled']} / "
        f"done {c['done']}, skipped {c['skipped']}, failed {c['failed']}, cancelled {c['cancelled']}"
    ]
    lines += [f"  失败 / failed: {o.job.label()}: {o.error}" for o in result.outcomes if o.status == "failed"]
    lines.append(f"索引 / index: {result.index}")
    return "\n".join(lines)


def _colon(text: str) -> str:
    return f": {text}" if text else ""


def _unchanged(job: BatchJob, out: Path, key: str, wanted: tuple[outputs.OutputFormat, ...]) -> bool:
    """Whether the job's report has every asked format its kind offers and was made from inputs of hash ``key``."""
    folder, stem = job.folder(out), job.kind.stem
    stored = folder / f"{stem}{_HASH_SUFFIX}"
    have = all((folder / f"{stem}{fmt.suffix}").is_file() for fmt in wanted if job.kind.offers(fmt))
    return have and stored.is_file() and stored.read_text(encoding="utf-8").strip() == key


def _existing(job: BatchJob, out: Path) -> dict[str, str]:
    """The job's report files present in ``out``, relative to it, by format (the executed notebook's included)."""
    folder = job.folder(out)
    found = {name: folder / f"{job.kind.stem}{suffix}" for name, suffix in outputs.files().items()}
    return {name: path.relative_to(out).as_posix() for name, path in found.items() if path.is_file()}


class _Tracker:
    """The batch's bookkeeping in the parent: outcomes, the progress (a bar on a terminal, else a line a report)."""

    def __init__(self, out: Path, total: int, progress: bool) -> None:
        from tqdm import tqdm

        self.out, self.total = out, total
        self.outcomes: list[Outcome] = []
        self._by_key: dict[tuple[str, str, int], Outcome] = {}
        terminal = sys.stderr.isatty()
        self.lines = progress and not terminal
        shown = progress and terminal
        self.bar = tqdm(total=total, disable=not shown, file=sys.stderr, unit="份", dynamic_ncols=True)
        self._shown = 0

    def add(self, outcome: Outcome) -> None:
        """A job's outcome as planned: skipped and failed ones are final."""
        self.outcomes.append(outcome)
        self._by_key[outcome.job.key] = outcome
        if outcome.status in ("skipped", "failed"):
            self._tick(outcome, line=outcome.status == "failed")

    def begin(self, to_run: int, workers: int | None) -> None:
        """Say what the batch is about to do (a line, shown in both progress modes)."""
        skipped = sum(o.status == "skipped" for o in self.outcomes)
        by = f"，{workers} 个进程 / {workers} workers" if workers else ""
        self._say(
            f"共 {self.total} 份：{to_run} 份待生成，{skipped} 份输入未变已跳过{by} / "
            f"{self.total} reports: {to_run} to make, {skipped} unchanged"
        )

    def finished(self, spec: dict[str, Any], result: dict[str, Any]) -> None:
        """Record a worker's result (the worker published the report with its input hash)."""
        outcome = self._by_key[(spec["kind"], spec["region"] or "", spec["year"])]
        outcome.status = result.get("status", "failed")
        outcome.error = result.get("error", "")
        outcome.seconds = float(result.get("seconds", 0.0))
        outcome.paths = _existing(outcome.job, self.out)
        self._tick(outcome, line=True)

    def _tick(self, outcome: Outcome, line: bool) -> None:
        """Count ``outcome`` in; a ``line`` for it in line mode (on a terminal: for a failure only)."""
        self._shown += 1
        seconds = f"（{outcome.seconds:.1f} 秒）" if outcome.seconds else ""
        said = f"{_STATUS_WORDS[outcome.status]} {outcome.status}"
        text = f"[{self._shown}/{self.total}] {said} {outcome.job.label()}{seconds}"
        if line and (self.bar.disable or outcome.status == "failed"):
            self._say(text + _colon(outcome.error), logging.WARNING if outcome.status == "failed" else logging.INFO)
        counts = {s: sum(o.status == s for o in self.outcomes) for s in ("done", "skipped", "failed")}
        self.bar.set_postfix(counts, refresh=False)
        self.bar.update(1)

    def _say(self, text: str, level: int = logging.INFO) -> None:
        """A line on stderr: above the bar, or alone in line mode; without progress, to the log at ``level``."""
        if not self.bar.disable:
            self.bar.write(text, file=sys.stderr)
        elif self.lines:
            print(text, file=sys.stderr, flush=True)
        else:
            _log.log(level, "%s", text)

    def rows(self) -> list[dict[str, Any]]:
        """The manifest rows of this run's jobs."""
        for o in self.outcomes:
            if o.status == "cancelled":  # an earlier run's report, if any, still stands
                o.paths = _existing(o.job, self.out)
        return [
            {"region": o.job.region or "", "year": o.job.year, "kind": o.job.kind.name, "status": o.status,
             "seconds": round(o.seconds, 2), "input_hash": o.input_hash,
             **{f: o.paths.get(f, "") for f in outputs.files()}, "error": o.error}
            for o in self.outcomes
        ]  # fmt: skip

    def close(self) -> None:
        self.bar.close()
