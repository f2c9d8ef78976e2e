"""Analysis settings in one documented file: fiscal calendar, currency, windows, weights, tiers.

The defaults below are what ``partner-analysis`` uses when no ``partner-analysis.yml`` exists;
``examples/partner-analysis.yml`` shows every key with its default.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

#: Engagement-score components: activity -> (weight, quarterly count at which the component saturates).
#: A component scores min(1, count / saturation); the score is the weighted mean x 100. Fixed
#: saturation points (not ranks within the quarter) keep scores comparable across quarters.
DEFAULT_ENGAGEMENT_COMPONENTS: dict[str, tuple[float, float]] = {
    "portal_login": (0.20, 30.0),
    "content_download": (0.10, 10.0),
    "training_completed": (0.15, 3.0),
    "certification_earned": (0.15, 1.0),
    "campaign_joined": (0.10, 2.0),
    "event_attended": (0.10, 2.0),
    "enablement_session": (0.10, 2.0),
    "email_click": (0.10, 5.0),
}

#: Tier thresholds, highest first: a partner qualifies for a tier when its trailing-four-quarter
#: partner won revenue and its latest engagement score both reach the tier's minimums.
DEFAULT_TIER_THRESHOLDS: dict[str, dict[str, float]] = {
    "platinum": {"min_revenue": 1_000_000.0, "min_engagement": 60.0},
    "gold": {"min_revenue": 250_000.0, "min_engagement": 40.0},
    "silver": {"min_revenue": 50_000.0, "min_engagement": 20.0},
    "registered": {"min_revenue": 0.0, "min_engagement": 0.0},
}


@dataclass(frozen=True)
class Config:
    """Settings every analysis reads.

    Attributes
    ----------
    fiscal_year_start_month : int
        Month (1-12) in which the fiscal year starts. A fiscal year is named by the calendar
        year in which it ends (FY starting July 2025 is FY2026), so ``2026Q1`` is Jul-Sep 2025.
    currency : str
        Label for money columns; one currency per dataset.
    activation_window_days : int
        A partner is activated when its first sourced deal or approved registration falls
        within this many days after ``joined_at``.
    active_window_days : int
        Days of look-back used by "active" definitions that are not tied to a period.
    engagement_components : dict
        Activity -> (weight, saturation count per quarter) for ``engagement_score``.
    tier_thresholds : dict
        Tier name -> minimum trailing revenue and engagement score, highest tier first.
    as_of : str or None
        Reference date (ISO); defaults to the latest date in the data.
    """

    fiscal_year_start_month: int = 1
    currency: str = "USD"
    activation_window_days: int = 180
    active_window_days: int = 90
    engagement_components: dict[str, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_ENGAGEMENT_COMPONENTS)
    )
    tier_thresholds: dict[str, dict[str, float]] = field(default_factory=lambda: dict(DEFAULT_TIER_THRESHOLDS))
    as_of: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= int(self.fiscal_year_start_month) <= 12:
            raise InputError(f"fiscal_year_start_month must be 1-12, got {self.fiscal_year_start_month!r}")
        if self.activation_window_days <= 0 or self.active_window_days <= 0:
            raise InputError("activation_window_days and active_window_days must be positive")
        weights = [w for w, _ in self.engagement_components.values()]
        if not weights or any(w < 0 for w in weights) or sum(weights) <= 0:
            raise InputError("engagement_components weights must be >= 0 and not all zero")
        if any(s <= 0 for _, s in self.engagement_components.values()):
            raise InputError("engagement_components saturation counts must be > 0")


def load_config(path: Path | None = None) -> Config:
    """Read a YAML config; missing file or keys fall back to the documented defaults.

    Unknown keys are an error, so that a typo never silently keeps a default.
    """
    if path is None or not Path(path).exists():
        return Config()
    try:
        data: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=str(path)) from exc
    known = {f.name for f in fields(Config)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"unknown config keys {unknown}; allowed: {sorted(known)}", file=str(path))
    if "engagement_components" in data:
        data["engagement_components"] = {
            k: (float(v["weight"]), float(v["saturation"])) if isinstance(v, dict) else tuple(map(float, v))
            for k, v in data["engagement_components"].items()
        }
    return replace(Config(), **data)
