"""Hand-made contract tables for the statistics tests (validated through the contract like real input)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from tests.kpis.helpers import validated

# Freireich et al. (1963) remission weeks (Kleinbaum & Klein, "Survival Analysis", 3rd ed., chapters 2-3):
# here the 6-MP arm plays the direct customers and the placebo arm the partner customers.
MP_WEEKS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
MP_RELAPSED = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PLACEBO_WEEKS = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
AS_OF = pd.Timestamp("2024-12-31")


def partners(n: int = 5, joined: str = "2023-01-01") -> pd.DataFrame:
    return pd.DataFrame({"partner_id": [f"P{i}" for i in range(1, n + 1)],
                         "partner_name": [f"Partner {i}" for i in range(1, n + 1)],
                         "partner_type": "reseller", "joined_at": joined})


def deals(rows: list[dict]) -> pd.DataFrame:
    """Deals from dicts with ``attribution``, ``stage``, ``amount``, ``created_at`` and optional extras;
    ids numbered, partners (unless given) assigned round-robin to partner deals, closed (unless given) 30 days
    after creation."""
    frame = pd.DataFrame(rows)
    frame.insert(0, "deal_id", [f"D{i}" for i in range(1, len(frame) + 1)])
    partner = frame["attribution"] != "direct"
    round_robin = pd.Series([f"P{i % 5 + 1}" for i in range(len(frame))])
    given = frame["partner_id"] if "partner_id" in frame else pd.Series([None] * len(frame))
    frame["partner_id"] = np.where(partner, given.fillna(round_robin), None)
    default_close = (pd.to_datetime(frame["created_at"]) + pd.Timedelta(days=30)).dt.strftime("%Y-%m-%d")
    given_close = frame["closed_at"] if "closed_at" in frame else pd.Series([None] * len(frame))
    frame["closed_at"] = given_close.fillna(default_close).where(frame["stage"] != "open")
    return frame


def size_mix_tables() -> dict[str, pd.DataFrame]:
    """Won deals whose sourced/direct size ratio is exactly 1.5 within each segment, while sourced deals are
    mostly in the small segment: 16 small + 4 large sourced, 4 small + 16 large direct. Amounts within a
    cell are x0.5 and x2 in equal numbers, so every cell's mean log amount is exact."""
    rows = []
    for attribution, base, small, large in (("sourced", 150.0, 16, 4), ("direct", 100.0, 4, 16)):
        for segment, count, scale in (("small", small, 1.0), ("large", large, 10.0)):
            for k in range(count):
                rows.append({"attribution": attribution, "stage": "won", "created_at": "2024-04-02",
                             "amount": base * scale * (0.5 if k % 2 else 2.0), "segment": segment})
    return validated(partners=partners(), deals=deals(rows))


def customer_tables() -> dict[str, pd.DataFrame]:
    """42 customers with the remission data as lifetimes in weeks (7 days each), censored ones acquired so
    that the as-of date ends their follow-up; revenue 100 a month for partner and 50 for direct customers,
    one month each; one NPS answer each: partner 10 promoters, 5 passives, 6 detractors; direct 5, 5, 11."""
    rows, revenue, surveys = [], [], []
    arms = [("direct", MP_WEEKS, MP_RELAPSED, 50.0), ("partner", PLACEBO_WEEKS, [1] * 21, 100.0)]
    for channel, weeks, relapsed, mrr in arms:
        for k, (w, event) in enumerate(zip(weeks, relapsed)):
            account = f"A{len(rows) + 1}"
            acquired = pd.Timestamp("2024-01-01") if event else AS_OF - pd.Timedelta(days=7 * w)
            rows.append({"account_id": account, "acquired_at": acquired.date().isoformat(), "channel": channel,
                         "partner_id": f"P{k % 5 + 1}" if channel == "partner" else None,
                         "churned_at": (acquired + pd.Timedelta(days=7 * w)).date().isoformat() if event else None})
            revenue.append({"account_id": account, "month": acquired.replace(day=1).date().isoformat(), "mrr": mrr})
            promoters, passives = (10, 5) if channel == "partner" else (5, 5)
            score = 10 if k < promoters else 8 if k < promoters + passives else 3
            surveys.append({"response_id": f"S{len(surveys) + 1}", "respondent": "customer",
                            "submitted_at": acquired.date().isoformat(), "account_id": account, "nps_score": score})
    return validated(partners=partners(), customers=pd.DataFrame(rows), revenue=pd.DataFrame(revenue),
                     surveys=pd.DataFrame(surveys))
