"""Known-answer tests for the engagement & enablement KPIs, on hand-made tables added up by hand.

BASE (as of 2024-06-30; the first deal, created 2024-01-05, starts the grid at 2024Q1): p1 and p2
joined in 2023, p3 joins on 2024-05-01 (in the program in Q2 only). Its activities, leads and
survey responses are listed in ACTIVITIES, LEADS and SURVEYS with what each is there to test.
"""
from __future__ import annotations

import pytest
from pytest import approx

from partner_analysis.config import Config

from .helpers import context, has_no_row, known_answer, row_of, rows_of, validated, value_of

ACTIVITY_COLUMNS = ("partner_id", "occurred_at", "activity", "user_id", "item_id")
ACTIVITIES = [
    # Portal logins: Q1 p1 4 (users u1, u1, u2, none), p2 1 (u3); Q2 p2 1 (u3).
    ("p1", "2024-01-10", "portal_login", "u1", None),
    ("p1", "2024-01-20", "portal_login", "u1", None),
    ("p1", "2024-02-01", "portal_login", "u2", None),
    ("p1", "2024-02-05", "portal_login", None, None),
    ("p2", "2024-03-01", "portal_login", "u3", None),
    ("p2", "2024-04-01", "portal_login", "u3", None),
    # Downloads: Q1 p1 2; Q2 p2 1.
    ("p1", "2024-01-12", "content_download", "u1", "doc1"),
    ("p1", "2024-02-12", "content_download", "u1", "doc2"),
    ("p2", "2024-04-10", "content_download", "u3", "doc1"),
    # Trainings: u1 completes A (Q1) and B (in Q2); u2 starts A but only u1 completed it;
    # u3 starts A, completes B, and completes A only after the as-of date.
    ("p1", "2024-01-10", "training_started", "u1", "A"),
    ("p1", "2024-02-01", "training_completed", "u1", "A"),
    ("p1", "2024-01-15", "training_started", "u2", "A"),
    ("p1", "2024-03-20", "training_started", "u1", "B"),
    ("p1", "2024-04-05", "training_completed", "u1", "B"),
    ("p2", "2024-02-01", "training_started", "u3", "A"),
    ("p2", "2024-02-20", "training_completed", "u3", "B"),
    ("p2", "2024-07-15", "training_completed", "u3", "A"),
    # Certifications: p1 in Q1, p2 in Q2.
    ("p1", "2024-02-10", "certification_earned", "u1", "cert"),
    ("p2", "2024-04-15", "certification_earned", "u3", "cert"),
    # Campaigns: p1 twice in Q1, p3 in Q2.
    ("p1", "2024-01-15", "campaign_joined", None, "c1"),
    ("p1", "2024-02-15", "campaign_joined", None, "c2"),
    ("p3", "2024-05-20", "campaign_joined", None, "c3"),
    # Emails: Q1 sent p1 3, p2 1; opened by p1 twice, clicked by p1 once; p2 opens in Q2.
    ("p1", "2024-01-02", "email_sent", "u1", "m1"),
    ("p1", "2024-02-02", "email_sent", "u1", "m2"),
    ("p1", "2024-03-02", "email_sent", "u1", "m3"),
    ("p2", "2024-03-02", "email_sent", "u3", "m3"),
    ("p1", "2024-01-03", "email_open", "u1", "m1"),
    ("p1", "2024-02-03", "email_open", "u1", "m2"),
    ("p1", "2024-01-03", "email_click", "u1", "m1"),
    ("p2", "2024-04-02", "email_open", "u3", "m3"),
    # Events: Q1 p1 and p2; Q2 p1.  Enablement: Q1 p2; Q2 p3.  Incentives: Q1 p2 only.
    ("p1", "2024-03-05", "event_attended", "u1", "e1"),
    ("p2", "2024-03-06", "event_attended", "u3", "e1"),
    ("p1", "2024-06-01", "event_attended", "u1", "e2"),
    ("p2", "2024-02-20", "enablement_session", None, None),
    ("p3", "2024-06-10", "enablement_session", None, None),
    ("p2", "2024-03-10", "incentive_claimed", None, None),
]
LEADS = {
    "lead_id": ["l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"],
    "partner_id": ["p1", "p1", "p1", "p2", "p1", "p1", "p2", "p2", "p3"],
    "direction": ["referred"] * 4 + ["distributed"] * 4 + ["referred"],
    "created_at": ["2024-01-10", "2024-02-01", "2024-03-01", "2024-02-15", "2024-01-10T09:00",
                   "2024-02-10T09:00", "2024-03-01T10:00", "2024-03-05", "2024-05-10"],
    # Distributed leads answered after 4 h, 24 h, 2 h and never.
    "first_response_at": [None] * 4 + ["2024-01-10T13:00", "2024-02-11T09:00", "2024-03-01T12:00", None, None],
    "qualified": ["true", "false", None, "true", None, None, None, None, None],
    "deal_id": ["d1", None, None, "d2", None, None, None, None, None],
}
SURVEYS = {
    "response_id": ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"],
    "respondent": ["partner"] * 5 + ["customer", "partner", "partner"],
    "submitted_at": ["2024-02-01", "2024-02-02", "2024-02-03", "2024-03-01", "2024-03-02", "2024-03-03",
                     "2024-03-04", "2024-05-15"],
    "partner_id": ["p1", "p1", "p1", "p2", "p2", None, "p2", "p3"],
    # Promoters 9-10, passives 7-8, detractors 0-6; s6 is a customer, s7 gave no score.
    "nps_score": [10, 9, 7, 6, 10, 0, None, 3],
    "csat_score": [None] * 6 + [4, None],
}


