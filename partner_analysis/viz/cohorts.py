"""Cohort charts: partner activation by join quarter, revenue ramp, customer retention matrix and
revenue-retention curves."""
from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure

from ..stats.result import StatResult
from .theme import GROUP_COLOURS, money_formatter, percent_formatter


def activation_heatmap(result: StatResult) -> Figure:
    """Share of each join cohort with a first sourced deal within 30, 60 and 90 days (Kaplan–Meier)."""
    table = result.table[result.table["cohort"] != "all"].set_index("cohort")[["within_30d", "within_60d", "within_90d"]]
    table.columns = ["30 days", "60 days", "90 days"]
    fig, ax = plt.subplots(figsize=(5.5, 0.35 * len(table) + 1.6))
    sns.heatmap(table, annot=True, fmt=".0%", cmap="Greens", vmin=0, vmax=1, cbar_kws={"label": "share of cohort"}, ax=ax)
    ax.set_xlabel("first sourced deal within")
    ax.set_ylabel("join quarter")
    ax.set_title("Partner activation by join cohort")
    fig.tight_layout()
    return fig


def revenue_ramp_plot(result: StatResult, currency: str = "USD") -> Figure:
    """Mean cumulative won revenue per partner by months since joining, one line per join cohort."""
    ramp = result.details["revenue_ramp"]
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    sns.lineplot(data=ramp, x="months_since_joining", y="mean_cumulative_revenue", hue="cohort", palette="viridis",
                 ax=ax, legend="brief")
    ax.yaxis.set_major_formatter(money_formatter(currency))
    ax.set_xlabel("months since joining")
    ax.set_ylabel(f"mean cumulative won revenue per partner ({currency})")
    ax.set_title("Partner revenue ramp by join cohort")
    ax.legend(title="join quarter", fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def retention_heatmap(result: StatResult, channel: str = "partner", max_months: int = 24) -> Figure:
    """Share of each acquisition-month cohort of ``channel`` still active N months on."""
    table = result.table[(result.table["channel"] == channel) & (result.table["months_since_acquisition"] <= max_months)]
    matrix = table.pivot(index="cohort", columns="months_since_acquisition", values="retained")
    fig, ax = plt.subplots(figsize=(10, 0.22 * len(matrix) + 1.8))
    sns.heatmap(matrix, cmap="Blues", vmin=0.5, vmax=1, cbar_kws={"label": "share still active", "format": percent_formatter()},
                ax=ax)
    ax.set_xlabel("months since acquisition")
    ax.set_ylabel("acquisition month")
    ax.set_title(f"Customer retention by acquisition cohort: {channel} customers")
    fig.tight_layout()
    return fig


def revenue_retention_plot(result: StatResult) -> Figure:
    """MRR N months after acquisition as a share of the cohorts' first-month MRR, by channel."""
    curves = result.details["revenue_retention"]
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for channel, rows in curves.groupby("channel"):
        ax.plot(rows["months_since_acquisition"], rows["revenue_retained"], marker="o", ms=3,
                color=GROUP_COLOURS.get(channel), label=channel)
    ax.axhline(1.0, color="#555555", lw=1, ls="--")
    ax.yaxis.set_major_formatter(percent_formatter())
    ax.set_xlabel("months since acquisition")
    ax.set_ylabel("MRR retained (share of first-month MRR)")
    ax.set_title("Revenue retention of customer cohorts by channel (raw)")
    ax.legend(title="channel")
    fig.tight_layout()
    return fig
