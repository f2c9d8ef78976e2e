"""Honest rankings: shrinkage, intervals, funnel limits, Benjamini–Hochberg flags, the rankings JSON."""
from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from partner_analysis.stats import partner_rankings, rankings_json
from partner_analysis.stats.rankings import RANKING_COLUMNS
from tests.kpis.helpers import validated
from tests.stats.tables import deals, partners


def _closed(partner: str, won: int, lost: int, created: str = "2024-04-02") -> list[dict]:
    """``won`` won and ``lost`` lost deals of amounts 50 and 200 in turn."""
    return [{"attribution": "sourced", "partner_id": partner, "stage": stage, "amount": 50.0 if k % 2 else 200.0,
             "created_at": created} for k, stage in enumerate(["won"] * won + ["lost"] * lost)]


@pytest.fixture(scope="module")
def spread_tables():
    """Partners who really differ: P1-P4 win 12 of 40, P5-P8 32 of 40, P9 18 of 40; P10 has 3 deals, all won."""
    rows = []
    for k in range(1, 5):
        rows += _closed(f"P{k}", 12, 28)
    for k in range(5, 9):
        rows += _closed(f"P{k}", 32, 8)
    rows += _closed("P9", 18, 22) + _closed("P10", 3, 0)
    return validated(partners=partners(10), deals=deals(rows))


def test_a_partner_with_three_deals_is_shrunk_and_uncertain_not_top(spread_tables):
    result = partner_rankings(spread_tables, "win_rate")
    table = result.table.set_index("partner_id")
    small = table.loc["P10"]
    assert small["raw"] == 1.0 and small["n"] == 3
    assert small["shrunk"] < 0.85 and small["ci_high"] - small["ci_low"] > 0.3
    assert result.table["partner_id"].iloc[0] != "P10"
    big = table.loc["P5"]
    assert big["ci_high"] - big["ci_low"] < small["ci_high"] - small["ci_low"]
    assert abs(big["shrunk"] - big["raw"]) < abs(small["shrunk"] - small["raw"])


def test_raw_rates_p_values_and_flags(spread_tables):
    table = partner_rankings(spread_tables, "win_rate").table.set_index("partner_id")
    program = (4 * 12 + 4 * 32 + 18 + 3) / (9 * 40 + 3)  # pooled partner deals
    assert table.loc["P1", "raw"] == 12 / 40
    assert table.loc["P1", "p_value"] == pytest.approx(stats.binomtest(12, 40, program).pvalue)
    assert (table.loc[["P1", "P2", "P3", "P4"], "flag"] == "below").all()
    assert (table.loc[["P5", "P6", "P7", "P8"], "flag"] == "above").all()
    assert table.loc["P10", "flag"] == "none"  # 3 of 3 is not evidence at q < 0.10
    assert (table["q_value"] >= table["p_value"]).all()


def test_funnel_limits_are_binomial_quantiles_around_the_program(spread_tables):
    result = partner_rankings(spread_tables, "win_rate")
    funnel = result.details["funnel"].set_index("x")
    program = funnel["program"].iloc[0]
    assert funnel.loc[40, "high_0.95"] == stats.binom.ppf(0.975, 40, program) / 40
    assert funnel.loc[40, "low_0.998"] == stats.binom.ppf(0.001, 40, program) / 40


def test_rankings_json_shape(spread_tables):
    payload = json.loads(json.dumps(rankings_json(partner_rankings(spread_tables, "avg_deal_size"))))
    assert list(payload) == ["rankings"] and len(payload["rankings"]) == 10
    for r in payload["rankings"]:
        assert list(r) == list(RANKING_COLUMNS) and r["metric"] == "avg_deal_size"
        assert r["flag"] in ("above", "below", "none") and r["ci_low"] <= r["shrunk"] <= r["ci_high"]


def test_deal_size_raw_is_the_mean_won_amount_and_the_shrunk_one_is_pulled_in():
    rows = []
    for k, amount in enumerate([100.0, 120.0, 80.0, 110.0, 90.0], start=1):
        rows += [{"attribution": "sourced", "partner_id": f"P{k}", "stage": "won", "amount": amount * f,
                  "created_at": "2024-04-02"} for f in (0.5, 2.0) * 10]
    rows += [{"attribution": "influenced", "partner_id": "P6", "stage": "won", "amount": a, "created_at": "2024-04-02"}
             for a in (900.0, 1100.0)]
    table = partner_rankings(validated(partners=partners(6), deals=deals(rows)), "avg_deal_size").table.set_index("partner_id")
    assert table.loc["P1", "raw"] == pytest.approx(125.0)  # mean of ten 50s and ten 200s
    assert table.loc["P6", "raw"] == 1000.0 and table.loc["P6", "shrunk"] < 1000.0


def test_revenue_growth_compares_the_last_four_quarters_with_the_four_before():
    rows = []
    for k in range(1, 6):
        rows += [{"attribution": "sourced", "partner_id": f"P{k}", "stage": "won", "amount": 100.0 * k,
                  "created_at": "2024-01-10", "closed_at": "2024-02-10"},
                 {"attribution": "sourced", "partner_id": f"P{k}", "stage": "won", "amount": 300.0,
                  "created_at": "2025-01-10", "closed_at": "2025-02-10"}]
    rows.append({"attribution": "direct", "stage": "won", "amount": 1.0, "created_at": "2025-12-01",
                 "closed_at": "2025-12-31"})
    result = partner_rankings(validated(partners=partners(5), deals=deals(rows)), "revenue_growth")
    table = result.table.set_index("partner_id")
    # windows 2025Q1-Q4 against 2024Q1-Q4 (as of 2025-12-31, a quarter end)
    assert table.loc["P1", "raw"] == pytest.approx(3.0) and table.loc["P3", "raw"] == pytest.approx(1.0)


def test_deal_sizes_without_any_spread_are_insufficient():
    rows = [{"attribution": "sourced", "partner_id": f"P{k}", "stage": "won", "amount": 100.0, "created_at": "2024-04-02"}
            for k in range(1, 6) for _ in range(3)]
    result = partner_rankings(validated(partners=partners(5), deals=deals(rows)), "avg_deal_size")
    assert result.table.empty and "spread" in result.insufficient[0]


def test_fewer_than_five_partners_is_insufficient_not_an_error():
    rows = _closed("P1", 3, 2) + _closed("P2", 1, 4)
    result = partner_rankings(validated(partners=partners(2), deals=deals(rows)), "win_rate")
    assert result.table.empty and "fewer than 5 partners" in result.insufficient[0]
    assert rankings_json(result) == {"rankings": []}


def test_periods_keep_only_deals_closed_in_them(spread_tables):
    early = partner_rankings(spread_tables, "win_rate", periods=("2023Q1", "2023Q4"))
    assert early.insufficient  # every deal closed in 2024
    later = partner_rankings(spread_tables, "win_rate", periods=("2024Q1", "2024Q4"))
    assert later.table["n"].sum() == 9 * 40 + 3


def test_unknown_metric_is_rejected(spread_tables):
    with pytest.raises(ValueError, match="win_rate"):
        partner_rankings(spread_tables, "roi")


def test_demo_rankings_cover_every_partner_with_closed_deals(planted_source):
    result = partner_rankings(planted_source, "win_rate")
    deals_ = planted_source.table("deals")
    closed = deals_[deals_["stage"].isin(["won", "lost"]) & deals_["partner_id"].notna()]
    assert set(result.table["partner_id"]) == set(closed["partner_id"])
    assert np.all((result.table["ci_low"] <= result.table["shrunk"]) & (result.table["shrunk"] <= result.table["ci_high"]))
