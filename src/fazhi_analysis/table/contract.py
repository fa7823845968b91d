"""A table's contract, declared as plain data; made a pandera schema only when something validates.

A contract is a dict of :class:`Column` (a pandas dtype name, whether a cell may be empty, what it must hold).
Its dtypes (:func:`dtypes`) are all a reader needs to conform a frame, and need no pandera. The pandera schema
(:func:`schema`, :mod:`fazhi_analysis.table.contract_schema`) is built on first use, once a process: importing
pandera costs about 0.15 s (pandas and pandera 0.45 s, pandas alone 0.3 s), which every report's kernel,
``fazhi report`` and a batch with every report unchanged paid for a validation they never run. A module offers its
contract as a schema under its name through its ``__getattr__`` (:func:`attribute`).

Example:
    >>> contract = {"region": Column("string", nullable=False), "value": Column("Float64", checks=(Check("ge", 0),))}
    >>> dtypes(contract)
    {'region': 'string', 'value': 'Float64'}
    >>> schema("example", "Example", contract).columns["value"].checks  # doctest: +ELLIPSIS
    [<Check greater_than_or_equal_to: greater_than_or_equal_to(0)>]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Check", "Column", "attribute", "dtypes", "schema"]


@dataclass(frozen=True)
class Check:
    """What a column's cells must satisfy: a pandera built-in check by name (``isin``, ``gt``, ``ge``, ``le``) with
    its argument, or a function of the column giving a boolean series, reported under ``name``."""

    test: str | Callable[[Any], Any]
    arg: Any = None
    name: str | None = None


@dataclass(frozen=True)
class Column:
    """One column of a contract: its pandas dtype (``string``, ``Int64``, ``Float64``, ``boolean``: missing cells
    ``pd.NA``) and pandera's column options."""

    dtype: str
    nullable: bool = True
    required: bool = True
    unique: bool = False
    coerce: bool = False
    checks: tuple[Check, ...] = ()


def dtypes(columns: dict[str, Column]) -> dict[str, str]:
    """The dtype of each column, in order (what ``DataFrame.astype`` takes)."""
    return {name: column.dtype for name, column in columns.items()}


_built: dict[tuple[str, str], Any] = {}  # the schemas made so far, by the module that declares them and name


def schema(module: str, name: str, columns: dict[str, Column]) -> Any:
    """The contract ``columns`` of ``module`` as a strict, ordered pandera schema named ``name``
    (:class:`~fazhi_analysis.table.contract_schema.Contract`), built once a process."""
    if (module, name) not in _built:
        from fazhi_analysis.table import contract_schema

        made = contract_schema.build(name, {key: asdict(column) for key, column in columns.items()})
        _built[(module, name)] = made
    return _built[(module, name)]


def attribute(module: str, name: str, **contracts: dict[str, Column]) -> Any:
    """What a module's ``__getattr__`` (PEP 562) gives for ``name``: the schema of the contract of that name among
    ``contracts``, built on first use.

    Raises:
        AttributeError: ``module`` has no contract ``name``.

    Example (in the module that declares ``_CONTRACT``):
        >>> attribute("example", "Example", Example={"region": Column("string")}).name
        'Example'
    """
    if name not in contracts:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    return schema(module, name, contracts[name])
