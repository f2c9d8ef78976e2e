"""Forecast of partner-sourced and partner-influenced won revenue for the next quarters, with prediction
intervals, backtested on held-out quarters; and the part of it already in today's open pipeline, weighted
by win probabilities learned from history.

Time series: exponential smoothing (statsmodels ``ETSModel``) of log quarterly won revenue, damped additive
trend, additive seasonality once four full years are there to estimate it; the median forecast and its 95 %
prediction interval are back-transformed. Pipeline: each open deal's amount x the win rate of closed deals of
its attribution and segment x the probability that a deal open at its age closes within the quarter
(Kaplan–Meier of time to close, open deals censored).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from ..formatting import compact
from ..periods import code_bounds, code_labels, period_codes, pandas_freq
from .frames import deal_frame
from .intervals import LEVEL
from .result import StatResult
from .source import StatsSource, as_source
from .survival import km_curve

FORECAST_GROUPS = ("sourced", "influenced")
HORIZON = 4
#: Held-out origins of the rolling backtest.
BACKTEST_ORIGINS = 4
#: Quarters of history a forecast needs (and the training length of the earliest backtest origin).
MIN_HISTORY = 8
#: Quarters of history from which seasonality is estimated.
SEASONAL_HISTORY = 16
#: Closed deals an attribution x segment cell needs for its own time-to-close curve.
MIN_CURVE_DEALS = 50


def _complete_quarters(source: StatsSource) -> tuple[int, int]:
    fiscal = source.config.fiscal_year_start_month
    deals = source.table("deals")
    first = int(period_codes(pd.Series([deals["created_at"].min()]), "quarter", fiscal)[0])
    last = int(period_codes(pd.Series([source.as_of]), "quarter", fiscal)[0])
    if code_bounds(last, "quarter", fiscal)[1] > source.as_of + pd.Timedelta(days=1):
        last -= 1
    return first, last


def quarterly_revenue(data, config=None) -> pd.DataFrame:
    """Won revenue per complete quarter (rows) and attribution (columns), zeros included."""
    source = as_source(data, config)
    first, last = _complete_quarters(source)
    deals = deal_frame(source)
    won = deals[deals["won"].to_numpy()]
    code = period_codes(won["closed_at"], "quarter", source.config.fiscal_year_start_month)
    frame = pd.DataFrame({"quarter": code, "attribution": won["attribution"].to_numpy(), "amount": won["amount"].to_numpy()})
    table = frame.pivot_table(index="quarter", columns="attribution", values="amount", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=range(first, last + 1), columns=list(FORECAST_GROUPS), fill_value=0.0).fillna(0.0)
    table.index = pd.Index(code_labels(np.asarray(table.index), "quarter"), name="quarter")
    return table


def _fit_forecast(history: np.ndarray, steps: int, start_code: int, fiscal: int) -> pd.DataFrame:
    """Median forecast and 95 % prediction interval of the next ``steps`` quarters (revenue units)."""
    index = pd.period_range(end=pd.Period(code_bounds(start_code - 1, "quarter", fiscal)[0], pandas_freq("quarter", fiscal)),
                            periods=len(history), freq=pandas_freq("quarter", fiscal))
    seasonal = "add" if len(history) >= SEASONAL_HISTORY else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(pd.Series(np.log(history), index=index), error="add", trend="add", damped_trend=True,
                         seasonal=seasonal, seasonal_periods=4 if seasonal else None)
        fit = model.fit(disp=False)
        frame = fit.get_prediction(start=len(history), end=len(history) + steps - 1).summary_frame(alpha=1 - LEVEL)
    return pd.DataFrame({"forecast": np.exp(frame["mean"].to_numpy()), "pi_low": np.exp(frame["pi_lower"].to_numpy()),
                         "pi_high": np.exp(frame["pi_upper"].to_numpy())})


def _pipeline_expected(source: StatsSource, quarters: list[int]) -> pd.DataFrame:
    """Expected won revenue from deals open at the as-of date, by attribution and forecast quarter."""
    deals = deal_frame(source)
    closed = deals[deals["closed"].to_numpy()]
    keys = ["attribution"] + (["segment"] if "segment" in deals.columns else [])
    rates = closed.groupby(keys, observed=True)["won"].mean().rename("p_win")
    open_deals = deals[~deals["closed"].to_numpy() & deals["attribution"].isin(FORECAST_GROUPS).to_numpy()]
    open_deals = open_deals.join(rates, on=keys)
    open_deals["p_win"] = open_deals["p_win"].fillna(closed["won"].mean())
    age = open_deals["duration_days"].to_numpy()
    # time to close by attribution and segment (a big enterprise deal closes slower than an SMB one);
    # a cell with few closed deals uses the curve of all deals
    curves = {"all": km_curve(deals["duration_days"].to_numpy(), deals["closed"].to_numpy())}
    for key, idx in deals.groupby(keys, observed=True).indices.items():
        if deals["closed"].to_numpy()[idx].sum() >= MIN_CURVE_DEALS:
            curves[key] = km_curve(deals["duration_days"].to_numpy()[idx], deals["closed"].to_numpy()[idx])
    cell = [tuple(v) if len(keys) > 1 else v[0] for v in open_deals[keys].itertuples(index=False, name=None)]

    def still_open(days: np.ndarray) -> np.ndarray:
        out = np.empty(len(days))
        for key in set(cell):
            rows = np.fromiter((c == key for c in cell), bool, len(cell))
            curve = curves.get(key, curves["all"])
            times, surv = curve["time"].to_numpy(), curve["survival"].to_numpy()
            out[rows] = surv[np.searchsorted(times, days[rows], side="right") - 1]
        return out

    base = np.maximum(still_open(age), 1e-12)
    rows = []
    fiscal = source.config.fiscal_year_start_month
    for code in quarters:
        lo, hi = code_bounds(code, "quarter", fiscal)
        start = age + (lo - source.as_of) / pd.Timedelta(days=1) - 1
        end = age + (hi - source.as_of) / pd.Timedelta(days=1) - 1
        closes = (still_open(np.maximum(start, age)) - still_open(end)) / base
        value = open_deals["amount"].to_numpy() * open_deals["p_win"].to_numpy() * closes
        for group in FORECAST_GROUPS:
            rows.append({"quarter": code_labels(np.array([code]), "quarter")[0], "group": group,
                         "open_pipeline_expected": float(value[(open_deals["attribution"] == group).to_numpy()].sum())})
    return pd.DataFrame(rows)


def revenue_forecast(data, horizon: int = HORIZON, config=None) -> StatResult:
    """Partner-sourced and influenced won revenue for the next ``horizon`` quarters, with 95 % prediction
    intervals, the expected contribution of today's open pipeline, and a rolling-origin backtest.

    Returns
    -------
    StatResult
        ``table``: quarter, group, forecast (median), pi_low, pi_high, open_pipeline_expected;
        ``details``: ``history`` (quarterly revenue), ``backtest`` (origin, quarter, horizon, actual, forecast,
        interval, error, covered) and ``backtest_summary`` (mean absolute percentage error and interval
        coverage by horizon).
    """
    source = as_source(data, config)
    title = "Partner revenue forecast"
    if not source.has("deals"):
        return StatResult("forecast", title, pd.DataFrame(), insufficient=("the data has no deals table",))
    fiscal = source.config.fiscal_year_start_month
    history = quarterly_revenue(source)
    first, last = _complete_quarters(source)
    future = list(range(last + 1, last + 1 + horizon))
    rows, backtest, insufficient = [], [], []
    for group in FORECAST_GROUPS:
        series = history[group].to_numpy()
        if len(series) < MIN_HISTORY or (series <= 0).any():
            why = (f"{len(series)} complete quarters (at least {MIN_HISTORY} needed)" if len(series) < MIN_HISTORY
                   else "a quarter without won revenue (the model works on log revenue)")
            insufficient.append(f"{group}: {why}")
            continue
        forecast = _fit_forecast(series, horizon, last + 1, fiscal)
        forecast.insert(0, "group", group)
        forecast.insert(0, "quarter", code_labels(np.array(future), "quarter"))
        rows.append(forecast)
        for origin in range(len(series) - BACKTEST_ORIGINS, len(series)):
            if origin < MIN_HISTORY:
                continue
            steps = min(horizon, len(series) - origin)
            held = _fit_forecast(series[:origin], steps, first + origin, fiscal)
            actual = series[origin:origin + steps]
            backtest.append(pd.DataFrame({
                "group": group, "origin": history.index[origin - 1], "quarter": history.index[origin:origin + steps],
                "horizon": np.arange(1, steps + 1), "actual": actual, "forecast": held["forecast"].to_numpy(),
                "pi_low": held["pi_low"].to_numpy(), "pi_high": held["pi_high"].to_numpy(),
                "error_pct": held["forecast"].to_numpy() / actual - 1,
                "covered": (held["pi_low"].to_numpy() <= actual) & (actual <= held["pi_high"].to_numpy())}))
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["quarter", "group", "forecast", "pi_low", "pi_high"])
    if rows:
        table = table.merge(_pipeline_expected(source, future), on=["quarter", "group"], how="left")
    backtest_table = pd.concat(backtest, ignore_index=True) if backtest else pd.DataFrame()
    summary = (backtest_table.assign(abs_error=backtest_table["error_pct"].abs())
               .groupby(["group", "horizon"], as_index=False)
               .agg(forecasts=("actual", "size"), mape=("abs_error", "mean"), coverage=("covered", "mean"))
               if len(backtest_table) else pd.DataFrame())
    return StatResult(
        analysis="forecast", title=title, table=table, sentences=_sentences(table, summary, source.config.currency),
        insufficient=tuple(insufficient),
        method=("Exponential smoothing (ETS, additive errors, damped additive trend"
                + (", additive seasonality" if len(history) >= SEASONAL_HISTORY else "; seasonality needs "
                   f"{SEASONAL_HISTORY} quarters") + ") of log quarterly won revenue, fitted by maximum likelihood "
                "(statsmodels); forecast = median, interval = 95% prediction interval, back-transformed. Backtest: "
                f"refitted at each of the last {BACKTEST_ORIGINS} quarters on the history before it. Open pipeline: "
                "amount x win rate of closed deals of the same attribution and segment x Kaplan–Meier probability "
                "that a deal open at its age closes in the quarter; it is part of the forecast, not added to it."),
        details={"history": history.reset_index(), "backtest": backtest_table, "backtest_summary": summary},
        shown=("quarter", "group", "forecast", "pi_low", "pi_high", "open_pipeline_expected"))


def _sentences(table: pd.DataFrame, summary: pd.DataFrame, currency: str) -> tuple[str, ...]:
    def money(value: float) -> str:
        return compact(value, "currency", currency)

    out = []
    for group in FORECAST_GROUPS:
        rows = table[table["group"] == group]
        if not len(rows):
            continue
        head = rows.iloc[0]
        text = (f"Partner-{group} won revenue in {head['quarter']}: {money(head['forecast'])} (95% prediction "
                f"interval {money(head['pi_low'])} to {money(head['pi_high'])}), "
                f"{money(head['open_pipeline_expected'])} of it expected from deals already open")
        if len(summary):
            one = summary[(summary["group"] == group) & (summary["horizon"] == 1)]
            if len(one):
                text += (f"; one quarter ahead the backtest missed by {one['mape'].iloc[0]:.0%} on average and its "
                         f"intervals held the actual {one['coverage'].iloc[0]:.0%} of the time")
        out.append(text + ".")
    return tuple(out)
