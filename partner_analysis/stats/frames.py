"""Analysis frames: one row per deal or per customer, with the comparison group, the covariates to
adjust for, durations and censoring at the as-of date.

What counts as of the as-of date: a deal created after it does not exist yet; a deal closed after
it is still open (censored at the as-of date); a customer churned after it is still active.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import period_labels
from .source import StatsSource

#: Partner groups compared with the direct baseline; ``partner`` is sourced and influenced together.
GROUPS = ("sourced", "influenced", "partner")
BASELINE = "direct"
#: Dimensions an adjusted comparison controls for, when the data has them (``period``: the quarter
#: a deal was created or a customer acquired).
DEAL_DIMENSIONS = ("segment", "region", "product", "deal_type", "period")
CUSTOMER_DIMENSIONS = ("segment", "region", "period")
#: Days in an average month (365.25 / 12), for customer-months of exposure.
DAYS_PER_MONTH = 30.4375


def _days(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return ((later - earlier) / pd.Timedelta(days=1)).to_numpy(dtype="float64")


def deal_frame(source: StatsSource) -> pd.DataFrame:
    """Deals created by the as-of date, one row each.

    Columns: ``deal_id``, ``partner_id``, ``attribution`` (sourced, influenced, direct), ``amount``,
    ``closed`` and ``won`` (as of the as-of date), ``closed_at`` (closed deals), ``cycle_days`` (created to closed, closed deals),
    ``duration_days`` (cycle for closed deals, created to as-of for open ones: censored), and the
    covariates of :data:`DEAL_DIMENSIONS` that the table has (categoricals; missing kept as missing).
    """
    deals = source.table("deals")
    as_of = source.as_of
    deals = deals[(deals["created_at"] <= as_of).to_numpy()]
    closed = (deals["stage"].isin(["won", "lost"]) & (deals["closed_at"] <= as_of)).to_numpy()
    won = closed & (deals["stage"] == "won").to_numpy()
    cycle = _days(deals["closed_at"], deals["created_at"])
    frame = pd.DataFrame({
        "deal_id": deals["deal_id"].to_numpy(),
        "partner_id": deals["partner_id"].to_numpy(),
        "attribution": deals["attribution"].astype(str).to_numpy(),
        "amount": deals["amount"].to_numpy(dtype="float64"),
        "closed": closed,
        "won": won,
        "closed_at": deals["closed_at"].where(closed).to_numpy(),
        "cycle_days": np.where(closed, cycle, np.nan),
        "duration_days": np.where(closed, cycle, _days(pd.Series(as_of, index=deals.index), deals["created_at"])),
    })
    for dim in DEAL_DIMENSIONS[:-1]:
        if dim in deals.columns and deals[dim].notna().any():
            frame[dim] = deals[dim].astype("category").array
    frame["period"] = period_labels(deals["created_at"], "quarter", source.config.fiscal_year_start_month
                                    ).astype("category").array
    return frame


def _acquiring_attribution(source: StatsSource) -> pd.Series:
    """Attribution of the first won deal of each account (account_id -> sourced/influenced/direct)."""
    if not source.has("deals"):
        return pd.Series(dtype=object)
    deals = source.table("deals")
    won = deals[(deals["stage"] == "won").to_numpy() & deals["account_id"].notna().to_numpy()
                & (deals["closed_at"] <= source.as_of).to_numpy()]
    first = won.sort_values(["closed_at", "deal_id"], kind="stable").drop_duplicates("account_id")
    return pd.Series(first["attribution"].astype(str).to_numpy(), index=first["account_id"].to_numpy())


def customer_frame(source: StatsSource) -> pd.DataFrame:
    """Customers acquired by the as-of date, one row each.

    Columns: ``account_id``, ``partner_id``, ``channel`` (partner, direct), ``attribution`` (sourced or
    influenced for a partner customer whose first won deal says which, else missing; direct for
    direct customers), ``duration_days`` (acquired to churned, or to the as-of date while active:
    censored), ``churned``, ``months`` (customer-months of exposure, at least one day's worth),
    ``mrr_earned`` (MRR of the months up to the as-of date, when the data has revenue) and the
    covariates of :data:`CUSTOMER_DIMENSIONS` that the table has.
    """
    customers = source.table("customers")
    as_of = source.as_of
    customers = customers[(customers["acquired_at"] <= as_of).to_numpy()]
    churned = (customers["churned_at"] <= as_of).to_numpy()
    end = customers["churned_at"].where(churned, as_of)
    duration = _days(end, customers["acquired_at"])
    channel = customers["channel"].astype(str).to_numpy()
    acquiring = pd.Series(customers["account_id"].to_numpy()).map(_acquiring_attribution(source)).to_numpy()
    attribution = np.where(channel == "direct", "direct",
                           np.where(np.isin(acquiring, ["sourced", "influenced"]), acquiring, None))
    frame = pd.DataFrame({
        "account_id": customers["account_id"].to_numpy(),
        "partner_id": customers["partner_id"].to_numpy(),
        "channel": channel,
        "attribution": attribution,
        "duration_days": duration,
        "churned": churned,
        "months": np.maximum(duration, 1.0) / DAYS_PER_MONTH,
    })
    if source.has("revenue"):
        revenue = source.table("revenue")
        revenue = revenue[(revenue["month"] <= as_of).to_numpy()]
        earned = revenue.groupby("account_id", observed=True, sort=False)["mrr"].sum()
        frame["mrr_earned"] = frame["account_id"].map(earned).fillna(0.0).to_numpy(dtype="float64")
    for dim in CUSTOMER_DIMENSIONS[:-1]:
        if dim in customers.columns and customers[dim].notna().any():
            frame[dim] = customers[dim].astype("category").array
    frame["period"] = period_labels(customers["acquired_at"], "quarter",
                                    source.config.fiscal_year_start_month).astype("category").array
    return frame


def group_members(frame: pd.DataFrame, group: str) -> np.ndarray:
    """Rows of ``frame`` in a comparison group (``partner`` = sourced + influenced, or the partner
    channel for customers) or the ``direct`` baseline."""
    if group == "partner":
        if "channel" in frame.columns:
            return (frame["channel"] == "partner").to_numpy()
        return frame["attribution"].isin(["sourced", "influenced"]).to_numpy()
    return (frame["attribution"] == group).to_numpy()
