"""Fiscal months and quarters, on pandas periods.

Quarters are written ``2025Q3`` (fiscal year, fiscal quarter) and months ``2025-03`` (calendar).
A fiscal year is named by the calendar year in which it ends, as pandas names a ``Q-JUN`` year
(fiscal years starting in July); with a January start it is the calendar year. Labels of one
frequency sort chronologically as plain strings.

Periods are handled as integer codes, cheap to group and join on: a month's code is
``year * 12 + month - 1`` and a quarter's ``fiscal_year * 4 + quarter - 1`` (the pandas period
ordinal shifted so that every date from year 0 on has a code >= 0); -1 stands for a missing date.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

FREQUENCIES = ("quarter", "month")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
#: Codes are pandas ordinals (periods since 1970) plus these offsets.
_OFFSET = {"month": 1970 * 12, "quarter": 1970 * 4}
_MISSING = -1


def pandas_freq(freq: str, fiscal_start: int = 1) -> str:
    """The pandas frequency of a period grain: ``M``, or ``Q-<month the fiscal year ends>``."""
    if freq == "month":
        return "M"
    if freq != "quarter":
        raise ValueError(f"freq must be one of {FREQUENCIES}, got {freq!r}")
    return f"Q-{_MONTH_NAMES[(fiscal_start - 2) % 12]}"


def _codes(periods: pd.PeriodIndex | pd.arrays.PeriodArray, freq: str) -> np.ndarray:
    ordinals = periods.asi8
    return np.where(pd.isna(periods), _MISSING, ordinals + _OFFSET[freq]).astype(np.int64)


def _periods(codes: np.ndarray, freq: str, fiscal_start: int = 1) -> pd.PeriodIndex:
    return pd.PeriodIndex.from_ordinals(np.asarray(codes, dtype=np.int64) - _OFFSET[freq],
                                        freq=pandas_freq(freq, fiscal_start))


def period_codes(dates: pd.Series, freq: str, fiscal_start: int = 1) -> np.ndarray:
    """Integer period code (ordered) of each date; -1 for a missing date."""
    periods = pd.to_datetime(dates).dt.to_period(pandas_freq(freq, fiscal_start))
    return _codes(periods.array, freq)


def month_periods(months: np.ndarray, freq: str, fiscal_start: int = 1) -> np.ndarray:
    """Period code of each calendar month code; -1 stays -1."""
    months = np.asarray(months, dtype=np.int64)
    if freq == "month":
        return months
    present = months >= 0
    out = np.full(len(months), _MISSING, dtype=np.int64)
    out[present] = _codes(_periods(months[present], "month").asfreq(pandas_freq(freq, fiscal_start)), freq)
    return out


def period_months(codes: np.ndarray, freq: str, fiscal_start: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Calendar month codes of the first and the last month of each period code."""
    codes = np.asarray(codes, dtype=np.int64)
    if freq == "month":
        return codes, codes
    periods = _periods(codes, freq, fiscal_start)
    return _codes(periods.asfreq("M", how="start"), "month"), _codes(periods.asfreq("M", how="end"), "month")


def code_labels(codes: np.ndarray, freq: str) -> np.ndarray:
    """Labels of integer period codes (see :func:`period_codes`); labels do not depend on the fiscal
    start: a code is a fiscal year and quarter."""
    periods = _periods(codes, freq)
    return np.asarray(periods.strftime("%Y-%m" if freq == "month" else "%FQ%q"), dtype=object)


def period_labels(dates: pd.Series, freq: str, fiscal_start: int = 1) -> pd.Series:
    """Period label per date (missing for NaT), computed once per distinct period."""
    codes = period_codes(dates, freq, fiscal_start)
    uniq, inverse = np.unique(codes, return_inverse=True)
    labels = np.empty(len(uniq), dtype=object)
    labels[uniq >= 0] = code_labels(uniq[uniq >= 0], freq)
    return pd.Series(labels[inverse], index=dates.index, dtype="str")


def label_code(label: str, freq: str) -> int:
    """Integer code of one period label.

    Raises
    ------
    ValueError
        The label is not of the grain's form (``2025Q3``, ``2025-03``); the message shows the form.
    """
    pattern, form = (_QUARTER, "a quarter label like 2025Q3") if freq == "quarter" else (_MONTH, "a month label like 2025-03")
    match = pattern.match(str(label))
    if not match:
        raise ValueError(f"{label!r} is not {form}")
    year, part = int(match.group(1)), int(match.group(2))
    return year * (4 if freq == "quarter" else 12) + part - 1


def code_bounds(code: int, freq: str, fiscal_start: int = 1) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day and the exclusive end (first day of the next period) of a period code."""
    period = _periods(np.array([code]), freq, fiscal_start)[0]
    return period.start_time, (period + 1).start_time


def period_bounds(label: str, freq: str, fiscal_start: int = 1) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day and exclusive end of a period given by its label."""
    return code_bounds(label_code(label, freq), freq, fiscal_start)


def period_range(first: pd.Timestamp, last: pd.Timestamp, freq: str, fiscal_start: int = 1) -> np.ndarray:
    """All period codes from the one containing ``first`` to the one containing ``last``."""
    lo, hi = period_codes(pd.Series([first, last]), freq, fiscal_start)
    return np.arange(lo, hi + 1, dtype=np.int64)