def partners(joined: dict[str, str], left: dict[str, str] | None = None) -> dict:
    """A partners table from partner id -> joined_at (and -> left_at)."""
    left = left or {}
    return {"partner_id": list(joined), "partner_name": [p.upper() for p in joined],
            "partner_type": ["referral"] * len(joined), "joined_at": list(joined.values()),
            "left_at": [left.get(p) for p in joined]}


def deals(*rows: tuple) -> dict:
    """Open deals from (deal_id, attribution, partner_id, created_at)."""
    return {"deal_id": [r[0] for r in rows], "attribution": [r[1] for r in rows],
            "partner_id": [r[2] for r in rows], "stage": ["open"] * len(rows),
            "created_at": [r[3] for r in rows], "amount": [100] * len(rows)}


def activities(rows: list[tuple]) -> dict:
    """An activities table from tuples in ACTIVITY_COLUMNS order (user and item may be left off)."""
    return {c: [r[i] if i < len(r) else None for r in rows] for i, c in enumerate(ACTIVITY_COLUMNS)}


@pytest.fixture(scope="module")
def base():
    tables = validated(
        partners=partners({"p1": "2023-01-01", "p2": "2023-06-01", "p3": "2024-05-01"}),
        deals=deals(("d1", "sourced", "p1", "2024-01-05"), ("d2", "sourced", "p2", "2024-02-15")),
        activities=activities(ACTIVITIES), leads=LEADS, surveys=SURVEYS,
    )
    return context(tables, as_of="2024-06-30")


# -- activity counts ------------------------------------------------------------------------------

@known_answer("portal_logins")
def test_portal_logins(base):
    rows = rows_of("portal_logins", base)
    assert value_of(rows, "2024Q1") == 5  # p1 4 (one without a user) + p2 1
    assert value_of(rows, "2024Q1", "p1") == 4
    assert has_no_row(rows, "2024Q1", "p3")  # joins in Q2
    assert value_of(rows, "2024Q2") == 1
    assert value_of(rows, "2024Q2", "p1") == 0  # in the program, no logins: zero-filled
    assert value_of(rows, "2024Q2", "p3") == 0


@known_answer("portal_active_users")
def test_portal_active_users(base):
    rows = rows_of("portal_active_users", base)
    assert value_of(rows, "2024Q1") == 3  # p1 u1 (twice), u2; p2 u3; the login without a user_id is not counted
    assert value_of(rows, "2024Q1", "p1") == 2
    assert value_of(rows, "2024Q1", "p2") == 1
    assert value_of(rows, "2024Q2") == 1
    assert value_of(rows, "2024Q2", "p1") == 0


@known_answer("content_downloads")
def test_content_downloads(base):
    rows = rows_of("content_downloads", base)
    assert value_of(rows, "2024Q1") == 2
    assert value_of(rows, "2024Q1", "p1") == 2
    assert value_of(rows, "2024Q1", "p2") == 0
    assert value_of(rows, "2024Q2", "p2") == 1


