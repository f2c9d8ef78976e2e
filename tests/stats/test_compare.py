"""Partner vs direct: known answers on hand-made tables, recovery of the demo's planted effects, the
comparison JSON, explicit insufficient data."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from partner_analysis.demo import PLANTED_EFFECTS
from partner_analysis.stats import StatsSource, comparison_json, partner_vs_direct
from partner_analysis.stats.compare import ANALYSES, COMPARISON_COLUMNS, EFFECTS
from tests.kpis.helpers import validated
from tests.stats.tables import AS_OF, customer_tables, deals, partners, size_mix_tables


def row(result, analysis: str, group: str, adjusted: bool = True) -> pd.Series:
    table = result.table
    sel = (table["analysis"] == analysis) & (table["group"] == group) & (table["adjusted_for"].map(bool) == adjusted)
    assert sel.sum() == 1, table[["analysis", "group", "adjusted_for", "method"]]
    return table[sel].iloc[0]


def covers(r: pd.Series, value: float) -> bool:
    return r["ci_low"] < value < r["ci_high"]


# -- known answers on hand-made tables ---------------------------------------------------------

def test_deal_size_within_segment_against_the_raw_mix():
    result = partner_vs_direct(size_mix_tables(), analyses=("deal_size",))
    adjusted, raw = row(result, "deal_size", "sourced"), row(result, "deal_size", "sourced", adjusted=False)
    # within each segment sourced deals are exactly 1.5x direct ones (tables.size_mix_tables)
    assert adjusted["estimate"] == pytest.approx(1.5) and adjusted["adjusted_for"] == ("segment",)
    # raw, by hand: geometric means 150 x 10^(4/20) and 100 x 10^(16/20): ratio 1.5 x 10^-0.6 = 0.3768
    assert raw["estimate"] == pytest.approx(1.5 * 10 ** -0.6) and raw["adjusted_for"] == ()
    assert adjusted["n_group"] == 20 and adjusted["n_baseline"] == 20
    assert "Partner-sourced deals are 1.50× the size of comparable direct deals" in result.sentences[0]
    assert "raw, without adjusting, 0.38×" in result.sentences[0]


def test_too_few_deals_is_an_explicit_insufficient_result_not_an_error():
    result = partner_vs_direct(size_mix_tables(), analyses=("deal_size",))
    influenced = row(result, "deal_size", "influenced", adjusted=False)
    assert np.isnan(influenced["estimate"]) and np.isnan(influenced["ci_low"])
    assert influenced["method"] == "insufficient data: influenced has 0 won deals (at least 10 needed)"
    assert "deal_size, influenced vs direct: influenced has 0 won deals (at least 10 needed)" in result.insufficient
    json_row = next(r for r in comparison_json(result)["comparisons"] if r["group"] == "influenced")
    assert json_row["estimate"] is None and json_row["p_value"] is None and json_row["adjusted_for"] == []


def test_win_rate_odds_ratio_and_raw_rates_with_wilson_intervals():
    rows = ([{"attribution": "sourced", "stage": "won", "amount": 10.0, "created_at": "2024-04-02"}] * 12
            + [{"attribution": "sourced", "stage": "lost", "amount": 10.0, "created_at": "2024-04-02"}] * 8
            + [{"attribution": "direct", "stage": "won", "amount": 10.0, "created_at": "2024-04-02"}] * 5
            + [{"attribution": "direct", "stage": "lost", "amount": 10.0, "created_at": "2024-04-02"}] * 15)
    result = partner_vs_direct(validated(partners=partners(), deals=deals(rows)), analyses=("win_rate",))
    # one quarter, no segment: nothing to adjust for, only the raw odds ratio (12/8) / (5/15) = 4.5
    raw = row(result, "win_rate", "sourced", adjusted=False)
    assert raw["estimate"] == pytest.approx(4.5)
    assert not (result.table["adjusted_for"].map(bool)).any()
    assert any("only the raw comparison is shown" in n for n in result.notes)
    assert "(raw: the data has nothing to adjust for)" in result.sentences[0]
    rates = result.details["win_rates"].set_index("group")
    assert rates.loc["sourced", "rate"] == 0.6 and rates.loc["direct", "closed"] == 20
    assert (rates.loc["direct", "ci_low"], rates.loc["direct", "ci_high"]) == pytest.approx(
        proportion_confint(5, 20, method="wilson"))


def test_customer_comparisons_against_the_remission_data():
    source = StatsSource.from_tables(customer_tables(), as_of=AS_OF)
    result = partner_vs_direct(source, analyses=("customer_churn", "nps", "customer_lifetime_value"), groups=("partner",))
    # Cox, Breslow ties: placebo (partner) vs 6-MP (direct) hazard ratio 4.523 (Kleinbaum & Klein, chapter 3)
    assert row(result, "customer_churn", "partner", adjusted=False)["estimate"] == pytest.approx(4.523, abs=1e-3)
    logrank = result.details["retention_logrank"].iloc[0]
    assert logrank["chi_square"] == pytest.approx(16.793, abs=1e-3)  # Kleinbaum & Klein, chapter 2
    # NPS by hand: partner (10 - 6) / 21, direct (5 - 11) / 21: difference 100 x 10 / 21 = 47.6 points
    nps = row(result, "nps", "partner", adjusted=False)
    assert nps["estimate"] == pytest.approx(1000 / 21) and nps["ci_low"] < nps["estimate"] < nps["ci_high"]
    # lifetime value by hand: (21 x 100 / 21 churned) / (21 x 50 / 9 churned) = 100 / 116.67
    clv = row(result, "customer_lifetime_value", "partner", adjusted=False)
    assert clv["estimate"] == pytest.approx(100 / (1050 / 9))
    # censored: the median lifetime of direct customers is the KM median (23 weeks), not that of the 9 churned
    medians = result.details["median_customer_lifetime_days"].set_index("group")
    assert medians.loc["direct", "median"] == 23 * 7
    # acquisition quarters line up with churn here: the adjusted model is reported as not estimable
    adjusted_churn = row(result, "customer_churn", "partner", adjusted=True)
    assert np.isnan(adjusted_churn["estimate"]) and adjusted_churn["method"].startswith("insufficient data")


def test_open_deals_are_censored_in_the_time_to_close_curves():
    created = "2024-01-02"
    rows = [{"attribution": "direct", "stage": "won", "amount": 5.0, "created_at": created, "closed_at": "2024-01-12"}] * 4
    rows += [{"attribution": "direct", "stage": "open", "amount": 5.0, "created_at": created}] * 6
    rows += [{"attribution": "direct", "stage": "won", "amount": 5.0, "created_at": "2024-06-01", "closed_at": "2024-06-30"}]
    result = partner_vs_direct(validated(partners=partners(), deals=deals(rows)), analyses=("sales_cycle",))
    medians = result.details["median_days_to_close"].set_index("group")
    # 4 of 11 deals closed after 10 days, 6 still open after 180 days (as of 2024-06-30), one closed at 29 days:
    # KM survival never falls below 0.5 -> no median; the median of finished deals (10 days) would mislead
    assert np.isnan(medians.loc["direct", "median"]) and medians.loc["direct", "events"] == 5
    curve = result.details["time_to_close"]
    assert curve[(curve["group"] == "direct")]["survival"].min() == pytest.approx(7 / 11 * (1 - 1 / 7))


# -- recovery of the planted effects (300 partners, seed 7) --------------------------------------

@pytest.mark.parametrize("analysis, planted_key", [
    ("deal_size", "deal_size_ratio"), ("win_rate", "win_rate_odds_ratio"), ("sales_cycle", "sales_cycle_ratio")])
@pytest.mark.parametrize("group", ["sourced", "influenced"])
def test_adjusted_deal_effects_cover_the_planted_values(planted_comparison, analysis, planted_key, group):
    adjusted = row(planted_comparison, analysis, group)
    assert covers(adjusted, PLANTED_EFFECTS[planted_key][group]), adjusted
    assert set(adjusted["adjusted_for"]) == {"segment", "region", "product", "deal_type", "period"}


@pytest.mark.parametrize("group", ["sourced", "influenced", "partner"])
def test_adjusted_churn_hazard_ratio_covers_the_planted_value(planted_comparison, group):
    adjusted = row(planted_comparison, "customer_churn", group)
    assert covers(adjusted, PLANTED_EFFECTS["churn_hazard_ratio"]["partner"])
    assert adjusted["adjusted_for"] == ("segment", "region", "period")


def test_nps_difference_covers_the_value_implied_by_the_planted_score_shift(planted_comparison):
    shift, sd = PLANTED_EFFECTS["customer_nps_difference"]["partner"], 1.8

    def nps(mean):  # score = round(normal(mean, 1.8)) clipped to 0..10: promoter above 8.5, detractor below 6.5
        return 100 * (stats.norm.sf((8.5 - mean) / sd) - stats.norm.cdf((6.5 - mean) / sd))
    implied = nps(7.0 + shift) - nps(7.0)  # 30.2 points
    assert covers(row(planted_comparison, "nps", "partner"), implied)


def test_unadjusted_comparisons_show_the_mix_bias(planted_comparison):
    raw = lambda analysis, group: row(planted_comparison, analysis, group, adjusted=False)["estimate"]  # noqa: E731
    # sourced deals are planted 1.30x larger; partners sell to SMB, so raw they look less than half the size
    assert raw("deal_size", "sourced") < 0.6
    assert raw("win_rate", "sourced") > 1.2 * PLANTED_EFFECTS["win_rate_odds_ratio"]["sourced"]
    assert raw("sales_cycle", "sourced") < 0.6
    # partner customers churn at 0.7x within segment; raw, the SMB mix hides it (about 1.0)
    assert raw("customer_churn", "partner") > 0.9
    assert raw("customer_lifetime_value", "partner") < 1 < row(planted_comparison, "customer_lifetime_value", "partner")["estimate"]


def test_comparison_json_has_the_fixed_shape(planted_comparison, tmp_path):
    payload = json.loads(json.dumps(comparison_json(planted_comparison)))
    rows = payload["comparisons"]
    assert list(payload) == ["comparisons"] and len(rows) == 2 * len(ANALYSES) * 3
    for r in rows:
        assert list(r) == list(COMPARISON_COLUMNS)
        assert r["effect"] == EFFECTS[r["analysis"]] and r["baseline"] == "direct"
        assert r["group"] in ("sourced", "influenced", "partner")
        assert isinstance(r["adjusted_for"], list) and r["ci_low"] <= r["estimate"] <= r["ci_high"]
        assert 0 <= r["p_value"] <= 1 and r["n_group"] > 0 and r["n_baseline"] > 0


def test_result_renders_as_text_and_self_contained_html(planted_comparison):
    text = planted_comparison.to_text()
    assert "Partner-sourced deals are" in text and "Method:" in text
    html = planted_comparison.to_html(with_details=True)
    assert "<script" not in html and "http" not in html and "<table" in html
    assert planted_comparison._repr_html_() == planted_comparison.to_html()


def test_unknown_analysis_is_rejected_with_the_allowed_names():
    with pytest.raises(ValueError, match="deal_size"):
        partner_vs_direct(size_mix_tables(), analyses=("deal_sizes",))


def test_missing_tables_are_insufficient_not_errors():
    result = partner_vs_direct(size_mix_tables(), analyses=("customer_churn", "nps"))
    assert result.table["method"].str.startswith("insufficient data: the data has no customers table").all()
