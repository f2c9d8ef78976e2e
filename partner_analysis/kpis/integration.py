"""Integration adoption KPIs for technology partners, from ``integration_events``.

An account *has a partner's integration installed* at a moment when its latest ``installed`` or
``uninstalled`` event for that partner before the moment is ``installed``. Counts of events sum
the ``count`` column. Per-partner rows are the technology partner's; zero rows are filled for
technology partners and any partner with integration events.
"""
from __future__ import annotations

import pandas as pd

from ..membership import member_of
from .accounts import customer_positions, customers_at_end, customers_at_start, mrr_bridge
from .context import KpiContext
from .conventions import INSTALLED_AT, PERIOD_END, PERIOD_START
from .frame import count_rows, distinct_share, median_of, ratio_of, span_periods, sum_of, summarise
from .registry import metric

FAMILY = "integration"
RUNS = ("run_succeeded", "run_failed")


def _events(ctx: KpiContext, *kinds: str) -> pd.DataFrame:
    events = ctx.dated("integration_events", "occurred_at")
    return events[events["event"].isin(kinds).to_numpy()]


def _technology_partners(ctx: KpiContext) -> pd.Series:
    if not ctx.has("partners"):
        return pd.Series([], dtype="str")
    partners = ctx.table("partners")
    return partners.loc[(partners["partner_type"] == "technology").to_numpy(), "partner_id"]


def _integration_partners(ctx: KpiContext) -> pd.Series:
    """Technology partners and any partner with integration events: the partners given zero rows."""
    if not ctx.has("integration_events"):
        return _technology_partners(ctx)
    return pd.concat([_technology_partners(ctx), ctx.table("integration_events")["partner_id"]]).drop_duplicates()


def _per_account(ctx: KpiContext, frame: pd.DataFrame, reduce, zero_fill: bool = False,
                 fill_partners: pd.Series | None = None) -> pd.DataFrame:
    """Rows per (account, partner, period) summarised so that program rows count each account once,
    however many partners' integrations it has, and partner rows count the partner's accounts."""
    program = frame.drop_duplicates(["account_id", "period"]).assign(partner_id=pd.NA)
    rows = summarise(ctx, program, reduce, partner_grain=False, zero_fill=zero_fill)
    partner_rows = summarise(ctx, frame, reduce, zero_fill=zero_fill, fill_partners=fill_partners)
    return pd.concat([rows, partner_rows[partner_rows["partner_id"].notna()]], ignore_index=True)


def installed_at(ctx: KpiContext, moment: str) -> pd.DataFrame:
    """(account_id, partner_id, period) where the integration was installed at each period's
    ``moment`` (``start``: its first day; ``end``: its exclusive end, the day after as-of for the last)."""
    def build() -> pd.DataFrame:
        events = ctx.table("integration_events")
        changes = events[events["event"].isin(["installed", "uninstalled"]).to_numpy()
                         & (events["occurred_at"] < ctx.cutoff).to_numpy()]
        changes = changes[["account_id", "partner_id", "occurred_at"]].assign(
            installed=(changes["event"] == "installed").to_numpy()).sort_values("occurred_at", kind="stable")
        bounds = ctx.period_starts() if moment == "start" else ctx.period_ends()
        times = pd.DataFrame({"period": bounds.index.to_numpy(),
                              "at": bounds.to_numpy().astype(changes["occurred_at"].dtype)})
        pairs = changes[["account_id", "partner_id"]].drop_duplicates()
        grid = pairs.merge(times, how="cross").sort_values("at", kind="stable")
        state = pd.merge_asof(grid, changes, left_on="at", right_on="occurred_at", by=["account_id", "partner_id"],
                              allow_exact_matches=False)
        on = state[state["installed"].eq(True).to_numpy()]
        return on[["account_id", "partner_id", "period"]].reset_index(drop=True)
    return ctx.cached(f"installed_at:{moment}", build)


@metric(id="integration_installs", family=FAMILY, label="Integration installs",
        definition="Number of integration installations (installed events, summing count) in the period.",
        formula="sum(count | event = installed, occurred_at in period)",
        unit="count", direction="higher", aggregation="sum", requires=("integration_events",),
        period_basis="occurred_at")
def integration_installs(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, _events(ctx, "installed"), sum_of("count"), zero_fill=True,
                     fill_partners=_integration_partners(ctx))


@metric(id="integration_active_accounts", family=FAMILY, label="Integration active accounts",
        definition="Number of distinct customer accounts that used an integration in the period (a used, "
                   "run_succeeded or run_failed event); per partner, the accounts using its integration.",
        formula="count distinct(account | event in {used, run_succeeded, run_failed}, occurred_at in period)",
        unit="count", direction="higher", aggregation="snapshot", requires=("integration_events",),
        period_basis="occurred_at")
