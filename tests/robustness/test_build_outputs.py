"""The outputs of one `fazhi build` are trusted together only: the manifest, written last, vouches for them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from fazhi_analysis import analysis, build
from fazhi_analysis.table import manifest


@pytest.fixture
def built(tmp_path) -> Path:
    processed = tmp_path / "processed"
    build.build_checked(raw_dir=ROOT / "data" / "raw", processed_dir=processed, quiet=True)
    return processed


def test_the_manifest_names_every_file_of_the_build(built) -> None:
    listed = json.loads((built / manifest.NAME).read_text(encoding="utf-8"))["files"]
    assert sorted(listed) == sorted(
        f"{stem}.{ext}"
        for stem in ("indicators", "parts", "sentences", "findings", "rejects", "regions")
        for ext in ("parquet", "csv")
    )
    assert manifest.same_build(built / "indicators.parquet", built / "findings.parquet")


def test_findings_of_another_build_are_not_trusted(built, monkeypatch) -> None:
    table = analysis.load_table(built / "indicators.parquet")
    saved = pd.read_parquet(built / "findings.parquet")
    assert analysis.findings(table, built / "indicators.parquet").equals(saved)
    # A build killed after it replaced the table but before its findings: the old findings stay beside it.
    table.head(10).to_parquet(built / "indicators.parquet")
    assert not manifest.same_build(built / "indicators.parquet", built / "findings.parquet")
    calls = []
    monkeypatch.setattr("fazhi_analysis.checks.check", lambda t: calls.append(len(t)) or saved.head(0))
    analysis.findings(table.head(10), built / "indicators.parquet")
    assert calls == [10]  # validated afresh, not read


def test_no_manifest_no_trust(tmp_path) -> None:
    for name in ("indicators.parquet", "findings.parquet"):
        (tmp_path / name).write_bytes(b"x")
    assert not manifest.same_build(tmp_path / "indicators.parquet", tmp_path / "findings.parquet")
    (tmp_path / manifest.NAME).write_text("not json", encoding="utf-8")
    assert not manifest.same_build(tmp_path / "indicators.parquet", tmp_path / "findings.parquet")
