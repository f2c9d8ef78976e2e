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