def integration_active_accounts(ctx: KpiContext) -> pd.DataFrame:
    use = _events(ctx, "used", *RUNS)[["period", "account_id", "partner_id"]].drop_duplicates()
    return _per_account(ctx, use, count_rows, zero_fill=True, fill_partners=_integration_partners(ctx))


@metric(id="integration_adoption_rate", family=FAMILY, label="Integration adoption rate",
        definition="Share of the customers active at the period's end that had an integration installed then; "
                   "per partner, the share that had that partner's integration installed (0 for a technology partner "
                   "in the program whose integration no active customer had).",
        formula="count(active customers with an installed integration at period end) / count(active customers at period end)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("integration_events", "customers"),
        period_basis="snapshot at period end", boundaries=(PERIOD_END, INSTALLED_AT))
def integration_adoption_rate(ctx: KpiContext) -> pd.DataFrame:
    active = customers_at_end(ctx)[["acct", "period"]]
    installed = _with_acct(ctx, installed_at(ctx, "end")).merge(active, on=["acct", "period"])
    grid = ctx.partner_periods()
    integration_partners = grid[member_of(grid["partner_id"], _integration_partners(ctx))]
    return distinct_share(ctx, installed, "acct", active.groupby("period").size(), integration_partners)


@metric(id="integration_run_success_rate", family=FAMILY, label="Integration run success rate",
        definition="Share of integration runs in the period that succeeded: run_succeeded over run_succeeded + "
                   "run_failed, summing count.",
        formula="sum(count | run_succeeded) / sum(count | run_succeeded or run_failed) | occurred_at in period",
        unit="ratio", direction="higher", aggregation="ratio", requires=("integration_events",),
        period_basis="occurred_at")
def integration_run_success_rate(ctx: KpiContext) -> pd.DataFrame:
    runs = _events(ctx, *RUNS)
    runs = runs.assign(ok=runs["count"].where(runs["event"] == "run_succeeded", 0).astype(float),
                       runs=runs["count"].astype(float))
    return summarise(ctx, runs, ratio_of("ok", "runs"))


@metric(id="integration_time_to_value_days", family=FAMILY, label="Integration time to value (days)",
        definition="Median days from an account's first installation of a partner's integration to its first use "
                   "after it (used or run_succeeded), over the installations of the period that reached a first "
                   "use by the as-of date.",
        formula="median(first use at or after first install - first install | first install in period)",
        unit="days", direction="lower", aggregation="median", requires=("integration_events",),
        period_basis="occurred_at of the first installation")
def integration_time_to_value_days(ctx: KpiContext) -> pd.DataFrame:
    keys = ["account_id", "partner_id"]
    installs = _events(ctx, "installed").groupby(keys, observed=True, as_index=False).agg(
        installed_at=("occurred_at", "min"), period=("period", "first"))
    uses = _events(ctx, "used", "run_succeeded")[keys + ["occurred_at"]]
    merged = installs.merge(uses, on=keys)
    merged = merged[(merged["occurred_at"] >= merged["installed_at"]).to_numpy()]
    first = merged.groupby(keys + ["period", "installed_at"], observed=True, as_index=False)["occurred_at"].min()
    days = (first["occurred_at"] - first["installed_at"]).dt.total_seconds() / 86400.0
    return summarise(ctx, first.assign(days=days), median_of("days"))


def _churn_cohort(ctx: KpiContext) -> pd.DataFrame:
    """Customers active at each period's start with their churn flag and the integrations installed then
    (one row per installed partner integration; ``partner_id`` missing when none)."""
    cohort = customers_at_start(ctx)[["acct", "period", "churned"]]
    installed = _with_acct(ctx, installed_at(ctx, "start"))[["acct", "period", "partner_id"]]
    return cohort.merge(installed, on=["acct", "period"], how="left").rename(columns={"acct": "account_id"})


