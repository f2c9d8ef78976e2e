"""One partner's quarterly scorecard: its KPIs against the quarter before and a year before, its
funnel, engagement and customers, its tier and what the next one takes, and where it stands
among anonymous peers.

Everything here is about the one partner; other partners appear only through the aggregates of
:mod:`.peers` (at least five partners each). With ``audience="partner"`` the text speaks to the
partner ("you"); the report may then be sent to it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..kpis.registry import MetricSpec
from ..stats import partner_tiers
from ..stats.intervals import wilson_interval
from ..store import KpiStore
from ..viz.kpis import funnel_chart, peer_plot, trend_plot
from .display import Html, cards, headline, note, table, text
from .family import Reading, available, reading
from ..formatting import compact, format_change, format_value, is_missing
from .jobs import data_fingerprint
from .peers import MIN_PEERS, Benchmark, PeerGroup, benchmark, peer_group

#: The scorecard's metrics (all views: the partner's own deals, activities and customers), in order.
METRICS = (
    "sourced_revenue", "influenced_revenue", "pipeline_created", "opportunities_created", "win_rate",
    "avg_deal_size", "sales_cycle_days", "deal_registrations", "registration_approval_rate", "referred_leads",
    "lead_conversion_rate", "engagement_score", "portal_logins", "training_completions", "certifications_earned",
    "customers_acquired", "churn_rate", "net_revenue_retention", "partner_nps",
)
CARD_METRICS = ("sourced_revenue", "influenced_revenue", "pipeline_created", "win_rate", "engagement_score",
                "customers_acquired")


@dataclass(frozen=True)
class Line:
    """One scorecard metric: the partner's reading and its benchmark among peers (None: too few)."""

    reading: Reading
    benchmark: Benchmark | None

    @property
    def spec(self) -> MetricSpec:
        return self.reading.spec

    @property
    def standing(self) -> float | None:
        """Share of peers the partner does better than (direction taken into account)."""
        pct = self.benchmark.percentile if self.benchmark else None
        if pct is None or self.spec.direction == "neutral":
            return None
        return pct if self.spec.direction == "higher" else 1.0 - pct


@dataclass(frozen=True)
class Scorecard:
    """Everything a scorecard shows, computed once."""

    store: KpiStore
    partner: str
    name: str
    quarter: str
    audience: str
    group: PeerGroup | None
    lines: tuple[Line, ...]
    tier: dict | None

    @property
    def subject(self) -> str:
        """How the text names the partner: "you" for its own report, its name otherwise."""
        return "you" if self.audience == "partner" else self.name

    @property
    def possessive(self) -> str:
        return "your" if self.audience == "partner" else f"{self.name}'s"

    def line(self, metric: str) -> Line | None:
        return next((line for line in self.lines if line.spec.id == metric), None)


def scorecard(store: KpiStore, partner: str, quarter: str | None = None, audience: str = "internal") -> Scorecard:
    """Compute one partner's scorecard for a quarter (default: the latest)."""
    store.check_partner(partner)
    quarter = store.select_periods(quarter or store.latest_period())[0]
    group = peer_group(store, partner, quarter)
    lines = tuple(Line(reading(store, m, quarter, "all", partner), benchmark(store, partner, m, quarter, group))
                  for m in METRICS if available(store, m))
    return Scorecard(store, partner, store.partner_names().get(partner, partner), quarter, audience, group, lines,
                     _tier_row(store, partner, quarter))


def scorecard_headline(card: Scorecard) -> Html:
    """What happened in the quarter, in two to four sentences."""
    currency = card.store.currency
    sentences = []
    revenue = card.line("sourced_revenue")
    if revenue is not None:
        r = revenue.reading
        sentence = (f"In {text(card.quarter)}, {text(card.subject)} brought <strong>"
                    f"{text(compact(r.value, 'currency', currency))}</strong> of partner-sourced revenue from "
                    f"{r.n:,} won deal{'s' if r.n != 1 else ''}")
        if not is_missing(r.previous):
            sentence += f", against {text(compact(r.previous, 'currency', currency))} the quarter before"
        sentences.append(sentence + ".")
    win = card.line("win_rate")
    if win is not None and not is_missing(win.reading.value):
        r = win.reading
        lo, hi = wilson_interval(np.array([r.numerator]), np.array([r.denominator]))
        sentences.append(f"{text(card.possessive.capitalize())} win rate was {r.value:.0%}: {r.numerator:,.0f} of "
                         f"{r.denominator:,.0f} deals closed were won (95% interval {lo[0]:.0%}–{hi[0]:.0%}).")
    leading = [line for line in card.lines if line.standing is not None and line.standing >= 0.75]
    if leading and card.group is not None:
        names = ", ".join(text(line.spec.label.lower()) for line in leading[:3])
        sentences.append(f"Among {card.group.size} {text(card.group.label)}, {text(card.subject)} "
                         f"{'are' if card.audience == 'partner' else 'is'} in the top quarter for {names}.")
    sentences.append(tier_sentence(card))
    return headline(*sentences)


