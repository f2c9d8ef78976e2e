"""Partnership health & economics KPIs: the program's size and churn, service load, costs and returns.

Costs are placed in the period of ``period_start``; costs without a partner are program
overhead: they count in program rows only. Partner revenue is won sourced + influenced revenue
(closed_at), so profit and ROI are on bookings, not margin.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .context import KpiContext
from .conventions import PERIOD_END
from .deals import won_deals
from .frame import count_rows, median_of, ratio_of, span_periods, sum_of, summarise
from .registry import metric

FAMILY = "health"


@metric(id="partner_count", family=FAMILY, label="Partners in the program",
        definition="Number of partners in the program at the period's end: joined before it ended and not left by "
                   "then (the current period ends at the as-of date).",
        formula="count(partners | joined_at < period end, left_at missing or >= period end)",
        unit="count", direction="higher", aggregation="snapshot", requires=("partners",), partner_grain=False,
        period_basis="snapshot at period end", boundaries=(PERIOD_END,))
def partner_count(ctx: KpiContext) -> pd.DataFrame:
    partners = ctx.table("partners")
    partners = partners[(partners["joined_at"] < ctx.cutoff).to_numpy()]
    left = ctx.period_of(partners["left_at"].where(partners["left_at"] < ctx.cutoff))
    start = np.maximum(ctx.period_of(partners["joined_at"]), ctx.periods[0])
    end = np.where(left >= 0, left, ctx.periods[-1] + 1)
    rows, codes = span_periods(start, end)
    frame = pd.DataFrame({"period": codes, "partner_id": partners["partner_id"].to_numpy()[rows]})
    return summarise(ctx, frame, count_rows, partner_grain=False, zero_fill=True)


@metric(id="onboarding_days", family=FAMILY, label="Onboarding time (days)",
        definition="Median days from joined_at to onboarded_at of the partners that completed onboarding in the "
                   "period; per partner, its own days, in the period it completed.",
        formula="median(onboarded_at - joined_at | onboarded_at in period)",
        unit="days", direction="lower", aggregation="median", requires=("partners",),
        columns=("partners.onboarded_at",), period_basis="onboarded_at")
def onboarding_days(ctx: KpiContext) -> pd.DataFrame:
    partners = ctx.dated("partners", "onboarded_at")
    days = (partners["onboarded_at"] - partners["joined_at"]).dt.total_seconds() / 86400.0
    return summarise(ctx, partners.assign(days=days), median_of("days"))


@metric(id="program_abandonment_rate", family=FAMILY, label="Program abandonment rate",
        definition="Share of the partners in the program during the period (joined before it ended, not left "
                   "before it began) that left it (left_at) within the period.",
        formula="count(left_at in period) / count(partners in the program during period)",
        unit="ratio", direction="lower", aggregation="ratio", requires=("partners",),
        columns=("partners.left_at",), partner_grain=False,
        period_basis="left_at; partners in the program during the period")
def program_abandonment_rate(ctx: KpiContext) -> pd.DataFrame:
    partners = ctx.table("partners")
    left = pd.Series(ctx.period_of(partners["left_at"].where(partners["left_at"] < ctx.cutoff)),
                     index=partners["partner_id"].to_numpy())
    grid = ctx.partner_periods()
    frame = grid.assign(left=(left.reindex(grid["partner_id"].to_numpy()).to_numpy() == grid["period"].to_numpy()).astype(float))
    return summarise(ctx, frame, ratio_of("left"), partner_grain=False)


@metric(id="partner_renewal_rate", family=FAMILY, label="Partner agreement renewal rate",
        definition="Share of the partner agreements that ended (end_at) in the period, by the as-of date, and were "
                   "decided that were renewed; status active on an ended agreement means undecided and is left out.",
        formula="count(status = renewed) / count(status in {renewed, lapsed}) | end_at in period",
        unit="ratio", direction="higher", aggregation="ratio", requires=("agreements",), period_basis="end_at")
def partner_renewal_rate(ctx: KpiContext) -> pd.DataFrame:
    ended = ctx.dated("agreements", "end_at")
    decided = ended[ended["status"].isin(["renewed", "lapsed"]).to_numpy()]
    return summarise(ctx, decided.assign(hit=(decided["status"] == "renewed").astype(float)), ratio_of("hit"))


@metric(id="partner_inquiry_resolution_hours", family=FAMILY, label="Partner inquiry resolution time (hours)",
        definition="Median hours from opened_at to resolved_at of the partner inquiries (tickets of category "
                   "partner_inquiry) resolved in the period.",
        formula="median(resolved_at - opened_at | category = partner_inquiry, resolved_at in period)",
        unit="hours", direction="lower", aggregation="median", requires=("tickets",),
        columns=("tickets.resolved_at",), period_basis="resolved_at")
def partner_inquiry_resolution_hours(ctx: KpiContext) -> pd.DataFrame:
    tickets = ctx.dated("tickets", "resolved_at")
    tickets = tickets[(tickets["category"] == "partner_inquiry").to_numpy()]
    hours = (tickets["resolved_at"] - tickets["opened_at"]).dt.total_seconds() / 3600.0
    return summarise(ctx, tickets.assign(hours=hours), median_of("hours"))


@metric(id="partner_generated_tickets", family=FAMILY, label="Partner-generated tickets",
        definition="Number of tickets opened in the period that carry a partner_id, of any category (partner "
                   "inquiries, integration issues, customer tickets raised or handled by a partner): the support "
                   "load attributable to partners.",
        formula="count(tickets | partner_id present, opened_at in period)",
        unit="count", direction="lower", aggregation="sum", requires=("tickets",),
        columns=("tickets.partner_id",), period_basis="opened_at")
def partner_generated_tickets(ctx: KpiContext) -> pd.DataFrame:
    tickets = ctx.dated("tickets", "opened_at")
    return summarise(ctx, tickets[tickets["partner_id"].notna().to_numpy()], count_rows, zero_fill=True)


# -- economics -------------------------------------------------------------------------------

def _costs(ctx: KpiContext) -> pd.DataFrame:
    return ctx.dated("costs", "period_start")


@metric(id="partner_costs", family=FAMILY, label="Partner program costs",
        definition="Sum of partner program costs (commissions, MDF, rebates, incentives, enablement, partner "
                   "management, other) placed in the period by period_start; program rows include overhead "
                   "without a partner.",
        formula="sum(costs.amount | period_start in period)",
        unit="currency", direction="neutral", aggregation="sum", requires=("costs",), period_basis="period_start")
def partner_costs(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, _costs(ctx), sum_of("amount"), zero_fill=True)


def _revenue_and_costs(ctx: KpiContext) -> pd.DataFrame:
    """Stacked rows: partner won revenue (``revenue``) and costs (``cost``) per period and partner
    (computed once per context: profit and ROI share it)."""
    return ctx.cached("revenue_and_costs", lambda: _stack_revenue_and_costs(ctx))


def _stack_revenue_and_costs(ctx: KpiContext) -> pd.DataFrame:
    won = won_deals(ctx)
    revenue = won[won["partner_id"].notna().to_numpy()][["period", "partner_id", "amount"]]
    revenue = revenue.rename(columns={"amount": "revenue"}).assign(cost=0.0)
    costs = _costs(ctx)[["period", "partner_id", "amount"]].rename(columns={"amount": "cost"}).assign(revenue=0.0)
    frame = pd.concat([revenue, costs], ignore_index=True)
    return frame.assign(profit=frame["revenue"] - frame["cost"])


@metric(id="partner_profit", family=FAMILY, label="Partner profit contribution",
        definition="Won sourced + influenced revenue closed in the period minus partner program costs placed in it; "
                   "per partner, its revenue minus its costs; program rows also subtract overhead. Bookings, not margin.",
        formula="sum(amount | won, partner deal, closed in period) - sum(costs.amount | period_start in period)",
        unit="currency", direction="higher", aggregation="sum", requires=("deals", "costs"),
        period_basis="closed_at of won deals; period_start of costs")
def partner_profit(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, _revenue_and_costs(ctx), sum_of("profit"), zero_fill=True)


@metric(id="partner_roi", family=FAMILY, label="Partner ROI",
        definition="(Partner revenue - partner costs) / partner costs in the period, as partner_profit over "
                   "partner_costs; missing when there were no costs. 2.0 means 2 of profit per 1 spent.",
        formula="(sum(partner won amount) - sum(costs)) / sum(costs) | period",
        unit="multiple", direction="higher", aggregation="ratio", requires=("deals", "costs"),
        period_basis="closed_at of won deals; period_start of costs")
def partner_roi(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, _revenue_and_costs(ctx), ratio_of("profit", "cost"))
