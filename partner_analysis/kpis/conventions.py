"""The conventions every metric follows, each stated once: the rule in code where code applies it,
and the sentence the glossary prints.

Metrics name the boundary rules they follow in their spec (``boundaries=``), so the glossary
writes each rule under every metric it affects, with the same words.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# -- registration status -------------------------------------------------------------------------

#: Statuses that mean a registration was approved: ``expired`` is an approved registration whose
#: protection lapsed (approved, then lapsed).
APPROVED_STATUSES = ("approved", "expired")
#: Statuses of a decided registration; ``pending`` ones are left out of rates until decided.
DECIDED_STATUSES = (*APPROVED_STATUSES, "rejected")
REGISTRATION_STATUS = ("Registration status: a deal registration counts as approved when its status is approved or "
                       "expired (approved, then lapsed), in every metric that reads the status; rejected counts as "
                       "not approved, and pending is left out of rates until it is decided.")


def is_approved(status: pd.Series) -> np.ndarray:
    """Whether each registration status counts as approved (:data:`APPROVED_STATUSES`)."""
    return status.isin(APPROVED_STATUSES).to_numpy()


def is_decided(status: pd.Series) -> np.ndarray:
    """Whether each registration status is decided (approved, expired or rejected; not pending)."""
    return status.isin(DECIDED_STATUSES).to_numpy()


# -- needed columns ------------------------------------------------------------------------------

#: Optional columns whose empty cell means "none" or "not yet" rather than "unknown": a customer
#: without churned_at has not churned, a lead without deal_id did not convert. Given in the input
#: but empty in every row they are still data (nobody churned). Any other needed column without a
#: value in any row tells nothing, and makes the metrics that need it unavailable.
EMPTY_MEANS_NONE = frozenset({
    ("customers", "churned_at"), ("partners", "left_at"), ("partners", "onboarded_at"), ("leads", "deal_id"),
    ("leads", "first_response_at"), ("tickets", "resolved_at"), ("tickets", "partner_id"),
    ("deal_registrations", "deal_id"), ("deals", "registration_id"),
})


# -- boundaries (glossary: under each metric that names them in ``boundaries=``) ----------------

AS_OF_DAY = ("As-of day: everything dated on the as-of day counts, at any time of that day; nothing later does. "
             "The current period ends at the end of the as-of day.")
PERIOD_END = ("Period end: a snapshot at a period's end is the state at the end of its last day (for the current "
              "period, of the as-of day); whatever happens on the last day, at any time, has happened by then: a "
              "deal closed or a partner who left or a customer who churned on the last day is no longer counted, "
              "one created, joined or installed that day is.")
PERIOD_START = ("Period start: a period starts at the first moment of its first day. A customer who churns on that "
                "day, at any time, was active at the start (in the period's cohort) and churned in the period; one "
                "acquired on that day is not in the cohort.")
INSTALLED_AT = ("Installed at a moment: when the account's latest installed or uninstalled event for that partner "
                "strictly before the moment is installed; an installation at exactly 00:00 of a period's first day "
                "is not installed at that period's start, but is at its end.")
TRAINING_MATCH = ("Training matching: a start is completed when a completion with the same partner, user_id and "
                  "item_id is dated at the same moment as the start or later (by the as-of day); a missing user_id "
                  "or item_id matches only a missing one, so without item ids a user's completion matches every "
                  "start of that user without an item id, and never a start with one.")
WINDOW_INCLUSIVE = ("Activation window: reached within the window means at most activation_window_days after "
                    "joined_at, the last day included (a first deal on day 180 of 180 counts).")

# -- the KPI table (glossary: stated once, before the metrics) ----------------------------------

COVERAGE = ("Coverage: each table covers the periods from that of its first to that of its last event date "
            "(build.json, coverage; scheduled dates such as an agreement's end do not count); the rosters "
            "(partners, customers, agreements) cover to the as-of date. A metric has rows only in the periods "
            "that every table it needs covers; a table it reads only when present does not bound them. What a "
            "table holds outside a metric's periods is written in build.json (metric_notes) and KpiStore.notes.")
UNJUDGED_COHORTS = ("Join cohorts: a partner who joined before the first period of deal data cannot be judged (a "
                    "first deal before the data begins would be missed): such cohorts are not reported, and the "
                    "build notes how many partners they hold.")
ZERO_IS_A_VALUE = ("Zero is a value: additive counts and sums have a row, 0 when nothing happened, in every period "
                   "and for every partner in the program then; a rate whose denominator is non-empty always has a "
                   "row, 0 when its numerator is empty (a partner with no won account has a penetration of 0).")
EMPTY_DENOMINATOR = ("Empty denominator: a rate, mean or median whose population is empty has no row, never a 0 and "
                     "never a row with a missing value, in every metric.")
UNAVAILABLE = ("Unavailable: a metric whose table is missing or has no rows, or whose needed column was not in the "
               "input, is not computed and is listed with the reason (build.json unavailable_metrics, the build's "
               "output, KpiStore.unavailable), never shown as 0. So is one whose needed column has no value in any "
               "row, unless an empty cell there means none (churned_at, left_at, a lead's deal_id...): given but "
               "empty, those say nothing happened.")

#: The conventions the glossary states before the metrics, in order.
#: Boundary rules (PERIOD_END, PERIOD_START, ...) are written under each metric they affect instead.
KPI_TABLE_RULES = (COVERAGE, ZERO_IS_A_VALUE, EMPTY_DENOMINATOR, UNAVAILABLE, REGISTRATION_STATUS, AS_OF_DAY,
                   UNJUDGED_COHORTS)
