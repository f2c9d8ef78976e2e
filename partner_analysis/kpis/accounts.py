"""Customer-account frames shared by the customer and integration metrics.

A customer is *active at* a moment when it was acquired before it and had not churned by then.
"Active at the start of period p" means acquired before p's first day and ``churned_at`` on or
after it; such a customer *churned in p* when ``churned_at`` falls in p (by the as-of date).
MRR at a period's start is the MRR of the month before its first month; MRR at its end is the
MRR of its last month (the as-of month for the current period).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import period_codes
from .context import KpiContext
from .frame import span_periods


def channel_attribution(customers: pd.DataFrame) -> pd.Series:
    """The customer's channel as the row attribution (``partner`` or ``direct``)."""
    return customers["channel"].astype("str")


def month_codes(dates: pd.Series) -> np.ndarray:
    """Calendar month code (year * 12 + month - 1) of each date; -1 for missing."""
    return period_codes(dates, "month")


def _fiscal_shift(ctx: KpiContext) -> int:
    return (12 - (ctx.config.fiscal_year_start_month - 1)) % 12


def period_of_month(ctx: KpiContext, months: np.ndarray) -> np.ndarray:
    """Period code of each month code."""
    months = np.asarray(months, dtype=np.int64)
    return months if ctx.freq == "month" else (months + _fiscal_shift(ctx)) // 3


def first_month(ctx: KpiContext, periods: np.ndarray) -> np.ndarray:
    """Month code of each period's first month."""
    periods = np.asarray(periods, dtype=np.int64)
    return periods if ctx.freq == "month" else periods * 3 - _fiscal_shift(ctx)


def as_of_month(ctx: KpiContext) -> int:
    """Month code of the as-of date."""
    return int(month_codes(pd.Series([ctx.as_of]))[0])


def last_month(ctx: KpiContext, periods: np.ndarray) -> np.ndarray:
    """Month code of each period's last month, capped at the as-of month."""
    periods = np.asarray(periods, dtype=np.int64)
    last = periods if ctx.freq == "month" else periods * 3 - _fiscal_shift(ctx) + 2
    return np.minimum(last, as_of_month(ctx))


def _customer_spans(ctx: KpiContext, *, start_offset: int, through_churn: bool) -> pd.DataFrame:
    """Customer x period rows from the acquisition period (+ ``start_offset``) up to the churn period
    (included when ``through_churn``) or the last grid period; ``churned`` flags the churn period."""
    customers = ctx.table("customers")
    customers = customers[(customers["acquired_at"] <= ctx.as_of).to_numpy()]
    churn_code = ctx.period_of(customers["churned_at"].where(customers["churned_at"] <= ctx.as_of))
    start = np.maximum(ctx.period_of(customers["acquired_at"]) + start_offset, ctx.periods[0])
    end = np.where(churn_code >= 0, churn_code + int(through_churn), ctx.periods[-1] + 1)
    rows, codes = span_periods(start, np.minimum(end, ctx.periods[-1] + 1))
    return pd.DataFrame({
        "account_id": customers["account_id"].to_numpy()[rows],
        "partner_id": customers["partner_id"].to_numpy()[rows],
        "attribution": channel_attribution(customers).to_numpy()[rows],
        "period": codes,
        "churned": (churn_code[rows] == codes).astype(float),
    })


def customers_at_start(ctx: KpiContext) -> pd.DataFrame:
    """One row per customer and grid period at whose start it was active.

    Columns: ``account_id``, ``partner_id``, ``attribution`` (channel), ``period``, ``churned``
    (1.0 when it churned within that period, else 0.0).
    """
    return ctx.cached("customers_at_start", lambda: _customer_spans(ctx, start_offset=1, through_churn=True))


def customers_at_end(ctx: KpiContext) -> pd.DataFrame:
    """One row per customer and grid period at whose end it was active (acquired by then, not churned)."""
    return ctx.cached("customers_at_end", lambda: _customer_spans(ctx, start_offset=0, through_churn=False))


def customers_during(ctx: KpiContext) -> pd.DataFrame:
    """One row per customer and grid period in which it was active at some point.

    Active during p: acquired before p ended and not churned before p began.
    """
    return ctx.cached("customers_during", lambda: _customer_spans(ctx, start_offset=0, through_churn=True))


def with_customer(ctx: KpiContext, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with ``account_id``) plus the customer's ``partner_id`` and channel ``attribution``.

    Rows whose account is not among the customers keep a missing partner and attribution: they
    count in the ``all`` view only.
    """
    customers = ctx.table("customers")
    index = ctx.cached("customer_index", lambda: pd.Index(customers["account_id"]))
    position = index.get_indexer(frame["account_id"])
    found = position >= 0
    partner = customers["partner_id"].to_numpy(dtype=object)
    channel = channel_attribution(customers).to_numpy(dtype=object)
    out = frame.drop(columns=[c for c in ("partner_id", "attribution") if c in frame.columns])
    out["partner_id"] = np.where(found, partner[np.where(found, position, 0)], None) if len(partner) else None
    out["attribution"] = np.where(found, channel[np.where(found, position, 0)], None) if len(channel) else None
    return out


def monthly_mrr(ctx: KpiContext) -> pd.DataFrame:
    """Revenue rows up to the as-of month with a ``month_code`` column."""
    def build() -> pd.DataFrame:
        revenue = ctx.table("revenue")
        codes = month_codes(revenue["month"])
        keep = codes <= as_of_month(ctx)
        return revenue.loc[keep, ["account_id", "mrr"]].assign(month_code=codes[keep])
    return ctx.cached("monthly_mrr", build)


def mrr_bridge(ctx: KpiContext) -> pd.DataFrame:
    """Per account and period with MRR at the period's start > 0: ``start_mrr`` and ``end_mrr``.

    The cohort is fixed at the start: accounts acquired during the period are not in it, and an
    account that churns and returns within the period counts with its end MRR.
    """
    def build() -> pd.DataFrame:
        mrr = monthly_mrr(ctx)
        periods = ctx.periods
        before = pd.DataFrame({"month_code": first_month(ctx, periods) - 1, "period": periods})
        end = pd.DataFrame({"month_code": last_month(ctx, periods), "period": periods})
        start_rows = mrr.merge(before, on="month_code").rename(columns={"mrr": "start_mrr"})
        start_rows = start_rows[start_rows["start_mrr"] > 0]
        end_rows = mrr.merge(end, on="month_code").rename(columns={"mrr": "end_mrr"})
        bridge = start_rows[["account_id", "period", "start_mrr"]].merge(
            end_rows[["account_id", "period", "end_mrr"]], on=["account_id", "period"], how="left")
        return bridge.fillna({"end_mrr": 0.0})
    return ctx.cached("mrr_bridge", build)
