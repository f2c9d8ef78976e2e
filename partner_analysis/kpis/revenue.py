"""Revenue & pipeline KPIs.

Conventions (design section 3): revenue counts in the period of ``closed_at`` of won deals,
pipeline in the period of ``created_at``, ``open_*`` values are snapshots at the period's end.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..membership import member_of
from .context import KpiContext
from .conventions import PERIOD_END, is_approved, is_decided
from .deals import closed_deals, created_deals, open_deal_snapshots, won_deals
from .frame import (count_rows, distinct_share, divide, growth, mean_of, median_of,
                    ratio_of, sum_of, summarise)
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
        unit="ratio", direction="higher", aggregation="ratio", requires=("deals",), counted=False, period_basis=WON_BASIS)
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
        attributions=ALL_ATTRIBUTIONS, period_basis="snapshot at period end", boundaries=(PERIOD_END,))
def open_pipeline_value(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, open_deal_snapshots(ctx), sum_of("amount"), attributions=ALL_ATTRIBUTIONS, zero_fill=True)


@metric(id="open_opportunities", family=FAMILY, label="Open opportunities",
        definition="Number of deals open at the end of the period (see open_pipeline_value).",
        formula="count(deals | created_at < period end <= closed_at or not closed)",
        unit="count", direction="higher", aggregation="snapshot", requires=("deals",),
        attributions=ALL_ATTRIBUTIONS, period_basis="snapshot at period end", boundaries=(PERIOD_END,))
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


@metric(id="expansion_revenue", family=FAMILY, label="Expansion revenue",
        definition="Amount of won deals of deal_type expansion (upsell or cross-sell to an existing customer), "
                   "counted in the period of closed_at.",
        formula="sum(amount | won, deal_type = expansion, closed_at in period)",
        unit="currency", direction="higher", aggregation="sum", requires=("deals",), columns=("deals.deal_type",),
        attributions=ALL_ATTRIBUTIONS, period_basis=WON_BASIS)
def expansion_revenue(ctx: KpiContext) -> pd.DataFrame:
    won = won_deals(ctx)
    expansion = won[(won["deal_type"] == "expansion").to_numpy()]
    return summarise(ctx, expansion, sum_of("amount"), attributions=ALL_ATTRIBUTIONS, zero_fill=True)


# -- deal registrations ------------------------------------------------------------------------

REG_BASIS = "submitted_at of the registration"


def _registrations(ctx: KpiContext) -> pd.DataFrame:
    return ctx.dated("deal_registrations", "submitted_at")


@metric(id="deal_registrations", family=FAMILY, label="Deal registrations",
        definition="Number of deal registrations partners submitted in the period, whatever their status.",
        formula="count(deal_registrations | submitted_at in period)",
        unit="count", direction="higher", aggregation="sum", requires=("deal_registrations",), period_basis=REG_BASIS)
def deal_registrations(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, _registrations(ctx), count_rows, zero_fill=True)


@metric(id="deal_registration_growth", family=FAMILY, label="Deal registration growth",
        definition="Change of deal_registrations against the previous period, relative to the previous period; "
                   "missing when the previous period had no registrations.",
        formula="(deal_registrations[p] - deal_registrations[p-1]) / deal_registrations[p-1]",
        unit="ratio", direction="higher", aggregation="growth", requires=("deal_registrations",),
        period_basis=REG_BASIS)
def deal_registration_growth(ctx: KpiContext) -> pd.DataFrame:
    return growth(deal_registrations(ctx))


@metric(id="registration_approval_rate", family=FAMILY, label="Registration approval rate",
        definition="Share of the registrations submitted in the period and decided that were approved; approved "
                   "and expired (approved, then lapsed) count as approved, rejected as not; pending ones are left out.",
        formula="count(status in {approved, expired}) / count(status in {approved, expired, rejected}) | submitted in period",
        unit="ratio", direction="higher", aggregation="ratio", requires=("deal_registrations",), period_basis=REG_BASIS)
def registration_approval_rate(ctx: KpiContext) -> pd.DataFrame:
    regs = _registrations(ctx)
    decided = regs[is_decided(regs["status"])]
    return summarise(ctx, decided.assign(hit=is_approved(decided["status"]).astype(float)), ratio_of("hit"))


@metric(id="registration_win_rate", family=FAMILY, label="Registration win rate",
        definition="Share of the approved registrations (approved or expired) submitted in the period whose deal "
                   "was won by the as-of date; the deal is the registration's deal_id or the deal that names the "
                   "registration in registration_id. A cohort rate: recent cohorts still have open deals.",
        formula="count(approved | linked deal won by as_of) / count(approved) | submitted in period",
        unit="ratio", direction="higher", aggregation="ratio", requires=("deal_registrations", "deals"),
        columns=("deal_registrations.deal_id|deals.registration_id",), period_basis=REG_BASIS)
def registration_win_rate(ctx: KpiContext) -> pd.DataFrame:
    regs = _registrations(ctx)
    approved = regs[is_approved(regs["status"])]
    deals = ctx.table("deals")
    won = deals["stage"].eq("won").to_numpy() & (deals["closed_at"] < ctx.cutoff).to_numpy()
    hit = member_of(approved["deal_id"], deals.loc[won, "deal_id"]) | \
        member_of(approved["registration_id"], deals.loc[won, "registration_id"].dropna())
    return summarise(ctx, approved.assign(hit=hit.astype(float)), ratio_of("hit"))


# -- reach ---------------------------------------------------------------------------------------

def _trailing_sum(ctx: KpiContext, rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per partner, the sum of ``column`` over the twelve months ending with each period."""
    window = 4 if ctx.freq == "quarter" else 12
    periods = ctx.periods
    grid = rows.pivot_table(index="partner_id", columns="period", values=column, aggfunc="sum", fill_value=0.0)
    grid = grid.reindex(columns=periods, fill_value=0.0)
    cumulative = np.cumsum(grid.to_numpy(), axis=1)
    shifted = np.zeros_like(cumulative)
    shifted[:, window:] = cumulative[:, :-window]
    trailing = pd.DataFrame(cumulative - shifted, index=grid.index, columns=pd.Index(periods, name="period"))
    return trailing.stack().rename(column).reset_index()