@known_answer("training_completions")
def test_training_completions(base):
    rows = rows_of("training_completions", base)
    assert value_of(rows, "2024Q1") == 2  # p1 u1 A, p2 u3 B (a completion counts without a start)
    assert value_of(rows, "2024Q1", "p1") == 1
    assert value_of(rows, "2024Q2") == 1  # p1 u1 B; p2's completion of 2024-07-15 is after the as-of date
    assert value_of(rows, "2024Q2", "p2") == 0


@known_answer("certifications_earned")
def test_certifications_earned(base):
    rows = rows_of("certifications_earned", base)
    assert value_of(rows, "2024Q1") == 1
    assert value_of(rows, "2024Q1", "p1") == 1
    assert value_of(rows, "2024Q2") == 1
    assert value_of(rows, "2024Q2", "p1") == 0
    assert value_of(rows, "2024Q2", "p2") == 1


@known_answer("event_attendance")
def test_event_attendance(base):
    rows = rows_of("event_attendance", base)
    assert value_of(rows, "2024Q1") == 2
    assert value_of(rows, "2024Q1", "p2") == 1
    assert value_of(rows, "2024Q2") == 1
    assert value_of(rows, "2024Q2", "p2") == 0


@known_answer("enablement_sessions")
def test_enablement_sessions(base):
    rows = rows_of("enablement_sessions", base)
    assert value_of(rows, "2024Q1") == 1
    assert value_of(rows, "2024Q1", "p1") == 0
    assert value_of(rows, "2024Q1", "p2") == 1
    assert value_of(rows, "2024Q2", "p3") == 1


# -- rates of activity -------------------------------------------------------------------------

@known_answer("training_completion_rate")
def test_training_completion_rate_needs_the_same_user_and_item(base):
    rows = rows_of("training_completion_rate", base)
    # Q1 starts: p1 u1 A (done), p1 u2 A (only u1 did A), p1 u1 B (done in Q2, before as-of),
    # p2 u3 A (u3 did B; A only after as-of) -> 2 / 4
    q1 = row_of(rows, "2024Q1")
    assert (q1["value"], q1["numerator"], q1["denominator"], q1["n"]) == (approx(0.5), 2, 4, 4)
    assert value_of(rows, "2024Q1", "p1") == approx(2 / 3)
    assert value_of(rows, "2024Q1", "p2") == 0
    assert has_no_row(rows, "2024Q2")  # no trainings started in Q2


@known_answer("certified_partner_share")
def test_certified_partner_share_is_cumulative(base):
    rows = rows_of("certified_partner_share", base)
    q1 = row_of(rows, "2024Q1")  # in the program p1, p2; certified p1
    assert (q1["value"], q1["numerator"], q1["denominator"]) == (approx(0.5), 1, 2)
    q2 = row_of(rows, "2024Q2")  # in the program p1, p2, p3; p1 (still, from Q1) and p2 certified
    assert (q2["value"], q2["numerator"], q2["denominator"]) == (approx(2 / 3), 2, 3)
    assert rows["partner_id"].isna().all()


@known_answer("certified_partner_share")
def test_certified_partner_share_counts_certifications_of_earlier_periods():
    tables = validated(partners=partners({"p1": "2023-01-01", "p2": "2023-01-01"}),
                       deals=deals(("d1", "sourced", "p1", "2024-01-05")),
                       activities=activities([("p1", "2023-11-01", "certification_earned"),
                                              ("p2", "2024-02-01", "portal_login")]))
    rows = rows_of("certified_partner_share", context(tables, as_of="2024-03-31"))
    assert value_of(rows, "2023Q4") == approx(0.5)  # activities cover 2023Q4-2024Q1, before the first deal too
    assert value_of(rows, "2024Q1") == approx(0.5)  # p1 is still certified from 2023Q4


@known_answer("certified_partner_share")
def test_certified_partner_share_is_zero_without_certifications():
    tables = validated(partners=partners({"p1": "2023-01-01"}), deals=deals(("d1", "sourced", "p1", "2024-01-05")),
                       activities=activities([("p1", "2024-01-10", "portal_login")]))
    rows = rows_of("certified_partner_share", context(tables, as_of="2024-03-31"))
    q1 = row_of(rows, "2024Q1")
    assert (q1["value"], q1["numerator"], q1["denominator"]) == (0, 0, 1)


