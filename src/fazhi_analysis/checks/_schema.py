"""The ``schema`` and ``region_name`` rules: the columns coerced to the tidy types, validated against the contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from fazhi_analysis.checks._findings import findings_of, located, messages
from fazhi_analysis.table import names, tidy
from fazhi_analysis.table.findings import ERROR
from fazhi_analysis.table.tidy import MIN_YEAR, TIDY_COLUMNS, TidyTable

__all__ = ["schema"]


def schema(table: pd.DataFrame) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Coerce the columns to the tidy types, validate against :class:`TidyTable`; flag cells that do not fit.

    Adds a boolean ``_ok``. A cell that cannot be read as a number is one finding; each failure of
    the contract in the cells that can is another.
    """
    frame = table.reindex(columns=TIDY_COLUMNS).reset_index(drop=True)
    bad = np.zeros(len(frame), dtype=bool)
    cells: list[tuple[int, str, str]] = []  # (position, zh, en) of the cells that are not numbers
    for column in ("year", "value"):
        raw = frame[column]
        numeric = (
            pd.to_numeric(raw.astype("string").str.strip(), errors="coerce")
            if raw.dtype == object or pd.api.types.is_string_dtype(raw)
            else pd.to_numeric(raw, errors="coerce")
        )
        wrong = raw.notna() & numeric.isna()
        if column == "year":
            fractional = numeric.notna() & (numeric.astype("Float64") % 1 != 0)
            wrong |= fractional.fillna(False).astype(bool)
            numeric = numeric.where(~wrong)
        for i in np.flatnonzero(wrong.to_numpy()):
            cells.append((i, f"{column} 列的值不是数字：{raw.iloc[i]}", f"{column} is not a number: {raw.iloc[i]}"))
        bad |= wrong.to_numpy(dtype=bool)
        frame[column] = numeric
    found = [findings_of(located(frame, [i for i, _, _ in cells]), ERROR, "schema", *messages(cells))]
    frame["year"] = frame["year"].astype("Float64").round().astype("Int64")
    frame["value"] = frame["value"].astype("Float64")
    region = frame["region"].astype("string")  # not stripped: a space around a region is a region_name error
    frame["region"] = region.mask(region.str.strip() == "")
    for column in ("indicator", "unit", "source", "raw", "label", "section", "reason"):
        frame[column] = frame[column].astype("string").str.strip().replace("", pd.NA)
    frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce").astype("Float64")
    approx = frame["approx"]
    if approx.dtype == object or pd.api.types.is_string_dtype(approx):
        approx = (
            approx.astype("string")
            .str.strip()
            .str.lower()
            .map({"true": True, "false": False, "1": True, "0": False}, na_action="ignore")
        )
    frame["approx"] = approx.astype("boolean")
    found += _contract(frame, bad)
    frame["_ok"] = ~bad
    return frame, found


def _contract(frame: pd.DataFrame, bad: np.ndarray) -> list[pd.DataFrame]:
    """The failures of :class:`TidyTable` in the rows not yet ``bad`` (marked bad here), a finding each."""
    try:  # in place: the contract coerces nothing, and a million rows are not copied to be read
        TidyTable.validate(frame[~bad] if bad.any() else frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        rule = np.where(cases["check"].astype(str) == "region_name", "region_name", "schema")
        zh, en = zip(*(_schema_message(str(c.column), str(c.check), c.failure_case) for c in cases.itertuples()))
        whole = cases["index"].isna().to_numpy()  # a failure of the whole table, not of a cell: not expected
        at = cases.loc[~whole, "index"].astype(int).tolist()
        bad[at] = True
        pick = np.flatnonzero(~whole)
        return [
            findings_of(pd.DataFrame(index=range(int(whole.sum()))), ERROR, rule[whole].tolist(),
                      np.array(zh, object)[whole].tolist(), np.array(en, object)[whole].tolist()),
            findings_of(located(frame, at), ERROR, rule[pick].tolist(), [zh[k] for k in pick], [en[k] for k in pick]),
        ]  # fmt: skip
    return []


def _schema_message(column: str, check_name: str, case: object) -> tuple[str, str]:
    """The messages of one failure of :class:`TidyTable`, by the name of the check that failed."""
    if check_name == "not_nullable":
        return f"{column} 列缺少值", f"{column} is missing"
    if check_name == "year_range":
        last = tidy.max_year()  # the limit TidyTable checked against
        return f"年度 {case} 超出范围 {MIN_YEAR}–{last}", f"year {case} outside {MIN_YEAR}–{last}"
    if check_name == "region_name":
        zh, en = names.region_problem(case) or ("", "")
        return f"地区名称不能用作文件夹名：{zh}", f"the region cannot name a folder: {en}"  # the region leads
    if check_name == "catalog_id":
        return f"指标编号 {case} 不在指标目录中", f"indicator id {case} is not in the catalog"
    return f"{column} 列不符合要求（{check_name}）：{case}", f"{column} fails {check_name}: {case}"
