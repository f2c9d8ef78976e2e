"""Survival methods for censored durations (time to close, time to first deal, customer lifetime):
Kaplan–Meier curves with pointwise intervals (scipy), medians with intervals and the log-rank test
(statsmodels ``SurvfuncRight``, ``survdiff``), Cox proportional hazards (statsmodels ``PHReg``).

An observation still running at the as-of date is censored, never dropped: a median of the finished
ones only would understate every duration.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.stats import CensoredData, ecdf
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from .intervals import LEVEL

CURVE_COLUMNS = ["group", "time", "survival", "ci_low", "ci_high", "at_risk"]


def km_curve(durations: np.ndarray, events: np.ndarray) -> pd.DataFrame:
    """Kaplan–Meier survival at time 0 and at every distinct duration, with the 95 % log-log pointwise
    interval (Greenwood variance) and the number at risk just before each time."""
    durations = np.asarray(durations, dtype="float64")
    events = np.asarray(events, dtype=bool)
    if len(durations) == 0:
        return pd.DataFrame(columns=CURVE_COLUMNS[1:])
    fit = ecdf(CensoredData.right_censored(durations, ~events)).sf
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        band = fit.confidence_interval(LEVEL, method="log-log")
    times = fit.quantiles
    ordered = np.sort(durations)
    at_risk = len(ordered) - np.searchsorted(ordered, times, side="left")
    curve = pd.DataFrame({"time": times, "survival": fit.probabilities, "ci_low": band.low.probabilities,
                          "ci_high": band.high.probabilities, "at_risk": at_risk})
    start = pd.DataFrame({"time": [0.0], "survival": [1.0], "ci_low": [1.0], "ci_high": [1.0],
                          "at_risk": [len(durations)]})
    if curve["time"].iloc[0] > 0:
        curve = pd.concat([start, curve], ignore_index=True)
    # where the log-log interval is undefined (survival 1 or 0) the estimate itself is the bound
    curve["ci_low"] = curve["ci_low"].fillna(curve["survival"])
    curve["ci_high"] = curve["ci_high"].fillna(curve["survival"])
    return curve


def km_curves(durations: np.ndarray, events: np.ndarray, groups: dict[str, np.ndarray]) -> pd.DataFrame:
    """Kaplan–Meier curves of several groups (name -> boolean row mask), stacked with a ``group`` column."""
    pieces = [km_curve(durations[mask], events[mask]).assign(group=name) for name, mask in groups.items()
              if mask.any()]
    if not pieces:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    return pd.concat(pieces, ignore_index=True)[CURVE_COLUMNS]


def km_medians(durations: np.ndarray, events: np.ndarray, groups: dict[str, np.ndarray]) -> pd.DataFrame:
    """Median duration per group with its 95 % interval (Brookmeyer–Crowley, statsmodels); missing when
    fewer than half the group has had the event (the median is not reached yet)."""
    rows = []
    for name, mask in groups.items():
        n, n_events = int(mask.sum()), int(events[mask].sum())
        median = low = high = np.nan
        if n_events:
            fit = SurvfuncRight(durations[mask], events[mask].astype(int))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                median = fit.quantile(0.5)
                low, high = fit.quantile_ci(0.5, alpha=1 - LEVEL)
        rows.append({"group": name, "n": n, "events": n_events, "median": _finite(median),
                     "ci_low": _finite(low), "ci_high": _finite(high)})
    return pd.DataFrame(rows)


def _finite(value) -> float:
    value = float(value) if value is not None else np.nan
    return value if np.isfinite(value) else np.nan


def logrank(durations: np.ndarray, events: np.ndarray, labels: np.ndarray) -> tuple[float, int, float]:
    """Log-rank test that the groups in ``labels`` share one survival curve: (chi-square, df, p-value)."""
    statistic, p_value = survdiff(np.asarray(durations, dtype="float64"), np.asarray(events, dtype=int),
                                  np.asarray(labels))
    return float(statistic), len(np.unique(labels)) - 1, float(p_value)


def cox(durations: np.ndarray, events: np.ndarray, exog: np.ndarray, cells: np.ndarray | None = None):
    """Cox proportional-hazards fit (Breslow ties) with model-based standard errors.

    ``cells`` (optional) numbers the distinct rows of ``exog``. Censored observations with the same
    duration and row then enter once, with the log of their number as offset: they appear in the Breslow
    partial likelihood only through the sum of ``exp(x'b)`` over each risk set, which that one row carries
    exactly, so the estimates and standard errors are those of the fit on every observation, at a fraction
    of the rows (events are kept one row each: each adds its own term). statsmodels' cluster-robust variant
    loops over every risk set in Python, hours on a large program: the errors here are model-based.
    """
    durations = np.asarray(durations, dtype="float64")
    events = np.asarray(events, dtype=int)
    exog = np.asarray(exog, dtype="float64")
    offset = None
    if cells is not None:
        censored = np.flatnonzero(events == 0)
        cells = np.asarray(cells, dtype=np.int64)[censored]
        _, times = np.unique(durations[censored], return_inverse=True)
        _, first, counts = np.unique(times.ravel() * (int(cells.max(initial=0)) + 1) + cells, return_index=True,
                                     return_counts=True)
        keep = np.r_[np.flatnonzero(events != 0), censored[first]]
        offset = np.r_[np.zeros(len(keep) - len(first)), np.log(counts)]
        durations, events, exog = durations[keep], events[keep], exog[keep]
    model = PHReg(durations, exog, status=events, ties="breslow", offset=offset)
    return model.fit()
