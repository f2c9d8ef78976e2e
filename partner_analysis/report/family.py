"""The program's KPIs of one family in one quarter: the numbers, their change, their trend, in words.

What the family notebooks (``10_revenue_pipeline`` ... ``45_integration_adoption``) and the
quarterly review show: a headline of generated sentences, KPI cards with the change against the
previous quarter, a table of every metric of the family with the previous quarter, the same
quarter last year and, for rates of counted things, a 95% Wilson interval; trend charts; the
leading partners of a metric (internal reports only).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..kpis.registry import FAMILIES, REGISTRY, MetricSpec
from ..stats.intervals import wilson_interval
from ..store import KpiStore
from ..viz.kpis import bar_plot, trend_plot
from .display import Html, cards, headline, note, table, text
from ..formatting import compact, format_change, format_value, is_missing, relative_change

#: The metrics (and attribution view) a family report leads with, in order.
LEAD_METRICS: dict[str, tuple[tuple[str, str], ...]] = {
    "revenue_pipeline": (("sourced_revenue", "all"), ("influenced_revenue", "all"), ("partner_revenue_share", "all"),
                         ("pipeline_created", "partner"), ("win_rate", "partner"), ("avg_deal_size", "partner")),
    "engagement": (("active_partners", "all"), ("engagement_score", "all"), ("activation_rate", "all"),
                   ("training_completions", "all"), ("certified_partner_share", "all"), ("referred_leads", "all")),
    "customer": (("customers_acquired", "partner"), ("customer_retention_rate", "partner"),
                 ("net_revenue_retention", "partner"), ("customer_lifetime_value", "partner"),
                 ("customer_nps", "partner"), ("csat", "partner")),
    "health": (("partner_count", "all"), ("onboarding_days", "all"), ("program_abandonment_rate", "all"),
               ("partner_costs", "all"), ("partner_profit", "all"), ("partner_roi", "all")),
    "integration": (("integration_installs", "all"), ("integration_active_accounts", "all"),
                    ("integration_adoption_rate", "all"), ("integration_run_success_rate", "all"),
                    ("integrated_churn_rate", "all"), ("non_integrated_churn_rate", "all")),
}


@dataclass(frozen=True)
class Reading:
    """One metric in one view for one quarter, with what to compare it to."""

    spec: MetricSpec
    view: str
    quarter: str
    value: float
    previous: float
    last_year: float
    numerator: float
    denominator: float
    n: int
    latest: tuple[str, float] | None = None  # the latest earlier period with a value, when this one has none

    @property
    def label(self) -> str:
        return self.spec.label + ("" if self.view == "all" else f" ({self.view})")

    def trend(self, against: float) -> str:
        """``up`` (better), ``down`` (worse) or ``flat``, by the metric's direction."""
        if is_missing(self.value) or is_missing(against) or self.value == against or self.spec.direction == "neutral":
            return "flat"
        better = (self.value > against) == (self.spec.direction == "higher")
        return "up" if better else "down"


def quarter_offset(store: KpiStore, quarter: str, back: int) -> str | None:
    """The quarter ``back`` quarters before ``quarter`` in the build, None before its first."""
    periods = store.periods()
    position = periods.index(store.select_periods(quarter)[0]) - back
    return periods[position] if position >= 0 else None


def reading(store: KpiStore, metric: str, quarter: str, view: str = "all", partner: str | None = None) -> Reading:
    """The metric's value in the quarter, the quarter before and the same quarter a year before."""
    spec = store.spec(metric)
    rows = store.kpi(metric, partner, attribution=view).set_index("period")
    previous, last_year = quarter_offset(store, quarter, 1), quarter_offset(store, quarter, 4)

    def at(period, column="value"):
        return float(rows.at[period, column]) if period is not None and period in rows.index else float("nan")

    n = rows.at[quarter, "n"] if quarter in rows.index else 0
    earlier = rows.loc[rows.index <= quarter, "value"].dropna()
    latest = (earlier.index[-1], float(earlier.iloc[-1])) if is_missing(at(quarter)) and len(earlier) else None
    return Reading(spec, view, quarter, at(quarter), at(previous), at(last_year), at(quarter, "numerator"),
                   at(quarter, "denominator"), int(n), latest)


def readings(store: KpiStore, family: str, quarter: str) -> list[Reading]:
    """The family's lead metrics that this build could compute."""
    return [reading(store, m, quarter, v) for m, v in LEAD_METRICS[family] if available(store, m)]


def family_headline(store: KpiStore, family: str, quarter: str) -> Html:
    """Two to four sentences on the family's lead metrics, written from the numbers."""
    found = readings(store, family, quarter)
    if not found:
        return headline(f"None of the {text(FAMILIES[family].lower())} metrics could be computed for this data: "
                        "see the list of unavailable metrics below.")
    return headline(*(describe(r, store.currency) for r in found[:3]))


