"""Known answers for the customer impact & retention KPIs on one small hand-made book of customers.

Grid: 2024Q1 (the first deal) to 2024Q2 (as of 2024-06-30). Customers:
a1 partner p1, acquired 2023-12-15, churned 2024-05-10 (Q2)
a2 direct, acquired 2023-11-01, never churns; pauses in Feb 2024 and comes back (churn-and-return in revenue)
a3 partner p2, acquired 2024-02-01 and churned 2024-03-15 (inside Q1)
a4 partner p1, acquired 2023-10-01, churned 2024-02-20 (Q1)
"""
from __future__ import annotations

import pandas as pd
import pytest

from .helpers import context, has_no_row, known_answer, row_of, rows_of, validated, value_of

AS_OF = "2024-06-30"


@pytest.fixture(scope="module")
def ctx():
    tables = validated(
        partners={"partner_id": ["p1", "p2"], "partner_name": ["One", "Two"],
                  "partner_type": ["reseller", "referral"], "joined_at": ["2023-01-01", "2023-01-01"]},
        deals={"deal_id": ["d1"], "attribution": ["direct"], "stage": ["won"], "created_at": ["2024-01-02"],
               "closed_at": ["2024-01-20"], "amount": [10]},
        customers={"account_id": ["a1", "a2", "a3", "a4"],
                   "acquired_at": ["2023-12-15", "2023-11-01", "2024-02-01", "2023-10-01"],
                   "channel": ["partner", "direct", "partner", "partner"],
                   "partner_id": ["p1", None, "p2", "p1"],
                   "churned_at": ["2024-05-10", None, "2024-03-15", "2024-02-20"]},
        revenue={"account_id": ["a1"] * 5 + ["a2"] * 6 + ["a4"] * 2 + ["a3"],
                 "month": ["2023-12-01", "2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01",
                           "2023-12-01", "2024-01-01", "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01",
                           "2023-12-01", "2024-01-01", "2024-02-01"],
                 "mrr": [100, 100, 150, 150, 150, 200, 200, 250, 250, 250, 250, 50, 50, 80]},
        surveys={"response_id": ["s1", "s2", "s3", "s4", "s5"],
                 "respondent": ["customer", "customer", "customer", "customer", "partner"],
                 "submitted_at": ["2024-02-01", "2024-02-15", "2024-01-20", "2024-03-01", "2024-02-01"],
                 "account_id": ["a1", "a2", "a4", "a3", None], "partner_id": [None, None, None, None, "p1"],
                 "nps_score": [10, 6, 8, 9, 0], "csat_score": [5, 3, 4, None, None]},
        tickets={"ticket_id": ["t1", "t2", "t3", "t4"],
                 "category": ["customer", "customer", "customer", "partner_inquiry"],
                 "opened_at": ["2024-01-10 08:00", "2024-02-01 00:00", "2024-03-30 00:00", "2024-01-05 00:00"],
                 "resolved_at": ["2024-01-11 08:00", "2024-02-01 10:00", "2024-04-02 00:00", "2024-01-05 04:00"],
                 "account_id": ["a1", "a2", "a1", None], "partner_id": [None, None, None, "p1"]},
        costs={"period_start": ["2024-01-01", "2024-02-01", "2024-04-01"], "category": ["commission", "mdf", "commission"],
               "amount": [300, 100, 50], "partner_id": ["p1", None, "p2"]},
    )
    return context(tables, as_of=AS_OF)


@known_answer("customers_acquired")
def test_customers_acquired(ctx):
    rows = rows_of("customers_acquired", ctx)
    # Only a3 is acquired inside the grid (2024-02-01, partner channel, p2).
    assert value_of(rows, "2024Q1") == 1
    assert value_of(rows, "2024Q1", attribution="partner") == 1
    assert value_of(rows, "2024Q1", attribution="direct") == 0
    assert value_of(rows, "2024Q1", "p2") == 1
    assert value_of(rows, "2024Q1", "p1") == 0
    assert value_of(rows, "2024Q2") == 0


