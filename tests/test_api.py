"""The public face: `import fazhi_analysis` is light, and every name it lists resolves."""

from __future__ import annotations

import subprocess
import sys

import fazhi_analysis


def test_every_public_name_resolves() -> None:
    for name in fazhi_analysis.__all__:
        assert getattr(fazhi_analysis, name) is not None, name
    assert callable(fazhi_analysis.run_report) and callable(fazhi_analysis.clean_files)
    for name in ("rates", "with_rates", "targets", "against_targets"):
        assert callable(getattr(fazhi_analysis, name)) and name in fazhi_analysis.__all__, name


def test_importing_the_package_loads_no_stage() -> None:
    stages = ("pandas", "matplotlib", "papermill")
    code = f"import sys, fazhi_analysis; print(sorted(m for m in {stages!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