def describe(r: Reading, currency: str) -> str:
    """``Partner-sourced revenue was USD 18.5 M in 2025Q4, up 20.1% on the quarter before and 35.0% on a
    year before.`` (escaped HTML)."""
    if is_missing(r.value) and r.latest is not None:
        period, value = r.latest
        return (f"{text(r.label)} has no value for {text(r.quarter)} yet; the latest, for {text(period)}, was "
                f"<strong>{text(compact(value, r.spec.unit, currency))}</strong>.")
    if is_missing(r.value):
        return f"{text(r.label)} has no value in {text(r.quarter)} (nothing to measure yet)."
    sentence = f"{text(r.label)} was <strong>{text(compact(r.value, r.spec.unit, currency))}</strong> in {text(r.quarter)}"
    parts = []
    for against, when in ((r.previous, "the quarter before"), (r.last_year, "a year before")):
        if is_missing(against):
            continue
        if r.spec.unit == "ratio":
            change = (r.value - against) * 100
            word = "up" if change > 0 else "down" if change < 0 else "level"
            parts.append(f"{word} {abs(change):.1f} points on {when}" if word != "level" else f"level with {when}")
        else:
            change = relative_change(r.value, against)
            if is_missing(change):
                parts.append(f"against {text(compact(against, r.spec.unit, currency))} {when}")
                continue
            word = "up" if change > 0 else "down" if change < 0 else "level"
            parts.append(f"{word} {abs(change):.1%} on {when}" if word != "level" else f"level with {when}")
    return sentence + (", " + " and ".join(parts) if parts else "") + "."


def family_cards(store: KpiStore, family: str, quarter: str) -> Html:
    """Cards of the lead metrics: value and change against the quarter before, coloured by direction."""
    items = []
    for r in readings(store, family, quarter):
        if is_missing(r.value) and r.latest is not None:  # a cohort not judged yet: its latest value, dated
            items.append({"label": r.label, "value": compact(r.latest[1], r.spec.unit, store.currency),
                          "change": f"latest value, for {r.latest[0]}"})
        else:
            items.append({"label": r.label, "value": compact(r.value, r.spec.unit, store.currency),
                          "change": f"{format_change(r.value, r.previous, r.spec.unit)} vs quarter before",
                          "trend": r.trend(r.previous)})
    return cards(items)


def family_table(store: KpiStore, family: str, quarter: str) -> Html:
    """Every metric of the family (program, each view it has) in the quarter, against the quarter
    before and a year before, with n and, for shares of counts, a 95% interval."""
    rows = []
    for metric_id, entry in REGISTRY.items():
        spec = entry.spec
        if spec.family != family or not available(store, metric_id):
            continue
        for view in spec.attributions:
            r = reading(store, metric_id, quarter, view)
            interval = ""
            if spec.counted and r.denominator > 0:  # a share of counted things: a binomial interval
                lo, hi = wilson_interval(np.array([r.numerator]), np.array([r.denominator]))
                interval = f"{lo[0]:.1%} – {hi[0]:.1%}"
            rows.append({"metric": r.label, quarter: format_value(r.value, spec.unit, store.currency),
                         "95% interval": interval, "n": r.n,
                         "vs quarter before": format_change(r.value, r.previous, spec.unit),
                         "vs a year before": format_change(r.value, r.last_year, spec.unit)})
    return table(pd.DataFrame(rows), caption=f"{FAMILIES[family]}, {quarter}: program-wide, by attribution view",
                 numbers=(quarter, "95% interval", "vs quarter before", "vs a year before"))


def trend_figure(store: KpiStore, metric: str, quarter: str, views: tuple[str, ...] | None = None,
                 quarters: int = 8, partner: str | None = None) -> Figure:
    """The metric over the ``quarters`` quarters up to ``quarter``, one line per view."""
    spec = store.spec(metric)
    periods = store.periods()
    end = periods.index(store.select_periods(quarter)[0])
    span = (periods[max(0, end - quarters + 1)], periods[end])
    views = views or (spec.partner_attributions if partner else spec.attributions)
    wide = pd.DataFrame({view: store.series(metric, partner, attribution=view, periods=span) for view in views})
    title = f"{spec.label}, last {len(wide)} quarters" + (" by attribution" if len(views) > 1 else "")
    return trend_plot(wide, title, spec.unit, store.currency)


def metrics_figure(store: KpiStore, lines: tuple[tuple[str, str, str], ...], quarter: str, title: str,
                   quarters: int = 8) -> Figure:
    """Several metrics of one unit over the quarters up to ``quarter``: ``lines`` are (metric, view,
    legend label); metrics the build lacks are left out."""
    periods = store.periods()
    end = periods.index(store.select_periods(quarter)[0])
    span = (periods[max(0, end - quarters + 1)], periods[end])
    present = [(m, v, label) for m, v, label in lines if available(store, m)]
    wide = pd.DataFrame({label: store.series(m, attribution=v, periods=span) for m, v, label in present})
    unit = store.spec(present[0][0]).unit if present else "count"
    return trend_plot(wide, title, unit, store.currency)


def leaders_figure(store: KpiStore, metric: str, quarter: str, top: int = 10) -> Figure:
    """The ``top`` partners of a metric in the quarter, by name (internal reports only)."""
    spec = store.spec(metric)
    ranked = store.ranking(metric, period=quarter).dropna(subset=["value"]).head(top)
    labels = [f"{name} ({pid})" for pid, name in zip(ranked["partner_id"], ranked["partner_name"])]
    return bar_plot(labels, ranked["value"], f"{spec.label}: top {len(ranked)} partners, {quarter}", spec.unit,
                    store.currency)


def unavailable_note(store: KpiStore, family: str) -> Html | None:
    """Which metrics of the family this data cannot give, and why; None when all can be computed."""
    missing = {m: why for m, why in store.unavailable.items() if m in REGISTRY and REGISTRY[m].spec.family == family}
    if not missing:
        return None
    items = "; ".join(f"{text(REGISTRY[m].spec.label)}: {text(why)}" for m, why in sorted(missing.items()))
    return note(f"Not available for this data: {items}.")


def available(store: KpiStore, metric: str) -> bool:
    """Whether this build can give the metric (its tables and columns are there)."""
    return metric not in store.unavailable and metric in REGISTRY