@known_answer("campaign_participation_rate")
def test_campaign_participation_rate(base):
    rows = rows_of("campaign_participation_rate", base)
    q1 = row_of(rows, "2024Q1")  # p1 joined two campaigns: one partner of p1, p2
    assert (q1["value"], q1["numerator"], q1["denominator"]) == (approx(0.5), 1, 2)
    assert value_of(rows, "2024Q2") == approx(1 / 3)  # p3 of p1, p2, p3
    assert rows["partner_id"].isna().all()


@known_answer("incentive_participation_rate")
def test_incentive_participation_rate(base):
    rows = rows_of("incentive_participation_rate", base)
    assert value_of(rows, "2024Q1") == approx(0.5)  # p2 of p1, p2
    q2 = row_of(rows, "2024Q2")  # nobody claimed: 0 of 3, a rate of 0 (partners were there)
    assert (q2["value"], q2["numerator"], q2["denominator"]) == (0, 0, 3)
    assert rows["partner_id"].isna().all()


@known_answer("email_open_rate")
def test_email_open_rate(base):
    rows = rows_of("email_open_rate", base)
    q1 = row_of(rows, "2024Q1")  # opens 2 / sent 4
    assert (q1["value"], q1["numerator"], q1["denominator"]) == (approx(0.5), 2, 4)
    assert value_of(rows, "2024Q1", "p1") == approx(2 / 3)
    assert value_of(rows, "2024Q1", "p2") == 0
    assert has_no_row(rows, "2024Q2")  # p2's open in Q2 has no email sent in Q2
    assert has_no_row(rows, "2024Q2", "p2")


@known_answer("email_click_rate")
def test_email_click_rate(base):
    rows = rows_of("email_click_rate", base)
    q1 = row_of(rows, "2024Q1")  # clicks 1 / sent 4
    assert (q1["value"], q1["numerator"], q1["denominator"]) == (approx(0.25), 1, 4)
    assert value_of(rows, "2024Q1", "p1") == approx(1 / 3)
    assert value_of(rows, "2024Q1", "p2") == 0


# -- activity and activation -----------------------------------------------------------------------

@known_answer("active_partners")
def test_active_partners():
    tables = validated(
        partners=partners({"p1": "2023-01-01", "p2": "2023-01-01", "p3": "2024-04-15", "p4": "2023-01-01",
                           "p5": "2023-01-01"}, left={"p4": "2024-03-15"}),
        deals=deals(("d1", "sourced", "p1", "2024-01-05"), ("d2", "direct", None, "2024-04-02")),
        activities=activities([
            ("p2", "2024-01-10", "email_sent"), ("p2", "2024-01-11", "email_open"),  # receiving mail is not work
            ("p2", "2024-04-05", "portal_login"),
            ("p4", "2024-02-01", "content_download"),
            ("p4", "2024-05-01", "portal_login"),  # after p4 left the program
        ]),
        deal_registrations={"registration_id": ["r1"], "partner_id": ["p5"], "submitted_at": ["2024-05-01"],
                            "status": ["rejected"]},
        leads={"lead_id": ["l1", "l2"], "partner_id": ["p3", "p1"], "direction": ["referred", "distributed"],
               "created_at": ["2024-05-10", "2024-05-10"]},
    )
    rows = rows_of("active_partners", context(tables, as_of="2024-06-30"))
    q1 = row_of(rows, "2024Q1")  # in the program p1, p2, p4, p5; active p1 (deal), p4 (download)
    assert (q1["value"], q1["n"]) == (2, 4)
    # Q2: in the program p1, p2, p3, p5; active p2 (login), p3 (referred lead), p5 (registration)
    q2 = row_of(rows, "2024Q2")
    assert (q2["value"], q2["n"]) == (3, 4)
    assert rows["partner_id"].isna().all()


