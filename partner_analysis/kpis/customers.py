"""Customer impact & retention KPIs, split by acquisition channel.

The ``partner`` and ``direct`` views are the customer's ``channel``; per-partner rows use the
customer's ``partner_id``. Retention and churn follow :mod:`partner_analysis.kpis.accounts`:
the cohort is the customers active at the period's start.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .accounts import (channel_attribution, customer_positions, customers_at_start, customers_during, monthly_mrr,
                       mrr_bridge, mrr_increases, period_of_month, with_customer)
from .context import KpiContext
from .conventions import PERIOD_START
from .frame import count_rows, divide, mean_of, median_of, nps_rows, ratio_of, sum_of, summarise
from .registry import metric

FAMILY = "customer"
CHANNELS = ("all", "partner", "direct")


@metric(id="customers_acquired", family=FAMILY, label="Customers acquired",
        definition="Number of customers whose acquired_at falls in the period; per partner, the customers it brought.",
        formula="count(customers | acquired_at in period)",
        unit="count", direction="higher", aggregation="sum", requires=("customers",), attributions=CHANNELS,
        period_basis="acquired_at")
def customers_acquired(ctx: KpiContext) -> pd.DataFrame:
    customers = ctx.dated("customers", "acquired_at")
    customers = customers.assign(attribution=channel_attribution(customers))
    return summarise(ctx, customers, count_rows, attributions=CHANNELS, zero_fill=True)


@metric(id="customer_retention_rate", family=FAMILY, label="Customer retention rate",
        definition="Share of the customers active at the period's start (acquired before it, not churned before it) "
                   "that had not churned by its end; customers acquired during the period are not in the cohort.",
        formula="count(active at start, churned_at not in period) / count(active at start)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("customers",),
        columns=("customers.churned_at",), attributions=CHANNELS,
        period_basis="cohort active at period start", boundaries=(PERIOD_START,))
def customer_retention_rate(ctx: KpiContext) -> pd.DataFrame:
    cohort = customers_at_start(ctx)
    return summarise(ctx, cohort.assign(kept=1.0 - cohort["churned"]), ratio_of("kept"), attributions=CHANNELS)


@metric(id="churn_rate", family=FAMILY, label="Customer churn rate",
        definition="Share of the customers active at the period's start that churned (churned_at) within the period; "
                   "1 - customer_retention_rate.",
        formula="count(active at start, churned_at in period) / count(active at start)",
        unit="ratio", direction="lower", aggregation="ratio", requires=("customers",),
        columns=("customers.churned_at",), attributions=CHANNELS,
        period_basis="cohort active at period start", boundaries=(PERIOD_START,))
def churn_rate(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, customers_at_start(ctx), ratio_of("churned"), attributions=CHANNELS)


def _bridge(ctx: KpiContext) -> pd.DataFrame:
    return with_customer(ctx, mrr_bridge(ctx))


@metric(id="net_revenue_retention", family=FAMILY, label="Net revenue retention",
        definition="MRR at the period's end (its last month) of the customers with MRR in the month before the "
                   "period, over their MRR in that month: expansion adds, contraction and churn subtract, new "
                   "customers are excluded; a customer who churns and returns within the period counts with its "
                   "end MRR. Can exceed 1.",
        formula="sum(end MRR | start MRR > 0) / sum(start MRR)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("customers", "revenue"),
        attributions=CHANNELS, period_basis="MRR of the month before the period vs. its last month", bounded=False)
def net_revenue_retention(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, _bridge(ctx), ratio_of("end_mrr", "start_mrr"), attributions=CHANNELS)


@metric(id="gross_revenue_retention", family=FAMILY, label="Gross revenue retention",
        definition="As net_revenue_retention, but each customer's end MRR is capped at its start MRR, so only "
                   "contraction and churn count; lies in [0, 1].",
        formula="sum(min(end MRR, start MRR) | start MRR > 0) / sum(start MRR)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("customers", "revenue"),
        attributions=CHANNELS, counted=False, period_basis="MRR of the month before the period vs. its last month")
def gross_revenue_retention(ctx: KpiContext) -> pd.DataFrame:
    bridge = _bridge(ctx)
    kept = bridge["end_mrr"].clip(upper=bridge["start_mrr"])
    return summarise(ctx, bridge.assign(kept=kept), ratio_of("kept", "start_mrr"), attributions=CHANNELS)


@metric(id="expansion_mrr", family=FAMILY, label="Expansion MRR",
        definition="Sum over the period's months of each customer's MRR increase over the previous month, for "
                   "customers that already paid in the previous month (new and returning customers are not expansion).",
        formula="sum over months m in period of max(0, MRR[m] - MRR[m-1]) | MRR[m-1] > 0",
        unit="currency", direction="higher", aggregation="sum", requires=("customers", "revenue"),
        attributions=CHANNELS, period_basis="month of the increase")
def expansion_mrr(ctx: KpiContext) -> pd.DataFrame:
    moves = mrr_increases(ctx)
    moves = moves.assign(period=period_of_month(ctx, moves["month_code"].to_numpy()))
    return summarise(ctx, with_customer(ctx, moves), sum_of("increase"), attributions=CHANNELS, zero_fill=True)


@metric(id="customer_lifetime_value", family=FAMILY, label="Customer lifetime value",
        definition="Average monthly revenue per customer divided by the monthly churn rate, both measured in the "
                   "period on one population, the customers with revenue data (at least one revenue row by the "
                   "as-of month): ARPA = MRR earned / customer-months and churn = churned customers / "
                   "customer-months, so CLV = MRR they earned in the period / those of them who churned in it "
                   "(churned_at in the period, also those acquired in it; revenue, not margin); missing when none "
                   "churned. Customers without revenue rows are left out of both, and the build notes how many.",
        formula="(sum MRR / customer-months) / (churned / customer-months) = sum(MRR of months in period) / "
                "count(churned in period | has revenue rows)",
        unit="currency", direction="higher", aggregation="ratio", requires=("customers", "revenue"),
        columns=("customers.churned_at",), attributions=CHANNELS,
        period_basis="months of the period; churned_at in the period")
def customer_lifetime_value(ctx: KpiContext) -> pd.DataFrame:
    mrr = monthly_mrr(ctx)
    earned = with_customer(ctx, mrr.assign(period=period_of_month(ctx, mrr["month_code"])))
    customers = ctx.table("customers")
    paying = np.zeros(len(customers), dtype=bool)  # by customer row: has a revenue row by the as-of month
    positions = customer_positions(ctx, pd.Series(pd.unique(mrr["account_id"])))
    paying[positions[positions >= 0]] = True
    acquired = (customers["acquired_at"] < ctx.cutoff).to_numpy()
    without = int((acquired & ~paying).sum())
    if without:
        ctx.note("customer_lifetime_value",
                 f"{without:,} of {int(acquired.sum()):,} customers have no revenue rows by the as-of month: they "
                 f"are in neither the revenue nor the churn of lifetime value, which is over the other "
                 f"{int(acquired.sum()) - without:,}.")
    churned = ctx.dated("customers", "churned_at")[["account_id", "period"]]
    churned = with_customer(ctx, churned[paying[customer_positions(ctx, churned["account_id"])]])
    return divide(summarise(ctx, earned, sum_of("mrr"), attributions=CHANNELS),
                  summarise(ctx, churned, count_rows, attributions=CHANNELS))


def _customer_surveys(ctx: KpiContext) -> pd.DataFrame:
    surveys = ctx.dated("surveys", "submitted_at")
    return with_customer(ctx, surveys[(surveys["respondent"] == "customer").to_numpy()])


@metric(id="customer_nps", family=FAMILY, label="Customer NPS",
        definition="Net promoter score of customer survey responses submitted in the period: percent promoters "
                   "(9-10) minus percent detractors (0-6), -100 to 100; channel and partner from the customer.",
        formula="100 x (count(nps >= 9) - count(nps <= 6)) / count(nps present) | respondent = customer",
        unit="score", direction="higher", aggregation="score", requires=("surveys", "customers"),
        columns=("surveys.nps_score",),
        attributions=CHANNELS, period_basis="submitted_at")
def customer_nps(ctx: KpiContext) -> pd.DataFrame:
    return nps_rows(ctx, _customer_surveys(ctx), attributions=CHANNELS)


@metric(id="csat", family=FAMILY, label="Customer satisfaction (CSAT)",
        definition="Mean csat_score (1-5) of customer survey responses submitted in the period that have one.",
        formula="mean(csat_score | respondent = customer, submitted in period)",
        unit="score", direction="higher", aggregation="mean", requires=("surveys", "customers"),
        columns=("surveys.csat_score",),
        attributions=CHANNELS, period_basis="submitted_at")
def csat(ctx: KpiContext) -> pd.DataFrame:
    surveys = _customer_surveys(ctx)
    surveys = surveys.assign(csat=surveys["csat_score"].astype("float64")).dropna(subset=["csat"])
    return summarise(ctx, surveys, mean_of("csat"), attributions=CHANNELS)


def _customer_tickets(ctx: KpiContext, date_col: str) -> pd.DataFrame:
    tickets = ctx.dated("tickets", date_col)
    return with_customer(ctx, tickets[(tickets["category"] == "customer").to_numpy()])


@metric(id="ticket_resolution_hours", family=FAMILY, label="Ticket resolution time (hours)",
        definition="Median hours from opened_at to resolved_at of the customer tickets resolved in the period.",
        formula="median(resolved_at - opened_at | category = customer, resolved_at in period)",
        unit="hours", direction="lower", aggregation="median", requires=("tickets", "customers"),
        columns=("tickets.resolved_at",),
        attributions=CHANNELS, period_basis="resolved_at")
def ticket_resolution_hours(ctx: KpiContext) -> pd.DataFrame:
    tickets = _customer_tickets(ctx, "resolved_at")
    hours = (tickets["resolved_at"] - tickets["opened_at"]).dt.total_seconds() / 3600.0
    return summarise(ctx, tickets.assign(hours=hours), median_of("hours"), attributions=CHANNELS)


@metric(id="tickets_per_customer", family=FAMILY, label="Tickets per customer",
        definition="Customer tickets opened in the period divided by the customers active at some point in it "
                   "(acquired before its end, not churned before its start).",
        formula="count(tickets | category = customer, opened in period) / count(customers active during period)",
        unit="count", direction="lower", aggregation="ratio", requires=("tickets", "customers"),
        attributions=CHANNELS, period_basis="opened_at; customers active during the period",
        boundaries=(PERIOD_START,))
def tickets_per_customer(ctx: KpiContext) -> pd.DataFrame:
    tickets = summarise(ctx, _customer_tickets(ctx, "opened_at"), count_rows, attributions=CHANNELS)
    customers = summarise(ctx, customers_during(ctx), count_rows, attributions=CHANNELS)
    return divide(tickets, customers)


@metric(id="customer_acquisition_cost", family=FAMILY, label="Partner customer acquisition cost",
        definition="Partner program costs placed in the period (period_start), program overhead included, divided "
                   "by the partner-channel customers acquired in it; per partner, its own costs over the customers "
                   "it brought. Direct acquisition costs are not in the data, so there is no direct view.",
        formula="sum(costs.amount | period_start in period) / count(customers | channel = partner, acquired in period)",
        unit="currency", direction="lower", aggregation="ratio", requires=("costs", "customers"),
        period_basis="period_start of costs; acquired_at")
def customer_acquisition_cost(ctx: KpiContext) -> pd.DataFrame:
    customers = ctx.dated("customers", "acquired_at")
    acquired = customers[(customers["channel"] == "partner").to_numpy()]
    return divide(summarise(ctx, ctx.dated("costs", "period_start"), sum_of("amount")),
                  summarise(ctx, acquired, count_rows))
