"""Coverage: each table's first and last date, and metrics reported in the periods their tables cover.

STAGGERED (as of 2024-12-31): partners join in 2023Q3 (p1), 2023Q4 (p2) and 2024Q1 (p3); deal
registrations begin on 2023-11-20, a quarter before the first deal (2024-01-10); deals run to
2024-11-01. So registrations cover 2023Q4-2024Q1, deals 2024Q1-2024Q4, the partner roster
2023Q3 to the as-of date.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pytest import approx

from partner_analysis.ingest.coverage import coverage_record, latest_date, table_coverage
from partner_analysis.kpis import REGISTRY
from partner_analysis.kpis.engine import metric_periods

from .helpers import context, has_no_row, known_answer, row_of, rows_of, validated, value_of

METRIC_IDS = sorted(m for m in REGISTRY if REGISTRY[m].spec.origin == "catalog")


@pytest.fixture(scope="module")
def staggered():
    tables = validated(
        partners={"partner_id": ["p1", "p2", "p3"], "partner_name": ["One", "Two", "Three"],
                  "partner_type": ["reseller"] * 3, "joined_at": ["2023-08-01", "2023-11-15", "2024-02-01"]},
        deal_registrations={"registration_id": ["r1", "r2", "r3", "r4"], "partner_id": ["p1", "p2", "p1", "p3"],
                            "submitted_at": ["2023-11-20", "2023-12-05", "2024-02-10", "2024-03-01"],
                            "status": ["approved", "rejected", "approved", "rejected"]},
        deals={"deal_id": ["d1", "d2", "d3", "d4"], "attribution": ["sourced", "sourced", "direct", "direct"],
               "partner_id": ["p1", "p3", None, None], "stage": ["won", "open", "won", "open"],
               "created_at": ["2024-01-10", "2024-02-15", "2024-04-02", "2024-11-01"],
               "closed_at": ["2024-02-20", None, "2024-05-01", None], "amount": [100, 50, 70, 10],
               "registration_id": ["r1", None, None, None]},
    )
    return context(tables, as_of="2024-12-31")


@known_answer("deal_registrations", "deal_registration_growth", "registration_approval_rate")
def test_registrations_before_the_first_deal_are_reported(staggered):
    counts = rows_of("deal_registrations", staggered)
    assert counts["period"].min() == "2023Q4"  # the quarter of the first registration, before any deal
    assert value_of(counts, "2023Q4") == 2  # r1, r2
    assert value_of(counts, "2023Q4", "p1") == 1
    growth = row_of(rows_of("deal_registration_growth", staggered), "2024Q1")  # 2 after 2: the row that follows
    assert (growth["numerator"], growth["denominator"], growth["value"]) == (0, 2, 0)
    approval = row_of(rows_of("registration_approval_rate", staggered), "2023Q4")
    assert (approval["numerator"], approval["denominator"]) == (1, 2)  # r1 approved, r2 rejected


@known_answer("registration_win_rate")
def test_a_metric_reading_two_tables_reports_where_both_cover_and_says_what_it_leaves(staggered):
    rows = rows_of("registration_win_rate", staggered)
    assert has_no_row(rows, "2023Q4")  # no deal data yet: whether r1's deal was won is not judged here
    assert value_of(rows, "2024Q1") == 0  # r3 approved, no deal linked
    notes = staggered.notes["registration_win_rate"]
    assert notes == [  # registrations end in 2024Q1, deals begin in it: one period has both
        "deal_registrations (dates 2023-11-20 to 2024-03-01) also covers 2023Q4, not reported here: this metric "
        "reports 2024Q1, the periods deal_registrations and deals both cover.",
        "deals (dates 2024-01-10 to 2024-11-01) also covers 2024Q2\u20132024Q4, not reported here: this metric "
        "reports 2024Q1, the periods deal_registrations and deals both cover."]


@known_answer("active_partners")
def test_active_partners_before_deal_data_are_noted_not_silently_dropped(staggered):
    rows = rows_of("active_partners", staggered)
    assert sorted(rows["period"]) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]  # where deals and partners cover
    assert value_of(rows, "2024Q1") == 2  # p1 (deal d1, registration r3), p3 (deal d2, registration r4)
    note = " ".join(staggered.notes["active_partners"])
    assert "deal_registrations" in note and "also covers 2023Q4" in note
    assert "partners" in note and "2023Q3\u20132023Q4" in note


@known_answer("partner_count")
def test_roster_metrics_start_with_the_roster(staggered):
    rows = rows_of("partner_count", staggered)
    assert [value_of(rows, p) for p in ("2023Q3", "2023Q4", "2024Q1", "2024Q4")] == [1, 2, 3, 3]


@known_answer("activation_rate", "time_to_first_deal_days")
def test_join_cohorts_before_deal_data_are_reported_as_not_judged(staggered):
    activation, days = rows_of("activation_rate", staggered), rows_of("time_to_first_deal_days", staggered)
    # p1 (2023Q3) and p2 (2023Q4) joined before the deals begin: a first deal of theirs could be missing.
    assert has_no_row(activation, "2023Q3") and has_no_row(activation, "2023Q4")
    assert has_no_row(days, "2023Q3", "p1")  # its first deal in the data (d1, after 162 days) may not be its first
    for metric_id in ("activation_rate", "time_to_first_deal_days"):
        note = " ".join(staggered.notes[metric_id])
        assert "2 partners joined before 2024Q1" in note and "2023Q3\u20132023Q4" in note and "cannot be judged" in note
    q1 = row_of(activation, "2024Q1")  # p3: first sourced deal d2 after 14 days
    assert (q1["numerator"], q1["denominator"]) == (1, 1)
    assert value_of(days, "2024Q1", "p3") == approx(14)


def test_table_coverage_uses_event_dates_and_marks_rosters():
    tables = validated(
        partners={"partner_id": ["p1", "p2"], "partner_name": ["One", "Two"], "partner_type": ["reseller"] * 2,
                  "joined_at": ["2023-03-01", "2023-05-01"], "left_at": [None, "2024-02-03"]},
        deals={"deal_id": ["d1"], "attribution": ["direct"], "stage": ["open"], "created_at": ["2024-01-05"],
               "amount": [1]},
        agreements={"partner_id": ["p1"], "start_at": ["2023-04-01"], "end_at": ["2026-03-31"], "status": ["active"]},
        costs={"period_start": [], "category": [], "amount": []},
    )
    spans = {name: table_coverage(name, frame) for name, frame in tables.items()}
    assert (spans["partners"].first, spans["partners"].last) == (pd.Timestamp("2023-03-01"), pd.Timestamp("2024-02-03"))
    assert spans["partners"].roster and not spans["deals"].roster
    # An agreement's end is scheduled (it may lie in the future): not an event, not coverage.
    assert (spans["agreements"].first, spans["agreements"].last, spans["agreements"].columns) == \
        (pd.Timestamp("2023-04-01"), pd.Timestamp("2023-04-01"), ("start_at",))
    assert spans["costs"] is None  # no rows, no coverage
    assert latest_date(tables) == pd.Timestamp("2024-02-03")
    assert coverage_record(tables)["partners"] == {"first": "2023-03-01", "last": "2024-02-03",
                                                    "columns": ["joined_at", "left_at"], "roster": True}
    assert "costs" not in coverage_record(tables)


# -- catalog-wide --------------------------------------------------------------------------------

@pytest.mark.parametrize("metric_id", METRIC_IDS)
def test_rows_lie_where_the_tables_it_needs_cover_and_the_rest_is_noted(metric_id, demo_kpis):
    """On the demo data (registrations and leads begin before the first deal, partners years
    before): a metric has rows only in the periods its required tables all cover, additive ones in
    every such period, and each table it reads that covers more has a note naming it."""
    ctx, spec = demo_kpis.context, REGISTRY[metric_id].spec
    periods = ctx.labels(metric_periods(metric_id, ctx))
    rows = demo_kpis.rows[demo_kpis.rows["metric"] == metric_id]
    assert set(rows["period"]) <= set(periods)
    if spec.aggregation == "sum":
        program = rows[rows["partner_id"].isna() & (rows["attribution"] == "all")]
        assert sorted(program["period"]) == sorted(periods)
    notes = " ".join(demo_kpis.notes.get(metric_id, []))
    for table in (*spec.requires, *spec.optional):
        beyond = np.setdiff1d(ctx.covered_periods([table]), metric_periods(metric_id, ctx))
        assert (f"{table} (dates" in notes) == (table in ctx.coverage and len(beyond) > 0), table


def test_every_covered_period_of_a_table_is_reported_by_a_metric_that_needs_it(demo_kpis):
    ctx = demo_kpis.context
    for table in ctx.coverage:
        readers = [m for m in METRIC_IDS if table in REGISTRY[m].spec.requires]
        if not readers:
            continue  # deal_partners: read by the attribution models, not by a metric
        reported = set().union(*(set(metric_periods(m, ctx)) for m in readers))
        assert set(ctx.covered_periods([table])) <= reported, table


def _won(tables, attribution=None):
    deals = tables["deals"]
    won = deals[deals["stage"] == "won"]
    return won if attribution is None else won[won["attribution"] == attribution]


def _activities(kind):
    return lambda t: float((t["activities"]["activity"] == kind).sum())


def _expansion_mrr(tables):
    revenue = tables["revenue"].sort_values(["account_id", "month"])
    previous = revenue.groupby("account_id")["mrr"].shift()
    follows = revenue.groupby("account_id")["month"].shift() == revenue["month"] - pd.DateOffset(months=1)
    rise = (revenue["mrr"] - previous).where(follows & (previous > 0), 0)
    return float(rise.clip(lower=0).sum())


def _downtime_hours(tables):
    incidents = tables["incidents"]
    return float((incidents["ended_at"] - incidents["started_at"]).dt.total_seconds().sum() / 3600)


#: Independent totals of every additive metric over the whole input (demo data: nothing lies after
#: the as-of date, which is the latest date in it), computed straight from the tables.
TOTALS = {
    "sourced_revenue": lambda t: _won(t, "sourced")["amount"].sum(),
    "influenced_revenue": lambda t: _won(t, "influenced")["amount"].sum(),
    "direct_revenue": lambda t: _won(t, "direct")["amount"].sum(),
    "expansion_revenue": lambda t: _won(t).loc[lambda d: d["deal_type"] == "expansion", "amount"].sum(),
    "pipeline_created": lambda t: t["deals"]["amount"].sum(),
    "opportunities_created": lambda t: float(len(t["deals"])),
    "deal_registrations": lambda t: float(len(t["deal_registrations"])),
    "portal_logins": _activities("portal_login"),
    "content_downloads": _activities("content_download"),
    "training_completions": _activities("training_completed"),
    "certifications_earned": _activities("certification_earned"),
    "event_attendance": _activities("event_attended"),
    "enablement_sessions": _activities("enablement_session"),
    "referred_leads": lambda t: float((t["leads"]["direction"] == "referred").sum()),
    "customers_acquired": lambda t: float(len(t["customers"])),
    "expansion_mrr": _expansion_mrr,
    "partner_generated_tickets": lambda t: float(t["tickets"]["partner_id"].notna().sum()),
    "integration_tickets": lambda t: float((t["tickets"]["category"] == "integration").sum()),
    "partner_costs": lambda t: t["costs"]["amount"].sum(),
    "partner_profit": lambda t: _won(t).loc[lambda d: d["partner_id"].notna(), "amount"].sum() - t["costs"]["amount"].sum(),
    "integration_installs": lambda t: float(t["integration_events"].loc[lambda e: e["event"] == "installed", "count"].sum()),
    "integration_downtime_hours": _downtime_hours,
}


def test_every_additive_metric_has_an_independent_total():
    assert set(TOTALS) == {m for m in METRIC_IDS if REGISTRY[m].spec.aggregation == "sum"}


@pytest.mark.parametrize("metric_id", sorted(TOTALS))
def test_nothing_valid_vanishes_from_additive_metrics(metric_id, demo_tables, demo_kpis):
    """Program rows add up to the whole input: no row of a table is lost to the period grid."""
    assert demo_kpis.as_of >= latest_date(demo_tables)
    rows = demo_kpis.rows
    program = rows[(rows["metric"] == metric_id) & rows["partner_id"].isna() & (rows["attribution"] == "all")]
    assert program["value"].sum() == approx(TOTALS[metric_id](demo_tables), rel=1e-9)