def _with_acct(ctx: KpiContext, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(acct=customer_positions(ctx, frame["account_id"]))


@metric(id="integrated_churn_rate", family=FAMILY, label="Churn rate of integrated customers",
        definition="Share of the customers active at the period's start with an integration installed at that "
                   "moment that churned within the period; per partner, customers with its integration installed. "
                   "Compare with non_integrated_churn_rate (not causal: integrated customers differ in other ways).",
        formula="count(churned in period | integrated at start) / count(active and integrated at start)",
        unit="ratio", direction="lower", aggregation="ratio", requires=("integration_events", "customers"),
        columns=("customers.churned_at",),
        period_basis="cohort active at period start", boundaries=(PERIOD_START, INSTALLED_AT))
def integrated_churn_rate(ctx: KpiContext) -> pd.DataFrame:
    cohort = _churn_cohort(ctx)
    integrated = cohort[cohort["partner_id"].notna().to_numpy()]
    return _per_account(ctx, integrated, ratio_of("churned"))


@metric(id="non_integrated_churn_rate", family=FAMILY, label="Churn rate of non-integrated customers",
        definition="Share of the customers active at the period's start without any integration installed at that "
                   "moment that churned within the period.",
        formula="count(churned in period | not integrated at start) / count(active and not integrated at start)",
        unit="ratio", direction="lower", aggregation="ratio", requires=("integration_events", "customers"),
        columns=("customers.churned_at",),
        partner_grain=False, period_basis="cohort active at period start", boundaries=(PERIOD_START, INSTALLED_AT))
def non_integrated_churn_rate(ctx: KpiContext) -> pd.DataFrame:
    cohort = _churn_cohort(ctx)
    plain = cohort[cohort["partner_id"].isna().to_numpy()]
    return summarise(ctx, plain, ratio_of("churned"), partner_grain=False)


@metric(id="integration_tickets", family=FAMILY, label="Integration tickets",
        definition="Number of tickets of category integration opened in the period; per partner, those naming it.",
        formula="count(tickets | category = integration, opened_at in period)",
        unit="count", direction="lower", aggregation="sum", requires=("tickets",), period_basis="opened_at")
def integration_tickets(ctx: KpiContext) -> pd.DataFrame:
    tickets = ctx.dated("tickets", "opened_at")
    tickets = tickets[(tickets["category"] == "integration").to_numpy()]
    return summarise(ctx, tickets, count_rows, zero_fill=True, fill_partners=_integration_partners(ctx))


@metric(id="integration_downtime_hours", family=FAMILY, label="Integration downtime (hours)",
        definition="Hours of integration incidents within the period: each incident from started_at to ended_at "
                   "(cut at the as-of date) is split across the periods it spans; overlapping incidents of one "
                   "partner both count.",
        formula="sum(overlap of [started_at, ended_at) with the period, in hours)",
        unit="hours", direction="lower", aggregation="sum", requires=("incidents",),
        period_basis="the hours of the incident inside the period")
def integration_downtime_hours(ctx: KpiContext) -> pd.DataFrame:
    incidents = ctx.dated("incidents", "started_at")
    ended = incidents["ended_at"].clip(upper=ctx.cutoff)
    end_code = ctx.period_of(ended - pd.Timedelta(microseconds=1))
    rows, codes = span_periods(incidents["period"].to_numpy(), end_code + 1)
    starts, ends = ctx.period_starts(), ctx.period_ends()
    pieces = pd.DataFrame({"period": codes, "partner_id": incidents["partner_id"].to_numpy()[rows]})
    lo = pd.Series(incidents["started_at"].to_numpy()[rows]).clip(lower=pd.Series(starts.reindex(codes).to_numpy()))
    hi = pd.Series(ended.to_numpy()[rows]).clip(upper=pd.Series(ends.reindex(codes).to_numpy()))
    pieces["hours"] = ((hi - lo).dt.total_seconds() / 3600.0).clip(lower=0).to_numpy()
    pieces = pieces[pieces["period"].isin(ctx.periods).to_numpy()]
    return summarise(ctx, pieces, sum_of("hours"), zero_fill=True, fill_partners=_technology_partners(ctx))


@metric(id="integration_upsell_rate", family=FAMILY, label="Integration upsell rate",
        definition="Share of the accounts paying at the period's start (MRR in the month before it) with an "
                   "integration installed at that moment whose MRR in the period's last month exceeds that start MRR; "
                   "per partner, accounts with its integration.",
        formula="count(end MRR > start MRR | integrated at start, start MRR > 0) / count(integrated at start, start MRR > 0)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("integration_events", "revenue"),
        period_basis="MRR of the month before the period vs. its last month", boundaries=(INSTALLED_AT,))
def integration_upsell_rate(ctx: KpiContext) -> pd.DataFrame:
    bridge = mrr_bridge(ctx).merge(installed_at(ctx, "start"), on=["account_id", "period"])
    bridge = bridge.assign(grew=(bridge["end_mrr"] > bridge["start_mrr"]).astype(float))
    return _per_account(ctx, bridge, ratio_of("grew"))
