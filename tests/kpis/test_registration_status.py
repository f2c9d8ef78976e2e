"""One registration-status rule in every metric: ``expired`` counts as approved (approved, then lapsed).

Catalog-wide: every metric that reads deal registrations computes the same rows whether the demo's
approved registrations are written ``approved`` or ``expired``. Known answers: a partner whose only
registration expired is activated, and its registration counts as approved in the approval and win rates.
"""
from __future__ import annotations

import pandas as pd
import pytest

from partner_analysis.kpis import REGISTRY, compute_kpis
from partner_analysis.kpis.conventions import APPROVED_STATUSES, is_approved, is_decided

from .helpers import context, known_answer, row_of, rows_of, validated

READS_REGISTRATIONS = sorted(m for m, entry in REGISTRY.items() if entry.spec.origin == "catalog"
                             and "deal_registrations" in (*entry.spec.requires, *entry.spec.optional))


def test_the_rule():
    status = pd.Series(["approved", "expired", "rejected", "pending"])
    assert APPROVED_STATUSES == ("approved", "expired")
    assert is_approved(status).tolist() == [True, True, False, False]
    assert is_decided(status).tolist() == [True, True, True, False]


def test_the_metrics_that_read_registrations():
    assert READS_REGISTRATIONS == ["activation_rate", "active_partners", "deal_registration_growth",
                                   "deal_registrations", "registration_approval_rate", "registration_win_rate"]


@pytest.fixture(scope="module")
def relabelled(demo_tables):
    """The catalog's registration metrics on the demo data with every approved registration written
    ``expired``, and the other way round."""
    def with_status(old: str, new: str):
        regs = demo_tables["deal_registrations"]
        tables = {**demo_tables, "deal_registrations": regs.assign(status=regs["status"].replace(old, new))}
        return compute_kpis(tables, metrics=READS_REGISTRATIONS).rows
    assert {"approved", "expired"} <= set(demo_tables["deal_registrations"]["status"])
    return compute_kpis(demo_tables, metrics=READS_REGISTRATIONS).rows, with_status("approved", "expired"), \
        with_status("expired", "approved")


@pytest.mark.parametrize("metric_id", READS_REGISTRATIONS)
def test_expired_and_approved_are_one_status_in_every_metric(metric_id, relabelled):
    original, all_expired, all_approved = (rows[rows["metric"] == metric_id].reset_index(drop=True)
                                           for rows in relabelled)
    assert len(original) > 0
    pd.testing.assert_frame_equal(original, all_expired)
    pd.testing.assert_frame_equal(original, all_approved)


@known_answer("activation_rate", "registration_approval_rate", "registration_win_rate")
def test_an_expired_registration_activates_and_counts_as_approved():
    tables = validated(
        partners={"partner_id": ["a1", "a2"], "partner_name": ["A1", "A2"], "partner_type": ["referral"] * 2,
                  "joined_at": ["2024-01-10", "2024-01-20"]},
        deals={"deal_id": ["x0"], "attribution": ["direct"], "stage": ["open"], "created_at": ["2024-01-05"],
               "amount": [1]},
        deal_registrations={"registration_id": ["r1", "r2"], "partner_id": ["a1", "a2"],
                            "submitted_at": ["2024-02-01", "2024-03-01"], "status": ["expired", "rejected"],
                            "deal_id": [None, None]},  # given, none linked
    )
    ctx = context(tables, as_of="2024-12-31")
    activation = row_of(rows_of("activation_rate", ctx), "2024Q1")  # a1 by its expired registration; a2 not
    assert (activation["numerator"], activation["denominator"]) == (1, 2)
    approval = row_of(rows_of("registration_approval_rate", ctx), "2024Q1")  # r1 of r1, r2
    assert (approval["numerator"], approval["denominator"]) == (1, 2)
    win = row_of(rows_of("registration_win_rate", ctx), "2024Q1")  # r1 is in the approved cohort, its deal not won
    assert (win["numerator"], win["denominator"]) == (0, 1)
