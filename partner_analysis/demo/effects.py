"""The effects planted in the demo data, with the values an analysis should recover.

Written beside the data as ``planted_effects.json``; the recovery tests and benchmarks read them.
"""
from __future__ import annotations

#: Effects planted in the data, with the values an analysis should recover.
PLANTED_EFFECTS: dict = {
    "deal_size_ratio": {
        "sourced": 1.30, "influenced": 1.15,
        "how": "amount = segment median x ratio[attribution] x lognormal(0, 0.6) for every deal, within segment",
    },
    "win_rate_odds_ratio": {
        "sourced": 1.60, "influenced": 1.25,
        "how": "P(won | closed) = logistic(segment intercept + log(odds ratio[attribution]))",
    },
    "sales_cycle_ratio": {
        "sourced": 0.80, "influenced": 0.90,
        "how": "won-deal cycle days = segment median x ratio[attribution] x lognormal(0, 0.5); "
               "deals still open at the end are censored (no closed_at)",
    },
    "churn_hazard_ratio": {
        "partner": 0.70,
        "how": "customer lifetime ~ exponential with monthly hazard = segment hazard x 0.70 for partner customers",
    },
    "customer_nps_difference": {
        "partner": 0.8,
        "how": "customer NPS score = round(normal(7.0 + 0.8 if partner channel, 1.8)) clipped to 0..10",
    },
    "engagement_pipeline_elasticity": {
        "value": 0.5,
        "how": "each partner-quarter draws an engagement multiplier m ~ lognormal(0, 0.5); that quarter's "
               "activity counts scale with m and the NEXT quarter's sourced and influenced deal creation "
               "rate with m ** 0.5",
    },
    "activation": {
        "productive_share": 0.70,
        "median_days_to_first_deal": 120,
        "expected_activated_within_180_days": round(0.70 * (1 - 0.5 ** (180 / 120)), 4),
        "how": "70% of partners are productive; a productive partner's first sourced deal is created "
               "exponential(median 120 days) after joined_at, more follow at its own rate; unproductive "
               "partners never bring a deal (activation by an approved registration a few days earlier is possible; "
               "expired registrations, which count as approved, come only after a partner's first sourced deal)",
    },
    "segment_mix": {
        "sourced": {"smb": 0.65, "mid_market": 0.25, "enterprise": 0.10},
        "influenced": {"smb": 0.45, "mid_market": 0.35, "enterprise": 0.20},
        "direct": {"smb": 0.20, "mid_market": 0.35, "enterprise": 0.45},
    },
}
