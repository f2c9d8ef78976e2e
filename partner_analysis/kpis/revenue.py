"""Revenue & pipeline KPIs.

Conventions (design section 3): revenue counts in the period of ``closed_at`` of won deals,
pipeline in the period of ``created_at``, ``open_*`` values are snapshots at the period's end.
"""
from __future__ import annotations

import pandas as pd

from .context import KpiContext
from .deals import closed_deals, created_deals, open_deal_snapshots, won_deals
from .frame import count_rows, divide, growth, mean_of, median_of, ratio_of, sum_of, summarise
from .registry import ALL_ATTRIBUTIONS, metric

FAMILY = "revenue_pipeline"
WON_BASIS = "closed_at of won deals"


def _won_revenue(ctx: KpiContext, attribution: str) -> pd.DataFrame:
    won = won_deals(ctx)
    return summarise(ctx, won[(won["attribution"] == attribution).to_numpy()], sum_of("amount"), zero_fill=True,
                     partner_grain=attribution != "direct")


@metric(id="sourced_revenue", family=FAMILY, label="Partner-sourced revenue",
        definition="Amount of won deals whose attribution is sourced, counted in the period of closed_at; "
                   "per partner, the deals that partner sourced.",
        formula="sum(amount | stage = won, attribution = sourced, closed_at in period)",
        unit="currency", direction="higher", aggregation="sum", requires=("deals",), period_basis=WON_BASIS)
def sourced_revenue(ctx: KpiContext) -> pd.DataFrame:
    return _won_revenue(ctx, "sourced")


@metric(id="influenced_revenue", family=FAMILY, label="Partner-influenced revenue",
        definition="Amount of won deals whose attribution is influenced (a partner helped, our team sourced), "
                   "counted in the period of closed_at; per partner, the deals it is recorded on.",
        formula="sum(amount | stage = won, attribution = influenced, closed_at in period)",
        unit="currency", direction="higher", aggregation="sum", requires=("deals",), period_basis=WON_BASIS)
def influenced_revenue(ctx: KpiContext) -> pd.DataFrame:
    return _won_revenue(ctx, "influenced")


@metric(id="direct_revenue", family=FAMILY, label="Direct revenue",
        definition="Amount of won direct deals (no partner involved), counted in the period of closed_at.",
        formula="sum(amount | stage = won, attribution = direct, closed_at in period)",
        unit="currency", direction="neutral", aggregation="sum", requires=("deals",), partner_grain=False,
        period_basis=WON_BASIS)
def direct_revenue(ctx: KpiContext) -> pd.DataFrame:
    return _won_revenue(ctx, "direct")


