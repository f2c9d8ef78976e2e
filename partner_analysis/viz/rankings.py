"""Honest rankings: a funnel plot of each partner's raw value against its volume, with the program's
control limits; partners flagged after multiple-comparison control in colour."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..stats.result import StatResult
from .theme import FLAG_COLOURS, money_formatter, percent_formatter, ratio_formatter

_AXES = {"win_rate": ("closed deals", "win rate"), "avg_deal_size": ("won deals", "average deal size"),
         "revenue_growth": ("precision of the growth estimate (1 / variance of log growth)", "revenue growth (later / earlier four quarters)")}


def funnel_plot(result: StatResult, currency: str = "USD") -> Figure:
    """Raw value by volume per partner; dashed 95 % and dotted 99.8 % control limits around the program."""
    table, funnel = result.table, result.details.get("funnel")
    metric = table["metric"].iloc[0] if len(table) else "win_rate"
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    if funnel is not None and len(funnel):
        ax.plot(funnel["x"], funnel["program"], color="#333333", lw=1.2, label="program")
        for level, style in (("0.95", "--"), ("0.998", ":")):
            ax.plot(funnel["x"], funnel[f"low_{level}"], color="#666666", ls=style, lw=1,
                    label=f"{float(level):.1%} limits")
            ax.plot(funnel["x"], funnel[f"high_{level}"], color="#666666", ls=style, lw=1)
    for flag, rows in table.groupby("flag"):
        ax.scatter(rows["x"], rows["raw"], s=18, color=FLAG_COLOURS.get(flag, "#999999"), alpha=0.8,
                   label=f"{flag} ({len(rows)})" if flag != "none" else f"not flagged ({len(rows)})", zorder=3)
    ax.set_xscale("log")
    xlabel, ylabel = _AXES[metric]
    ax.set_xlabel(f"{xlabel} (log scale)")
    if metric == "win_rate":
        ax.yaxis.set_major_formatter(percent_formatter())
        ax.set_ylim(-0.02, 1.02)
    elif metric == "avg_deal_size":
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(money_formatter(currency))
        ylabel += f" ({currency}, log scale)"
    else:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(ratio_formatter())
        ylabel += " (log scale)"
    ax.set_ylabel(ylabel)
    ax.set_title(f"Funnel plot: {metric.replace('_', ' ')} by partner (flags at q < 0.10)")
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig
