"""Known answers at each boundary the glossary states (kpis/conventions.py), on events placed exactly on it.

As of 2024-06-30 (a date: the whole day counts). Q1 = 2024-01-01..03-31, Q2 = 04-01..06-30.
"""
from __future__ import annotations

import pytest
from pytest import approx

from partner_analysis.kpis import REGISTRY
from partner_analysis.kpis.conventions import (INSTALLED_AT, KPI_TABLE_RULES, PERIOD_END, PERIOD_START,
                                               TRAINING_MATCH, WINDOW_INCLUSIVE)
from partner_analysis.report.glossary import glossary_markdown

from .helpers import context, has_no_row, known_answer, row_of, rows_of, validated, value_of


@pytest.fixture(scope="module")
def edges():
    tables = validated(
        partners={"partner_id": ["p1", "p2", "p3", "p0"], "partner_name": ["P1", "P2", "P3", "P0"],
                  "partner_type": ["technology", "reseller", "reseller", "reseller"],
                  # p1 joins late on Q1's last day; p2 leaves that morning; p3 leaves at 00:00 of Q2's first day.
                  "joined_at": ["2024-03-31 18:00", "2023-01-01", "2023-01-01", "2023-01-01"],
                  "left_at": [None, "2024-03-31 09:00", "2024-04-01 00:00", None]},
        deals={"deal_id": ["e1", "e2", "e3", "e4"], "attribution": ["sourced", "sourced", "direct", "sourced"],
               "partner_id": ["p0", "p0", None, "p0"], "stage": ["open", "won", "lost", "won"],
               "created_at": ["2024-03-31 22:00", "2024-02-01", "2024-01-15", "2024-05-01"],
               # e2 closes late on Q1's last day; e3 at 00:00 of Q2's first day; e4 on the as-of day, afternoon.
               "closed_at": [None, "2024-03-31 23:30", "2024-04-01 00:00", "2024-06-30 15:00"],
               "amount": [10, 20, 30, 40]},
        customers={"account_id": ["c0", "c1", "c2", "c3"],
                   "acquired_at": ["2023-12-01", "2024-01-10", "2024-04-01 00:00", "2024-02-01"],
                   "channel": ["direct"] * 4,
                   # c1 churns in the morning of Q2's first day, c3 late on Q1's last day.
                   "churned_at": [None, "2024-04-01 09:00", None, "2024-03-31 23:00"]},
        integration_events={"account_id": ["c1", "c0"], "partner_id": ["p1", "p1"],
                            # c1 installs late on Q1's last day, c0 at exactly 00:00 of Q2's first day.
                            "occurred_at": ["2024-03-31 23:00", "2024-04-01 00:00"], "event": ["installed"] * 2},
    )
    return context(tables, as_of="2024-06-30")


@known_answer("open_opportunities", "open_pipeline_value")
def test_open_deals_are_a_snapshot_at_the_end_of_the_last_day(edges):
    rows = rows_of("open_opportunities", edges)
    assert value_of(rows, "2024Q1") == 2  # e1 (created on the last day), e3 (closed at 00:00 after it); not e2
    assert value_of(rows, "2024Q2") == 1  # e1
    assert value_of(rows_of("open_pipeline_value", edges), "2024Q1") == 40  # 10 + 30


@known_answer("partner_count")
def test_partners_in_the_program_at_the_end_of_the_last_day(edges):
    rows = rows_of("partner_count", edges)
    assert value_of(rows, "2024Q1") == 3  # p1 (joined that evening), p3 (left at 00:00 after), p0; not p2
    assert value_of(rows, "2024Q2") == 2  # p1, p0


@known_answer("sourced_revenue")
def test_the_whole_as_of_day_counts(edges):
    rows = rows_of("sourced_revenue", edges)
    assert value_of(rows, "2024Q2") == 40  # e4, closed at 15:00 on the as-of day


@known_answer("churn_rate", "customer_retention_rate")
def test_a_customer_churning_on_the_first_day_is_in_that_periods_cohort(edges):
    churn = rows_of("churn_rate", edges)
    q2 = row_of(churn, "2024Q2")  # cohort: c0 and c1 (churned 09:00 on the first day); not c2 (acquired that day)
    assert (q2["numerator"], q2["denominator"]) == (1, 2)
    q1 = row_of(churn, "2024Q1")  # cohort: c0 only (c1, c3 acquired in Q1); c3 churned in Q1 but was not in it
    assert (q1["numerator"], q1["denominator"]) == (0, 1)
    assert value_of(rows_of("customer_retention_rate", edges), "2024Q2") == approx(0.5)


