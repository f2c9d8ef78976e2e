"""Forecast: the quarterly series, the open-pipeline expectation by hand, the backtest, too little history."""
from __future__ import annotations

import pandas as pd
import pytest

from partner_analysis.formatting import compact
from partner_analysis.stats import StatsSource, revenue_forecast
from partner_analysis.stats.forecast import BACKTEST_ORIGINS, quarterly_revenue
from tests.kpis.helpers import validated
from tests.stats.tables import deals, partners


def _growing(quarters: int, start: str = "2023-01-01") -> list[dict]:
    """One won sourced and one won influenced deal per quarter, growing 10% a quarter, closed mid-quarter."""
    rows = []
    for q, first_day in enumerate(pd.date_range(start, periods=quarters, freq="QS")):
        for attribution, base in (("sourced", 1000.0), ("influenced", 400.0)):
            rows.append({"attribution": attribution, "stage": "won", "amount": base * 1.1 ** q,
                         "created_at": first_day.date().isoformat(),
                         "closed_at": (first_day + pd.Timedelta(days=40)).date().isoformat()})
    return rows


def test_quarterly_revenue_by_attribution_with_zeros():
    rows = _growing(3)
    rows.append({"attribution": "direct", "stage": "won", "amount": 7.0, "created_at": "2023-10-02", "closed_at": "2023-12-31"})
    history = quarterly_revenue(validated(partners=partners(), deals=deals(rows)))
    assert list(history.index) == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert history.loc["2023Q2", "sourced"] == pytest.approx(1100.0) and history.loc["2023Q4", "sourced"] == 0.0


def test_too_little_history_is_insufficient():
    source = StatsSource.from_tables(validated(partners=partners(), deals=deals(_growing(5))), as_of="2024-03-31")
    result = revenue_forecast(source)
    assert result.table.empty and result.insufficient[0].startswith("sourced: 5 complete quarters")


def test_steady_growth_is_forecast_and_backtested():
    source = StatsSource.from_tables(validated(partners=partners(), deals=deals(_growing(12))), as_of="2025-12-31")
    result = revenue_forecast(source)
    sourced = result.table[result.table["group"] == "sourced"]
    assert list(sourced["quarter"]) == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    last = 1000.0 * 1.1 ** 11
    assert (sourced["pi_low"] < sourced["forecast"]).all() and (sourced["forecast"] < sourced["pi_high"]).all()
    assert last < sourced["forecast"].iloc[0] < last * 1.1 ** 1.5  # a damped continuation of +10% a quarter
    backtest = result.details["backtest"]
    assert len(backtest[backtest["group"] == "sourced"]) == sum(min(4, k) for k in range(1, BACKTEST_ORIGINS + 1))
    one = backtest[(backtest["group"] == "sourced") & (backtest["horizon"] == 1)]
    assert one["error_pct"].abs().max() < 0.05  # a noiseless series: the damping costs about 2%
    head = sourced.iloc[0]
    assert result.sentences[0].startswith(
        f"Partner-sourced won revenue in 2026Q1: {compact(head['forecast'], 'currency', 'USD')} (95% prediction "
        f"interval {compact(head['pi_low'], 'currency', 'USD')} to {compact(head['pi_high'], 'currency', 'USD')})")


def test_open_pipeline_is_weighted_by_the_learned_win_rate_and_closing_time():
    rows = _growing(12)
    # closed sourced deals: 12 won above + 4 lost, all closing 40 days after creation -> win rate 12 / 16
    rows += [{"attribution": "sourced", "stage": "lost", "amount": 1.0, "created_at": "2024-01-01",
              "closed_at": "2024-02-10"}] * 4
    rows.append({"attribution": "sourced", "stage": "open", "amount": 2000.0, "created_at": "2025-12-21"})
    # the influenced deals took 40 days as well, so the pooled curve agrees
    result = revenue_forecast(StatsSource.from_tables(validated(partners=partners(), deals=deals(rows)),
                                                      as_of=pd.Timestamp("2025-12-31")))
    expected = result.table.set_index(["group", "quarter"])["open_pipeline_expected"]
    # the open deal is 10 days old; every closed deal took 40 days: it closes in 2026Q1 with certainty
    assert expected.loc[("sourced", "2026Q1")] == pytest.approx(2000.0 * 12 / 16)
    assert expected.loc[("sourced", "2026Q2")] == 0.0 and expected.loc[("influenced", "2026Q1")] == 0.0
