"""The data contract: every canonical input table and column, declared once.

Validation (:mod:`partner_analysis.validation`), the docs and the tests all read these
declarations. Column kinds: ``id`` (text key), ``text``, ``category`` (fixed values),
``date``, ``number``, ``int`` and ``bool``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from ..vocabulary import (ACTIVITIES, ATTRIBUTIONS, COST_CATEGORIES, DEAL_TYPES, INTEGRATION_EVENTS,
                          PARTNER_TYPES, STAGES)

@dataclass(frozen=True)
class Column:
    """One column: its kind, whether it is required, and the values it may take."""

    name: str
    kind: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    scheduled: bool = False  # a date that may lie in the future (an agreement's end): never sets "as of"


@dataclass(frozen=True)
class Rule:
    """A rule across columns of one row; ``bad_rows`` returns the mask of rows that break it."""

    name: str
    columns: tuple[str, ...]
    expected: str
    bad_rows: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class ForeignKey:
    """Non-empty values of ``column`` must exist in ``table.ref_column``."""

    column: str
    table: str
    ref_column: str


@dataclass(frozen=True)
class Table:
    """One canonical table."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    required: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def category_columns(self) -> tuple[str, ...]:
        """The columns of enumerated values (what a reader may read as dictionaries)."""
        return tuple(c.name for c in self.columns if c.kind == "category")


def not_before(later: str, earlier: str) -> Rule:
    """``later`` may be empty but never before ``earlier``."""
    return Rule(
        f"{later}_not_before_{earlier}", (earlier, later), f"{later} on or after {earlier}",
        lambda df: (df[later] < df[earlier]).fillna(False).astype(bool),
    )


def _partner_matches_attribution(df: pd.DataFrame) -> pd.Series:
    direct = df["attribution"] == "direct"
    has_partner = df["partner_id"].notna()
    return ((direct & has_partner) | (~direct & ~has_partner & df["attribution"].notna())).fillna(False).astype(bool)


def _closed_matches_stage(df: pd.DataFrame) -> pd.Series:
    closed_stage = df["stage"].isin(["won", "lost"])
    has_close = df["closed_at"].notna()
    return ((closed_stage & ~has_close) | ((df["stage"] == "open") & has_close)).fillna(False).astype(bool)


def _direct_customer_with_partner(df: pd.DataFrame) -> pd.Series:
    return ((df["channel"] == "direct") & df["partner_id"].notna()).fillna(False).astype(bool)


def _month_not_first_day(df: pd.DataFrame) -> pd.Series:
    return (df["month"].dt.day != 1).fillna(False).astype(bool)