@known_answer("integration_adoption_rate", "integrated_churn_rate", "non_integrated_churn_rate")
def test_an_installation_at_00_00_of_the_first_day_is_not_installed_at_that_start(edges):
    integrated, plain = rows_of("integrated_churn_rate", edges), rows_of("non_integrated_churn_rate", edges)
    q2 = row_of(integrated, "2024Q2")  # installed at Q2's start: c1 (the evening before); c1 churned
    assert (q2["numerator"], q2["denominator"]) == (1, 1)
    q2 = row_of(plain, "2024Q2")  # c0's installation at exactly 00:00 is not before the start
    assert (q2["numerator"], q2["denominator"]) == (0, 1)
    adoption = rows_of("integration_adoption_rate", edges)
    q1 = row_of(adoption, "2024Q1")  # active at Q1's end: c0, c1 (c3 churned that evening); installed: c1
    assert (q1["numerator"], q1["denominator"]) == (1, 2)
    q2 = row_of(adoption, "2024Q2")  # active at Q2's end: c0 (installed during Q2), c2
    assert (q2["numerator"], q2["denominator"]) == (1, 2)


@known_answer("training_completion_rate")
def test_training_completion_at_the_same_moment_and_without_item_ids():
    tables = validated(
        partners={"partner_id": ["p1"], "partner_name": ["P1"], "partner_type": ["reseller"],
                  "joined_at": ["2023-01-01"]},
        deals={"deal_id": ["d1"], "attribution": ["direct"], "stage": ["open"], "created_at": ["2024-01-02"],
               "amount": [1]},
        activities={"partner_id": ["p1"] * 7,
                    "occurred_at": ["2024-01-10 10:00", "2024-01-10 10:00", "2024-01-11", "2024-01-12", "2024-01-13",
                                    "2024-01-05", "2024-01-06"],
                    "activity": ["training_started", "training_completed", "training_started", "training_started",
                                 "training_completed", "training_completed", "training_started"],
                    "user_id": ["u1", "u1", "u1", "u2", "u2", "u3", "u3"],
                    "item_id": [None, None, "A", None, "B", None, None]},
    )
    rows = rows_of("training_completion_rate", context(tables, as_of="2024-03-31"))
    # Starts: u1 no item (completed at the same moment: yes), u1 item A (u1's completion has no item: no),
    # u2 no item (completed item B: no), u3 no item (completed the day before it started: no).
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"]) == (1, 4)
    assert has_no_row(rows, "2024Q2")


BOUNDARY_METRICS = {
    PERIOD_END: {"open_pipeline_value", "open_opportunities", "partner_count", "integration_adoption_rate",
                 "certified_partner_share"},
    PERIOD_START: {"customer_retention_rate", "churn_rate", "integrated_churn_rate", "non_integrated_churn_rate",
                   "tickets_per_customer"},
    INSTALLED_AT: {"integration_adoption_rate", "integrated_churn_rate", "non_integrated_churn_rate",
                   "integration_upsell_rate"},
    TRAINING_MATCH: {"training_completion_rate"},
    WINDOW_INCLUSIVE: {"activation_rate"},
}


@pytest.mark.parametrize("rule", list(BOUNDARY_METRICS), ids=lambda r: r.split(":")[0])
def test_each_boundary_is_written_under_the_metrics_it_affects(rule):
    assert {m for m, entry in REGISTRY.items() if rule in entry.spec.boundaries} == BOUNDARY_METRICS[rule]
    text = glossary_markdown()
    for metric_id in BOUNDARY_METRICS[rule]:
        section = text.split(f"(`{metric_id}`)", 1)[1].split("\n### ", 1)[0]
        assert rule in section


def test_the_kpi_table_rules_are_stated_once_before_the_metrics():
    text = glossary_markdown()
    first_metric = text.index("\n### ")
    for rule in KPI_TABLE_RULES:
        assert text.count(rule) == 1 and text.index(rule) < first_metric