@known_answer("customer_retention_rate", "churn_rate")
def test_retention_and_churn_use_the_cohort_active_at_the_start(ctx):
    retention, churn = rows_of("customer_retention_rate", ctx), rows_of("churn_rate", ctx)
    # Q1 start: a1, a2, a4 (a3 is acquired during Q1, not in the cohort); a4 churns in Q1.
    q1 = row_of(churn, "2024Q1")
    assert (q1["numerator"], q1["denominator"], q1["n"]) == (1, 3, 3)
    assert value_of(retention, "2024Q1") == pytest.approx(2 / 3)
    assert value_of(churn, "2024Q1", attribution="partner") == pytest.approx(1 / 2)  # a1 stays, a4 churns
    assert value_of(churn, "2024Q1", attribution="direct") == 0
    assert value_of(churn, "2024Q1", "p1") == pytest.approx(1 / 2)
    assert has_no_row(churn, "2024Q1", "p2")  # p2's only customer was acquired in Q1
    # Q2 start: a1 and a2; a1 churns 2024-05-10.
    assert value_of(churn, "2024Q2") == pytest.approx(1 / 2)
    assert value_of(retention, "2024Q2", "p1") == 0


@known_answer("net_revenue_retention", "gross_revenue_retention")
def test_net_and_gross_revenue_retention_with_churn_and_return(ctx):
    nrr, grr = rows_of("net_revenue_retention", ctx), rows_of("gross_revenue_retention", ctx)
    # Q1: start = Dec 2023 MRR of a1 100, a2 200, a4 50 = 350; end = Mar 2024: a1 150, a2 250 (back after a
    # paused February), a4 0 = 400.  GRR caps each: 100 + 200 + 0 = 300.
    q1 = row_of(nrr, "2024Q1")
    assert (q1["numerator"], q1["denominator"]) == (400, 350)
    assert value_of(nrr, "2024Q1") == pytest.approx(400 / 350)
    assert value_of(grr, "2024Q1") == pytest.approx(300 / 350)
    assert value_of(nrr, "2024Q1", attribution="partner") == pytest.approx(150 / 150)  # a1 100->150, a4 50->0
    assert value_of(grr, "2024Q1", attribution="partner") == pytest.approx(100 / 150)
    assert value_of(nrr, "2024Q1", attribution="direct") == pytest.approx(250 / 200)
    assert value_of(grr, "2024Q1", attribution="direct") == 1.0
    # Q2: start = Mar: a1 150, a2 250 (a3 had no March MRR) = 400; end = Jun: a2 250.
    assert value_of(nrr, "2024Q2") == pytest.approx(250 / 400)
    assert value_of(grr, "2024Q2", "p1") == 0


@known_answer("expansion_mrr")
def test_expansion_mrr_counts_increases_of_paying_customers_only(ctx):
    rows = rows_of("expansion_mrr", ctx)
    # a1 Jan 100 -> Feb 150 = +50; a2's return in March (no February MRR) is not expansion.
    assert value_of(rows, "2024Q1") == 50
    assert value_of(rows, "2024Q1", attribution="partner") == 50
    assert value_of(rows, "2024Q1", attribution="direct") == 0
    assert value_of(rows, "2024Q1", "p1") == 50
    assert value_of(rows, "2024Q2") == 0


@known_answer("customer_lifetime_value")
def test_customer_lifetime_value_is_mrr_earned_over_customers_churned(ctx):
    rows = rows_of("customer_lifetime_value", ctx)
    # Q1 MRR earned: a1 100+150+150, a2 200+250, a4 50, a3 80 = 980; churned in Q1: a4 and a3 -> 490.
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (980, 2, 490)
    assert value_of(rows, "2024Q1", attribution="partner") == pytest.approx((400 + 50 + 80) / 2)
    assert has_no_row(rows, "2024Q1", attribution="direct")  # nobody churned: infinite lifetime, missing
    assert value_of(rows, "2024Q1", "p1") == 450
    assert value_of(rows, "2024Q1", "p2") == 80
    # Q2: a1 150 (April) + a2 3 x 250 = 900 over one churn (a1).
    assert value_of(rows, "2024Q2") == 900


