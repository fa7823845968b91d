"""Run inside a report's kernel as it boots and after each report, so that a kept kernel starts each one as a new
one would.

:func:`prepare` clears the user's namespace and IPython's history of outputs (a new session: execution
counts start at 1 again), closes pyplot's figures, restores matplotlib's settings and the working folder
to what they were before the first report, and keeps the imported modules: that is what makes a kept
kernel fast. A new kernel goes through it as it boots (after its imports), so both run a report from the same
state. There, what the imports made is moved out of the collector's sight (:func:`gc.freeze`): it lives as long as
the kernel, and every later collection, in a report or here, then walks only what reports made (measured on the
15 example reports in one shell: 0.23 → 0.04 CPU-s for this reset, 31.4 → 27.3 CPU-s in all).

pandas' text columns are kept in Python objects, not Arrow (``mode.string_storage``; the values, their order
and ``pd.NA`` are the same, and so is every page of the examples, byte for byte): a report works on a few
dozen rows at a time, where each lookup in an Arrow array costs a call into Arrow (the 15 example notebooks:
about 15 % less CPU). It is a setting of the report's own kernel only; ``fazhi build`` and a user's session keep
pandas' default, which suits a million rows.

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
    import pandas
    from IPython import get_ipython

    booting = not _first
    if booting:
        _first.update(rc=dict(matplotlib.rcParams.copy()), cwd=os.getcwd())
    if (pyplot := sys.modules.get("matplotlib.pyplot")) is not None:
        pyplot.close("all")
    dict.update(matplotlib.rcParams, _first["rc"])  # as matplotlib.rc_context restores them
    os.chdir(_first["cwd"])
    pandas.set_option("mode.string_storage", "python")  # see the module's docstring
    shell = get_ipython()
    if shell is not None:
        for name in [name for name in shell.user_ns if name not in shell.user_ns_hidden]:
            del shell.user_ns[name]  # first: IPython's reset collects garbage before it clears the namespace
        shell.reset(new_session=True)
    gc.collect()  # after IPython's collection, this one walks only what survived (and frees what it could not)
    if booting:
        gc.freeze()  # the imports' objects: never garbage, no longer walked by each collection