@metric(id="partner_share_of_wallet", family=FAMILY, label="Partner share of wallet",
        definition="Our won revenue through the partner (sourced + influenced) over the twelve months ending with "
                   "the period, divided by the partner's own annual_revenue; partners without annual_revenue are "
                   "left out. Program row: the same sums over partners in the program with annual_revenue.",
        formula="sum(amount | won, partner's deals, closed in the 12 months to period end) / annual_revenue",
        unit="ratio", direction="higher", aggregation="ratio", requires=("deals", "partners"),
        columns=("partners.annual_revenue",), period_basis="trailing twelve months of closed_at of won deals",
        bounded=False)
def partner_share_of_wallet(ctx: KpiContext) -> pd.DataFrame:
    partners = ctx.table("partners")
    wallet = partners.loc[(partners["annual_revenue"] > 0).to_numpy(), ["partner_id", "annual_revenue"]]
    won = won_deals(ctx)
    ours = won[won["partner_id"].notna().to_numpy()][["partner_id", "period", "amount"]]
    trailing = _trailing_sum(ctx, ours, "amount") if len(ours) else ours.iloc[:0]
    frame = ctx.partner_periods().merge(wallet, on="partner_id").merge(trailing, on=["partner_id", "period"], how="left")
    frame = frame.fillna({"amount": 0.0}).assign(attribution="all")
    return summarise(ctx, frame, ratio_of("amount", "annual_revenue"))


@metric(id="partner_penetration", family=FAMILY, label="Partner penetration",
        definition="Share of the customer accounts with a won deal closed in the period for which a partner "
                   "sourced or influenced at least one of those deals (a deal without account_id is its own "
                   "account); per partner, the accounts of that partner's won deals over all accounts won, 0 for a "
                   "partner in the program with none.",
        formula="count distinct(account | won, partner deal, closed in period) / count distinct(account | won, closed in period)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("deals",), period_basis=WON_BASIS)
def partner_penetration(ctx: KpiContext) -> pd.DataFrame:
    won = won_deals(ctx)
    accounts = won.assign(account=won["account_id"].fillna(won["deal_id"]))
    return distinct_share(ctx, accounts[accounts["partner_id"].notna().to_numpy()], "account",
                          accounts.groupby("period")["account"].nunique(), ctx.partner_periods())