@pytest.fixture(scope="module")
def cohorts():
    """Join cohorts, as of 2024-12-31 with the default 180-day activation window.

    2024Q1: a1 (first sourced deal on day 180), a2 (day 181), a3 (approved registration),
    a4 (only an influenced deal and a rejected registration). 2024Q3: a6 joined 2024-07-01 (its own
    window ends 2024-12-28) and a5 joined 2024-08-01, whose window ends 2025-01-28, after the as-of
    date, as does that of a partner who could still join on 2024-09-30. a0 joined before the grid.
    """
    tables = validated(
        partners=partners({"a0": "2023-05-01", "a1": "2024-01-10", "a2": "2024-01-20", "a3": "2024-02-01",
                           "a4": "2024-03-01", "a5": "2024-08-01", "a6": "2024-07-01"}),
        deals=deals(("x0", "direct", None, "2024-01-05"),
                    ("x1", "sourced", "a1", "2024-07-08"), ("x1b", "sourced", "a1", "2024-10-01"),
                    ("x2", "sourced", "a2", "2024-07-19"), ("x4", "influenced", "a4", "2024-03-10"),
                    ("x5", "sourced", "a5", "2024-08-15"), ("x6", "sourced", "a0", "2024-02-01")),
        deal_registrations={"registration_id": ["r3", "r4"], "partner_id": ["a3", "a4"],
                            "submitted_at": ["2024-04-01", "2024-03-15"], "status": ["approved", "rejected"]},
    )
    return context(tables, as_of="2024-12-31")


@known_answer("activation_rate")
def test_activation_rate(cohorts):
    rows = rows_of("activation_rate", cohorts)
    q1 = row_of(rows, "2024Q1")  # activated a1 (day 180 is within the window), a3 of a1..a4
    assert (q1["value"], q1["numerator"], q1["denominator"], q1["n"]) == (approx(0.5), 2, 4, 4)
    assert has_no_row(rows, "2024Q3")  # the cohort's window has not elapsed for all (a5): no partial rate
    assert rows["partner_id"].isna().all()


@known_answer("time_to_first_deal_days")
def test_time_to_first_deal_days(cohorts):
    rows = rows_of("time_to_first_deal_days", cohorts)
    q1 = row_of(rows, "2024Q1")  # a1 180 (its first sourced deal), a2 181; a3, a4 have no sourced deal
    assert (q1["value"], q1["n"]) == (approx(180.5), 2)
    assert value_of(rows, "2024Q1", "a1") == approx(180)
    assert has_no_row(rows, "2024Q1", "a3")
    assert value_of(rows, "2024Q3") == approx(14)  # a5: 2024-08-01 -> 2024-08-15, window or not
    assert value_of(rows, "2024Q3", "a5") == approx(14)


# -- leads ------------------------------------------------------------------------------------------

@known_answer("referred_leads")
def test_referred_leads(base):
    rows = rows_of("referred_leads", base)
    assert value_of(rows, "2024Q1") == 4  # l1..l4; distributed leads do not count
    assert value_of(rows, "2024Q1", "p1") == 3
    assert value_of(rows, "2024Q1", "p2") == 1
    assert value_of(rows, "2024Q2") == 1  # l9
    assert value_of(rows, "2024Q2", "p1") == 0


@known_answer("qualified_lead_rate")
def test_qualified_lead_rate(base):
    rows = rows_of("qualified_lead_rate", base)
    q1 = row_of(rows, "2024Q1")  # recorded l1 yes, l2 no, l4 yes; l3 unrecorded is left out -> 2 / 3
    assert (q1["value"], q1["numerator"], q1["denominator"]) == (approx(2 / 3), 2, 3)
    assert value_of(rows, "2024Q1", "p1") == approx(0.5)
    assert value_of(rows, "2024Q1", "p2") == approx(1.0)
    assert has_no_row(rows, "2024Q2")  # l9 has no qualification recorded


@known_answer("lead_conversion_rate")
def test_lead_conversion_rate(base):
    rows = rows_of("lead_conversion_rate", base)
    q1 = row_of(rows, "2024Q1")  # l1, l4 have a deal of l1..l4
    assert (q1["value"], q1["numerator"], q1["denominator"]) == (approx(0.5), 2, 4)
    assert value_of(rows, "2024Q1", "p1") == approx(1 / 3)
    assert value_of(rows, "2024Q2") == 0  # l9 has no deal
    assert value_of(rows, "2024Q2", "p3") == 0


