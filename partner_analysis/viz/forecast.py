"""Forecast fan chart: history, the median forecast with its 95 % prediction interval, and the one-quarter-
ahead backtest forecasts against what happened."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..stats.result import StatResult
from .theme import GROUP_COLOURS, money_formatter


def forecast_fan_chart(result: StatResult, currency: str = "USD") -> Figure:
    """One panel per group (sourced, influenced)."""
    history, table = result.details["history"], result.table
    backtest = result.details.get("backtest")
    groups = list(dict.fromkeys(table["group"])) if len(table) else []
    fig, axes = plt.subplots(len(groups) or 1, 1, figsize=(8.5, 3.6 * max(len(groups), 1)), squeeze=False, sharex=True)
    quarters = list(history["quarter"]) + [q for q in table["quarter"].unique() if q not in set(history["quarter"])]
    position = {q: i for i, q in enumerate(quarters)}
    for ax, group in zip(axes[:, 0], groups):
        colour = GROUP_COLOURS.get(group)
        ax.plot([position[q] for q in history["quarter"]], history[group], marker="o", color=colour, label="actual")
        rows = table[table["group"] == group]
        x = [position[q] for q in rows["quarter"]]
        ax.plot(x, rows["forecast"], marker="o", ls="--", color=colour, label="forecast (median)")
        ax.fill_between(x, rows["pi_low"], rows["pi_high"], color=colour, alpha=0.2, label="95% prediction interval")
        ax.bar(x, rows["open_pipeline_expected"], width=0.5, color="#999999", alpha=0.5, label="expected from open pipeline")
        if backtest is not None and len(backtest):
            one = backtest[(backtest["group"] == group) & (backtest["horizon"] == 1)]
            ax.errorbar([position[q] for q in one["quarter"]], one["forecast"],
                        yerr=[one["forecast"] - one["pi_low"], one["pi_high"] - one["forecast"]], fmt="s", ms=4,
                        color="#444444", capsize=2, label="backtest, 1 quarter ahead")
        ax.yaxis.set_major_formatter(money_formatter(currency))
        ax.set_ylabel(f"won revenue per quarter ({currency})")
        ax.set_xlabel("fiscal quarter")
        ax.set_title(f"Partner-{group} revenue: history, forecast and backtest", loc="left")
        ax.legend(fontsize=7, loc="upper left")
    axes[-1, 0].set_xticks(range(len(quarters)), quarters, rotation=45)
    fig.tight_layout()
    return fig
