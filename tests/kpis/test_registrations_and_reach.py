"""Known answers for deal registrations, expansion revenue, share of wallet and partner penetration.

Grid: 2024Q1 to 2024Q2 (as of 2024-06-30). p1 has annual revenue 10,000, p3 5,000, p2 none.
"""
from __future__ import annotations

import pytest

from .helpers import context, has_no_row, known_answer, row_of, rows_of, validated, value_of

DEALS = [  # id, attribution, partner, stage, created, closed, amount, account, type, registration
    ("d1", "sourced", "p1", "won", "2024-01-05", "2024-02-10", 1000, "A", "new", "R1"),
    ("d2", "influenced", "p2", "won", "2024-01-06", "2024-03-01", 400, "A", "expansion", None),
    ("d3", "direct", None, "won", "2024-01-07", "2024-03-05", 600, "B", "expansion", None),
    ("d4", "direct", None, "won", "2024-01-08", "2024-03-06", 100, None, "new", None),
    ("d5", "sourced", "p1", "lost", "2024-01-09", "2024-03-10", 300, "C", "new", None),
    ("d6", "sourced", "p3", "won", "2024-04-01", "2024-05-01", 2000, "D", "expansion", None),
    ("d7", "sourced", "p1", "open", "2024-05-01", None, 50, None, "new", "R6"),
]
REGISTRATIONS = [  # id, partner, submitted, status, decided, deal
    ("R1", "p1", "2024-01-02", "approved", "2024-01-03", "d1"),
    ("R2", "p1", "2024-01-20", "rejected", "2024-01-25", None),
    ("R3", "p2", "2024-02-01", "expired", "2024-02-05", None),
    ("R4", "p3", "2024-03-01", "pending", None, None),
    ("R5", "p3", "2024-04-02", "approved", "2024-04-03", "d6"),
    ("R6", "p1", "2024-04-03", "approved", "2024-04-04", None),
]


def _columns(rows, names):
    return {name: [r[i] for r in rows] for i, name in enumerate(names)}


@pytest.fixture(scope="module")
def ctx():
    tables = validated(
        partners={"partner_id": ["p1", "p2", "p3"], "partner_name": ["One", "Two", "Three"],
                  "partner_type": ["reseller", "referral", "reseller"], "joined_at": ["2023-01-01"] * 3,
                  "annual_revenue": [10000, None, 5000]},
        deals=_columns(DEALS, ["deal_id", "attribution", "partner_id", "stage", "created_at", "closed_at", "amount",
                               "account_id", "deal_type", "registration_id"]),
        deal_registrations=_columns(REGISTRATIONS, ["registration_id", "partner_id", "submitted_at", "status",
                                                    "decided_at", "deal_id"]),
    )
    return context(tables, as_of="2024-06-30")


@known_answer("expansion_revenue")
def test_expansion_revenue(ctx):
    rows = rows_of("expansion_revenue", ctx)
    assert value_of(rows, "2024Q1") == 1000  # d2 400 + d3 600
    assert value_of(rows, "2024Q1", attribution="influenced") == 400
    assert value_of(rows, "2024Q1", attribution="direct") == 600
    assert value_of(rows, "2024Q1", attribution="partner") == 400
    assert value_of(rows, "2024Q1", "p2") == 400
    assert value_of(rows, "2024Q1", "p1") == 0  # d1 is a new deal
    assert value_of(rows, "2024Q2", "p3", attribution="sourced") == 2000


@known_answer("deal_registrations", "deal_registration_growth")
def test_deal_registrations_and_growth(ctx):
    counts, change = rows_of("deal_registrations", ctx), rows_of("deal_registration_growth", ctx)
    assert value_of(counts, "2024Q1") == 4
    assert value_of(counts, "2024Q1", "p1") == 2
    assert value_of(counts, "2024Q2", "p2") == 0
    assert has_no_row(change, "2024Q1")  # no earlier period
    q2 = row_of(change, "2024Q2")
    assert (q2["numerator"], q2["denominator"], q2["value"]) == (-2, 4, -0.5)
    assert value_of(change, "2024Q2", "p1") == -0.5
    assert value_of(change, "2024Q2", "p2") == -1
    assert value_of(change, "2024Q2", "p3") == 0


@known_answer("registration_approval_rate")
def test_registration_approval_rate_counts_expired_as_approved_and_leaves_pending_out(ctx):
    rows = rows_of("registration_approval_rate", ctx)
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"]) == (2, 3)  # R1 approved, R3 expired; R2 rejected; R4 pending
    assert value_of(rows, "2024Q1", "p1") == 0.5
    assert has_no_row(rows, "2024Q1", "p3")
    assert value_of(rows, "2024Q2") == 1


@known_answer("registration_win_rate")
def test_registration_win_rate_follows_either_link(ctx):
    rows = rows_of("registration_win_rate", ctx)
    # Q1 approved: R1 (its deal d1 won), R3 (no deal) -> 1/2.
    assert value_of(rows, "2024Q1") == 0.5
    # Q2 approved: R5 (deal_id d6, won), R6 (named by the open deal d7) -> 1/2.
    assert value_of(rows, "2024Q2") == 0.5
    assert value_of(rows, "2024Q2", "p3") == 1
    assert value_of(rows, "2024Q2", "p1") == 0


@known_answer("partner_share_of_wallet")
def test_partner_share_of_wallet_uses_trailing_twelve_months(ctx):
    rows = rows_of("partner_share_of_wallet", ctx)
    assert value_of(rows, "2024Q1", "p1") == pytest.approx(1000 / 10000)
    assert value_of(rows, "2024Q1", "p3") == 0
    assert has_no_row(rows, "2024Q1", "p2")  # no annual revenue
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"]) == (1000, 15000)
    # Q2: p1's Q1 deal is still within the twelve months; p3 adds 2000.
    assert value_of(rows, "2024Q2", "p1") == pytest.approx(0.1)
    assert value_of(rows, "2024Q2", "p3") == pytest.approx(0.4)
    assert value_of(rows, "2024Q2") == pytest.approx(3000 / 15000)


@known_answer("partner_penetration")
def test_partner_penetration_counts_distinct_accounts(ctx):
    rows = rows_of("partner_penetration", ctx)
    # Q1 won accounts: A (d1 p1, d2 p2), B (d3 direct), d4 without account -> 3; with a partner: A.
    q1 = row_of(rows, "2024Q1")
    assert (q1["numerator"], q1["denominator"], q1["n"]) == (1, 3, 3)
    assert value_of(rows, "2024Q1", "p1") == pytest.approx(1 / 3)
    assert value_of(rows, "2024Q1", "p2") == pytest.approx(1 / 3)
    p3 = row_of(rows, "2024Q1", "p3")  # in the program, no won account in Q1: 0 of 3, not a missing row
    assert (p3["value"], p3["numerator"], p3["denominator"]) == (0, 0, 3)
    assert value_of(rows, "2024Q2") == 1
