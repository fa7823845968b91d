"""The pandera side of a contract (:mod:`fazhi_analysis.table.contract`): its exact dtypes and its schema's class.

Imported only when a contract is built: by ``fazhi build`` and the checks, which validate, and by whoever reads
a module's schema (``tidy.TidyTable``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera import dtypes as _pa_dtypes
from pandera.engines import pandas_engine as _pa_engine

__all__ = ["Contract", "NAFloat64", "NAString", "build"]


@_pa_dtypes.immutable
class _Exact(_pa_engine.DataType):
    """A pandera data type that passes a column only when its pandas dtype is ``type`` itself."""

    def check(self, pandera_dtype, data_container=None) -> bool:
        dtype = data_container.dtype if data_container is not None else getattr(pandera_dtype, "type", None)
        return self._accepts(dtype)

    def _accepts(self, dtype: object) -> bool:
        return dtype == self.type

    def __str__(self) -> str:
        return str(self.type)


@_pa_dtypes.immutable
class NAString(_Exact, _pa_dtypes.String):
    """pandas' ``"string"`` dtype, missing cells ``pd.NA``, in either storage (pyarrow or python).

    pandera's own string type also passes ``object`` columns of strings and pandas 3's ``str``
    dtype, whose missing cells are NaN; the tables hold neither.
    """

    type = pd.StringDtype()

    def _accepts(self, dtype: object) -> bool:
        return isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA


@_pa_dtypes.immutable
class NAFloat64(_Exact, _pa_dtypes.Float):
    """pandas' ``"Float64"`` dtype, missing cells ``pd.NA`` (pandera's own also passes numpy ``float64``)."""

    type = pd.Float64Dtype()


class Contract(pa.DataFrameSchema):
    """A table's contract in pandera's object API: ``validate`` it, read its ``columns``; ``to_schema()`` gives
    itself, as a ``DataFrameModel``'s does.

    Written as a schema, not a ``DataFrameModel``: building a model's schema reads its type annotations through
    ``pandera.typing``, which imports ``dask.dataframe`` when dask is installed (over a second in every process).
    """

    def to_schema(self) -> Contract:
        """The contract itself (as ``DataFrameModel.to_schema`` gives a model's schema)."""
        return self

    @classmethod
    def get_backend(cls, check_obj: object = None, check_type: type | None = None) -> object:
        """The validation backend of a pandas ``DataFrameSchema`` (pandera registers backends by exact class)."""
        return pa.DataFrameSchema.get_backend(check_obj, check_type)


_DTYPES = {"string": NAString, "Float64": NAFloat64, "Int64": pd.Int64Dtype, "boolean": pd.BooleanDtype}


def build(name: str, columns: dict[str, dict[str, Any]]) -> Contract:
    """The strict, ordered schema ``name`` of ``columns``: exactly these, in this order (each a
    :class:`~fazhi_analysis.table.contract.Column` as a dict)."""
    return Contract({key: _column(**spec) for key, spec in columns.items()}, strict=True, ordered=True, name=name)


def _column(dtype: str, checks: list[dict[str, Any]], **options: bool) -> pa.Column:
    """A column of the pandas dtype ``dtype`` exactly, with its checks and pandera's ``options``."""
    return pa.Column(_DTYPES[dtype](), checks=[_check(**check) for check in checks] or None, **options)


def _check(test: str | Callable[[pd.Series], pd.Series], arg: Any, name: str | None) -> pa.Check:
    """pandera's built-in check ``test`` of ``arg``, or the function ``test`` named ``name``."""
    return pa.Check(test, name=name) if callable(test) else getattr(pa.Check, test)(arg)
