"""Analysis settings in one documented file: fiscal calendar, currency, time zone, windows, weights,
tiers, the analyst's own metrics.

The defaults below are what ``partner-analysis`` uses when no ``partner-analysis.yml`` exists;
``examples/partner-analysis.yml`` shows every key with its default. The file is checked against a
typed schema (pydantic): a wrong type or value is an error that names the key and what was expected.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import InputError
from .vocabulary import ACTIVITIES


class _Settings(BaseModel):
    # strict: the text "7" is not silently taken for the number 7
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class EngagementComponent(_Settings):
    """One activity's part in ``engagement_score``: its weight and the count per quarter at which
    it is full (``min(1, count / saturation)``)."""

    weight: float = Field(ge=0)
    saturation: float = Field(gt=0)


class TierRule(_Settings):
    """What a partner needs for a tier: trailing-four-quarter partner won revenue, certifications
    earned up to the quarter's end and the quarter's engagement score must all reach the minimums."""

    min_revenue: float = Field(default=0.0, ge=0)
    min_certifications: int = Field(default=0, ge=0)
    min_engagement: float = Field(default=0.0, ge=0, le=100)


#: Engagement-score components. Fixed saturation points (not ranks within the quarter) keep scores
#: comparable across quarters.
DEFAULT_ENGAGEMENT_COMPONENTS: dict[str, EngagementComponent] = {
    activity: EngagementComponent(weight=weight, saturation=saturation)
    for activity, weight, saturation in (
        ("portal_login", 0.20, 30.0), ("content_download", 0.10, 10.0), ("training_completed", 0.15, 3.0),
        ("certification_earned", 0.15, 1.0), ("campaign_joined", 0.10, 2.0), ("event_attended", 0.10, 2.0),
        ("enablement_session", 0.10, 2.0), ("email_click", 0.10, 5.0),
    )
}

#: Tiers, highest first.
DEFAULT_TIER_THRESHOLDS: dict[str, TierRule] = {
    "platinum": TierRule(min_revenue=1_000_000.0, min_certifications=3, min_engagement=60.0),
    "gold": TierRule(min_revenue=250_000.0, min_certifications=2, min_engagement=40.0),
    "silver": TierRule(min_revenue=50_000.0, min_certifications=1, min_engagement=20.0),
    "registered": TierRule(),
}


class Config(_Settings):
    """Settings every analysis reads.

    Attributes
    ----------
    fiscal_year_start_month : int
        Month (1-12) in which the fiscal year starts. A fiscal year is named by the calendar
        year in which it ends (FY starting July 2025 is FY2026), so ``2026Q1`` is Jul-Sep 2025.
    currency : str
        Label for money columns; one currency per dataset.
    timezone : str
        The business time zone (IANA name, e.g. ``America/Los_Angeles``): timestamps that carry
        an offset are converted to it before a date is placed in a period.
    activation_window_days : int
        A partner is activated when its first sourced deal or approved registration falls
        within this many days after ``joined_at``.
    engagement_components : dict
        Activity -> :class:`EngagementComponent` for ``engagement_score``.
    tier_thresholds : dict
        Tier name -> :class:`TierRule`, highest tier first.
    metrics : list of Path
        Python files declaring the analyst's own metrics; ``build`` loads them into the KPI store
        (relative paths are relative to the settings file).
    as_of : date or None
        Reference date; defaults to the latest date in the data.
    """

    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    currency: str = Field(default="USD", min_length=1)
    timezone: str = "UTC"
    activation_window_days: int = Field(default=180, gt=0)
    engagement_components: dict[str, EngagementComponent] = Field(
        default_factory=lambda: dict(DEFAULT_ENGAGEMENT_COMPONENTS))
    tier_thresholds: dict[str, TierRule] = Field(default_factory=lambda: dict(DEFAULT_TIER_THRESHOLDS))
    metrics: tuple[Path, ...] = ()
    as_of: dt.date | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("should be an IANA time zone name like Europe/Berlin or America/Los_Angeles") from exc
        return value

    @field_validator("engagement_components")
    @classmethod
    def _known_activities(cls, value: dict[str, EngagementComponent]) -> dict[str, EngagementComponent]:
        unknown = sorted(set(value) - set(ACTIVITIES))
        if unknown:
            raise ValueError(f"should name activities among {', '.join(ACTIVITIES)}; unknown: {', '.join(unknown)}")
        if not value or sum(c.weight for c in value.values()) <= 0:
            raise ValueError("should have at least one component with a weight above 0")
        return value

    @field_validator("tier_thresholds")
    @classmethod
    def _some_tier(cls, value: dict[str, TierRule]) -> dict[str, TierRule]:
        if not value:
            raise ValueError("should name at least one tier")
        return value

    @model_validator(mode="before")
    @classmethod
    def _file_forms(cls, data: Any) -> Any:
        """Accept what YAML gives for a date and a path list (YAML dates are already dates)."""
        if isinstance(data, dict):
            data = dict(data)
            if isinstance(data.get("as_of"), str):
                try:
                    data["as_of"] = dt.date.fromisoformat(data["as_of"])
                except ValueError:
                    pass  # the field check reports it with the key
            if isinstance(data.get("metrics"), list):
                data["metrics"] = tuple(Path(p) if isinstance(p, str) else p for p in data["metrics"])
        return data


_KINDS = {"str": "text", "int": "a whole number", "float": "a number", "bool": "true/false", "list": "a list",
          "dict": "a mapping", "date": "a date", "NoneType": "nothing"}


def describe_schema_error(error: dict) -> str:
    """One pydantic error as ``key: should be ..., got ...`` (settings and mapping files alike)."""
    key = ".".join(str(part) for part in error["loc"]) or "(top level)"
    message = error["msg"].removeprefix("Value error, ").removeprefix("Input ")
    if error["type"] == "missing":
        return f"{key}: is required"
    given = error.get("input")
    kind = _KINDS.get(type(given).__name__, type(given).__name__)
    shown = kind if isinstance(given, (dict, list)) else f"{given!r} ({kind})"
    return f"{key}: {message}, got {shown}"


def load_config(path: Path | None = None) -> Config:
    """Read a YAML settings file; a missing file or key falls back to the documented defaults.

    Raises
    ------
    InputError
        Not YAML, an unknown key (a typo never silently keeps a default), or a value of the wrong
        type or range; the message names each key and what was expected.
    """
    if path is None or not Path(path).exists():
        return Config()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=str(path)) from exc
    if not isinstance(data, dict):
        raise InputError("a settings file holds `key: value` lines", file=str(path))
    unknown = sorted(set(map(str, data)) - set(Config.model_fields))
    if unknown:
        raise InputError(f"unknown config keys {unknown}; allowed: {sorted(Config.model_fields)}", file=str(path))
    data = {key: value for key, value in data.items() if value is not None}  # an empty key keeps its default
    try:
        config = Config.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InputError("settings do not fit the schema:\n" + "\n".join(f"  {describe_schema_error(e)}" for e in exc.errors()),
                         file=str(path)) from exc
    base = Path(path).resolve().parent
    return config.model_copy(update={"metrics": tuple(p if p.is_absolute() else base / p for p in config.metrics)})
