"""Catalog-wide checks, parametrised over the registry: every metric declared, documented,
computed and covered by a known-answer test."""
from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from partner_analysis.ingest.contract import TABLES
from partner_analysis.report.glossary import glossary_html, glossary_markdown
from partner_analysis.kpis import REGISTRY, compute_kpis
from partner_analysis.kpis.registry import KPI_COLUMNS

DESIGN_IDS = """
sourced_revenue influenced_revenue direct_revenue partner_revenue_share pipeline_created opportunities_created
open_pipeline_value open_opportunities pipeline_growth win_rate avg_deal_size sales_cycle_days deal_registrations
deal_registration_growth registration_approval_rate registration_win_rate expansion_revenue partner_share_of_wallet
partner_penetration
active_partners activation_rate time_to_first_deal_days portal_logins portal_active_users content_downloads
training_completions training_completion_rate certifications_earned certified_partner_share
campaign_participation_rate email_open_rate email_click_rate event_attendance enablement_sessions
incentive_participation_rate referred_leads qualified_lead_rate lead_conversion_rate lead_follow_up_hours
partner_nps engagement_score
customers_acquired customer_retention_rate churn_rate net_revenue_retention gross_revenue_retention expansion_mrr
customer_lifetime_value customer_nps csat ticket_resolution_hours tickets_per_customer customer_acquisition_cost
partner_count onboarding_days program_abandonment_rate partner_renewal_rate partner_inquiry_resolution_hours
partner_generated_tickets partner_costs partner_profit partner_roi
integration_installs integration_active_accounts integration_adoption_rate integration_run_success_rate
integration_time_to_value_days integrated_churn_rate non_integrated_churn_rate integration_tickets
integration_downtime_hours integration_upsell_rate
""".split()
METRIC_IDS = sorted(REGISTRY)


def _known_answer_ids() -> set[str]:
    """Metrics named by the known-answer marks of the test modules beside this one (the conftest
    fails a marked test that does not compute the metric it names)."""
    found: set[str] = set()
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(f"tests.kpis.{path.stem}")
        for name, test in vars(module).items():
            if name.startswith("test_") and callable(test):
                found |= {m for mark in getattr(test, "pytestmark", []) if mark.name == "known_answer" for m in mark.args}
    return found


def test_registry_is_exactly_the_design_catalog():
    assert len(DESIGN_IDS) == len(set(DESIGN_IDS)) == 72
    assert set(REGISTRY) == set(DESIGN_IDS)


@pytest.mark.parametrize("metric_id", METRIC_IDS)
def test_metric_is_documented(metric_id):
    spec = REGISTRY[metric_id].spec
    assert spec.label and spec.formula
    assert len(spec.definition) > 40 and spec.definition.rstrip().endswith(".")
    assert set(spec.requires) <= set(TABLES)
    assert f'id="{metric_id}"' in glossary_html()
    assert f"`{metric_id}`" in glossary_markdown()
    assert f"](#{metric_id})" in glossary_markdown()  # linked from the index at the top


@pytest.mark.parametrize("metric_id", METRIC_IDS)
def test_metric_has_a_known_answer_test(metric_id):
    assert metric_id in _known_answer_ids(), f"no test in tests/kpis is marked @known_answer(\"{metric_id}\")"


@pytest.mark.parametrize("metric_id", METRIC_IDS)
def test_metric_computes_on_demo_data(metric_id, demo_kpis):
    spec = REGISTRY[metric_id].spec
    rows = demo_kpis.rows[demo_kpis.rows["metric"] == metric_id]
    assert metric_id not in demo_kpis.unavailable
    assert list(rows.columns) == list(KPI_COLUMNS)
    assert len(rows) > 0 and rows["value"].notna().any()
    assert set(rows["attribution"]) <= set(spec.attributions)
    assert rows["partner_id"].notna().any() == spec.partner_grain
    assert not rows.duplicated(["period", "partner_id", "attribution"]).any()
    values = rows["value"].dropna()
    if spec.unit == "ratio" and spec.aggregation != "growth":
        assert values.between(0, 1).all() if spec.bounded else (values >= 0).all()
    if spec.unit in ("count", "currency", "days", "hours") and spec.aggregation != "growth" and metric_id != "partner_profit":
        assert (values >= 0).all()
    if spec.aggregation == "ratio":
        with_den = rows[rows["denominator"] > 0]
        assert (with_den["value"] - with_den["numerator"] / with_den["denominator"]).abs().max() < 1e-9


def test_missing_tables_make_metrics_unavailable_not_zero(demo_tables):
    core = {name: demo_tables[name] for name in ("partners", "deals")}
    result = compute_kpis(core)
    needs_more = {m for m in REGISTRY if set(REGISTRY[m].spec.requires) - set(core)}
    assert set(result.unavailable) == needs_more
    assert all("not in the data" in why for why in result.unavailable.values())
    assert set(result.rows["metric"].unique()) == set(REGISTRY) - needs_more
    assert pd.Series(result.rows["metric"].unique()).isin(needs_more).sum() == 0


def test_catalog_computes_without_partners_and_deals(demo_tables, demo_kpis):
    """A customer-only export (as RavenStack's) computes what it can, with the same values."""
    customer_only = {name: demo_tables[name] for name in ("customers", "revenue", "tickets", "surveys",
                                                           "integration_events")}
    result = compute_kpis(customer_only)
    needs_more = {m for m in REGISTRY if set(REGISTRY[m].spec.requires) - set(customer_only)}
    assert set(result.unavailable) == needs_more
    assert {"net_revenue_retention", "churn_rate", "integration_adoption_rate"} <= set(result.rows["metric"])

    def program(rows):
        sel = (rows["metric"] == "churn_rate") & rows["partner_id"].isna() & (rows["attribution"] == "all")
        return rows[sel].set_index("period")["value"]

    alone, full = program(result.rows), program(demo_kpis.rows)
    common = alone.index.intersection(full.index)
    assert len(common) >= 8
    assert np.allclose(alone[common], full[common])


ADDITIVE = [m for m in METRIC_IDS if REGISTRY[m].spec.aggregation in ("sum", "ratio", "mean")
            and REGISTRY[m].spec.partner_grain]


@pytest.mark.parametrize("metric_id", ADDITIVE)
def test_partner_rows_never_add_up_to_more_than_the_program(metric_id, demo_kpis):
    """Nothing is double counted: per period, partner rows of an additive metric (their numerators
    for rates) add up to at most the program row; exactly, for views where every row has a partner."""
    spec = REGISTRY[metric_id].spec
    rows = demo_kpis.rows[demo_kpis.rows["metric"] == metric_id]
    column = "value" if spec.aggregation == "sum" else "numerator"
    for attribution in spec.partner_attributions:
        view = rows[rows["attribution"] == attribution]
        partners = view[view["partner_id"].notna()].groupby("period")[column].sum()
        program = view[view["partner_id"].isna()].set_index("period")[column].reindex(partners.index)
        if metric_id in ("partner_profit", "partner_roi"):
            assert (program <= partners + 1e-6).all()  # program rows also subtract overhead costs
        elif metric_id in ("partner_revenue_share", "partner_penetration", "integration_adoption_rate",
                           "integrated_churn_rate", "integration_upsell_rate", "integration_active_accounts"):
            assert (partners >= program - 1e-6).all()  # an account with several partners counts once in the program
        else:
            assert (partners <= program + 1e-6).all()
        if attribution in ("sourced", "influenced"):
            assert np.allclose(partners, program)


def test_glossary_html_opens_offline():
    html = glossary_html()
    assert "<script" not in html and "http://" not in html and "https://" not in html
