"""Run inside a report's kernel as it boots and after each report, so that a kept kernel starts each one as a new
one would.

:func:`prepare` clears the user's namespace and IPython's history of outputs (a new session: execution
counts start at 1 again), closes pyplot's figures, restores matplotlib's settings and the working folder
to what they were before the first report, and keeps the imported modules: that is what makes a kept
kernel fast. A new kernel goes through it as it boots (after its imports), so both run a report from the same
state.

Example (what :class:`fazhi_analysis.report.session.Session` has the kernel run):
    >>> __import__("fazhi_analysis.report.kernel_reset", fromlist=["prepare"]).prepare()  # doctest: +SKIP
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

__all__ = ["prepare"]


_first: dict[str, Any] = {}  # matplotlib's settings and the working folder before the first report


def prepare() -> None:
    """Make the kernel as a new one: namespace cleared, figures closed, rc and working folder restored."""
    import matplotlib
    from IPython import get_ipython

    if not _first:
        _first.update(rc=dict(matplotlib.rcParams.copy()), cwd=os.getcwd())
    if (pyplot := sys.modules.get("matplotlib.pyplot")) is not None:
        pyplot.close("all")
    dict.update(matplotlib.rcParams, _first["rc"])  # as matplotlib.rc_context restores them
    os.chdir(_first["cwd"])
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
    gc.collect()
