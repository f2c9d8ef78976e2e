"""Where the data lies in time: the first and last event date of each validated table.

A table's coverage runs from the earliest to the latest value over its date columns. Scheduled
dates (an agreement's ``end_at``, which may lie in the future) are not events: they neither
stretch a table's coverage nor set the "as of" date.

Rosters (:data:`ROSTERS`: partners, customers, agreements) list things that persist until a date
ends them (a partner stays in the program until ``left_at``), recorded as of the export: they
cover every period from their first date to the as-of date, however long ago the last partner
joined. The KPI engine reports a metric only in the periods that every table it needs covers
(see :mod:`partner_analysis.kpis.engine`), and ``build`` records each table's coverage in
``build.json``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..periods import period_codes
from .contract import TABLES

#: Tables whose rows persist until a date ends them: they cover the periods up to the as-of date.
ROSTERS = ("partners", "customers", "agreements")


@dataclass(frozen=True)
class Coverage:
    """First and last event date of one table, the date columns they were taken from, and whether
    the table is a roster (it covers the periods up to the as-of date)."""

    first: pd.Timestamp
    last: pd.Timestamp
    columns: tuple[str, ...]
    roster: bool = False

    def record(self) -> dict:
        """As written to ``build.json``: ISO dates, the columns and the roster flag."""
        return {"first": self.first.date().isoformat(), "last": self.last.date().isoformat(),
                "columns": list(self.columns), "roster": self.roster}

    @classmethod
    def from_record(cls, record: dict) -> "Coverage":
        """The coverage ``build.json`` recorded (dates at day precision)."""
        return cls(pd.Timestamp(record["first"]), pd.Timestamp(record["last"]), tuple(record["columns"]),
                   bool(record["roster"]))


def event_date_columns(name: str, frame: pd.DataFrame) -> list[str]:
    """The date columns of ``frame`` that hold events (not scheduled dates) and have a value."""
    table = TABLES.get(name)
    scheduled = {c.name for c in table.columns if c.scheduled} if table is not None else set()
    return [c for c in frame.columns if c not in scheduled and pd.api.types.is_datetime64_any_dtype(frame[c])
            and frame[c].notna().any()]


def table_coverage(name: str, frame: pd.DataFrame) -> Coverage | None:
    """The coverage of one table; None when it has no event date at all (e.g. no rows)."""
    columns = event_date_columns(name, frame)
    if not columns:
        return None
    return Coverage(min(frame[c].min() for c in columns), max(frame[c].max() for c in columns), tuple(columns),
                    name in ROSTERS)


def coverage(tables: dict[str, pd.DataFrame]) -> dict[str, Coverage]:
    """Coverage of every table that has an event date, by table name."""
    found = {name: table_coverage(name, frame) for name, frame in tables.items()}
    return {name: c for name, c in found.items() if c is not None}


def coverage_record(tables: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Each table's coverage as ``build.json`` records it (``first``, ``last``, ``columns``)."""
    return {name: c.record() for name, c in coverage(tables).items()}


def covered_periods(spans: dict[str, Coverage], names, periods: np.ndarray, freq: str,
                    fiscal_start: int = 1) -> np.ndarray:
    """The period codes of ``periods`` (a grid ending with the as-of period) that every table in
    ``names`` covers: from the period of its first event date to that of its last, or to the end
    of the grid for a roster; none when one of them has no coverage."""
    periods = np.asarray(periods, dtype=np.int64)
    keep = np.ones(len(periods), dtype=bool)
    for name in names:
        span = spans.get(name)
        if span is None:
            return periods[:0]
        first, last = period_codes(pd.Series([span.first, span.last]), freq, fiscal_start)
        keep &= (periods >= first) & ((periods <= last) | span.roster)
    return periods[keep]


def latest_date(tables: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """The latest event date in any table (the default "as of")."""
    spans = coverage(tables)
    if not spans:
        raise ValueError("no dates in the data: cannot place anything in a period")
    return max(c.last for c in spans.values())
