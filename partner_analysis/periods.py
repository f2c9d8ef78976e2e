"""Fiscal months and quarters, vectorised.

Quarters are written ``2025Q3`` (fiscal year, fiscal quarter) and months ``2025-03`` (calendar).
A fiscal year is named by the calendar year in which it ends; with a January start it is the
calendar year. Labels of one frequency sort chronologically as plain strings.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

FREQUENCIES = ("quarter", "month")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month_index(dates: pd.Series) -> np.ndarray:
    """Months since year 0 (year*12 + month-1) as int64; NaT gives -1."""
    d = pd.to_datetime(dates)
    years = d.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    months = d.dt.month.to_numpy(dtype="float64", na_value=np.nan)
    idx = years * 12 + months - 1
    return np.where(np.isnan(idx), -1, idx).astype(np.int64)


def period_codes(dates: pd.Series, freq: str, fiscal_start: int = 1) -> np.ndarray:
    """Integer period codes (ordered) for dates: months since year 0, or fiscal quarters since year 0.

    NaT gives -1. Codes are cheap to group by; :func:`code_labels` turns them into labels.
    """
    return month_periods(_month_index(dates), freq, fiscal_start)


def _fiscal_shift(fiscal_start: int) -> int:
    """Months to add so that the fiscal year's first month is month 0 of the year it ends in."""
    return (12 - (fiscal_start - 1)) % 12


def month_periods(months: np.ndarray, freq: str, fiscal_start: int = 1) -> np.ndarray:
    """Period code of each calendar month code (year * 12 + month - 1); -1 stays -1."""
    months = np.asarray(months, dtype=np.int64)
    if freq == "month":
        return months
    if freq != "quarter":
        raise ValueError(f"freq must be one of {FREQUENCIES}, got {freq!r}")
    return np.where(months < 0, -1, (months + _fiscal_shift(fiscal_start)) // 3)


def period_months(codes: np.ndarray, freq: str, fiscal_start: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Calendar month codes of the first and the last month of each period code."""
    codes = np.asarray(codes, dtype=np.int64)
    if freq == "month":
        return codes, codes
    first = codes * 3 - _fiscal_shift(fiscal_start)
    return first, first + 2


def code_labels(codes: np.ndarray, freq: str) -> np.ndarray:
    """Labels for integer period codes (see :func:`period_codes`)."""
    codes = np.asarray(codes, dtype=np.int64)
    if freq == "month":
        years, months = np.divmod(codes, 12)
        return np.array([f"{y:04d}-{mm + 1:02d}" for y, mm in zip(years, months)], dtype=object)
    years, quarters = np.divmod(codes, 4)
    return np.array([f"{y:04d}Q{q + 1}" for y, q in zip(years, quarters)], dtype=object)


def period_labels(dates: pd.Series, freq: str, fiscal_start: int = 1) -> pd.Series:
    """Period label per date (missing for NaT), computed once per distinct period."""
    codes = period_codes(dates, freq, fiscal_start)
    uniq, inverse = np.unique(codes, return_inverse=True)
    labels = code_labels(uniq, freq).astype(object)
    labels[uniq < 0] = None
    return pd.Series(labels[inverse], index=dates.index, dtype="str")


def label_code(label: str, freq: str) -> int:
    """Integer code of one period label."""
    if freq == "quarter":
        m = _QUARTER.match(label)
        if not m:
            raise ValueError(f"not a quarter label like 2025Q3: {label!r}")
        return int(m.group(1)) * 4 + int(m.group(2)) - 1
    m = _MONTH.match(label)
    if not m:
        raise ValueError(f"not a month label like 2025-03: {label!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def code_bounds(code: int, freq: str, fiscal_start: int = 1) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day and the exclusive end (first day of the next period) of a period code."""
    first, last = period_months(np.array([code]), freq, fiscal_start)
    y, m = divmod(int(first[0]), 12)
    start = pd.Timestamp(year=y, month=m + 1, day=1)
    return start, start + pd.DateOffset(months=int(last[0] - first[0]) + 1)


def period_bounds(label: str, freq: str, fiscal_start: int = 1) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day and exclusive end of a period given by its label."""
    return code_bounds(label_code(label, freq), freq, fiscal_start)


def period_range(first: pd.Timestamp, last: pd.Timestamp, freq: str, fiscal_start: int = 1) -> np.ndarray:
    """All period codes from the one containing ``first`` to the one containing ``last``."""
    lo, hi = period_codes(pd.Series([first, last]), freq, fiscal_start)
    return np.arange(lo, hi + 1, dtype=np.int64)
