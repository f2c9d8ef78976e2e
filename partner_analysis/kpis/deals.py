"""Deal-derived frames shared by the revenue metrics: won, closed, created and open deals per period."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .context import KpiContext
from .frame import span_periods


def closed_deals(ctx: KpiContext) -> pd.DataFrame:
    """Won and lost deals placed in the period of ``closed_at``, with ``won`` and ``cycle_days``."""
    def build() -> pd.DataFrame:
        deals = ctx.dated("deals", "closed_at")
        deals = deals[deals["stage"].isin(["won", "lost"]).to_numpy()].copy()
        deals["won"] = (deals["stage"] == "won").to_numpy()
        deals["cycle_days"] = (deals["closed_at"] - deals["created_at"]).dt.total_seconds() / 86400.0
        return deals
    return ctx.cached("closed_deals", build)


def won_deals(ctx: KpiContext) -> pd.DataFrame:
    """Won deals placed in the period of ``closed_at``."""
    return ctx.cached("won_deals", lambda: closed_deals(ctx).loc[lambda d: d["won"].to_numpy()])


def created_deals(ctx: KpiContext) -> pd.DataFrame:
    """All deals placed in the period of ``created_at``."""
    return ctx.dated("deals", "created_at")


def open_deal_snapshots(ctx: KpiContext) -> pd.DataFrame:
    """One row per deal and period at whose end the deal was open.

    A deal is open at the end of period p when it was created before p ended and was not
    closed by then (``closed_at`` on or after p's end, or not closed as of the reference date).
    The amount is the deal's latest amount (expected value while open).
    """
    def build() -> pd.DataFrame:
        deals = created_deals(ctx)
        ends = ctx.period_ends()
        start = deals["period"].to_numpy()
        closed = deals["closed_at"].where(deals["closed_at"] < ctx.cutoff)
        closed_code = ctx.period_of(closed)
        # Open at the end of every period before the closing one; through the last period if still open.
        end = np.where(closed_code >= 0, closed_code, ctx.periods[-1] + 1)
        rows, codes = span_periods(start, end)
        snap = deals.iloc[rows][["partner_id", "attribution", "amount"]].reset_index(drop=True)
        snap["period"] = codes
        return snap[snap["period"].isin(ends.index)]
    return ctx.cached("open_deal_snapshots", build)