@known_answer("lead_follow_up_hours")
def test_lead_follow_up_hours(base):
    rows = rows_of("lead_follow_up_hours", base)
    q1 = row_of(rows, "2024Q1")  # answered distributed leads: 4, 24, 2 hours -> median 4; l8 unanswered
    assert (q1["value"], q1["n"]) == (approx(4), 3)
    assert value_of(rows, "2024Q1", "p1") == approx(14)  # median(4, 24)
    assert row_of(rows, "2024Q1", "p2")["n"] == 1  # l7 2 h; l8 left out
    assert value_of(rows, "2024Q1", "p2") == approx(2)


# -- partner NPS and the engagement score ---------------------------------------------------------

@known_answer("partner_nps")
def test_partner_nps(base):
    rows = rows_of("partner_nps", base)
    # Q1 partner scores 10, 9, 7, 6, 10: promoters 3, detractors 1 -> 100 x (3 - 1) / 5
    q1 = row_of(rows, "2024Q1")
    assert (q1["value"], q1["numerator"], q1["denominator"]) == (approx(40), 2, 5)
    assert value_of(rows, "2024Q1", "p1") == approx(100 * 2 / 3)  # 10, 9, 7
    assert value_of(rows, "2024Q1", "p2") == approx(0)  # 6, 10
    assert value_of(rows, "2024Q2", "p3") == approx(-100)  # 3


@pytest.fixture(scope="module")
def scored():
    """p1's activity, all in January 2024: 15 logins, 2 certifications, 1 click, 5 opens; p3 joins in Q2."""
    p1 = ([("p1", f"2024-01-{d:02d}", "portal_login") for d in range(1, 16)]
          + [("p1", "2024-01-20", "certification_earned")] * 2 + [("p1", "2024-01-21", "email_click")]
          + [("p1", "2024-01-22", "email_open")] * 5)
    return validated(partners=partners({"p1": "2023-01-01", "p2": "2023-01-01", "p3": "2024-04-10"}),
                     deals=deals(("d1", "direct", None, "2024-01-05")),
                     activities=activities(p1 + [("p3", "2024-05-01", "event_attended")] * 2))


@known_answer("engagement_score")
def test_engagement_score_per_quarter(scored):
    rows = rows_of("engagement_score", context(scored, as_of="2024-06-30"))
    # Default weights sum to 1. p1 in Q1: logins 0.20 x 15/30 + certifications 0.15 x min(1, 2/1)
    # + clicks 0.10 x 1/5 = 0.10 + 0.15 + 0.02 (opens are no component) -> 27
    assert value_of(rows, "2024Q1", "p1") == approx(27)
    assert value_of(rows, "2024Q1", "p2") == 0  # in the program, no activity
    assert has_no_row(rows, "2024Q1", "p3")
    q1 = row_of(rows, "2024Q1")  # mean over p1, p2
    assert (q1["value"], q1["numerator"], q1["denominator"], q1["n"]) == (approx(13.5), approx(27), 2, 2)
    assert value_of(rows, "2024Q2", "p3") == approx(10)  # events 0.10 x min(1, 2/2)
    assert value_of(rows, "2024Q2") == approx(10 / 3)  # p1 0, p2 0, p3 10


@known_answer("engagement_score")
def test_engagement_score_per_month_uses_a_third_of_the_saturation(scored):
    rows = rows_of("engagement_score", context(scored, freq="month", as_of="2024-06-30"))
    # January: logins 0.20 x min(1, 15/10) + certifications 0.15 x 1 + clicks 0.10 x 1/(5/3) = 0.20 + 0.15 + 0.06
    assert value_of(rows, "2024-01", "p1") == approx(41)
    assert value_of(rows, "2024-01") == approx(20.5)  # (41 + 0) / 2
    assert value_of(rows, "2024-02", "p1") == 0


@known_answer("engagement_score")
def test_engagement_score_with_configured_components(scored):
    config = Config(engagement_components={"portal_login": {"weight": 3.0, "saturation": 10.0},
                                           "event_attended": {"weight": 1.0, "saturation": 2.0}})
    rows = rows_of("engagement_score", context(scored, as_of="2024-06-30", config=config))
    assert value_of(rows, "2024Q1", "p1") == approx(75)  # 100 x (3 x min(1, 15/10) + 1 x 0) / 4
    assert value_of(rows, "2024Q2", "p3") == approx(25)  # 100 x (3 x 0 + 1 x min(1, 2/2)) / 4
