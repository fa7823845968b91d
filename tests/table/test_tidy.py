"""The tidy table's contract (tidy.TidyTable): conform gives it, validation enforces it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pandera.pandas as pa
import pytest

import fazhi_analysis
from fazhi_analysis.table import tidy
from fazhi_analysis.table.tidy import TidyTable

COLUMNS = [
    "region",
    "year",
    "indicator",
    "value",
    "unit",
    "approx",
    "source",
    "raw",
    "label",
    "section",
    "confidence",
    "reason",
    "period",
    "scope",
]


@pytest.fixture
def table(gold: dict) -> pd.DataFrame:
    """The seed report's hand-checked figures as a tidy table (object and int64 columns conformed)."""
    frame = pd.DataFrame(gold["mentions"]).assign(region="达坂城区", year=2024, source="report.txt", extra=1)
    return tidy.conform(frame)


def _error(frame: pd.DataFrame) -> pa.errors.SchemaError:
    with pytest.raises(pa.errors.SchemaError) as err:
        TidyTable.validate(frame)
    return err.value


def _errors(frame: pd.DataFrame) -> pa.errors.SchemaErrors:
    """pandera reports unexpected and out-of-order columns all at once, even when not lazy."""
    with pytest.raises(pa.errors.SchemaErrors) as err:
        TidyTable.validate(frame)
    return err.value


def test_columns_and_dtypes_are_read_off_the_contract() -> None:
    assert tidy.TIDY_COLUMNS == COLUMNS == list(TidyTable.to_schema().columns) == list(TidyTable.columns)
    assert tidy.TIDY_DTYPES == {
        "region": "string",
        "year": "Int64",
        "indicator": "string",
        "value": "Float64",
        "unit": "string",
        "approx": "boolean",
        "source": "string",
        "raw": "string",
        "label": "string",
        "section": "string",
        "confidence": "Float64",
        "reason": "string",
        "period": "string",
        "scope": "string",
    }


def test_public_api_exports_the_model() -> None:
    assert fazhi_analysis.TidyTable is TidyTable


def test_conformed_table_validates(table: pd.DataFrame) -> None:
    assert list(table.columns) == COLUMNS  # the extra column is dropped
    assert [str(dtype) for dtype in table.dtypes] == list(tidy.TIDY_DTYPES.values())
    pd.testing.assert_frame_equal(TidyTable.validate(table), table)
    assert TidyTable.validate(tidy.empty()).empty


def test_conform_adds_missing_columns_as_na_and_sets_dtypes() -> None:
    frame = pd.DataFrame({"note": ["x"], "value": ["12"], "year": [2024], "region": ["甲区"]}, dtype=object)
    table = tidy.conform(frame)
    assert list(table.columns) == COLUMNS
    assert table[["indicator", "unit", "approx", "source", "raw", "label", "section"]].isna().all().all()
    assert (table.at[0, "region"], table.at[0, "year"], table.at[0, "value"]) == ("甲区", 2024, 12.0)
    TidyTable.validate(table)


def test_validation_collects_every_failure_when_lazy(table: pd.DataFrame) -> None:
    bad = table.copy()
    bad.loc[0, "region"] = pd.NA
    bad.loc[1, "indicator"] = "no.such_id"
    with pytest.raises(pa.errors.SchemaErrors) as err:
        TidyTable.validate(bad, lazy=True)
    cases = err.value.failure_cases
    assert list(zip(cases["column"], cases["check"], cases["index"])) == [
        ("region", "not_nullable", 0),
        ("indicator", "catalog_id", 1),
    ]


@pytest.mark.parametrize(
    ("column", "dtype"),
    [("year", "float64"), ("value", "float64"), ("approx", "bool"), ("region", object), ("source", "str")],
)
def test_wrong_dtype_fails_naming_the_column(table: pd.DataFrame, column: str, dtype: object) -> None:
    """numpy dtypes, object columns of strings and pandas 3's ``str`` (NaN for missing) are not the contract."""
    filled = table.fillna({"approx": False, "source": "report.txt"})
    error = _error(filled.astype({column: dtype}))
    assert error.reason_code == pa.errors.SchemaErrorReason.WRONG_DATATYPE
    assert f"'{column}'" in str(error)


def test_string_columns_may_use_either_storage(table: pd.DataFrame) -> None:
    TidyTable.validate(table.astype({"raw": pd.StringDtype("python"), "region": pd.StringDtype("pyarrow")}))


