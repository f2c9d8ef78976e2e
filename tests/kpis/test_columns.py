"""Unavailable means listed: a metric that needs an optional column which the input does not have
(or which has no value in any row, unless an empty cell means "none", like churned_at) is listed as
unavailable with the reason, exactly like a missing table.

Catalog-wide, from the contract and the registry: each optional column is dropped in turn from the
demo's raw input and the table validated again (skipped where the input is then invalid: a won deal
needs ``closed_at``). Every metric that declares the column is unavailable, naming it; every other
metric that reads the table still computes, and its values do not collapse to nothing or to one
constant (which would mean it depends on the column without declaring it).
"""
from __future__ import annotations

import pandas as pd
import pytest

from partner_analysis.ingest.contract import ABSENT_COLUMNS, TABLES
from partner_analysis.ingest.loading import load_raw
from partner_analysis.ingest.validation import validate_tables
from partner_analysis.kpis import REGISTRY, compute_kpis
from partner_analysis.kpis.registry import column_alternatives

from .helpers import context, rows_of, validated

CATALOG = sorted(m for m in REGISTRY if REGISTRY[m].spec.origin == "catalog")
OPTIONAL_COLUMNS = [(t.name, c.name) for t in TABLES.values() if t.name != "subscriptions"
                    for c in t.columns if not c.required]


def declares(metric_id: str, table: str, column: str) -> bool:
    """Whether the metric needs this column with no alternative."""
    return any(column_alternatives(needed) == [(table, column)] for needed in REGISTRY[metric_id].spec.columns)


@pytest.fixture(scope="module")
def raw_sources(demo_raw_dir):
    return {name: (src.file.name, src.frame) for name, src in load_raw(demo_raw_dir).items()}


@pytest.mark.parametrize(("table", "column"), OPTIONAL_COLUMNS, ids=[f"{t}.{c}" for t, c in OPTIONAL_COLUMNS])
def test_a_metric_needing_an_absent_column_is_listed_and_no_other_collapses(table, column, raw_sources,
                                                                            demo_tables, demo_kpis):
    file, raw = raw_sources[table]
    alone = validate_tables({table: (file, raw.drop(columns=[column]))})
    if not alone.report.ok:
        pytest.skip(f"valid input cannot lack {table}.{column}: {alone.report.issues[0].expected}")
    assert column in alone.tables[table].attrs[ABSENT_COLUMNS]
    tables = {**demo_tables, table: alone.tables[table]}
    readers = [m for m in CATALOG if table in (*REGISTRY[m].spec.requires, *REGISTRY[m].spec.optional)]
    result = compute_kpis(tables, metrics=readers)
    for metric_id in readers:
        if declares(metric_id, table, column):
            assert result.unavailable[metric_id] == f"needs column {table}.{column}, not in the input"
            continue
        assert metric_id not in result.unavailable, (metric_id, result.unavailable.get(metric_id))
        before = demo_kpis.rows.loc[demo_kpis.rows["metric"] == metric_id, "value"]
        after = result.rows.loc[result.rows["metric"] == metric_id, "value"]
        if before.nunique() > 1:
            assert after.nunique() > 1, f"{metric_id} collapses without {table}.{column}: declare the column"


def test_a_column_without_a_value_in_any_row_is_unavailable_too(demo_tables):
    partners = demo_tables["partners"].assign(annual_revenue=float("nan"))  # given, but empty
    result = compute_kpis({**demo_tables, "partners": partners}, metrics=["partner_share_of_wallet", "onboarding_days"])
    assert result.unavailable == {"partner_share_of_wallet": "needs column partners.annual_revenue, "
                                                             "without a value in any row"}
    assert set(result.rows["metric"]) == {"onboarding_days"}


def test_either_link_will_do_for_the_registration_win_rate(raw_sources, demo_tables):
    def without(table, column):
        file, raw = raw_sources[table]
        return validate_tables({table: (file, raw.drop(columns=[column]))}).tables[table]

    deals = without("deals", "registration_id")
    result = compute_kpis({**demo_tables, "deals": deals}, metrics=["registration_win_rate"])
    assert not result.unavailable  # the registrations' deal_id still links them
    regs = without("deal_registrations", "deal_id")
    result = compute_kpis({**demo_tables, "deals": deals, "deal_registrations": regs}, metrics=["registration_win_rate"])
    assert result.unavailable == {"registration_win_rate": "needs column deal_registrations.deal_id or "
                                                           "deals.registration_id, not in the input"}


