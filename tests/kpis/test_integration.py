"""Known answers for the integration adoption KPIs on a hand-made event log.

Grid: 2024Q1 to 2024Q2 (as of 2024-06-30). Technology partners t1, t2 and t3 (no integration
events); r1 is a reseller.
Customers (direct): a1 acquired 2023-06-01; a2 2023-06-01, churned 2024-02-15; a3 2023-06-01,
churned 2024-05-01; a4 acquired 2024-02-01, churned 2024-06-15.
Installations: a1-t1 since 2023-12-01; a2-t1 2024-01-10; a3-t2 2023-11-01 until 2024-03-01;
a4-t2 2024-02-05 (and again 2024-04-10); a1-t2 2024-04-20.
"""
from __future__ import annotations

import pytest

from .helpers import context, has_no_row, known_answer, row_of, rows_of, validated, value_of

EVENTS = [  # account, partner, occurred_at, event, count
    ("a1", "t1", "2023-12-01", "installed", 1), ("a1", "t1", "2023-12-11", "used", 1),
    ("a1", "t1", "2024-01-15", "run_succeeded", 8), ("a1", "t1", "2024-01-15", "run_failed", 2),
    ("a2", "t1", "2024-01-10", "installed", 1), ("a2", "t1", "2024-01-30", "used", 1),
    ("a3", "t2", "2023-11-01", "installed", 1), ("a3", "t2", "2024-02-01", "run_succeeded", 5),
    ("a3", "t2", "2024-03-01", "uninstalled", 1),
    ("a4", "t2", "2024-02-05", "installed", 1), ("a4", "t2", "2024-04-10", "installed", 1),
    ("a1", "t2", "2024-04-20", "installed", 1), ("a1", "t2", "2024-04-25", "run_succeeded", 10),
]


@pytest.fixture(scope="module")
def ctx():
    tables = validated(
        partners={"partner_id": ["t1", "t2", "r1", "t3"], "partner_name": ["T1", "T2", "R1", "T3"],
                  "partner_type": ["technology", "technology", "reseller", "technology"],
                  "joined_at": ["2023-01-01"] * 4},
        deals={"deal_id": ["d1"], "attribution": ["direct"], "stage": ["won"], "created_at": ["2024-01-02"],
               "closed_at": ["2024-01-10"], "amount": [1]},
        customers={"account_id": ["a1", "a2", "a3", "a4"],
                   "acquired_at": ["2023-06-01", "2023-06-01", "2023-06-01", "2024-02-01"],
                   "channel": ["direct"] * 4, "churned_at": [None, "2024-02-15", "2024-05-01", "2024-06-15"]},
        revenue={"account_id": ["a1", "a1", "a1", "a3", "a3", "a2"],
                 "month": ["2023-12-01", "2024-03-01", "2024-06-01", "2023-12-01", "2024-03-01", "2023-12-01"],
                 "mrr": [100, 120, 150, 80, 80, 50]},
        integration_events={"account_id": [e[0] for e in EVENTS], "partner_id": [e[1] for e in EVENTS],
                            "occurred_at": [e[2] for e in EVENTS], "event": [e[3] for e in EVENTS],
                            "count": [e[4] for e in EVENTS]},
        tickets={"ticket_id": ["k1", "k2", "k3", "k4"],
                 "category": ["integration", "integration", "integration", "customer"],
                 "opened_at": ["2024-01-05", "2024-02-05", "2024-05-05", "2024-01-06"],
                 "partner_id": ["t1", "t2", "t1", None]},
        incidents={"partner_id": ["t1", "t2"], "started_at": ["2024-03-31 20:00", "2024-02-01 00:00"],
                   "ended_at": ["2024-04-01 04:00", "2024-02-01 10:00"]},
    )
    return context(tables, as_of="2024-06-30")


@known_answer("integration_installs")
def test_integration_installs(ctx):
    rows = rows_of("integration_installs", ctx)
    assert value_of(rows, "2024Q1") == 2  # a2-t1, a4-t2
    assert value_of(rows, "2024Q1", "t1") == 1
    assert value_of(rows, "2024Q2") == 2  # a4-t2 again, a1-t2
    assert value_of(rows, "2024Q2", "t1") == 0  # technology partners get zero rows
    assert not (rows["partner_id"] == "r1").any()  # resellers do not


