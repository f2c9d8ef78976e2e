"""Leading indicators: each indicator's effect on next quarter's opportunities with its interval."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..stats.result import StatResult


def leading_indicator_plot(result: StatResult) -> Figure:
    """Elasticities (and the engagement score's rate ratio per 10 points) with 95 % CI, one row per indicator."""
    table = result.table
    elastic = table[table["effect"] == "elasticity"]
    score = table[table["effect"] != "elasticity"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.45 * max(len(elastic), 2) + 1.8),
                             gridspec_kw={"width_ratios": [3, 2]})
    for ax, rows, null, label in ((axes[0], elastic, 0.0, "elasticity of next-quarter opportunities"),
                                  (axes[1], score, 1.0, "rate ratio per 10 points")):
        ax.errorbar(rows["estimate"], range(len(rows)), xerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
                    fmt="o", color="#2166ac", capsize=3)
        ax.axvline(null, color="#555555", ls="--", lw=1)
        ax.set_yticks(range(len(rows)), [i.replace("_", " ") for i in rows["indicator"]])
        ax.set_xlabel(label)
        ax.set_ylabel("indicator this quarter")
    axes[0].set_title("Activity counts", loc="left", fontsize=10)
    axes[1].set_title("Engagement score", loc="left", fontsize=10)
    fig.suptitle("Engagement this quarter vs the partner's opportunities next quarter (95% CI)", fontweight="bold")
    fig.tight_layout()
    return fig
