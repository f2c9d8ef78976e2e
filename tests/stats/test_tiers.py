"""Tiers under configured thresholds: recommendation, gaps to the next tier, partners at risk."""
from __future__ import annotations

import pandas as pd
import pytest

from partner_analysis.config import Config, EngagementComponent, TierRule
from partner_analysis.stats import StatsSource, partner_tiers
from tests.kpis.helpers import validated
from tests.stats.tables import deals

# engagement = 100 x min(1, portal logins in the quarter / 10); tiers highest first
CONFIG = Config(engagement_components={"portal_login": EngagementComponent(weight=1.0, saturation=10.0)},
                tier_thresholds={"gold": TierRule(min_revenue=1000, min_certifications=2, min_engagement=50),
                                 "silver": TierRule(min_revenue=300, min_certifications=1, min_engagement=20),
                                 "registered": TierRule()})


@pytest.fixture(scope="module")
def result():
    partners = pd.DataFrame({"partner_id": ["P1", "P2", "P3"], "partner_name": ["a", "b", "c"],
                             "partner_type": "reseller", "joined_at": "2023-01-01", "tier": ["gold", "silver", "gold"]})
    won = lambda p, amount, closed: {"attribution": "sourced", "partner_id": p, "stage": "won", "amount": amount,  # noqa: E731
                                     "created_at": "2023-10-02", "closed_at": closed}
    rows = [won("P1", 600, "2024-02-01"), won("P1", 600, "2024-11-01"),   # 1,200 in 2024, 600 of it in Q1
            won("P2", 400, "2024-08-01"),                                  # silver on revenue
            won("P3", 2000, "2023-11-01")]                                 # outside the trailing four quarters
    acts = [("P1", "certification_earned", "2023-05-01"), ("P1", "certification_earned", "2024-03-01")]
    acts += [("P1", "portal_login", f"2024-11-{d:02d}") for d in range(1, 7)]   # 6 logins in Q4: 60
    acts += [("P1", "portal_login", f"2024-08-{d:02d}") for d in range(1, 3)]   # 2 in Q3: 20
    acts += [("P2", "certification_earned", "2024-06-01")] + [("P2", "portal_login", f"2024-12-0{d}") for d in range(1, 4)]
    activities = pd.DataFrame(acts, columns=["partner_id", "activity", "occurred_at"])
    tables = validated(partners=partners, deals=deals(rows), activities=activities)
    return partner_tiers(StatsSource.from_tables(tables, CONFIG, as_of="2024-12-31"))


def test_recommended_tier_needs_every_minimum(result):
    table = result.table.set_index("partner_id")
    assert table.loc["P1", "recommended_tier"] == "gold"       # 1,200, 2 certifications, engagement 60
    assert table.loc["P2", "recommended_tier"] == "silver"     # 400, 1 certification, engagement 30
    assert table.loc["P3", "recommended_tier"] == "registered"  # its 2,000 closed before 2024Q1
    assert table.loc["P1", "revenue_4q"] == 1200 and table.loc["P1", "engagement"] == 60


def test_gaps_to_the_next_tier(result):
    p2 = result.table.set_index("partner_id").loc["P2"]
    assert p2["next_tier"] == "gold"
    assert (p2["revenue_gap"], p2["certifications_gap"], p2["engagement_gap"]) == (600, 1, 20)
    assert pd.isna(result.table.set_index("partner_id").loc["P1", "next_tier"])


def test_at_risk_projects_next_quarter(result):
    table = result.table.set_index("partner_id")
    # P1 next quarter keeps 600 (Q2-Q4) + its average quarter 300 = 900 < 1,000; engagement (20 + 60) / 2 = 40 < 50
    assert table.loc["P1", "at_risk"]
    assert table.loc["P1", "at_risk_reason"] == "projected revenue 900 < 1,000; projected engagement 40 < 50"
    # P2: no logins in Q3 (0) and 3 in Q4 (30): (0 + 30) / 2 = 15 < 20
    assert table.loc["P2", "at_risk_reason"] == "projected engagement 15 < 20"
    assert not table.loc["P3", "at_risk"]  # the lowest tier cannot fall
    assert "2 partners are at risk" in result.sentences[1]