def tier_sentence(card: Scorecard) -> str:
    """The recommended tier and what the next one takes (escaped HTML)."""
    tier = card.tier
    if tier is None:
        return "No tier can be recommended for this quarter (its data is not complete yet)."
    recommended = tier.get("recommended_tier") or "none"
    sentence = f"Recommended tier: <strong>{text(recommended)}</strong>"
    if tier.get("current_tier") and tier["current_tier"] != recommended:
        sentence += f" (current tier: {text(tier['current_tier'])})"
    sentence += "."
    needs = _gaps(tier, card.store.currency)
    if tier.get("next_tier") and needs:
        sentence += f" To reach {text(tier['next_tier'])}: {', '.join(map(text, needs))}."
    if tier.get("at_risk"):
        sentence += f" At risk of falling a tier next quarter: {text(tier.get('at_risk_reason') or '')}."
    return sentence


def scorecard_cards(card: Scorecard) -> Html:
    """The headline KPIs as cards, with the change against the quarter before."""
    items = []
    for metric in CARD_METRICS:
        line = card.line(metric)
        if line is None:
            continue
        r = line.reading
        items.append({"label": r.spec.label, "value": compact(r.value, r.spec.unit, card.store.currency),
                      "change": f"{format_change(r.value, r.previous, r.spec.unit)} vs quarter before",
                      "trend": r.trend(r.previous)})
    return cards(items)


def scorecard_table(card: Scorecard) -> Html:
    """Every scorecard metric: this quarter, the quarter before, a year before, and among peers."""
    rows = []
    for line in card.lines:
        r, b = line.reading, line.benchmark
        unit = r.spec.unit
        rows.append({
            "metric": r.spec.label,
            card.quarter: format_value(r.value, unit, card.store.currency),
            "vs quarter before": format_change(r.value, r.previous, unit),
            "vs a year before": format_change(r.value, r.last_year, unit),
            "peer median": format_value(b.median, unit, card.store.currency) if b else "",
            "better than": f"{line.standing:.0%} of peers" if line.standing is not None else "",
        })
    caption = (f"{card.quarter}; peers: {card.group.size} {card.group.label}, never named"
               if card.group else f"{card.quarter}; fewer than {MIN_PEERS} peers: no benchmark")
    return table(pd.DataFrame(rows), caption=caption,
                 numbers=(card.quarter, "vs quarter before", "vs a year before", "peer median", "better than"))


def funnel_figure(card: Scorecard) -> Figure:
    """The quarter's funnel: registrations submitted and approved (of those decided), opportunities
    created, deals won (of those closed); each stage counted in the quarter."""
    def count(metric: str, column: str = "value") -> float:
        line = card.line(metric)
        if line is None:
            return 0.0
        value = line.reading.value if column == "value" else line.reading.numerator
        return 0.0 if is_missing(value) else float(value)

    submitted, approved = count("deal_registrations"), count("registration_approval_rate", "numerator")
    decided = card.line("registration_approval_rate")
    decided = 0.0 if decided is None or is_missing(decided.reading.denominator) else decided.reading.denominator
    won = count("win_rate", "numerator")
    closed = card.line("win_rate")
    closed = 0.0 if closed is None or is_missing(closed.reading.denominator) else closed.reading.denominator
    stages = [("registrations submitted", submitted, ""),
              ("registrations approved", approved, f"{approved:,.0f} of {decided:,.0f} decided" if decided else ""),
              ("opportunities created", count("opportunities_created"), ""),
              ("deals won", won, f"{won:,.0f} of {closed:,.0f} closed" if closed else "")]
    return funnel_chart(stages, f"{card.possessive.capitalize()} funnel in {card.quarter} (counts in the quarter)")


def revenue_figure(card: Scorecard, quarters: int = 8) -> Figure:
    """Sourced and influenced revenue of the partner over the last quarters."""
    return _partner_trend(card, (("sourced_revenue", "sourced"), ("influenced_revenue", "influenced")),
                          f"{card.possessive.capitalize()} won revenue, last {quarters} quarters", quarters)


def engagement_figure(card: Scorecard, quarters: int = 8) -> Figure:
    """The partner's engagement score against the peer median (an aggregate of at least five peers)."""
    span = _span(card, quarters)
    own = card.store.series("engagement_score", card.partner, periods=span)
    lines = {"you" if card.audience == "partner" else card.name: own}
    if card.group is not None:
        peers = card.store.wide("engagement_score", partner=list(card.group.ids), periods=span)
        counted = peers.notna().sum(axis=1)
        lines["peer median"] = peers.median(axis=1).where(counted >= MIN_PEERS)
    return trend_plot(pd.DataFrame(lines), f"Engagement score, last {len(own)} quarters", "score",
                      card.store.currency, ylabel="score (0-100)")


