"""Leading indicators: the panel's rules on a hand-made program, the planted elasticity recovered."""
from __future__ import annotations

import pandas as pd
import pytest

from partner_analysis.demo import PLANTED_EFFECTS
from partner_analysis.stats import StatsSource, leading_indicators
from partner_analysis.stats.leading import engagement_panel
from tests.kpis.helpers import validated
from tests.stats.tables import AS_OF, deals


def test_panel_pairs_whole_quarters_with_the_next_quarters_opportunities():
    partners = pd.DataFrame({"partner_id": ["P1", "P2"], "partner_name": ["a", "b"], "partner_type": "reseller",
                             "joined_at": ["2024-02-15", "2023-12-01"], "left_at": [None, "2024-09-10"]})
    activities = pd.DataFrame({"partner_id": ["P1", "P1", "P1", "P2"], "activity": "portal_login",
                               "occurred_at": ["2024-04-03", "2024-04-09", "2024-07-01", "2024-01-05"]})
    rows = [{"attribution": "sourced", "partner_id": "P1", "stage": "open", "amount": 10.0, "created_at": d}
            for d in ("2024-07-02", "2024-07-20", "2024-10-02")]
    rows.append({"attribution": "direct", "stage": "won", "amount": 1.0, "created_at": "2024-01-02"})
    source = StatsSource.from_tables(validated(partners=partners, deals=deals(rows), activities=activities), as_of=AS_OF)
    panel = engagement_panel(source)
    label = lambda code: f"{code // 4}Q{code % 4 + 1}"  # noqa: E731
    got = {(r.partner_id, label(r.quarter)): (r.activity_volume, r.next_opportunities) for r in panel.itertuples()}
    # P1 joins mid-Q1 and brings its first deal in Q3: Q2 (still ramping up) is left out, Q3 (1 login) pairs
    # with the 1 deal of Q4; Q4 has no whole next quarter by the as-of date. P2 never brings a deal.
    assert got == {("P1", "2024Q3"): (1, 1)}


def test_planted_engagement_elasticity_is_recovered_once_count_noise_is_corrected(planted_source):
    result = leading_indicators(planted_source)
    table = result.table.set_index("indicator")
    planted = PLANTED_EFFECTS["engagement_pipeline_elasticity"]["value"]
    corrected, raw = table.loc["activity_volume_corrected"], table.loc["activity_volume"]
    assert corrected["ci_low"] < planted < corrected["ci_high"]
    # the uncorrected slope is pulled towards 0 by the Poisson noise of a quarter's count
    assert raw["estimate"] < corrected["estimate"]
    assert table.loc["engagement_score", "effect"] == "rate_ratio_per_10_points" and table.loc["engagement_score", "estimate"] > 1
    assert any("elasticity of next-quarter opportunities to partner activity" in s for s in result.sentences)
