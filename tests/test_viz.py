"""Every plotting helper draws its analysis: a Figure with a title and labelled axes, on the demo data."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from partner_analysis import stats as S  # noqa: E402
from partner_analysis import viz as V  # noqa: E402


@pytest.fixture(scope="module")
def figures(planted_source, planted_comparison):
    V.apply_theme()
    cohorts, customers = S.partner_cohorts(planted_source), S.customer_cohorts(planted_source)
    figs = {
        "forest": V.forest_plot(planted_comparison),
        "time_to_close": V.survival_plot(planted_comparison.details["time_to_close"], "Time to close", "days since created"),
        "funnel": V.funnel_plot(S.partner_rankings(planted_source, "win_rate")),
        "funnel_size": V.funnel_plot(S.partner_rankings(planted_source, "avg_deal_size")),
        "activation": V.activation_heatmap(cohorts),
        "ramp": V.revenue_ramp_plot(cohorts),
        "retention": V.retention_heatmap(customers),
        "revenue_retention": V.revenue_retention_plot(customers),
        "leading": V.leading_indicator_plot(S.leading_indicators(planted_source)),
        "forecast": V.forecast_fan_chart(S.revenue_forecast(planted_source)),
        "tiers": V.tier_plot(S.partner_tiers(planted_source)),
    }
    yield figs
    plt.close("all")


def test_every_chart_is_titled_and_its_axes_labelled(figures):
    for name, fig in figures.items():
        titled = fig._suptitle is not None or any(ax.get_title() or ax.get_title(loc="left") for ax in fig.axes)
        assert titled, name
        for ax in fig.axes:
            if ax.get_label() == "<colorbar>":
                continue
            assert ax.get_xlabel() or not ax.get_xticks().size, (name, "x")
            assert ax.get_ylabel(), (name, "y")


def test_forest_plot_draws_one_panel_per_analysis(figures):
    assert len(figures["forest"].axes) == 6


def test_the_theme_is_applied_by_a_call_not_on_import():
    import importlib

    import seaborn as sns

    sns.reset_orig()
    before = dict(matplotlib.rcParams)
    importlib.reload(importlib.import_module("partner_analysis.viz.theme"))
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize("unit", ["currency", "count", "ratio"])
def test_an_all_zero_series_gets_one_zero_tick_and_a_normal_one_distinct_labels(unit):
    import numpy as np
    import pandas as pd
    periods = ["2025Q1", "2025Q2", "2025Q3"]
    zero = V.trend_plot(pd.DataFrame({"sourced": [0.0, 0.0, np.nan]}, index=periods), "Won revenue", unit)
    ax = zero.axes[0]
    zero.canvas.draw()
    assert list(ax.get_yticks()) == [0] and ax.get_ylim() == (0, 1)
    assert [t.get_text() for t in ax.get_yticklabels()] == [{"currency": "USD 0", "count": "0", "ratio": "0%"}[unit]]
    bars = V.bar_plot(["a", "b"], [0.0, 0.0], "Revenue by partner", unit)
    bars.canvas.draw()
    assert list(bars.axes[0].get_xticks()) == [0]
    normal = V.trend_plot(pd.DataFrame({"sourced": [0.0, 1500.0, 3000.0]}, index=periods), "Won revenue", unit)
    normal.canvas.draw()
    labels = [t.get_text() for t in normal.axes[0].get_yticklabels()]
    assert len(labels) > 2 and len(set(labels)) == len(labels)
    plt.close("all")


def test_a_funnel_counts_in_whole_numbers_and_an_empty_one_shows_a_single_zero():
    empty = V.funnel_chart([("registrations submitted", 0, ""), ("deals won", 0, "")], "Your funnel")
    empty.canvas.draw()
    assert list(empty.axes[0].get_xticks()) == [0]
    small = V.funnel_chart([("registrations submitted", 3, ""), ("deals won", 1, "33%")], "Your funnel")
    small.canvas.draw()
    ticks = small.axes[0].get_xticks()
    assert len(ticks) > 1 and all(float(t).is_integer() for t in ticks)
    plt.close("all")
