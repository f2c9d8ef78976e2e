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
REGISTRATION_STATUS = ("A deal registration counts as approved when its status is approved or expired (approved, "
                       "then lapsed), in every metric that reads the status; rejected counts as not approved, and "
                       "pending is left out of rates until it is decided.")


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
