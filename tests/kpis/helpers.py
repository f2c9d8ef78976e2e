"""Helpers for known-answer KPI tests: hand-made raw tables in, one KPI value out.

A known-answer test is marked ``@known_answer("<metric_id>", ...)`` and computes each metric it
names with ``rows_of``; ``tests/kpis/conftest.py`` fails a marked test that does not, so the
catalog-wide test can trust the marks when it proves that every metric has a known-answer test.
"""
from __future__ import annotations

import pandas as pd
import pytest

from partner_analysis.config import Config
from partner_analysis.kpis import KpiContext, compute_metric
from partner_analysis.ingest.validation import validate_tables


def validated(**raw: pd.DataFrame | dict) -> dict[str, pd.DataFrame]:
    """Validate hand-made raw tables (strict: the fixture itself must meet the contract)."""
    sources = {name: (f"{name}.csv", pd.DataFrame(frame)) for name, frame in raw.items()}
    result = validate_tables(sources)
    assert result.report.ok, result.report.render()
    return result.tables


def context(tables: dict[str, pd.DataFrame], freq: str = "quarter", as_of: str | None = None,
            config: Config | None = None) -> KpiContext:
    """A KPI context over validated tables."""
    return KpiContext(tables, config or Config(), freq, pd.Timestamp(as_of) if as_of else None)


#: Marks a test as the known-answer test of the metrics it names.
known_answer = pytest.mark.known_answer
#: Metric ids ``rows_of`` computed in the running test (reset by the conftest before each test).
COMPUTED: set[str] = set()


def rows_of(metric_id: str, ctx: KpiContext) -> pd.DataFrame:
    """All rows of one metric (recorded for the known-answer check)."""
    rows = compute_metric(metric_id, ctx)
    COMPUTED.add(metric_id)
    return rows


def row_of(rows: pd.DataFrame, period: str, partner: str | None = None, attribution: str = "all") -> pd.Series:
    """The single row for a period, partner (None = program) and attribution."""
    sel = (rows["period"] == period) & (rows["attribution"] == attribution)
    sel &= rows["partner_id"].isna() if partner is None else (rows["partner_id"] == partner)
    found = rows[sel]
    assert len(found) == 1, f"expected one row for {period}/{partner}/{attribution}, got {len(found)}:\n{rows}"
    return found.iloc[0]


def value_of(rows: pd.DataFrame, period: str, partner: str | None = None, attribution: str = "all") -> float:
    """The value of the single row for a period, partner and attribution."""
    return float(row_of(rows, period, partner, attribution)["value"])


def has_no_row(rows: pd.DataFrame, period: str, partner: str | None = None, attribution: str = "all") -> bool:
    """True when the cell has no row: an empty population gives no row (never a missing value)."""
    sel = (rows["period"] == period) & (rows["attribution"] == attribution)
    sel &= rows["partner_id"].isna() if partner is None else (rows["partner_id"] == partner)
    return rows[sel].empty
