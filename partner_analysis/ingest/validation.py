"""Check raw canonical tables against the contract and return typed, clean tables.

Steps per table: required columns present; values parsed to their kind (unparseable cells
reported, never coerced silently); pandera checks for allowed values, bounds, required cells
and unique keys; cross-column rules; foreign keys against the already-validated parents.
Strict mode collects every issue and fails; lenient mode sets the offending rows aside with
the reason per row, so that rows in = rows kept + rows rejected.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .contract import TABLES, VALIDATION_ORDER, Column, Table
from ..errors import EXAMPLES_SHOWN, DataIssue, ValidationReport
from ..membership import member_of

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_KIND_EXPECTED = {
    "date": "an ISO date like 2025-03-31 (or datetime 2025-03-31T14:00)",
    "number": "a number like 1234.5",
    "int": "a whole number",
    "bool": "true or false",
}


@dataclass
class ValidatedData:
    """Typed tables that meet the contract, the rows set aside, and the report."""

    tables: dict[str, pd.DataFrame]
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)
    report: ValidationReport = field(default_factory=ValidationReport)


@dataclass
class _Finding:
    issue: DataIssue
    mask: np.ndarray | None  # rows concerned; None when the whole table is unusable


def _issue(table: Table, file: str, column: str | None, expected: str, mask: np.ndarray,
           values: pd.Series | None) -> _Finding:
    rows = np.flatnonzero(mask)
    shown = rows[:EXAMPLES_SHOWN]
    vals = tuple(values.iloc[shown].tolist()) if values is not None else tuple(None for _ in shown)
    return _Finding(DataIssue(table.name, file, column, expected, int(len(rows)),
                              tuple(int(r) + 1 for r in shown), vals), mask)


def _as_text(s: pd.Series) -> pd.Series:
    """Strings with surrounding blanks stripped; empty strings become missing."""
    if pd.api.types.is_float_dtype(s):
        # ids read from Parquet/Excel as floats: 123.0 -> "123"
        whole = s.notna() & (s % 1 == 0)
        s = s.astype(object).where(~whole, s[whole].astype("Int64").astype(str))
    out = s.astype("str").str.strip()
    return out.mask(out == "")


def _normalised_category(col: Column, raw: pd.Series) -> pd.Series:
    """Enumerated values matched without regard to case, blanks and dashes (``Closed Won`` is
    ``closed_won``), as a categorical of the values found (normalised once per distinct value)."""
    codes, uniques = pd.factorize(_as_text(raw))
    names = pd.Series(uniques, dtype="str").str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    categories = pd.unique(pd.concat([names, pd.Series([col.default] if col.default else [], dtype="str")]))
    # Codes into the de-duplicated categories (two raw spellings can normalise to one value).
    lookup = pd.Index(categories).get_indexer(names)
    found = codes >= 0
    mapped = np.full(len(codes), -1, dtype=np.int64)
    mapped[found] = lookup[codes[found]]
    return pd.Series(pd.Categorical.from_codes(mapped, categories=categories), index=raw.index)


def _parse(col: Column, raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse one column to its kind; returns the parsed values and the mask of unparseable cells."""
    if col.kind in ("id", "text"):
        return _as_text(raw), np.zeros(len(raw), bool)
    if col.kind == "category":
        return _normalised_category(col, raw), np.zeros(len(raw), bool)
    present = raw.notna().to_numpy()
    if raw.dtype == object or pd.api.types.is_string_dtype(raw):
        text = _as_text(raw)
        present = text.notna().to_numpy()
    else:
        text = raw
    if col.kind == "date":
        if pd.api.types.is_datetime64_any_dtype(text):
            out = text.dt.tz_convert(None) if getattr(text.dt, "tz", None) is not None else text
        else:
            out = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True).dt.tz_convert(None)
        out = out.astype("datetime64[ns]")
    elif col.kind == "number":
        out = pd.to_numeric(text, errors="coerce").astype("float64")
    elif col.kind == "int":
        num = pd.to_numeric(text, errors="coerce")
        fractional = (num % 1 != 0).fillna(False).to_numpy()
        out = num.where(~fractional).astype("Float64").astype("Int64")
    elif col.kind == "bool":
        if pd.api.types.is_bool_dtype(text):
            out = text.astype("boolean")
        else:
            low = text.astype("str").str.strip().str.lower()
            out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
            out[low.isin(_TRUE)] = True
            out[low.isin(_FALSE)] = False
    else:  # pragma: no cover - contract kinds are fixed
        raise ValueError(f"unknown column kind {col.kind!r}")
    bad = present & out.isna().to_numpy()
    return out, bad


def _pandera_schema(table: Table) -> pa.DataFrameSchema:
    """Value checks of the contract as a pandera schema (types are parsed beforehand)."""
    columns = {}
    for c in table.columns:
        checks = []
        if c.allowed is not None:
            checks.append(pa.Check.isin(list(c.allowed), error=f"one of {', '.join(c.allowed)}"))
        if c.minimum is not None:
            checks.append(pa.Check.ge(c.minimum, error=f"a value >= {c.minimum:g}"))
        if c.maximum is not None:
            checks.append(pa.Check.le(c.maximum, error=f"a value <= {c.maximum:g}"))
        columns[c.name] = pa.Column(checks=checks, nullable=not c.required, required=False, coerce=False)
    return pa.DataFrameSchema(columns, unique=list(table.key) or None, report_duplicates="all")


