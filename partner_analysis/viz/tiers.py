"""Tiers: partners per recommended tier against their current tier, and how many are at risk."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ..stats.result import StatResult


def tier_plot(result: StatResult, tiers: list[str] | None = None) -> Figure:
    """Partners by recommended tier, split into those at risk of falling a tier next quarter and the rest,
    beside the count by current tier."""
    table = result.table
    order = tiers or list(dict.fromkeys(table["recommended_tier"].dropna()))
    counts = pd.DataFrame({
        "safe": table[~table["at_risk"]].groupby("recommended_tier").size(),
        "at risk": table[table["at_risk"]].groupby("recommended_tier").size(),
    }).reindex(order).fillna(0)
    current = table["current_tier"].value_counts().reindex(order).fillna(0) if table["current_tier"].notna().any() else None
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.bar(range(len(order)), counts["safe"], color="#2166ac", label="recommended, safe")
    ax.bar(range(len(order)), counts["at risk"], bottom=counts["safe"], color="#f4a582", label="recommended, at risk")
    if current is not None:
        ax.scatter(range(len(order)), current, color="#333333", marker="D", zorder=3, label="current tier")
    ax.set_xticks(range(len(order)), order)
    ax.set_xlabel("tier")
    ax.set_ylabel("partners (count)")
    ax.set_title(result.title)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig
