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

from ..periods import month_periods, period_codes, period_months
from .context import KpiContext
from .frame import span_periods


def channel_attribution(customers: pd.DataFrame) -> pd.Series:
    """The customer's channel as the row attribution (``partner`` or ``direct``)."""
    return customers["channel"].astype("str")


def month_codes(dates: pd.Series) -> np.ndarray:
    """Calendar month code (year * 12 + month - 1) of each date; -1 for missing."""
    return period_codes(dates, "month")


def period_of_month(ctx: KpiContext, months: np.ndarray) -> np.ndarray:
    """Period code of each month code."""
    return month_periods(months, ctx.freq, ctx.config.fiscal_year_start_month)


def as_of_month(ctx: KpiContext) -> int:
    """Month code of the as-of date."""
    return int(month_codes(pd.Series([ctx.as_of]))[0])


def _customer_spans(ctx: KpiContext, *, start_offset: int, through_churn: bool) -> pd.DataFrame:
    """Customer x period rows (``acct`` = the customer's row position) from the acquisition period
    (+ ``start_offset``) up to the churn period (included when ``through_churn``) or the last grid
    period; ``churned`` flags the churn period."""
    customers = ctx.table("customers")
    acquired = (customers["acquired_at"] < ctx.cutoff).to_numpy()
    positions = np.flatnonzero(acquired)
    customers = customers[acquired]
    churn_code = ctx.period_of(customers["churned_at"].where(customers["churned_at"] < ctx.cutoff))
    start = np.maximum(ctx.period_of(customers["acquired_at"]) + start_offset, ctx.periods[0])
    end = np.where(churn_code >= 0, churn_code + int(through_churn), ctx.periods[-1] + 1)
    rows, codes = span_periods(start, np.minimum(end, ctx.periods[-1] + 1))
    acct = positions[rows]
    return pd.DataFrame({
        "acct": acct,
        "account_id": customers["account_id"].to_numpy()[rows],
        "partner_id": customer_labels(ctx, "partner_id", acct),
        "attribution": customer_labels(ctx, "attribution", acct),
        "period": codes,
        "churned": (churn_code[rows] == codes).astype(float),
    })


def customer_labels(ctx: KpiContext, column: str, positions: np.ndarray) -> pd.Categorical:
    """The customers' ``partner_id`` or channel ``attribution`` at row ``positions`` (-1: missing),
    as a categorical: customer frames are long, and taking integer codes is much cheaper than
    copying strings. The labels are factorised once per context."""
    def build() -> dict[str, tuple[np.ndarray, pd.Index]]:
        customers = ctx.table("customers")
        found = {}
        for name, labels in (("partner_id", customers["partner_id"]), ("attribution", channel_attribution(customers))):
            codes, uniques = pd.factorize(labels)
            found[name] = (codes, pd.Index(uniques, dtype="str"))
        return found
    codes, categories = ctx.cached("customer_labels", build)[column]
    taken = np.where(positions >= 0, codes[np.clip(positions, 0, None)], -1) if len(codes) else np.full(len(positions), -1)
    return pd.Categorical.from_codes(taken, categories=categories)


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


def customer_positions(ctx: KpiContext, account_ids: pd.Series) -> np.ndarray:
    """Row position of each account in the customers table (-1 when not a customer): the ``acct``
    code of the customer frames, for joins on integers."""
    index = ctx.cached("customer_index", lambda: pd.Index(ctx.table("customers")["account_id"]))
    return index.get_indexer(account_ids)


def with_customer(ctx: KpiContext, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with ``account_id``) plus the customer's ``partner_id`` and channel ``attribution``
    (categoricals, cheap on long frames).

    Rows whose account is not among the customers keep a missing partner and attribution: they
    count in the ``all`` view only.
    """
    position = customer_positions(ctx, frame["account_id"])
    out = frame.drop(columns=[c for c in ("partner_id", "attribution") if c in frame.columns])
    out["partner_id"] = customer_labels(ctx, "partner_id", position)
    out["attribution"] = customer_labels(ctx, "attribution", position)
    return out


def monthly_mrr(ctx: KpiContext) -> pd.DataFrame:
    """Revenue rows up to the as-of month with a ``month_code`` and an integer account code ``acct``
    (joins on integers are much faster than on account ids)."""
    def build() -> pd.DataFrame:
        revenue = ctx.table("revenue")
        codes = month_codes(revenue["month"])
        keep = codes <= as_of_month(ctx)
        out = revenue.loc[keep, ["account_id", "mrr"]].assign(month_code=codes[keep])
        return out.assign(acct=pd.factorize(out["account_id"])[0])
    return ctx.cached("monthly_mrr", build)


def mrr_increases(ctx: KpiContext) -> pd.DataFrame:
    """Month-over-month MRR increases of accounts that paid in the previous calendar month:
    ``account_id``, ``month_code``, ``increase``."""
    mrr = monthly_mrr(ctx)
    order = np.lexsort((mrr["month_code"].to_numpy(), mrr["acct"].to_numpy()))
    acct, month = mrr["acct"].to_numpy()[order], mrr["month_code"].to_numpy()[order]
    value = mrr["mrr"].to_numpy(dtype="float64")[order]
    follows = (acct[1:] == acct[:-1]) & (month[1:] == month[:-1] + 1) & (value[:-1] > 0)
    grew = follows & (value[1:] > value[:-1])
    rows = order[1:][grew]
    return pd.DataFrame({"account_id": mrr["account_id"].to_numpy()[rows], "month_code": month[1:][grew],
                         "increase": (value[1:] - value[:-1])[grew]})


def mrr_bridge(ctx: KpiContext) -> pd.DataFrame:
    """Per account and period with MRR at the period's start > 0: ``start_mrr`` and ``end_mrr``.

    The cohort is fixed at the start: accounts acquired during the period are not in it, and an
    account that churns and returns within the period counts with its end MRR.
    """
    def build() -> pd.DataFrame:
        mrr = monthly_mrr(ctx)
        periods = ctx.periods
        first, last = period_months(periods, ctx.freq, ctx.config.fiscal_year_start_month)
        before = pd.DataFrame({"month_code": first - 1, "period": periods})
        end = pd.DataFrame({"month_code": np.minimum(last, as_of_month(ctx)), "period": periods})
        start_rows = mrr.merge(before, on="month_code").rename(columns={"mrr": "start_mrr"})
        start_rows = start_rows[start_rows["start_mrr"] > 0]
        end_rows = mrr.merge(end, on="month_code").rename(columns={"mrr": "end_mrr"})
        bridge = start_rows[["acct", "account_id", "period", "start_mrr"]].merge(
            end_rows[["acct", "period", "end_mrr"]], on=["acct", "period"], how="left")
        return bridge.drop(columns="acct").fillna({"end_mrr": 0.0})
    return ctx.cached("mrr_bridge", build)