def test_missing_extra_or_reordered_column_fails(table: pd.DataFrame) -> None:
    error = _error(table.drop(columns="unit"))
    assert error.reason_code == pa.errors.SchemaErrorReason.COLUMN_NOT_IN_DATAFRAME and "'unit'" in str(error)
    errors = _errors(table.assign(note="x")).schema_errors
    assert [e.reason_code for e in errors] == [pa.errors.SchemaErrorReason.COLUMN_NOT_IN_SCHEMA]
    assert "column 'note' not in" in str(errors[0])
    errors = _errors(table[["year", "region", *COLUMNS[2:]]]).schema_errors
    assert {e.reason_code for e in errors} == {pa.errors.SchemaErrorReason.COLUMN_NOT_ORDERED}
    assert [str(e) for e in errors] == ["column 'year' out-of-order", "column 'region' out-of-order"]


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [
        ("year", 1999, "year_range"),
        ("year", dt.date.today().year + 2, "year_range"),
        ("year", pd.NA, "non-nullable"),
        ("region", pd.NA, "non-nullable"),
        ("value", pd.NA, "non-nullable"),
        ("indicator", "no.such_id", "catalog_id"),
    ],
)
def test_bad_value_fails_naming_the_column(table: pd.DataFrame, column: str, value: object, check: str) -> None:
    bad = table.copy()
    bad.loc[3, column] = value
    error = _error(bad)
    assert error.schema.name == column
    assert f"'{column}'" in str(error) and check in str(error)


def test_nullable_columns_and_next_year_pass(table: pd.DataFrame) -> None:
    table.loc[0, ["indicator", "unit", "approx", "source", "raw", "label", "section"]] = pd.NA
    table.loc[1, "year"] = dt.date.today().year + 1
    TidyTable.validate(table)


def test_year_limit_is_read_when_validating(table: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tidy, "max_year", lambda: 2023)
    assert _error(table).schema.name == "year"


def test_confidence_reason_period_and_scope_are_optional(table: pd.DataFrame) -> None:
    """A table written before the four columns existed (or by another producer) still validates."""
    older = table.drop(columns=["confidence", "reason", "period", "scope"])
    assert list(TidyTable.validate(older).columns) == COLUMNS[:-4]
    assert table[["confidence", "reason", "period", "scope"]].isna().all().all()  # conform adds them empty
    no_period = table.drop(columns=["period", "scope"])
    assert list(TidyTable.validate(no_period).columns) == COLUMNS[:-2]


def test_confidence_lies_between_0_and_1(table: pd.DataFrame) -> None:
    sure = table.assign(confidence=pd.array([0.0, 1.0] + [0.5] * (len(table) - 2), dtype="Float64"))
    assert TidyTable.validate(sure)["confidence"].max() == 1.0
    bad = table.assign(confidence=pd.array([1.5] + [0.5] * (len(table) - 1), dtype="Float64"))
    assert "confidence" in str(_error(bad))


@pytest.mark.slow
def test_validating_a_tidy_table_does_not_import_dask_dataframe() -> None:
    """The contracts are pandera schemas, not models: a model's schema is built through ``pandera.typing``, which
    imports ``dask.dataframe`` when dask is installed (over a second and some 40 MB in every process and kernel)."""
    code = (
        "import sys, pandas as pd\n"
        "from fazhi_analysis.table import findings, regions, tidy\n"
        "table = tidy.conform(pd.DataFrame({'region': ['甲区'], 'year': [2024], 'value': [1.0]}))\n"
        "tidy.TidyTable.validate(table, lazy=True)\n"
        "regions.RegionsTable.validate(regions.empty())\n"
        "findings.FindingsTable.validate(findings.as_findings([]))\n"
        "print('dask.dataframe' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


@pytest.mark.slow
def test_reading_and_reporting_a_table_import_no_pandera_and_validating_builds_each_contract_once() -> None:
    """Only what validates pays pandera's import (about 0.15 s a process): a report's kernel, ``fazhi report`` and a
    batch that finds every report unchanged read and conform tables, and never validate."""
    code = (
        "import sys, pandas as pd\n"
        "from fazhi_analysis import analysis, cli\n"
        "from fazhi_analysis.report import batch, charts, narrative, overview\n"
        "from fazhi_analysis.table import findings, regions, tidy\n"
        "tidy.conform(pd.DataFrame({'region': ['甲区'], 'year': [2024], 'value': [1.0]}))\n"
        "regions.empty(), findings.as_findings([])\n"
        "print('pandera' in sys.modules)\n"
        "print(tidy.TidyTable is tidy.TidyTable, 'pandera' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "True", "True"]