def _fk(column: str, table: str, ref: str | None = None) -> ForeignKey:
    return ForeignKey(column, table, ref or column)


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("partners", (
        Column("partner_id", "id", required=True),
        Column("partner_name", "text", required=True),
        Column("partner_type", "category", required=True, allowed=PARTNER_TYPES),
        Column("joined_at", "date", required=True),
        Column("onboarded_at", "date"),
        Column("left_at", "date"),
        Column("tier", "text"),
        Column("region", "text"),
        Column("sales_reps", "int", minimum=0),
        Column("annual_revenue", "number", minimum=0),
    ), key=("partner_id",), required=True,
        rules=(not_before("onboarded_at", "joined_at"), not_before("left_at", "joined_at"))),
    Table("deals", (
        Column("deal_id", "id", required=True),
        Column("attribution", "category", required=True, allowed=ATTRIBUTIONS),
        Column("partner_id", "id"),
        Column("stage", "category", required=True, allowed=STAGES),
        Column("created_at", "date", required=True),
        Column("closed_at", "date"),
        Column("amount", "number", required=True, minimum=0),
        Column("account_id", "id"),
        Column("deal_type", "category", allowed=DEAL_TYPES, default="new"),
        Column("registration_id", "id"),
        Column("segment", "text"),
        Column("region", "text"),
        Column("product", "text"),
    ), key=("deal_id",), required=True,
        rules=(
            Rule("partner_matches_attribution", ("attribution", "partner_id"),
                 "a partner_id on sourced and influenced deals and none on direct deals",
                 _partner_matches_attribution),
            Rule("closed_at_matches_stage", ("stage", "closed_at"),
                 "closed_at on won and lost deals and none on open deals", _closed_matches_stage),
            not_before("closed_at", "created_at"),
        ),
        foreign_keys=(_fk("partner_id", "partners"), _fk("registration_id", "deal_registrations"))),
    Table("deal_partners", (
        Column("deal_id", "id", required=True),
        Column("partner_id", "id", required=True),
        Column("role", "category", required=True, allowed=("sourced", "influenced")),
        Column("touched_at", "date"),
    ), key=("deal_id", "partner_id"),
        foreign_keys=(_fk("deal_id", "deals"), _fk("partner_id", "partners"))),
    Table("deal_registrations", (
        Column("registration_id", "id", required=True),
        Column("partner_id", "id", required=True),
        Column("submitted_at", "date", required=True),
        Column("status", "category", required=True, allowed=("approved", "rejected", "pending", "expired")),
        Column("decided_at", "date"),
        Column("deal_id", "id"),
    ), key=("registration_id",), rules=(not_before("decided_at", "submitted_at"),),
        foreign_keys=(_fk("partner_id", "partners"),)),
    Table("leads", (
        Column("lead_id", "id", required=True),
        Column("partner_id", "id", required=True),
        Column("direction", "category", required=True, allowed=("referred", "distributed")),
        Column("created_at", "date", required=True),
        Column("first_response_at", "date"),
        Column("qualified", "bool"),
        Column("deal_id", "id"),
    ), key=("lead_id",), rules=(not_before("first_response_at", "created_at"),),
        foreign_keys=(_fk("partner_id", "partners"), _fk("deal_id", "deals"))),
    Table("customers", (
        Column("account_id", "id", required=True),
        Column("acquired_at", "date", required=True),
        Column("channel", "category", required=True, allowed=("partner", "direct")),
        Column("partner_id", "id"),
        Column("churned_at", "date"),
        Column("segment", "text"),
        Column("region", "text"),
    ), key=("account_id",),
        rules=(not_before("churned_at", "acquired_at"),
               Rule("direct_customer_without_partner", ("channel", "partner_id"),
                    "no partner_id on direct customers", _direct_customer_with_partner)),
        foreign_keys=(_fk("partner_id", "partners"),)),
    Table("revenue", (
        Column("account_id", "id", required=True),
        Column("month", "date", required=True),
        Column("mrr", "number", required=True, minimum=0),
    ), key=("account_id", "month"),
        rules=(Rule("month_is_first_day", ("month",), "the first day of a month", _month_not_first_day),),
        foreign_keys=(_fk("account_id", "customers"),)),
    Table("subscriptions", (
        Column("account_id", "id", required=True),
        Column("start_at", "date", required=True),
        Column("end_at", "date"),
        Column("mrr", "number", required=True, minimum=0),
    ), rules=(not_before("end_at", "start_at"),), foreign_keys=(_fk("account_id", "customers"),)),
    Table("activities", (
        Column("partner_id", "id", required=True),
        Column("occurred_at", "date", required=True),
        Column("activity", "category", required=True, allowed=ACTIVITIES),
        Column("user_id", "id"),
        Column("item_id", "id"),
    ), foreign_keys=(_fk("partner_id", "partners"),)),
    Table("tickets", (
        Column("ticket_id", "id", required=True),
        Column("category", "category", required=True, allowed=("customer", "partner_inquiry", "integration")),
        Column("opened_at", "date", required=True),
        Column("resolved_at", "date"),
        Column("account_id", "id"),
        Column("partner_id", "id"),
        Column("handled_by", "category", allowed=("partner", "vendor")),
    ), key=("ticket_id",), rules=(not_before("resolved_at", "opened_at"),),
        foreign_keys=(_fk("partner_id", "partners"),)),
    Table("surveys", (
        Column("response_id", "id", required=True),
        Column("respondent", "category", required=True, allowed=("customer", "partner")),
        Column("submitted_at", "date", required=True),
        Column("account_id", "id"),
        Column("partner_id", "id"),
        Column("nps_score", "int", minimum=0, maximum=10),
        Column("csat_score", "int", minimum=1, maximum=5),
    ), key=("response_id",), foreign_keys=(_fk("partner_id", "partners"),)),
    Table("costs", (
        Column("period_start", "date", required=True),
        Column("category", "category", required=True, allowed=COST_CATEGORIES),
        Column("amount", "number", required=True, minimum=0),
        Column("partner_id", "id"),
    ), foreign_keys=(_fk("partner_id", "partners"),)),
    Table("integration_events", (
        Column("account_id", "id", required=True),
        Column("partner_id", "id", required=True),
        Column("occurred_at", "date", required=True),
        Column("event", "category", required=True, allowed=INTEGRATION_EVENTS),
        Column("count", "int", minimum=0, default=1),
    ), foreign_keys=(_fk("partner_id", "partners"),)),
    Table("incidents", (
        Column("partner_id", "id", required=True),
        Column("started_at", "date", required=True),
        Column("ended_at", "date", required=True),
    ), rules=(not_before("ended_at", "started_at"),), foreign_keys=(_fk("partner_id", "partners"),)),
    Table("agreements", (
        Column("partner_id", "id", required=True),
        Column("start_at", "date", required=True),
        Column("end_at", "date", required=True, scheduled=True),
        Column("status", "category", required=True, allowed=("renewed", "lapsed", "active")),
    ), rules=(not_before("end_at", "start_at"),), foreign_keys=(_fk("partner_id", "partners"),)),
)}

#: Key of ``DataFrame.attrs`` under which validation records the contract columns a table's input
#: did not have (they are materialised empty, or with their default): a metric that needs one is
#: unavailable even where a default fills it (``deal_type``).
ABSENT_COLUMNS = "absent_columns"

#: Tables without which nothing can be computed.
REQUIRED_TABLES = tuple(name for name, t in TABLES.items() if t.required)

#: Order in which tables are validated, parents before children (foreign keys).
VALIDATION_ORDER = (
    "partners", "deal_registrations", "deals", "deal_partners", "leads", "customers", "revenue",
    "subscriptions", "activities", "tickets", "surveys", "costs", "integration_events", "incidents",
    "agreements",
)
