"""Cohorts: Kaplan–Meier time to first deal with censoring, revenue ramp, retention matrix, revenue retention."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from partner_analysis.demo import PLANTED_EFFECTS
from partner_analysis.stats import StatsSource, customer_cohorts, partner_cohorts
from tests.kpis.helpers import validated
from tests.stats.tables import AS_OF, deals


@pytest.fixture(scope="module")
def joiners():
    """P1-P4 join on 2024-01-01: P1's first sourced deal 10 days later (won, 1,000, closed day 40), P2's 40 days
    later (still open), P3 none, P4 leaves after 20 days without one; P5 joined before the deal data begins."""
    partners = pd.DataFrame({"partner_id": ["P1", "P2", "P3", "P4", "P5"], "partner_name": list("abcde"),
                             "partner_type": "reseller",
                             "joined_at": ["2024-01-01"] * 4 + ["2023-06-01"],
                             "left_at": [None, None, None, "2024-01-21", None]})
    rows = [{"attribution": "direct", "stage": "won", "amount": 5.0, "created_at": "2024-01-01"},
            {"attribution": "sourced", "partner_id": "P1", "stage": "won", "amount": 1000.0, "created_at": "2024-01-11",
             "closed_at": "2024-02-10"},
            {"attribution": "sourced", "partner_id": "P2", "stage": "open", "amount": 700.0, "created_at": "2024-02-10"},
            {"attribution": "sourced", "partner_id": "P5", "stage": "won", "amount": 9.0, "created_at": "2024-03-01"}]
    return StatsSource.from_tables(validated(partners=partners, deals=deals(rows)), as_of=AS_OF)


def test_activation_shares_and_median_from_the_censored_curve(joiners):
    result = partner_cohorts(joiners)
    cohort = result.table.set_index("cohort").loc["2024Q1"]
    # by hand: day 10 one of 4 -> S = 0.75; P4 censored at day 20; day 40 one of 2 at risk -> S = 0.375;
    # P3 censored at day 365 (the as-of date)
    assert cohort["partners"] == 4 and cohort["with_first_deal"] == 2
    assert cohort["within_30d"] == pytest.approx(0.25)
    assert cohort["within_60d"] == pytest.approx(0.625) and cohort["within_90d"] == pytest.approx(0.625)
    assert cohort["median_days"] == 40
    # dropping the censored partners would give 1 of 2 within 30 days and a median of 25: wrong
    assert "P5" not in set(result.details["time_to_first_deal"]["group"]) and "2023Q2" not in set(result.table["cohort"])
    assert "1 partners joined before the deal data begins" in result.notes[0]


def test_revenue_ramp_is_the_cohort_mean_of_cumulative_revenue(joiners):
    ramp = partner_cohorts(joiners).details["revenue_ramp"]
    ramp = ramp[ramp["cohort"] == "2024Q1"].set_index("months_since_joining")
    # P1's 1,000 closes 40 days after joining: month 2; mean over the cohort's 4 partners
    assert ramp.loc[1, "mean_cumulative_revenue"] == 0 and ramp.loc[2, "mean_cumulative_revenue"] == 250
    assert ramp.index.max() == 11  # 365 days = 11.99 months: month 12 not reached by everyone


def test_a_cohort_not_followed_long_enough_has_no_share_yet():
    partners = pd.DataFrame({"partner_id": ["P1", "P2"], "partner_name": ["a", "b"], "partner_type": "referral",
                             "joined_at": ["2024-12-01", "2024-12-05"]})
    rows = [{"attribution": "direct", "stage": "won", "amount": 5.0, "created_at": "2024-01-01"}]
    source = StatsSource.from_tables(validated(partners=partners, deals=deals(rows)), as_of=AS_OF)
    cohort = partner_cohorts(source).table.set_index("cohort").loc["2024Q4"]
    assert cohort["within_30d"] == 0 and np.isnan(cohort["within_60d"]) and np.isnan(cohort["within_90d"])


def test_customer_retention_matrix_and_revenue_retention():
    customers = pd.DataFrame({"account_id": ["A1", "A2", "A3", "A4"], "acquired_at": "2024-01-15", "channel": "partner",
                              "partner_id": "P1", "churned_at": [None, "2024-03-20", "2024-01-30", None]})
    revenue = pd.DataFrame({"account_id": ["A1", "A1", "A1", "A2", "A2", "A3", "A4", "A4", "A4"],
                            "month": ["2024-01-01", "2024-02-01", "2024-03-01", "2024-01-01", "2024-02-01", "2024-01-01",
                                      "2024-01-01", "2024-02-01", "2024-03-01"],
                            "mrr": [100, 100, 120, 100, 100, 50, 50, 50, 50]})
    partners = pd.DataFrame({"partner_id": ["P1"], "partner_name": ["a"], "partner_type": "reseller", "joined_at": "2023-01-01"})
    source = StatsSource.from_tables(validated(partners=partners, customers=customers, revenue=revenue), as_of=AS_OF)
    result = customer_cohorts(source)
    matrix = result.table[result.table["cohort"] == "2024-01"].set_index("months_since_acquisition")
    # A3 churns in its first month, A2 two months on
    assert matrix.loc[0, "retained"] == 0.75 and matrix.loc[1, "retained"] == 0.75 and matrix.loc[2, "retained"] == 0.5
    assert matrix.index.max() == 11 and (matrix["customers"] == 4).all()
    kept = result.details["revenue_retention"].set_index("months_since_acquisition")["revenue_retained"]
    # by hand: first month 300; a month on 250; two months on 170
    assert kept.loc[1] == pytest.approx(250 / 300) and kept.loc[2] == pytest.approx(170 / 300)


def test_time_to_first_deal_recovers_the_planted_curve(planted_source):
    overall = partner_cohorts(planted_source).table.set_index("cohort").loc["all"]
    planted = PLANTED_EFFECTS["activation"]
    share, median = planted["productive_share"], planted["median_days_to_first_deal"]
    # 70% of partners productive, first deal exponential with a median of 120 days; the others never:
    # P(first deal by t) = 0.7 (1 - 0.5^(t/120)); the curve halves at t = 120 log2(0.7 / 0.2) = 216.9 days
    within_90 = share * (1 - 0.5 ** (90 / median))
    assert overall["within_90d_low"] < within_90 < overall["within_90d_high"]
    assert overall["median_low"] < median * np.log2(share / (share - 0.5)) < overall["median_high"]
