"""Charts of KPIs from the store: trends over quarters, partner bars, a funnel, a partner against its
peers. Each is titled, its value axis labelled in the metric's unit (money, percent, days...)."""
from __future__ import annotations

from typing import Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator

from .theme import GROUP_COLOURS, money_formatter, percent_formatter

#: Axis label per metric unit.
UNIT_LABELS = {"currency": "{currency}", "count": "count", "ratio": "percent", "days": "days", "hours": "hours",
               "score": "score", "multiple": "multiple (x)"}


def format_axis(axis, unit: str, currency: str = "USD") -> None:
    """Tick labels in the unit: ``USD 1.2M``, ``45%``, thousands separators for counts (at whole
    numbers only); few enough ticks that money labels never run into each other."""
    axis.set_major_locator(MaxNLocator(nbins=5, integer=unit == "count"))
    if unit == "currency":
        axis.set_major_formatter(money_formatter(currency))
    elif unit == "ratio":
        axis.set_major_formatter(percent_formatter())
    else:
        axis.set_major_formatter(plt.FuncFormatter(lambda v, _p=None: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}"))


def _zero_axis_when_all_zero(axis, values) -> None:
    """An axis whose values are all zero (missing ones aside) shows 0 at the bottom and that one
    tick, not matplotlib's range of +-0.05, whose ticks would all read ``USD 0``."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size and not values.any():
        if axis is axis.axes.yaxis:
            axis.axes.set_ylim(0, 1)
        else:
            axis.axes.set_xlim(0, 1)
        axis.set_major_locator(FixedLocator([0]))


def unit_label(unit: str, currency: str = "USD") -> str:
    return UNIT_LABELS.get(unit, unit).format(currency=currency)


def trend_plot(table: pd.DataFrame, title: str, unit: str, currency: str = "USD",
               ylabel: str | None = None) -> Figure:
    """Lines over periods, one per column of ``table`` (periods as index); missing values leave gaps."""
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    x = np.arange(len(table.index))
    for column in table.columns:
        ax.plot(x, table[column].to_numpy(dtype=float), marker="o", lw=2, ms=4, label=str(column),
                color=GROUP_COLOURS.get(str(column)))
    ax.set_xticks(x, list(table.index), rotation=0 if len(x) <= 8 else 45)
    format_axis(ax.yaxis, unit, currency)
    ax.set_ylabel(ylabel or unit_label(unit, currency))
    ax.set_xlabel("fiscal quarter" if str(table.index[0])[4:5] == "Q" else "month")
    values = table.to_numpy(dtype=float)
    if unit in ("currency", "count", "days", "hours", "score", "multiple") and np.nanmin(values, initial=0) >= 0:
        ax.set_ylim(bottom=0)  # amounts from zero; rates are scaled to their range, so changes show
    _zero_axis_when_all_zero(ax.yaxis, values)
    ax.set_title(title, loc="left")
    if len(table.columns) > 1:
        ax.legend(fontsize=8, frameon=False, ncol=min(len(table.columns), 5), loc="best")
    fig.tight_layout()
    return fig


def bar_plot(labels: Sequence[str], values: Sequence[float], title: str, unit: str, currency: str = "USD",
             xlabel: str | None = None) -> Figure:
    """Horizontal bars, first label on top (a ranking)."""
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.32 * max(len(labels), 1)))
    y = np.arange(len(labels))
    ax.barh(y, np.asarray(values, dtype=float), color=GROUP_COLOURS["partner"])
    ax.set_yticks(y, list(labels))
    ax.invert_yaxis()
    format_axis(ax.xaxis, unit, currency)
    _zero_axis_when_all_zero(ax.xaxis, values)
    ax.set_xlabel(xlabel or unit_label(unit, currency))
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig


def span_plot(labels: Sequence[str], starts: Sequence, ends: Sequence, as_of, title: str) -> Figure:
    """One bar per label from its start to its end date, with the as-of date marked."""
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.34 * max(len(labels), 1)))
    left = mdates.date2num(pd.to_datetime(pd.Series(starts)).dt.to_pydatetime())
    right = mdates.date2num(pd.to_datetime(pd.Series(ends)).dt.to_pydatetime())
    y = np.arange(len(labels))
    ax.barh(y, np.maximum(right - left, 1.0), left=left, color=GROUP_COLOURS["partner"], alpha=0.8)
    ax.axvline(mdates.date2num(pd.Timestamp(as_of).to_pydatetime()), color="#b03a2e", lw=1, ls="--", label="as of")
    ax.xaxis_date()
    ax.set_yticks(y, list(labels))
    ax.invert_yaxis()
    ax.set_xlabel("date")
    ax.set_title(title, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="lower left")
    fig.tight_layout()
    return fig


def funnel_chart(stages: Sequence[tuple[str, float, str]], title: str) -> Figure:
    """A funnel: one bar per stage with its count and a note (e.g. the share kept from the stage before)."""
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.5 * max(len(stages), 1)))
    labels = [s[0] for s in stages]
    counts = np.array([s[1] for s in stages], dtype=float)
    y = np.arange(len(stages))
    ax.barh(y, counts, color=GROUP_COLOURS["partner"], alpha=0.85)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    top = counts.max() if len(counts) and counts.max() > 0 else 1.0
    for i, (count, (_, _, remark)) in enumerate(zip(counts, stages)):
        ax.text(count + top * 0.01, i, f"{count:,.0f}" + (f"  ({remark})" if remark else ""), va="center", fontsize=9)
    ax.set_xlim(0, top * 1.6)
    format_axis(ax.xaxis, "count")
    _zero_axis_when_all_zero(ax.xaxis, counts)
    ax.set_xlabel("count")
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig


def peer_plot(rows: pd.DataFrame, title: str) -> Figure:
    """A partner among its peers, one row per metric: its percentile (0-100, higher is better: a
    lower-is-better metric is flipped before), the peers' middle half shaded, and the partner's value
    beside the peer median as text. ``rows``: ``label``, ``percentile`` (0-1), ``note``."""
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.5 * max(len(rows), 1)))
    y = np.arange(len(rows))
    ax.barh(y, 0.5, left=0.25, color="#e4ebf1", height=0.6, label="peers' middle half")
    ax.hlines(y, 0, 1, color="#9aa5b1", lw=1)
    ax.scatter(rows["percentile"].to_numpy(dtype=float), y, color=GROUP_COLOURS["partner"], s=70, zorder=3,
               label="your position")
    for i, note in enumerate(rows["note"]):
        ax.text(1.03, i, note, va="center", fontsize=8, color="#52606d")
    ax.set_yticks(y, list(rows["label"]))
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(percent_formatter())
    ax.set_xlabel("percentile among peers (further right is better)")
    ax.set_title(title, loc="left")
    axes_inches = max(fig.get_figheight() - 1.0, 0.5)
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.65 / axes_inches), ncol=2)
    fig.tight_layout()
    return fig
