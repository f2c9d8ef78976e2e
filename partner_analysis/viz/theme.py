"""One look for every chart: a seaborn theme applied by a call (never at import) and the number formats
the reports use on axes."""
from __future__ import annotations

import matplotlib.ticker as mticker
import seaborn as sns

#: Colours of the comparison groups, the same in every chart.
GROUP_COLOURS = {"sourced": "#1b7837", "influenced": "#5aae61", "partner": "#2166ac", "direct": "#b2182b",
                 "all": "#4d4d4d"}
FLAG_COLOURS = {"above": "#1b7837", "below": "#b2182b", "none": "#9e9e9e"}


def apply_theme() -> None:
    """Set the project's seaborn theme (white grid, readable fonts) for the charts drawn after it."""
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind",
                  rc={"axes.titleweight": "bold", "axes.titlesize": 12, "figure.dpi": 100, "savefig.dpi": 120,
                      "axes.spines.top": False, "axes.spines.right": False})


def money_formatter(currency: str = "USD") -> mticker.FuncFormatter:
    """Axis labels like ``USD 1.2M``, ``USD 350k``."""
    def fmt(value, _pos=None):
        size = abs(value)
        for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if size >= limit:
                return f"{currency} {value / limit:.3g}{suffix}"
        return f"{currency} {value:.0f}"
    return mticker.FuncFormatter(fmt)


def percent_formatter(decimals: int = 0) -> mticker.PercentFormatter:
    """Axis labels of shares (0-1) as percent."""
    return mticker.PercentFormatter(xmax=1.0, decimals=decimals)


def ratio_formatter() -> mticker.FuncFormatter:
    """Axis labels of multiples like ``1.3×``."""
    return mticker.FuncFormatter(lambda value, _pos=None: f"{value:.2g}×")
