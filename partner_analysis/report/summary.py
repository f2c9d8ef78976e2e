"""The KPI summary printed by ``partner-analysis demo`` and ``build``: headline metrics of one period."""
from __future__ import annotations

import pandas as pd

from ..kpis.registry import REGISTRY
from .formatting import format_value

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
        label = spec.label + ("" if attribution == "all" else f" ({attribution})")
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
