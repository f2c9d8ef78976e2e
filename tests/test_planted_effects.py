"""The demo data carries the effects it documents: standard estimators recover the planted
values within segment, the unadjusted comparisons are biased, and the KPI engine recovers the
activation curve. One program of 300 partners, seed 7.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from partner_analysis.demo import PLANTED_EFFECTS, generate_demo_data
from partner_analysis.kpis import compute_kpis
from partner_analysis.ingest.validation import validate_tables


@pytest.fixture(scope="module")
def tables():
    return generate_demo_data(partners=300, seed=7)


@pytest.fixture(scope="module")
def closed_deals(tables):
    deals = tables["deals"]
    closed = deals[deals["stage"] != "open"].copy()
    closed["won"] = (closed["stage"] == "won").astype(int)
    closed["cycle_days"] = (pd.to_datetime(closed["closed_at"]) - pd.to_datetime(closed["created_at"])).dt.days
    return closed


VS_DIRECT = 'C(attribution, Treatment("direct"))'


def test_win_odds_ratio_is_recovered_within_segment_and_biased_without(closed_deals):
    planted = PLANTED_EFFECTS["win_rate_odds_ratio"]
    adjusted = smf.logit(f"won ~ {VS_DIRECT} + C(segment)", closed_deals).fit(disp=0)
    interval = np.exp(adjusted.conf_int())
    for group in ("sourced", "influenced"):
        low, high = interval.loc[f"{VS_DIRECT}[T.{group}]"]
        assert low < planted[group] < high  # about 13,000 closed deals: 1.55 (1.42-1.69) for sourced
    unadjusted = smf.logit(f"won ~ {VS_DIRECT}", closed_deals).fit(disp=0)
    # Partners sell to SMB, where deals are won more often: the raw odds ratio overstates (2.2).
    assert np.exp(unadjusted.params[f"{VS_DIRECT}[T.sourced]"]) > planted["sourced"] * 1.2


def test_won_deal_cycle_ratio_is_recovered_within_segment(closed_deals):
    won = closed_deals[closed_deals["won"] == 1].assign(log_days=lambda d: np.log(d["cycle_days"]))
    fit = smf.ols(f"log_days ~ {VS_DIRECT} + C(segment)", won).fit()
    for group in ("sourced", "influenced"):
        low, high = np.exp(fit.conf_int().loc[f"{VS_DIRECT}[T.{group}]"])
        # Long deals still open at the end are censored (not yet won), which biases observed cycles
        # slightly; a margin of 0.03 on the ratio covers it (estimates 0.79 and 0.88 for 0.80, 0.90).
        assert low - 0.03 < PLANTED_EFFECTS["sales_cycle_ratio"][group] < high + 0.03


def test_churn_hazard_ratio_is_recovered_within_segment_and_hidden_without(tables):
    customers = tables["customers"]
    end = pd.Timestamp("2025-12-31")
    acquired, churned = pd.to_datetime(customers["acquired_at"]), pd.to_datetime(customers["churned_at"])
    days = (churned.fillna(end) - acquired).dt.days.clip(lower=1).to_numpy()
    event = churned.notna().astype(int).to_numpy()
    partner = (customers["channel"] == "partner").astype(float).to_numpy()[:, None]
    stratified = sm.PHReg(days, partner, status=event, strata=customers["segment"].to_numpy()).fit()
    low, high = np.exp(stratified.conf_int()[0])
    assert low < PLANTED_EFFECTS["churn_hazard_ratio"]["partner"] < high  # 0.69 (0.59-0.81)
    pooled = sm.PHReg(days, partner, status=event).fit()
    # Partner customers are mostly SMB, which churns fastest: pooled, the benefit disappears (1.00).
    assert np.exp(pooled.params[0]) > 0.9


@pytest.fixture(scope="module")
def program_kpis(tables):
    validated = validate_tables({name: (f"{name}.csv", frame) for name, frame in tables.items()})
    assert validated.report.ok, validated.report.render()
    return compute_kpis(validated.tables, metrics=["activation_rate", "time_to_first_deal_days"]).rows


def test_activation_rate_recovers_the_planted_share(program_kpis):
    rows = program_kpis[program_kpis["metric"] == "activation_rate"]
    pooled = rows["numerator"].sum() / rows["denominator"].sum()
    planted = PLANTED_EFFECTS["activation"]["expected_activated_within_180_days"]  # 0.70 x (1 - 0.5 ** 1.5)
    # 184 partners in matured cohorts: one binomial standard error is about 0.037.
    assert rows["denominator"].sum() >= 150
    assert pooled == pytest.approx(planted, abs=0.06)


def test_time_to_first_deal_median_is_near_the_planted_median(program_kpis):
    rows = program_kpis[(program_kpis["metric"] == "time_to_first_deal_days") & program_kpis["partner_id"].notna()]
    days = pd.to_numeric(rows["value"])
    # Only partners whose first deal falls before the as-of date are seen, which shortens the median
    # somewhat (right censoring); it still sits near the planted 120 days and far from 0 or 365.
    assert len(days) >= 100
    assert 70 <= days.median() <= 130
