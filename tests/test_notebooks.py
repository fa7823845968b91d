"""The exploration notebook runs top to bottom with papermill on the bundled report."""

from __future__ import annotations

from pathlib import Path

import papermill
from conftest import ROOT, SEED


def test_explore_extraction_notebook_runs(tmp_path: Path) -> None:
    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "explore_extraction.ipynb"),
        str(out),
        parameters={"path": str(SEED)},
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
    )
    text = out.read_text(encoding="utf-8")
    assert "71 个数字，70 个已对应指标" in text
    assert "五类" in text  # the unmapped figure is listed for the analyst
