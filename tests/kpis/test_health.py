"""Known answers for the partnership health & economics KPIs on a hand-made program.

Grid: 2024Q1 to 2024Q2 (as of 2024-06-30). p1 joined 2023-06-01; p2 joined 2024-01-10 and left
2024-05-15; p3 joined 2024-02-01; p4 joins after the as-of date.
"""
from __future__ import annotations

import pytest

from .helpers import context, has_no_row, known_answer, row_of, rows_of, validated, value_of


@pytest.fixture(scope="module")
def ctx():
    tables = validated(
        partners={"partner_id": ["p1", "p2", "p3", "p4"], "partner_name": ["One", "Two", "Three", "Four"],
                  "partner_type": ["reseller", "referral", "service", "reseller"],
                  "joined_at": ["2023-06-01", "2024-01-10", "2024-02-01", "2024-07-15"],
                  "onboarded_at": ["2024-01-20", "2024-02-09", "2024-04-01", None],
                  "left_at": [None, "2024-05-15", None, None]},
        deals={"deal_id": ["d1", "d2", "d3", "d4"], "attribution": ["sourced", "influenced", "direct", "sourced"],
               "partner_id": ["p1", "p2", None, "p1"], "stage": ["won"] * 4,
               "created_at": ["2024-01-02", "2024-01-15", "2024-01-03", "2024-04-01"],
               "closed_at": ["2024-02-01", "2024-03-01", "2024-01-20", "2024-05-01"],
               "amount": [1000, 500, 700, 200]},
        agreements={"partner_id": ["p1", "p2", "p3", "p1"],
                    "start_at": ["2023-01-01", "2023-01-01", "2023-06-01", "2024-04-01"],
                    "end_at": ["2024-03-31", "2024-02-15", "2024-03-01", "2025-03-31"],
                    "status": ["renewed", "lapsed", "active", "active"]},
        tickets={"ticket_id": ["t1", "t2", "t3", "t4", "t5"],
                 "category": ["partner_inquiry", "partner_inquiry", "partner_inquiry", "customer", "customer"],
                 "opened_at": ["2024-01-05 00:00", "2024-02-01 00:00", "2024-03-31 12:00", "2024-02-10", "2024-02-11"],
                 "resolved_at": ["2024-01-05 06:00", "2024-02-02 00:00", "2024-04-01 00:00", None, None],
                 "partner_id": ["p1", "p2", "p1", "p1", None]},
        costs={"period_start": ["2024-01-01", "2024-02-01", "2024-04-01"], "category": ["commission", "mdf", "rebate"],
               "amount": [100, 50, 40], "partner_id": ["p1", None, "p2"]},
    )
    return context(tables, as_of="2024-06-30")


@known_answer("partner_count")
def test_partner_count_is_a_period_end_snapshot(ctx):
    rows = rows_of("partner_count", ctx)
    assert value_of(rows, "2024Q1") == 3  # p1, p2, p3
    assert value_of(rows, "2024Q2") == 2  # p2 left in May; p4 joins after the as-of date
    assert rows["partner_id"].isna().all()


@known_answer("onboarding_days")
def test_onboarding_days_by_completion_period(ctx):
    rows = rows_of("onboarding_days", ctx)
    # Q1 completions: p1 2023-06-01 -> 2024-01-20 = 233 days, p2 30 days.
    assert value_of(rows, "2024Q1") == (233 + 30) / 2
    assert value_of(rows, "2024Q1", "p1") == 233
    assert value_of(rows, "2024Q2") == 60  # p3 2024-02-01 -> 2024-04-01


@known_answer("program_abandonment_rate")
def test_program_abandonment_rate(ctx):
    rows = rows_of("program_abandonment_rate", ctx)
    assert value_of(rows, "2024Q1") == 0
    q2 = row_of(rows, "2024Q2")
    assert (q2["numerator"], q2["denominator"]) == (1, 3)  # p2 left; p1, p2, p3 were in the program


@known_answer("partner_renewal_rate")
def test_partner_renewal_rate_leaves_undecided_out(ctx):
    rows = rows_of("partner_renewal_rate", ctx)
    # Ended in Q1: p1 renewed, p2 lapsed, p3 still "active" (undecided, left out).
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"]) == (1, 2)
    assert value_of(rows, "2024Q1", "p1") == 1
    assert value_of(rows, "2024Q1", "p2") == 0
    assert has_no_row(rows, "2024Q1", "p3")
    assert has_no_row(rows, "2024Q2")  # p1's new agreement ends in 2025


@known_answer("partner_inquiry_resolution_hours")
def test_partner_inquiry_resolution_hours(ctx):
    rows = rows_of("partner_inquiry_resolution_hours", ctx)
    assert value_of(rows, "2024Q1") == 15  # median of 6 h and 24 h
    assert value_of(rows, "2024Q1", "p1") == 6
    assert value_of(rows, "2024Q2") == 12  # opened 2024-03-31 12:00, resolved in Q2


@known_answer("partner_generated_tickets")
def test_partner_generated_tickets(ctx):
    rows = rows_of("partner_generated_tickets", ctx)
    assert value_of(rows, "2024Q1") == 4  # every ticket with a partner_id, whatever its category
    assert value_of(rows, "2024Q1", "p1") == 3
    assert value_of(rows, "2024Q1", "p3") == 0
    assert value_of(rows, "2024Q2") == 0


@known_answer("partner_costs")
def test_partner_costs_include_overhead_in_program_rows(ctx):
    rows = rows_of("partner_costs", ctx)
    assert value_of(rows, "2024Q1") == 150
    assert value_of(rows, "2024Q1", "p1") == 100
    assert value_of(rows, "2024Q1", "p2") == 0
    assert value_of(rows, "2024Q2", "p2") == 40


@known_answer("partner_profit", "partner_roi")
def test_partner_profit_and_roi(ctx):
    profit, roi = rows_of("partner_profit", ctx), rows_of("partner_roi", ctx)
    # Q1: partner revenue 1000 (p1) + 500 (p2); direct 700 is not partner revenue; costs 150.
    assert value_of(profit, "2024Q1") == 1350
    assert value_of(profit, "2024Q1", "p1") == 900
    assert value_of(profit, "2024Q1", "p2") == 500
    assert value_of(profit, "2024Q2", "p2") == -40
    q1 = row_of(roi, "2024Q1")
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (1350, 150, 9)
    assert has_no_row(roi, "2024Q1", "p2")  # no costs: ROI undefined
    assert value_of(roi, "2024Q2") == pytest.approx((200 - 40) / 40)
    assert value_of(roi, "2024Q2", "p2") == -1