def _pandera_findings(table: Table, file: str, df: pd.DataFrame, original: pd.DataFrame,
                      unparseable: dict[str, np.ndarray]) -> list[_Finding]:
    try:
        _pandera_schema(table).validate(df, lazy=True)
        return []
    except SchemaErrors as err:
        cases = err.failure_cases
    findings = []
    cases = cases[cases["index"].notna()]
    for (column, check), grp in cases.groupby(["column", "check"], sort=False, dropna=False):
        mask = np.zeros(len(df), bool)
        mask[grp["index"].astype(int).to_numpy()] = True
        if check == "not_nullable":
            expected = "a value (the column is required)"
            mask &= ~unparseable.get(column, np.zeros(len(df), bool))  # already reported as unparseable
            if not mask.any():
                continue
        elif "uniqueness" in str(check) or str(column) == table.name or column is None:
            column = ", ".join(table.key)
            expected = f"unique values of {column}"
        else:
            expected = str(check)
        src = original[column] if column in original.columns else None
        findings.append(_issue(table, file, str(column), expected, mask, src))
    return findings


def _validate_table(table: Table, file: str, raw: pd.DataFrame,
                    parents: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[_Finding]]:
    missing = [c for c in table.required_columns if c not in raw.columns]
    if missing:
        return raw, [_Finding(DataIssue(table.name, file, ", ".join(missing),
                                        f"required column{'s' if len(missing) > 1 else ''} "
                                        f"{', '.join(missing)} (found: {', '.join(map(str, raw.columns))})"), None)]
    raw = raw.reset_index(drop=True)
    parsed: dict[str, pd.Series] = {}
    findings: list[_Finding] = []
    unparseable: dict[str, np.ndarray] = {}
    for col in table.columns:
        source = raw[col.name] if col.name in raw.columns else pd.Series(pd.NA, index=raw.index, dtype=object)
        values, bad = _parse(col, source)
        if bad.any():
            unparseable[col.name] = bad
            findings.append(_issue(table, file, col.name, _KIND_EXPECTED[col.kind], bad, source))
        if col.default is not None:
            values = values.fillna(col.default)
        parsed[col.name] = values
    df = pd.DataFrame(parsed)
    findings += _pandera_findings(table, file, df, raw, unparseable)
    for rule in table.rules:
        mask = rule.bad_rows(df).to_numpy()
        if mask.any():
            shown = raw[[c for c in rule.columns if c in raw.columns]]
            text = shown.apply(lambda r: ", ".join(f"{k}={'(empty)' if pd.isna(v) else v}" for k, v in r.items()),
                               axis=1) if len(shown.columns) else None
            findings.append(_issue(table, file, ", ".join(rule.columns), rule.expected, mask, text))
    for fk in table.foreign_keys:
        parent = parents.get(fk.table)
        if parent is None:
            continue
        mask = df[fk.column].notna().to_numpy() & ~member_of(df[fk.column], parent[fk.ref_column].dropna())
        if mask.any():
            findings.append(_issue(table, file, fk.column, f"a {fk.ref_column} that exists in {fk.table}",
                                   mask, raw[fk.column]))
    return df, findings


def _to_final_dtypes(table: Table, df: pd.DataFrame) -> pd.DataFrame:
    """Enumerated columns become categoricals with the contract's fixed categories."""
    for c in table.columns:
        if c.kind == "category":
            df[c.name] = df[c.name].astype("category").cat.set_categories(list(c.allowed))
    return df


def validate_tables(sources: dict[str, tuple[str, pd.DataFrame]], lenient: bool = False) -> ValidatedData:
    """Validate raw canonical tables.

    Parameters
    ----------
    sources : dict
        Table name -> (file name for messages, raw frame with canonical column names).
    lenient : bool
        Set offending rows aside instead of failing.

    Returns
    -------
    ValidatedData
        Check ``result.report.ok``; in strict mode tables with issues are not returned clean.
    """
    result = ValidatedData(tables={})
    report = result.report
    # Foreign keys are checked against the parent rows kept (lenient: rejection cascades to
    # children) or against every parent row (strict: one bad parent row is one issue, not two).
    parents: dict[str, pd.DataFrame] = {}
    for name in VALIDATION_ORDER:
        if name not in sources:
            continue
        table = TABLES[name]
        file, raw = sources[name]
        raw = raw.reset_index(drop=True)
        report.rows_in[name] = len(raw)
        df, findings = _validate_table(table, file, raw, parents)
        fatal = [f for f in findings if f.mask is None]
        if fatal:
            report.issues += [f.issue for f in fatal]
            continue
        bad = np.zeros(len(raw), bool)
        for f in findings:
            bad |= f.mask
        if lenient and bad.any():
            reasons = pd.Series("", index=raw.index, dtype=object)
            for f in findings:
                reasons[f.mask] = reasons[f.mask] + f"{f.issue.column}: expected {f.issue.expected}; "
            rejected = raw[bad].copy()
            rejected.insert(0, "_row", np.flatnonzero(bad) + 1)
            rejected["_reason"] = reasons[bad].str.rstrip("; ").to_numpy()
            result.rejected[name] = rejected.reset_index(drop=True)
            report.notes.append(f"{file}: {int(bad.sum())} rows set aside (see rejected/{name}.csv)")
        elif findings:
            report.issues += [f.issue for f in findings]
        kept = df[~bad].reset_index(drop=True)
        parents[name] = kept if lenient else df
        report.rows_kept[name] = len(kept)
        report.rows_rejected[name] = int(bad.sum())
        result.tables[name] = _to_final_dtypes(table, kept)
    return result


def write_rejected(rejected: dict[str, pd.DataFrame], directory: Path) -> None:
    """Rejected rows as CSV, one file per table, with ``_row`` and ``_reason`` columns."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in rejected.items():
        frame.to_csv(directory / f"{name}.csv", index=False)