@known_answer("customer_lifetime_value")
def test_customer_lifetime_value_is_on_the_customers_with_revenue_data(ctx):
    extra = validated(customers={"account_id": ["a5"], "acquired_at": ["2023-11-01"], "channel": ["partner"],
                                 "partner_id": ["p1"], "churned_at": ["2024-03-01"]})["customers"]
    tables = {**ctx.tables, "customers": pd.concat([ctx.tables["customers"], extra], ignore_index=True)}
    partial = context(tables, as_of=AS_OF)
    rows = rows_of("customer_lifetime_value", partial)
    # a5 churns in Q1 without a revenue row: it is in neither the MRR (980) nor the churn (a4, a3).
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (980, 2, 490)
    assert value_of(rows, "2024Q1", "p1") == 450  # a1 and a4's MRR over a4; a5 is p1's too
    assert partial.notes["customer_lifetime_value"] == [
        "1 of 5 customers have no revenue rows by the as-of month: they are in neither the revenue nor the churn "
        "of lifetime value, which is over the other 4."]
    assert "customer_lifetime_value" not in ctx.notes  # every customer of the fixture has revenue rows


@known_answer("customer_nps", "csat")
def test_customer_nps_and_csat(ctx):
    nps, csat = rows_of("customer_nps", ctx), rows_of("csat", ctx)
    # Q1 customer responses: 10 (a1), 6 (a2), 8 (a4), 9 (a3); the partner's 0 does not count.
    q1 = row_of(nps, "2024Q1")
    assert (q1["numerator"], q1["denominator"]) == (1, 4)  # 2 promoters - 1 detractor
    assert q1["value"] == pytest.approx(25.0)
    assert value_of(nps, "2024Q1", attribution="partner") == pytest.approx(100 * 2 / 3)
    assert value_of(nps, "2024Q1", attribution="direct") == -100
    assert value_of(nps, "2024Q1", "p1") == 50
    assert value_of(csat, "2024Q1") == pytest.approx((5 + 3 + 4) / 3)
    assert value_of(csat, "2024Q1", attribution="partner") == 4.5
    assert value_of(csat, "2024Q1", attribution="direct") == 3


@known_answer("ticket_resolution_hours")
def test_ticket_resolution_hours_by_resolution_period(ctx):
    rows = rows_of("ticket_resolution_hours", ctx)
    # Resolved in Q1: 24 h (a1, partner) and 10 h (a2, direct); the partner inquiry is not a customer ticket.
    assert value_of(rows, "2024Q1") == 17
    assert value_of(rows, "2024Q1", attribution="partner") == 24
    assert value_of(rows, "2024Q1", attribution="direct") == 10
    assert value_of(rows, "2024Q2") == 72  # opened 2024-03-30, resolved 2024-04-02


@known_answer("tickets_per_customer")
def test_tickets_per_customer(ctx):
    rows = rows_of("tickets_per_customer", ctx)
    # Q1: three customer tickets over the four customers active during Q1 (a1, a2, a4 and a3).
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"], q1["n"]) == (3, 4, 4)
    assert value_of(rows, "2024Q1", attribution="partner") == pytest.approx(2 / 3)
    assert value_of(rows, "2024Q1", attribution="direct") == 1
    assert value_of(rows, "2024Q2") == 0  # no tickets over a1 and a2


@known_answer("customer_acquisition_cost")
def test_customer_acquisition_cost(ctx):
    rows = rows_of("customer_acquisition_cost", ctx)
    # Q1 costs 300 + 100 (overhead) over one partner customer acquired (a3).
    assert value_of(rows, "2024Q1") == 400
    assert value_of(rows, "2024Q1", "p2") == 0  # a3 came at no cost of p2's
    assert has_no_row(rows, "2024Q1", "p1")  # costs but no customer acquired: missing, not infinite
    assert has_no_row(rows, "2024Q2")