def test_an_empty_column_whose_empty_cell_means_none_is_data(demo_tables):
    """Given but empty in every row, churned_at says nobody churned: churn is 0, not unavailable."""
    customers = demo_tables["customers"].assign(churned_at=pd.NaT)
    rows = compute_kpis({**demo_tables, "customers": customers}, metrics=["churn_rate"]).rows
    assert len(rows) > 0 and (rows["value"] == 0).all()


def test_share_of_wallet_and_onboarding_days_without_their_columns():
    """Known answer: partners given without annual_revenue and onboarded_at."""
    tables = validated(
        partners={"partner_id": ["p1"], "partner_name": ["One"], "partner_type": ["reseller"],
                  "joined_at": ["2024-01-01"]},
        deals={"deal_id": ["d1"], "attribution": ["sourced"], "partner_id": ["p1"], "stage": ["won"],
               "created_at": ["2024-01-05"], "closed_at": ["2024-02-01"], "amount": [100]},
    )
    ctx = context(tables, as_of="2024-03-31")
    result = compute_kpis(tables, metrics=["partner_share_of_wallet", "onboarding_days", "expansion_revenue",
                                           "sourced_revenue"], as_of=ctx.as_of)
    assert result.unavailable == {
        "partner_share_of_wallet": "needs column partners.annual_revenue, not in the input",
        "onboarding_days": "needs column partners.onboarded_at, not in the input",
        "expansion_revenue": "needs column deals.deal_type, not in the input",  # a default fills it, but it was not given
    }
    assert set(result.rows["metric"]) == {"sourced_revenue"}
    with pytest.raises(LookupError, match="needs column partners.annual_revenue"):
        rows_of("partner_share_of_wallet", ctx)


def test_every_declared_column_is_an_optional_contract_column():
    for metric_id in CATALOG:
        for needed in REGISTRY[metric_id].spec.columns:
            for table, column in column_alternatives(needed):
                assert not TABLES[table].column(column).required, (metric_id, needed)


def test_a_spec_naming_a_column_of_a_table_it_does_not_read_is_refused():
    from partner_analysis.kpis.registry import MetricSpec

    with pytest.raises(ValueError, match="must be table.column of a table it reads"):
        MetricSpec(id="x", family="custom", label="X", definition="X.", formula="x", unit="count",
                   direction="higher", aggregation="sum", requires=("deals",), columns=("partners.annual_revenue",))


def test_the_glossary_names_what_each_metric_needs():
    from partner_analysis.report.glossary import glossary_markdown

    text = glossary_markdown()
    assert "- **Needs**: deals, partners; column partners.annual_revenue\n" in text
    assert "column deal_registrations.deal_id or deals.registration_id" in text
    assert "- **Needs**: deals, partners; also reads, when present: deal_registrations, leads, activities\n" in text


def test_your_own_metric_declares_its_columns_like_the_catalog(restore_registry):
    from partner_analysis.kpis import metric
    from partner_analysis.kpis.blocks import summarise, sum_of

    @metric(id="wallet_of_partners", label="Partners' own revenue", unit="currency", requires=("partners",),
            columns=("partners.annual_revenue",), definition="Sum of the annual_revenue of the partners joined.")
    def wallet_of_partners(ctx):
        partners = ctx.dated("partners", "joined_at")
        return summarise(ctx, partners, sum_of("annual_revenue"), zero_fill=True)

    tables = validated(partners={"partner_id": ["p1"], "partner_name": ["One"], "partner_type": ["reseller"],
                                 "joined_at": ["2024-01-01"]},
                       deals={"deal_id": ["d1"], "attribution": ["direct"], "stage": ["open"],
                              "created_at": ["2024-01-05"], "amount": [1]})
    result = compute_kpis(tables, metrics=["wallet_of_partners"])
    assert result.unavailable == {"wallet_of_partners": "needs column partners.annual_revenue, not in the input"}
