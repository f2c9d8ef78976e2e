"""The quarterly business review: the program in one read for leadership.

Headline KPIs, the partner share of revenue, partner vs direct adjusted for mix, the partners who
moved most, cohorts, the forecast, tier changes and the risks, each as a short block the review
notebook shows on one slide.
"""
from __future__ import annotations

import pandas as pd

from ..stats import StatResult
from ..store import KpiStore
from .display import Html, cards, headline, note, table, text
from .family import available, reading
from ..formatting import compact, format_change, format_signed, format_value, is_missing

#: The review's KPI cards: (metric, view).
REVIEW_CARDS = (("partner_revenue_share", "all"), ("sourced_revenue", "all"), ("influenced_revenue", "all"),
                ("pipeline_created", "partner"), ("win_rate", "partner"), ("active_partners", "all"),
                ("engagement_score", "all"), ("net_revenue_retention", "partner"))
#: Adjusted comparisons quoted in the headline, for all partner business against direct.
HEADLINE_COMPARISONS = ("deal_size", "win_rate", "customer_churn")


def review_headline(store: KpiStore, quarter: str, comparison: StatResult | None = None,
                    forecast: StatResult | None = None) -> Html:
    """Partner revenue and its share, the adjusted partner-vs-direct effects, the next quarter's forecast."""
    sentences = []
    share = reading(store, "partner_revenue_share", quarter) if available(store, "partner_revenue_share") else None
    if share is not None and not is_missing(share.value):
        total = share.numerator
        sentence = (f"Partners brought <strong>{text(compact(total, 'currency', store.currency))}</strong> of won "
                    f"revenue in {text(quarter)}, <strong>{share.value:.0%}</strong> of the total")
        if not is_missing(share.previous):
            sentence += f" ({format_change(share.value, share.previous, 'ratio')} on the quarter before)"
        sentences.append(sentence + ".")
    if comparison is not None:
        rows = comparison.table
        adjusted = rows[(rows["group"] == "partner") & rows["adjusted_for"].map(bool)
                        & rows["analysis"].isin(HEADLINE_COMPARISONS)]
        sentences += [text(s) for s in comparison.sentences
                      if any(s.startswith(prefix) for prefix in ("Partner deals", "Partner customers"))][:3]
        if adjusted.empty:
            sentences.append("Partner and direct business could not be compared on this data.")
    if forecast is not None and forecast.sentences:
        sentences.append(text(forecast.sentences[0]))
    return headline(*sentences)


def review_cards(store: KpiStore, quarter: str) -> Html:
    """The program's headline KPIs for the quarter with the change against the quarter before."""
    items = []
    for metric, view in REVIEW_CARDS:
        if not available(store, metric):
            continue
        r = reading(store, metric, quarter, view)
        items.append({"label": r.label, "value": compact(r.value, r.spec.unit, store.currency),
                      "change": f"{format_change(r.value, r.previous, r.spec.unit)} vs quarter before",
                      "trend": r.trend(r.previous)})
    return cards(items)


def movers(store: KpiStore, quarter: str, top: int = 5) -> pd.DataFrame:
    """The partners whose won revenue (sourced + influenced) rose or fell most against the quarter before:
    ``partner``, ``before``, ``now``, ``change``, biggest rises first, then biggest falls."""
    periods = store.periods()
    index = periods.index(store.select_periods(quarter)[0])
    if index == 0:
        return pd.DataFrame(columns=["partner", "before", "now", "change"])
    span = (periods[index - 1], quarter)
    metrics = [m for m in ("sourced_revenue", "influenced_revenue") if available(store, m)]
    if not metrics:
        return pd.DataFrame(columns=["partner", "before", "now", "change"])
    revenue = sum(store.wide(metric, periods=span).fillna(0.0) for metric in metrics)
    change = (revenue.loc[quarter] - revenue.loc[periods[index - 1]]).sort_values()
    names = store.partner_names()
    picked = list(change[change > 0].index[::-1][:top]) + list(change[change < 0].index[:top])
    return pd.DataFrame({"partner": [f"{names.get(p, p)} ({p})" for p in picked],
                         "before": revenue.loc[periods[index - 1], picked].to_numpy(),
                         "now": revenue.loc[quarter, picked].to_numpy(),
                         "change": change[picked].to_numpy()})


def movers_table(store: KpiStore, quarter: str, top: int = 5) -> Html:
    """:func:`movers` as a formatted table."""
    money = lambda v: format_value(v, "currency", store.currency)  # noqa: E731
    frame = movers(store, quarter, top)
    if frame.empty:
        return note("No quarter before this one in the build: no movers yet.")
    signed = lambda v: format_signed(v, "currency", store.currency)  # noqa: E731
    return table(frame, formats={"before": money, "now": money, "change": signed},
                 caption=f"Won partner revenue (sourced + influenced), {quarter} against the quarter before")


def tier_changes(tiers: StatResult) -> Html:
    """How many partners the thresholds put in each tier against their current tier."""
    frame = tiers.table
    if frame.empty:
        return note("No tiers: " + "; ".join(map(text, tiers.insufficient)))
    counts = pd.crosstab(frame["current_tier"].fillna("(none)"), frame["recommended_tier"].fillna("(none)"))
    counts = counts.reset_index().rename(columns={"current_tier": "current tier \\ recommended"})
    return table(counts, numbers=tuple(c for c in counts.columns if c != "current tier \\ recommended"),
                 caption="Partners by current tier (rows) and recommended tier (columns)")


def risks_table(tiers: StatResult, currency: str = "USD", top: int = 15) -> Html:
    """Partners at risk of falling a tier next quarter, with the reason, largest revenue first."""
    frame = tiers.table
    if frame.empty or "at_risk" not in frame.columns:
        return note("No tier risks can be judged for this quarter.")
    risky = frame[frame["at_risk"].astype(bool)].sort_values("revenue_4q", ascending=False).head(top)
    if risky.empty:
        return note("No partner is at risk of falling a tier next quarter.")
    shown = pd.DataFrame({"partner": [f"{n} ({p})" for p, n in zip(risky["partner_id"], risky["partner_name"])],
                          "tier": risky["recommended_tier"].fillna("(none)").to_numpy(),
                          "partner revenue, four quarters": risky["revenue_4q"].to_numpy(),
                          "why": risky["at_risk_reason"].to_numpy()})
    money = lambda v: format_value(v, "currency", currency)  # noqa: E731
    total = int(frame["at_risk"].astype(bool).sum())
    return table(shown, formats={"partner revenue, four quarters": money},
                 caption=f"{total} partner{'s' if total != 1 else ''} at risk of falling a tier next quarter "
                         f"(the {len(shown)} largest shown)")