@known_answer("integration_active_accounts")
def test_integration_active_accounts(ctx):
    rows = rows_of("integration_active_accounts", ctx)
    assert value_of(rows, "2024Q1") == 3  # a1 runs, a2 used, a3 runs
    assert value_of(rows, "2024Q1", "t1") == 2
    assert value_of(rows, "2024Q1", "t2") == 1
    assert value_of(rows, "2024Q2") == 1
    assert value_of(rows, "2024Q2", "t1") == 0


@known_answer("integration_adoption_rate")
def test_integration_adoption_rate_at_period_end(ctx):
    rows = rows_of("integration_adoption_rate", ctx)
    # End of Q1: active a1, a3, a4 (a2 churned); installed: a1 (t1) and a4 (t2); a3 uninstalled in March.
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"]) == (2, 3)
    assert value_of(rows, "2024Q1", "t1") == pytest.approx(1 / 3)
    assert value_of(rows, "2024Q1", "t2") == pytest.approx(1 / 3)
    # End of Q2: only a1 is active, with both integrations.
    assert value_of(rows, "2024Q2") == 1
    assert value_of(rows, "2024Q2", "t2") == 1
    # Zero is a value: t3's integration is on none of the active customers.
    t3 = row_of(rows, "2024Q1", "t3")
    assert (t3["value"], t3["numerator"], t3["denominator"]) == (0, 0, 3)
    assert not (rows["partner_id"] == "r1").any()  # a reseller has no integration to adopt


@known_answer("integration_run_success_rate")
def test_integration_run_success_rate(ctx):
    rows = rows_of("integration_run_success_rate", ctx)
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"]) == (13, 15)  # 8 + 5 succeeded, 2 failed
    assert value_of(rows, "2024Q1", "t1") == pytest.approx(8 / 10)
    assert value_of(rows, "2024Q2") == 1


@known_answer("integration_time_to_value_days")
def test_integration_time_to_value_days(ctx):
    rows = rows_of("integration_time_to_value_days", ctx)
    assert value_of(rows, "2024Q1") == 20  # a2-t1: installed 01-10, used 01-30; a4-t2 never used
    assert value_of(rows, "2024Q2", "t2") == 5  # a1-t2: 04-20 -> 04-25


@known_answer("integrated_churn_rate", "non_integrated_churn_rate")
def test_integrated_and_non_integrated_churn(ctx):
    integrated, plain = rows_of("integrated_churn_rate", ctx), rows_of("non_integrated_churn_rate", ctx)
    # Q1 start: a1 (t1 installed), a3 (t2 installed), a2 (a2's install comes on 01-10): only a2 churns.
    assert value_of(integrated, "2024Q1") == 0
    q1 = row_of(plain, "2024Q1")
    assert (q1["numerator"], q1["denominator"]) == (1, 1)
    # Q2 start: a1 (t1) and a4 (t2) integrated, a3 not (uninstalled); a4 and a3 churn in Q2.
    assert value_of(integrated, "2024Q2") == pytest.approx(1 / 2)
    assert value_of(integrated, "2024Q2", "t1") == 0
    assert value_of(integrated, "2024Q2", "t2") == 1
    assert value_of(plain, "2024Q2") == 1
    assert plain["partner_id"].isna().all()


@known_answer("integration_tickets")
def test_integration_tickets(ctx):
    rows = rows_of("integration_tickets", ctx)
    assert value_of(rows, "2024Q1") == 2
    assert value_of(rows, "2024Q1", "t2") == 1
    assert value_of(rows, "2024Q2", "t2") == 0


@known_answer("integration_downtime_hours")
def test_integration_downtime_is_split_across_periods(ctx):
    rows = rows_of("integration_downtime_hours", ctx)
    # t1: 2024-03-31 20:00 -> 04-01 04:00 = 4 h in Q1 + 4 h in Q2; t2: 10 h in Q1.
    assert value_of(rows, "2024Q1") == pytest.approx(14)
    assert value_of(rows, "2024Q1", "t1") == pytest.approx(4)
    assert value_of(rows, "2024Q2", "t1") == pytest.approx(4)
    assert value_of(rows, "2024Q2", "t2") == 0


@known_answer("integration_upsell_rate")
def test_integration_upsell_rate(ctx):
    rows = rows_of("integration_upsell_rate", ctx)
    # Q1: integrated at start and paying in December: a1 (100 -> 120 in March, grew), a3 (80 -> 80).
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"]) == (1, 2)
    assert value_of(rows, "2024Q1", "t1") == 1
    assert value_of(rows, "2024Q1", "t2") == 0
    # Q2: a1 (t1) 120 -> 150; a4 is integrated but never paid.
    assert value_of(rows, "2024Q2") == 1
    assert has_no_row(rows, "2024Q2", "t2")
