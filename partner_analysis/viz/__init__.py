"""Plots for every analysis, in one seaborn theme; each helper takes a :class:`StatResult` and returns a
matplotlib Figure, titled, with axes labelled in their units — notebooks only call and display them."""
from .cohorts import activation_heatmap, retention_heatmap, revenue_ramp_plot, revenue_retention_plot
from .compare import forest_plot, survival_plot
from .forecast import forecast_fan_chart
from .kpis import bar_plot, funnel_chart, peer_plot, trend_plot
from .leading import leading_indicator_plot
from .rankings import funnel_plot
from .theme import apply_theme, money_formatter, percent_formatter, ratio_formatter
from .tiers import tier_plot

__all__ = ["activation_heatmap", "apply_theme", "bar_plot", "forecast_fan_chart", "forest_plot", "funnel_chart",
           "funnel_plot", "peer_plot", "trend_plot",
           "leading_indicator_plot", "money_formatter", "percent_formatter", "ratio_formatter",
           "retention_heatmap", "revenue_ramp_plot", "revenue_retention_plot", "survival_plot", "tier_plot"]
