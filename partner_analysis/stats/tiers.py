"""Tiers: the tier each partner qualifies for under the configured thresholds (``tier_thresholds``), what it
lacks for the next tier up, and the partners at risk of falling a tier next quarter.

A tier's rule (:class:`partner_analysis.config.TierRule`) needs all of: partner won revenue (sourced and
influenced deals of the partner, by closing date) over the trailing four quarters, certifications earned up
to the quarter's end, and the quarter's engagement score.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import code_bounds, code_labels, label_code, period_codes
from .result import StatResult
from .source import StatsSource, as_source

_MEASURES = ("revenue", "certifications", "engagement")


def _quarter(source: StatsSource, quarter: str | None) -> int:
    fiscal = source.config.fiscal_year_start_month
    if quarter is not None:
        return label_code(quarter, "quarter")
    last = int(period_codes(pd.Series([source.as_of]), "quarter", fiscal)[0])
    return last if code_bounds(last, "quarter", fiscal)[1] <= source.as_of + pd.Timedelta(days=1) else last - 1


def _revenue_by_quarter(source: StatsSource, codes: range) -> pd.DataFrame:
    deals = source.table("deals")
    won = deals[(deals["stage"] == "won").to_numpy() & deals["partner_id"].notna().to_numpy()
                & (deals["closed_at"] <= source.as_of).to_numpy()]
    frame = pd.DataFrame({"partner_id": won["partner_id"].to_numpy(), "amount": won["amount"].to_numpy(),
                          "quarter": period_codes(won["closed_at"], "quarter", source.config.fiscal_year_start_month)})
    table = frame.pivot_table(index="partner_id", columns="quarter", values="amount", aggfunc="sum", fill_value=0.0)
    return table.reindex(columns=list(codes), fill_value=0.0)


def _engagement(source: StatsSource, codes: list[int]) -> pd.DataFrame:
    rows = source.kpis(["engagement_score"])
    rows = rows[(rows["metric"] == "engagement_score") & rows["partner_id"].notna() & (rows["attribution"] == "all")]
    labels = dict(zip(code_labels(np.array(codes), "quarter"), codes))
    rows = rows[rows["period"].isin(list(labels))]
    table = pd.DataFrame({"partner_id": rows["partner_id"].astype(str).to_numpy(),
                          "quarter": rows["period"].map(labels).to_numpy(),
                          "score": pd.to_numeric(rows["value"]).to_numpy()})
    return table.pivot_table(index="partner_id", columns="quarter", values="score", aggfunc="first")


def _certifications(source: StatsSource, end: pd.Timestamp) -> pd.Series:
    if not source.has("activities"):
        return pd.Series(dtype="float64")
    acts = source.table("activities")
    earned = acts[(acts["activity"] == "certification_earned").to_numpy() & (acts["occurred_at"] < end).to_numpy()]
    return earned.groupby("partner_id", observed=True).size().astype("float64")


def _qualifies(rules: dict, revenue, certifications, engagement) -> np.ndarray:
    """The highest tier (rules are highest first) whose every minimum is met, per partner."""
    names = list(rules)
    tier = np.full(len(revenue), names[-1], dtype=object)
    met_any = np.zeros(len(revenue), dtype=bool)
    for name, rule in rules.items():
        ok = (revenue >= rule.min_revenue) & (certifications >= rule.min_certifications) & \
             (engagement >= rule.min_engagement) & ~met_any
        tier[ok] = name
        met_any |= ok
    tier[~met_any] = None
    return tier


def partner_tiers(data, quarter: str | None = None, config=None) -> StatResult:
    """Recommended tier per partner for ``quarter`` (default: the latest complete one), the gap to the next
    tier, and whether the partner is at risk of falling a tier next quarter.

    At risk: next quarter's trailing revenue keeps the last three quarters and adds one like the partner's
    average quarter of the trailing four; certifications carry over; engagement is taken as the mean of this
    quarter's and the previous one's. A partner whose projection misses a minimum of its tier is at risk,
    with the reason.

    Returns
    -------
    StatResult
        ``table``: partner_id, partner_name, current_tier (partners table), recommended_tier, revenue_4q,
        certifications, engagement, next_tier, revenue_gap, certifications_gap, engagement_gap, at_risk,
        at_risk_reason.
    """
    source = as_source(data, config)
    rules = dict(source.config.tier_thresholds)
    if not (source.has("partners") and source.has("deals")):
        return StatResult("tiers", "Partner tiers", pd.DataFrame(), insufficient=("tiers need the partners and deals tables",))
    code = _quarter(source, quarter)
    fiscal = source.config.fiscal_year_start_month
    label = code_labels(np.array([code]), "quarter")[0]
    partners = source.table("partners")
    end = code_bounds(code, "quarter", fiscal)[1]
    partners = partners[(partners["joined_at"] < end).to_numpy()
                        & ~(partners["left_at"] < end).fillna(False).to_numpy()]
    ids = partners["partner_id"].to_numpy()
    revenue = _revenue_by_quarter(source, range(code - 3, code + 1)).reindex(ids, fill_value=0.0)
    quarterly = revenue.to_numpy()
    revenue_4q = quarterly.sum(axis=1)
    certs = _certifications(source, end).reindex(ids, fill_value=0.0).to_numpy()
    scores = _engagement(source, [code - 1, code]).reindex(index=ids, columns=[code - 1, code])
    engagement = scores[code].fillna(0.0).to_numpy()
    recommended = _qualifies(rules, revenue_4q, certs, engagement)
    names = list(rules)
    table = pd.DataFrame({"partner_id": ids, "partner_name": partners["partner_name"].to_numpy(),
                          "current_tier": partners["tier"].to_numpy() if "tier" in partners else None,
                          "recommended_tier": recommended, "revenue_4q": revenue_4q, "certifications": certs,
                          "engagement": engagement})
    position = np.array([names.index(t) if t is not None else len(names) for t in recommended])
    nxt = np.where(position > 0, position - 1, -1)
    table["next_tier"] = [names[k] if k >= 0 else None for k in nxt]
    for measure, have, attr in (("revenue", revenue_4q, "min_revenue"), ("certifications", certs, "min_certifications"),
                                ("engagement", engagement, "min_engagement")):
        need = np.array([getattr(rules[names[k]], attr) if k >= 0 else np.nan for k in nxt], dtype="float64")
        table[f"{measure}_gap"] = np.where(np.isnan(need), np.nan, np.maximum(need - have, 0.0))
    projected_revenue = quarterly[:, 1:].sum(axis=1) + quarterly.mean(axis=1)
    projected_engagement = np.nanmean(np.column_stack([scores[code - 1].to_numpy(), scores[code].to_numpy()]), axis=1)
    projected_engagement = np.where(np.isnan(projected_engagement), 0.0, projected_engagement)
    reasons = []
    for tier, rev, cert, eng in zip(recommended, projected_revenue, certs, projected_engagement):
        if tier is None or tier == names[-1]:
            reasons.append("")
            continue
        rule = rules[tier]
        short = [f"projected revenue {rev:,.0f} < {rule.min_revenue:,.0f}" if rev < rule.min_revenue else "",
                 f"certifications {cert:.0f} < {rule.min_certifications}" if cert < rule.min_certifications else "",
                 f"projected engagement {eng:.0f} < {rule.min_engagement:.0f}" if eng < rule.min_engagement else ""]
        reasons.append("; ".join(s for s in short if s))
    table["at_risk"] = [bool(r) for r in reasons]
    table["at_risk_reason"] = reasons
    table = table.sort_values(["recommended_tier", "revenue_4q"], key=lambda s: s.map(
        {n: i for i, n in enumerate(names)}) if s.name == "recommended_tier" else -s, kind="stable").reset_index(drop=True)
    counts = table["recommended_tier"].value_counts()
    sentences = [f"{label}: " + ", ".join(f"{int(counts.get(n, 0))} {n}" for n in names) + " partners under the "
                 "configured thresholds"
                 + (f"; {int((table['recommended_tier'] != table['current_tier']).sum())} differ from their current tier"
                    if table["current_tier"].notna().any() else "") + ".",
                 f"{int(table['at_risk'].sum())} partners are at risk of falling a tier next quarter."]
    return StatResult(
        analysis="tiers", title=f"Partner tiers, {label}", table=table, sentences=tuple(sentences),
        method="Tier = the highest configured tier whose minimums are all met: won partner revenue over the four "
               f"quarters to {label}, certifications earned up to its end, its engagement score. Gaps are to the "
               "next tier up. At risk: the projected next quarter (revenue: the last three quarters plus the "
               "average quarter; engagement: mean of the last two quarters) misses a minimum of the current tier.",
        shown=("partner_id", "partner_name", "current_tier", "recommended_tier", "revenue_4q", "certifications",
               "engagement", "next_tier", "revenue_gap", "at_risk"))
