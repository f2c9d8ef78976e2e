"""What every metric computation receives: validated tables, settings, the period grid.

The grid runs from the period of the earliest event date in any table to that of the as-of date;
each metric is then reported in the periods its tables cover (:meth:`KpiContext.covered_periods`).
Derived frames that several metrics share (deals with their period codes, the partner x period
grid) are computed once per context and cached.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..config import Config
from ..ingest.coverage import Coverage, coverage, covered_periods, latest_date
from ..periods import code_bounds, code_labels, period_codes, period_range


@dataclass
class KpiContext:
    """Inputs to every metric.

    Attributes
    ----------
    tables : dict
        Validated tables by name (see :mod:`partner_analysis.contract`).
    config : Config
        Analysis settings.
    freq : str
        ``quarter`` or ``month``.
    as_of : pandas.Timestamp
        Reference date; nothing after the as-of day is counted, and the last period is the one holding it.
    """

    tables: dict[str, pd.DataFrame]
    config: Config = field(default_factory=Config)
    freq: str = "quarter"
    as_of: pd.Timestamp | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    notes: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.as_of is None:
            self.as_of = pd.Timestamp(self.config.as_of) if self.config.as_of else latest_date(self.tables)
        self.as_of = pd.Timestamp(self.as_of)

    # -- periods -------------------------------------------------------------------------
    def period_of(self, dates: pd.Series) -> np.ndarray:
        """Period code of each date (-1 for missing)."""
        return period_codes(dates, self.freq, self.config.fiscal_year_start_month)

    @property
    def cutoff(self) -> pd.Timestamp:
        """The end of the as-of day (exclusive): whatever happens on the as-of day, at any time, counts."""
        return self.as_of.normalize() + pd.Timedelta(days=1)

    @property
    def coverage(self) -> dict[str, Coverage]:
        """First and last event date of each table that has one."""
        return self.cached("coverage", lambda: coverage(self.tables))

    @property
    def periods(self) -> np.ndarray:
        """Every period code from the earliest event date in any table to the as-of date."""
        def build() -> np.ndarray:
            if not self.coverage:
                raise ValueError("no dates in the data: cannot place anything in a period")
            first = min(c.first for c in self.coverage.values())
            return period_range(min(first, self.as_of), self.as_of, self.freq, self.config.fiscal_year_start_month)
        return self.cached("periods", build)

    def covered_periods(self, names) -> np.ndarray:
        """The grid periods that every table in ``names`` covers, from the period of its first event
        date to that of its last (a roster: to the as-of date); empty when one of them has no dates."""
        return covered_periods(self.coverage, names, self.periods, self.freq, self.config.fiscal_year_start_month)

    def note(self, metric_id: str, text: str) -> None:
        """Record what a metric leaves out and why (listed in build.json ``metric_notes``)."""
        found = self.notes.setdefault(metric_id, [])
        if text not in found:
            found.append(text)

    def bounds(self, code: int) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First day and exclusive end of a period code."""
        return code_bounds(int(code), self.freq, self.config.fiscal_year_start_month)

    def period_starts(self) -> pd.Series:
        """Start date per period code in the grid."""
        return pd.Series([self.bounds(c)[0] for c in self.periods], index=self.periods)

    def period_ends(self) -> pd.Series:
        """Exclusive end date per period code in the grid (the last one: the end of the as-of day)."""
        ends = [min(self.bounds(c)[1], self.cutoff) for c in self.periods]
        return pd.Series(ends, index=self.periods)

    def labels(self, codes: np.ndarray) -> np.ndarray:
        """Period labels for codes, formatted once per distinct code."""
        uniq, inverse = np.unique(np.asarray(codes, dtype=np.int64), return_inverse=True)
        return code_labels(uniq, self.freq)[inverse]

    def span_labels(self, codes: np.ndarray) -> str:
        """Period codes written as runs of labels, e.g. ``2021Q1\u20132022Q4, 2025Q4``."""
        codes = np.unique(np.asarray(codes, dtype=np.int64))
        runs = np.split(codes, np.flatnonzero(np.diff(codes) != 1) + 1) if len(codes) else []
        parts = []
        for run in runs:
            first, last = self.labels(np.array([run[0], run[-1]]))
            parts.append(first if len(run) == 1 else f"{first}\u2013{last}")
        return ", ".join(parts)

    # -- tables --------------------------------------------------------------------------
    def has(self, *names: str) -> bool:
        return all(n in self.tables for n in names)

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """Compute ``build()`` once per context."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def dated(self, name: str, date_col: str) -> pd.DataFrame:
        """Rows of a table up to as_of with a ``period`` code column for ``date_col`` (cached).

        Rows whose date is missing or after the as-of day are left out.
        """
        def build() -> pd.DataFrame:
            frame = self.tables[name]
            keep = frame[date_col].notna() & (frame[date_col] < self.cutoff)
            out = frame.loc[keep].copy()
            out["period"] = self.period_of(out[date_col])
            return out[out["period"] >= self.periods[0]]
        return self.cached(f"dated:{name}:{date_col}", build)

    def partner_periods(self) -> pd.DataFrame:
        """(partner_id, period) for each period in which the partner was in the program.

        In the program during a period: joined before the period ended and not left before it began.
        """
        def build() -> pd.DataFrame:
            if "partners" not in self.tables:
                return pd.DataFrame({"partner_id": pd.array([], dtype="str"), "period": np.array([], np.int64)})
            partners = self.tables["partners"]
            first = np.maximum(self.period_of(partners["joined_at"]), self.periods[0])
            left = self.period_of(partners["left_at"])
            last = np.where(left >= 0, np.minimum(left, self.periods[-1]), self.periods[-1])
            span = np.clip(last - first + 1, 0, None)
            ids = np.repeat(partners["partner_id"].to_numpy(), span)
            offsets = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
            codes = np.repeat(first, span) + offsets
            return pd.DataFrame({"partner_id": pd.array(ids, dtype="str"), "period": codes.astype(np.int64)})
        return self.cached("partner_periods", build)
