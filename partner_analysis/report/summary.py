"""The summary printed by ``partner-analysis demo``: headline metrics of one period and partner vs direct
adjusted for mix (the raw partner/direct splits labelled raw)."""
from __future__ import annotations

import math

import pandas as pd

from ..kpis.registry import REGISTRY
from ..formatting import format_value

#: (metric id, attribution) shown in the summary, in order.
HEADLINES = (
    ("partner_revenue_share", "all"), ("sourced_revenue", "all"), ("influenced_revenue", "all"),
    ("direct_revenue", "all"), ("pipeline_created", "partner"), ("open_pipeline_value", "partner"),
    ("win_rate", "partner"), ("win_rate", "direct"), ("avg_deal_size", "partner"), ("avg_deal_size", "direct"),
    ("sales_cycle_days", "partner"), ("sales_cycle_days", "direct"), ("active_partners", "all"),
    ("activation_rate", "all"), ("engagement_score", "all"), ("net_revenue_retention", "all"),
    ("churn_rate", "partner"), ("churn_rate", "direct"), ("partner_roi", "all"),
)


#: Metrics by join cohort whose latest periods are not reported until the cohort has matured.
COHORT_METRICS = ("activation_rate",)


#: KPI rows of the headline table that split partner and direct: raw means, labelled as such, since the
#: partner-vs-direct table beside them gives the comparison adjusted for mix.
RAW_SPLITS = ("win_rate", "avg_deal_size", "sales_cycle_days", "churn_rate")



def headline_table(kpis: pd.DataFrame, period: str, currency: str = "USD") -> pd.DataFrame:
    """Program-wide headline metrics for ``period`` and the period before it."""
    program = kpis[kpis["partner_id"].isna()]
    periods = sorted(program["period"].unique())
    previous = periods[periods.index(period) - 1] if period in periods and periods.index(period) > 0 else None
    rows = []
    for metric_id, attribution in HEADLINES:
        if metric_id not in REGISTRY:
            continue
        spec = REGISTRY[metric_id].spec
        sel = program[(program["metric"] == metric_id) & (program["attribution"] == attribution)]
        values = sel.set_index("period")["value"]
        label = spec.label + ("" if attribution == "all" else
                              f" ({attribution}, raw)" if metric_id in RAW_SPLITS else f" ({attribution})")
        now, before = values.get(period, float("nan")), values.get(previous, float("nan"))
        if metric_id in COHORT_METRICS:
            # Recent join cohorts are not reported yet: show the two latest that are.
            ready = values.dropna().sort_index()
            ready = ready[ready.index <= period]
            now, before = (ready.iloc[-1] if len(ready) else float("nan")), (ready.iloc[-2] if len(ready) > 1 else float("nan"))
            label += f" (cohorts {', '.join(reversed(ready.index[-2:]))})" if len(ready) else ""
        rows.append({
            "metric": label,
            period: format_value(now, spec.unit, currency),
            previous or "previous": format_value(before, spec.unit, currency),
        })
    return pd.DataFrame(rows)


_COMPARISON_LABELS = {"deal_size": "Won-deal size", "win_rate": "Odds of winning", "sales_cycle": "Won-deal cycle",
                      "customer_churn": "Churn hazard", "nps": "Customer NPS", "customer_lifetime_value": "Lifetime value"}


def _effect_text(estimate: float, low: float | None = None, high: float | None = None, points: bool = False) -> str:
    if estimate is None or not math.isfinite(estimate):
        return "–"
    value = f"{estimate:+.1f} pts" if points else f"{estimate:.2f}x"
    if low is None:
        return value
    interval = f"{low:+.1f} to {high:+.1f}" if points else f"{low:.2f}–{high:.2f}"
    return f"{value} ({interval})"


def comparison_summary(result) -> pd.DataFrame:
    """Partner vs direct for the summary: each comparison's adjusted effect with its 95 % CI beside the raw one.

    ``result`` is the :func:`partner_analysis.stats.partner_vs_direct` result.
    """
    table = result.table
    rows = []
    for (analysis, group), part in table.groupby(["analysis", "group"], sort=False):
        adjusted = part[part["adjusted_for"].map(bool)]
        raw = part[~part["adjusted_for"].map(bool) & ~part["method"].str.startswith("insufficient")]
        points = analysis == "nps"
        if len(adjusted):
            a = adjusted.iloc[0]
            shown, dims = _effect_text(a["estimate"], a["ci_low"], a["ci_high"], points), ", ".join(a["adjusted_for"])
        else:
            shown, dims = "insufficient data", ""
        rows.append({"comparison": f"{_COMPARISON_LABELS[analysis]} vs direct", "group": group,
                     "adjusted (95% CI)": shown, "raw": _effect_text(raw.iloc[0]["estimate"], points=points) if len(raw) else "–",
                     "adjusted for": dims})
    return pd.DataFrame(rows)