@metric(id="partner_revenue_share", family=FAMILY, label="Partner revenue share",
        definition="Share of all won revenue in the period that was partner-sourced or partner-influenced; "
                   "per partner, that partner's sourced + influenced won revenue over all won revenue of the "
                   "program in the period.",
        formula="sum(amount | won, attribution in {sourced, influenced}) / sum(amount | won)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("deals",), period_basis=WON_BASIS)
def partner_revenue_share(ctx: KpiContext) -> pd.DataFrame:
    won = won_deals(ctx)
    partner = summarise(ctx, won[won["attribution"].isin(["sourced", "influenced"]).to_numpy()], sum_of("amount"),
                        zero_fill=True)
    total = summarise(ctx, won, sum_of("amount"), zero_fill=True, partner_grain=False)
    program = divide(partner[partner["partner_id"].isna()], total)
    per_partner = partner[partner["partner_id"].notna()].merge(
        total[["period", "value"]].rename(columns={"value": "total"}), on="period")
    per_partner = per_partner[per_partner["total"] > 0].assign(
        numerator=lambda d: d["value"], denominator=lambda d: d["total"], value=lambda d: d["value"] / d["total"])
    return pd.concat([program, per_partner.drop(columns="total")], ignore_index=True)


@metric(id="pipeline_created", family=FAMILY, label="Pipeline created",
        definition="Amount of deals created in the period, whatever their stage now (expected value while open).",
        formula="sum(amount | created_at in period)",
        unit="currency", direction="higher", aggregation="sum", requires=("deals",),
        attributions=ALL_ATTRIBUTIONS, period_basis="created_at")
def pipeline_created(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, created_deals(ctx), sum_of("amount"), attributions=ALL_ATTRIBUTIONS, zero_fill=True)


@metric(id="opportunities_created", family=FAMILY, label="Opportunities created",
        definition="Number of deals created in the period, whatever their stage now.",
        formula="count(deals | created_at in period)",
        unit="count", direction="higher", aggregation="sum", requires=("deals",),
        attributions=ALL_ATTRIBUTIONS, period_basis="created_at")
def opportunities_created(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, created_deals(ctx), count_rows, attributions=ALL_ATTRIBUTIONS, zero_fill=True)


@metric(id="open_pipeline_value", family=FAMILY, label="Open pipeline value",
        definition="Amount of deals open at the end of the period: created before the period ended and not "
                   "won or lost by then.",
        formula="sum(amount | created_at < period end <= closed_at or not closed)",
        unit="currency", direction="higher", aggregation="snapshot", requires=("deals",),
        attributions=ALL_ATTRIBUTIONS, period_basis="snapshot at period end")
def open_pipeline_value(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, open_deal_snapshots(ctx), sum_of("amount"), attributions=ALL_ATTRIBUTIONS, zero_fill=True)


@metric(id="open_opportunities", family=FAMILY, label="Open opportunities",
        definition="Number of deals open at the end of the period (see open_pipeline_value).",
        formula="count(deals | created_at < period end <= closed_at or not closed)",
        unit="count", direction="higher", aggregation="snapshot", requires=("deals",),
        attributions=ALL_ATTRIBUTIONS, period_basis="snapshot at period end")
def open_opportunities(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, open_deal_snapshots(ctx), count_rows, attributions=ALL_ATTRIBUTIONS, zero_fill=True)


@metric(id="pipeline_growth", family=FAMILY, label="Pipeline growth",
        definition="Change of pipeline_created against the previous period, relative to the previous period; "
                   "missing when the previous period created no pipeline.",
        formula="(pipeline_created[p] - pipeline_created[p-1]) / pipeline_created[p-1]",
        unit="ratio", direction="higher", aggregation="growth", requires=("deals",),
        attributions=ALL_ATTRIBUTIONS, period_basis="created_at")
def pipeline_growth(ctx: KpiContext) -> pd.DataFrame:
    return growth(pipeline_created(ctx))


@metric(id="win_rate", family=FAMILY, label="Win rate",
        definition="Share of deals closed in the period that were won: won / (won + lost); open deals do not count.",
        formula="count(won | closed_at in period) / count(won or lost | closed_at in period)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("deals",),
        attributions=ALL_ATTRIBUTIONS, period_basis="closed_at of won and lost deals")
def win_rate(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, closed_deals(ctx), ratio_of("won"), attributions=ALL_ATTRIBUTIONS)


@metric(id="avg_deal_size", family=FAMILY, label="Average deal size",
        definition="Mean amount of the won deals closed in the period.",
        formula="sum(amount | won, closed_at in period) / count(won | closed_at in period)",
        unit="currency", direction="higher", aggregation="mean", requires=("deals",),
        attributions=ALL_ATTRIBUTIONS, period_basis=WON_BASIS)
def avg_deal_size(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, won_deals(ctx), mean_of("amount"), attributions=ALL_ATTRIBUTIONS)


@metric(id="sales_cycle_days", family=FAMILY, label="Sales cycle (days)",
        definition="Median number of days from created_at to closed_at of the won deals closed in the period.",
        formula="median(closed_at - created_at | won, closed_at in period)",
        unit="days", direction="lower", aggregation="median", requires=("deals",),
        attributions=ALL_ATTRIBUTIONS, period_basis=WON_BASIS)
def sales_cycle_days(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, won_deals(ctx), median_of("cycle_days"), attributions=ALL_ATTRIBUTIONS)
