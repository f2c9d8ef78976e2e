"""Partner vs direct: a forest plot of adjusted and raw effects with their intervals, and Kaplan–Meier curves."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, NullFormatter

from ..stats.result import StatResult
from .theme import GROUP_COLOURS, percent_formatter, ratio_formatter

_EFFECT_AXIS = {"ratio": "ratio to direct (log scale)", "odds_ratio": "odds ratio to direct (log scale)",
                "hazard_ratio": "hazard ratio to direct (log scale)", "difference": "difference to direct (NPS points)"}
_TITLES = {"deal_size": "Won-deal size", "win_rate": "Win rate", "sales_cycle": "Won-deal cycle length",
           "customer_churn": "Customer churn", "nps": "Customer NPS", "customer_lifetime_value": "Customer lifetime value"}


def forest_plot(result: StatResult) -> Figure:
    """One panel per analysis: each group's adjusted effect (filled) and raw effect (hollow) with 95 % CI,
    against the line of no difference."""
    table = result.table[np.isfinite(result.table["estimate"].astype("float64"))]
    analyses = [a for a in _TITLES if a in set(table["analysis"])]
    fig, axes = plt.subplots(len(analyses) or 1, 1, figsize=(7.5, 1.6 + 1.25 * max(len(analyses), 1)), squeeze=False)
    for ax, analysis in zip(axes[:, 0], analyses):
        rows = table[table["analysis"] == analysis]
        groups = list(dict.fromkeys(rows["group"]))
        for i, group in enumerate(groups):
            for adjusted, offset in ((True, 0.15), (False, -0.15)):
                row = rows[(rows["group"] == group) & (rows["adjusted_for"].map(bool) == adjusted)]
                if not len(row):
                    continue
                r = row.iloc[0]
                colour = GROUP_COLOURS.get(group, "#333333")
                ax.errorbar(r["estimate"], i + offset, xerr=[[r["estimate"] - r["ci_low"]], [r["ci_high"] - r["estimate"]]],
                            fmt="o", color=colour, mfc=colour if adjusted else "white", capsize=3,
                            label=("adjusted" if adjusted else "raw") if i == 0 else None)
        effect = rows["effect"].iloc[0]
        ax.axvline(0.0 if effect == "difference" else 1.0, color="#555555", lw=1, ls="--")
        if effect != "difference":
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(base=10, subs=(0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0)))
            ax.xaxis.set_major_formatter(ratio_formatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(range(len(groups)), groups)
        ax.set_ylim(-0.6, len(groups) - 0.4)
        ax.set_title(_TITLES[analysis], loc="left", fontsize=10)
        ax.set_xlabel(_EFFECT_AXIS[effect])
        ax.set_ylabel("group")
    if analyses:
        axes[0, 0].legend(loc="best", fontsize=8)
    fig.suptitle("Partner vs direct: adjusted (filled) and raw (hollow) effects, 95% CI", fontweight="bold",
                 fontsize=11, x=0.02, ha="left")
    fig.tight_layout()
    return fig


def survival_plot(curves: pd.DataFrame, title: str, time_label: str = "days",
                  survival_label: str = "share not yet closed") -> Figure:
    """Kaplan–Meier curves (``group``, ``time``, ``survival``, ``ci_low``, ``ci_high``) as steps with their
    95 % pointwise bands."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for group, curve in curves.groupby("group", sort=False):
        colour = GROUP_COLOURS.get(group)
        ax.step(curve["time"], curve["survival"], where="post", color=colour, label=f"{group} (n={curve['at_risk'].iloc[0]:,})")
        ax.fill_between(curve["time"], curve["ci_low"], curve["ci_high"], step="post", color=colour, alpha=0.18, lw=0)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(percent_formatter())
    ax.set_xlabel(time_label)
    ax.set_ylabel(survival_label)
    ax.set_title(title)
    ax.legend(loc="best", fontsize=9)
    fig.tight_layout()
    return fig
