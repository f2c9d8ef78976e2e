"""The fixed value sets of the data contract (design section 2), for every layer that names them:
the contract checks input against them and the settings check engagement components."""
from __future__ import annotations

PARTNER_TYPES = ("reseller", "referral", "technology", "service", "other")
ATTRIBUTIONS = ("sourced", "influenced", "direct")
STAGES = ("open", "won", "lost")
DEAL_TYPES = ("new", "expansion", "renewal")
ACTIVITIES = (
    "portal_login", "content_download", "training_started", "training_completed",
    "certification_earned", "campaign_joined", "email_sent", "email_open", "email_click",
    "event_attended", "enablement_session", "incentive_claimed",
)
COST_CATEGORIES = ("commission", "mdf", "rebate", "incentive", "enablement", "partner_management", "other")
INTEGRATION_EVENTS = ("installed", "authorized", "used", "run_succeeded", "run_failed", "uninstalled")
