"""Turn subscriptions (start, end, MRR) into the monthly ``revenue`` table.

MRR is a month-end snapshot: a subscription counts in month M when it has started by M's last
day and has not ended by then (``end_at`` after M's last day, or open). The month holding the
reference date is cut at that date, so an open subscription counts through the as-of month.
A subscription that starts and ends within one month counts in no month. Overlapping
subscriptions of one account add up.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import code_labels, period_codes


def subscriptions_to_revenue(subscriptions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Monthly revenue rows (``account_id``, ``month``, ``mrr``) from validated subscriptions.

    Parameters
    ----------
    subscriptions : DataFrame
        Validated ``subscriptions`` table.
    as_of : Timestamp
        Reference date; open subscriptions run through its month.

    Returns
    -------
    DataFrame
        One row per account and month with positive or zero MRR, summed over subscriptions.
    """
    subs = subscriptions[subscriptions["start_at"] <= as_of]
    start_m = period_codes(subs["start_at"], "month")
    as_of_m = int(period_codes(pd.Series([as_of]), "month")[0])
    end = subs["end_at"]
    end_m = period_codes(end, "month")
    ended = end.notna().to_numpy() & (end <= as_of).to_numpy()
    # Month E holding end_at: its last day is on or after end_at, so E never counts (unless E is the
    # as-of month and the subscription ends after as_of, which `ended` already excludes).
    last_m = np.where(ended, end_m - 1, as_of_m)
    span = np.clip(last_m - start_m + 1, 0, None)
    rows = np.repeat(np.arange(len(subs)), span)
    months = np.repeat(start_m, span) + (np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span))
    expanded = pd.DataFrame({
        "account_id": subs["account_id"].to_numpy()[rows],
        "month_code": months,
        "mrr": subs["mrr"].to_numpy()[rows],
    })
    monthly = expanded.groupby(["account_id", "month_code"], as_index=False, sort=True)["mrr"].sum()
    uniq, inverse = np.unique(monthly["month_code"].to_numpy(), return_inverse=True)
    firsts = pd.to_datetime(code_labels(uniq, "month") + "-01").to_numpy()
    return pd.DataFrame({
        "account_id": monthly["account_id"].astype("str"),
        "month": pd.Series(firsts[inverse]).astype("datetime64[ns]"),
        "mrr": monthly["mrr"].astype("float64"),
    })