def peer_figure(card: Scorecard) -> Figure | None:
    """Where the partner stands among its peers on each metric with a benchmark; None without peers."""
    rows = [{"label": line.spec.label, "percentile": line.standing,
             "note": f"{compact(line.reading.value, line.spec.unit, card.store.currency)} vs median "
                     f"{compact(line.benchmark.median, line.spec.unit, card.store.currency)}"}
            for line in card.lines if line.standing is not None]
    if not rows:
        return None
    who = "You" if card.audience == "partner" else card.name
    return peer_plot(pd.DataFrame(rows), f"{who} among {card.group.size} {card.group.label}, {card.quarter}")


def peer_note(card: Scorecard) -> Html:
    """How the peer comparison is made, and why it names nobody."""
    if card.group is None:
        return note(f"There are fewer than {MIN_PEERS} other partners in the program this quarter: no peer "
                    "benchmark is shown, so that no other partner's figures can be read off.")
    return note(f"Peers are the {card.group.size} {text(card.group.label)} of the program in {text(card.quarter)}. "
                f"They appear only as aggregates (median, percentile) of at least {MIN_PEERS} partners, never by name; "
                "a partner without a value for a metric (no closed deal for a win rate) is not counted for it.")


def tier_table(card: Scorecard) -> Html | None:
    """The tier measures against the thresholds of the recommended and the next tier."""
    tier = card.tier
    if tier is None:
        return None
    config = card.store.config
    rows = []
    for label, measure, unit, key in (("partner revenue, trailing four quarters", "revenue_4q", "currency", "min_revenue"),
                                      ("certifications earned", "certifications", "count", "min_certifications"),
                                      ("engagement score", "engagement", "score", "min_engagement")):
        row = {"measure": label, "now": format_value(tier.get(measure), unit, card.store.currency)}
        for name in (tier.get("recommended_tier"), tier.get("next_tier")):
            if name and name in config.tier_thresholds:
                row[f"{name} needs"] = format_value(getattr(config.tier_thresholds[name], key), unit,
                                                    card.store.currency)
        rows.append(row)
    frame = pd.DataFrame(rows)
    return table(frame, numbers=tuple(c for c in frame.columns if c != "measure"))


def definitions(card: Scorecard) -> Html:
    """What each metric of the scorecard means, from the catalog, so that the report explains itself
    without the glossary beside it."""
    rows = [{"metric": line.spec.label, "definition": line.spec.definition} for line in card.lines]
    return table(pd.DataFrame(rows))


# -- internals -------------------------------------------------------------------------------------------------

def _span(card: Scorecard, quarters: int) -> tuple[str, str]:
    periods = card.store.periods()
    end = periods.index(card.quarter)
    return periods[max(0, end - quarters + 1)], card.quarter


def _partner_trend(card: Scorecard, lines, title: str, quarters: int) -> Figure:
    span = _span(card, quarters)
    wide = pd.DataFrame({label: card.store.series(metric, card.partner, periods=span)
                         for metric, label in lines if available(card.store, metric)})
    return trend_plot(wide, title, "currency", card.store.currency)


def _gaps(tier: dict, currency: str) -> list[str]:
    needs = []
    if tier.get("revenue_gap", 0) and tier["revenue_gap"] > 0:
        needs.append(f"{compact(tier['revenue_gap'], 'currency', currency)} more partner revenue over four quarters")
    if tier.get("certifications_gap", 0) and tier["certifications_gap"] > 0:
        needs.append(f"{tier['certifications_gap']:.0f} more certification{'s' if tier['certifications_gap'] > 1 else ''}")
    if tier.get("engagement_gap", 0) and tier["engagement_gap"] > 0:
        needs.append(f"{tier['engagement_gap']:.0f} more engagement points")
    return needs


def _tier_row(store: KpiStore, partner: str, quarter: str) -> dict | None:
    """The partner's row of the tier analysis for the quarter (the analysis of every partner is computed
    once per build and quarter, and shared by the scorecards of one batch)."""
    tiers = _tiers(str(store.processed_dir), data_fingerprint(store), quarter)
    rows = tiers[tiers["partner_id"] == partner]
    if rows.empty:
        return None
    row = rows.iloc[0].to_dict()
    return {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}


@lru_cache(maxsize=8)
def _tiers(processed_dir: str, fingerprint: str, quarter: str) -> pd.DataFrame:
    return partner_tiers(KpiStore(processed_dir), quarter).table.copy()
