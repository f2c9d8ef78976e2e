"""Zero is a value; an empty denominator gives no row — for every rate of the catalog.

For each rate (aggregation ``ratio`` or ``score``) the registry lists, ZEROING says how to empty its
numerator on the demo data without shrinking its denominator (won deals become lost, qualified
leads unqualified, ...). Every program row the metric had, and every row of a partner in the
program in that period, must still be there, with the value a zero
numerator gives (0; -1 for ROI, whose numerator is revenue minus costs). A metric that writes rows
only where something happened (partner penetration once gave no row to a partner with no won
account) fails it. A new rate without an entry fails the registry check.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from partner_analysis.kpis import REGISTRY, compute_kpis

CATALOG = sorted(m for m in REGISTRY if REGISTRY[m].spec.origin == "catalog")
RATES = [m for m in CATALOG if REGISTRY[m].spec.aggregation in ("ratio", "score")]


def _replace(table: str, column: str, old, new):
    def transform(tables, ctx):
        frame = tables[table]
        values = frame[column].astype(object).where(~frame[column].isin(old if isinstance(old, list) else [old]), new)
        return {**tables, table: frame.assign(**{column: values.astype(frame[column].dtype)})}
    return transform


def _clear(table: str, column: str):
    def transform(tables, ctx):
        frame = tables[table]
        return {**tables, table: frame.assign(**{column: frame[column].where(pd.Series(False, index=frame.index))})}
    return transform


def _both(*transforms):
    def transform(tables, ctx):
        for step in transforms:
            tables = step(tables, ctx)
        return tables
    return transform


def _partner_deals_direct(tables, ctx):
    deals = tables["deals"]
    direct = pd.Series("direct", index=deals.index).astype(deals["attribution"].dtype)
    return {**tables, "deals": deals.assign(attribution=direct, partner_id=deals["partner_id"].where(direct.isna()))}


def _mrr_set(value_in_last_month_only: bool):
    def transform(tables, ctx):
        revenue = tables["revenue"]
        month = ctx.as_of.to_period("M").start_time
        hit = (revenue["month"] == month) if value_in_last_month_only else pd.Series(True, index=revenue.index)
        return {**tables, "revenue": revenue.assign(mrr=revenue["mrr"].where(~hit, 0.0))}
    return transform


def _everyone_active_at_last_start_churns(tables, ctx):
    start = ctx.bounds(ctx.periods[-1])[0]
    customers = tables["customers"]
    staying = (customers["acquired_at"] < start) & ~(customers["churned_at"] < start)
    return {**tables, "customers": customers.assign(churned_at=customers["churned_at"].where(~staying, start))}


ACTIVITY = ("activities", "activity")
#: metric -> (transform emptying the numerator, periods checked: "all" or "last", value expected).
#: "last": the numerator can only be emptied in the last period without changing later cohorts.
ZEROING = {
    "partner_revenue_share": (_partner_deals_direct, "all", 0.0),
    "partner_penetration": (_partner_deals_direct, "all", 0.0),
    "partner_share_of_wallet": (_partner_deals_direct, "all", 0.0),
    "win_rate": (_replace("deals", "stage", "won", "lost"), "all", 0.0),
    "registration_win_rate": (_replace("deals", "stage", "won", "lost"), "all", 0.0),
    "registration_approval_rate": (_replace("deal_registrations", "status", ["approved", "expired"], "rejected"),
                                   "all", 0.0),
    "activation_rate": (_both(_replace("deals", "attribution", "sourced", "influenced"),
                              _replace("deal_registrations", "status", ["approved", "expired"], "rejected")), "all", 0.0),
    "training_completion_rate": (_replace(*ACTIVITY, "training_completed", "content_download"), "all", 0.0),
    "certified_partner_share": (_replace(*ACTIVITY, "certification_earned", "content_download"), "all", 0.0),
    "campaign_participation_rate": (_replace(*ACTIVITY, "campaign_joined", "content_download"), "all", 0.0),
    "incentive_participation_rate": (_replace(*ACTIVITY, "incentive_claimed", "content_download"), "all", 0.0),
    "email_open_rate": (_replace(*ACTIVITY, "email_open", "content_download"), "all", 0.0),
    "email_click_rate": (_replace(*ACTIVITY, "email_click", "content_download"), "all", 0.0),
    "engagement_score": (_replace(*ACTIVITY, ["portal_login", "content_download", "training_completed",
                                              "certification_earned", "campaign_joined", "event_attended",
                                              "enablement_session", "email_click"], "email_open"), "all", 0.0),
    "qualified_lead_rate": (_replace("leads", "qualified", True, False), "all", 0.0),
    "lead_conversion_rate": (_clear("leads", "deal_id"), "all", 0.0),
    "partner_nps": (_replace("surveys", "nps_score", list(range(11)), 8), "all", 0.0),
    "customer_nps": (_replace("surveys", "nps_score", list(range(11)), 8), "all", 0.0),
    "program_abandonment_rate": (_clear("partners", "left_at"), "all", 0.0),
    "partner_renewal_rate": (_replace("agreements", "status", "renewed", "lapsed"), "all", 0.0),
    "partner_roi": (_replace("deals", "stage", "won", "lost"), "all", -1.0),
    "churn_rate": (_clear("customers", "churned_at"), "all", 0.0),
    "integrated_churn_rate": (_clear("customers", "churned_at"), "all", 0.0),
    "non_integrated_churn_rate": (_clear("customers", "churned_at"), "all", 0.0),
    "customer_retention_rate": (_everyone_active_at_last_start_churns, "last", 0.0),
    "net_revenue_retention": (_mrr_set(True), "last", 0.0),
    "gross_revenue_retention": (_mrr_set(True), "last", 0.0),
    "integration_upsell_rate": (_mrr_set(True), "last", 0.0),
    "customer_lifetime_value": (_mrr_set(False), "all", 0.0),
    "tickets_per_customer": (_replace("tickets", "category", "customer", "partner_inquiry"), "all", 0.0),
    "customer_acquisition_cost": (lambda t, ctx: {**t, "costs": t["costs"].assign(amount=0.0)}, "all", 0.0),
    "integration_adoption_rate": (_replace("integration_events", "event", "installed", "authorized"), "all", 0.0),
    "integration_run_success_rate": (_replace("integration_events", "event", "run_succeeded", "run_failed"),
                                     "all", 0.0),
}
KEYS = ["period", "partner_id", "attribution"]


def test_every_rate_of_the_registry_has_a_zeroing_case():
    assert set(ZEROING) == set(RATES)


@pytest.mark.parametrize("metric_id", sorted(ZEROING))
def test_a_zero_numerator_over_a_non_empty_denominator_keeps_its_row(metric_id, demo_tables, demo_kpis):
    transform, scope, expected = ZEROING[metric_id]
    original = demo_kpis.rows[demo_kpis.rows["metric"] == metric_id]
    assert original["value"].ne(expected).any()  # the case is not already zero
    zeroed = compute_kpis(transform(demo_tables, demo_kpis.context), metrics=[metric_id]).rows
    if scope == "last":
        original = original[original["period"] == original["period"].max()]
    # A partner's rows in periods when it was not in the program exist only where it had hits.
    ctx = demo_kpis.context
    in_program = ctx.partner_periods().assign(period=lambda d: ctx.labels(d["period"].to_numpy()), member=True)
    original = original.merge(in_program, on=["partner_id", "period"], how="left")
    original = original[original["partner_id"].isna().to_numpy() | original["member"].eq(True).to_numpy()]
    keys = original[KEYS].astype(object).fillna("")
    found = zeroed.assign(partner_id=zeroed["partner_id"].astype(object).fillna("")).merge(
        keys.assign(partner_id=keys["partner_id"].astype(str)), on=KEYS, how="right", indicator=True)
    lost = found[found["_merge"] != "both"]
    assert lost.empty, f"{len(lost)} of {len(keys)} rows lost their row when the numerator became 0:\n{lost.head()}"
    assert np.allclose(found["value"].to_numpy(dtype=float), expected)


@pytest.mark.parametrize("metric_id", CATALOG)
def test_no_metric_writes_a_row_without_a_value(metric_id, demo_kpis):
    rows = demo_kpis.rows[demo_kpis.rows["metric"] == metric_id]
    assert rows["value"].notna().all()
    with_denominator = rows.dropna(subset=["denominator"])
    assert (with_denominator["denominator"] > 0).all()
