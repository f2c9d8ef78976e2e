"""Cohorts: partners by join quarter (first sourced deal within 30/60/90 days, Kaplan–Meier time to first
deal, cumulative revenue ramp by months since joining) and customers by acquisition month and channel
(retention matrix, revenue-retention curves).

Partners without a first deal yet are censored at the as-of date (or when they left), customers still
active are censored: shares and medians come from Kaplan–Meier curves, never from the finished ones only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import period_labels
from .frames import DAYS_PER_MONTH
from .result import StatResult
from .source import StatsSource, as_source
from .survival import km_curve, km_curves, km_medians

#: Days after joining by which a first sourced deal counts as early activation.
ACTIVATION_DAYS = (30, 60, 90)
#: Months since joining shown in the revenue ramp, and since acquisition in the retention matrix.
RAMP_MONTHS = 24


def _survival_at(curve: pd.DataFrame, day: float, follow_up: float) -> tuple[float, float, float]:
    """Kaplan–Meier survival (and its interval) at ``day``; missing when nobody was followed that long."""
    if follow_up < day:
        return (np.nan,) * 3
    row = curve[curve["time"] <= day].iloc[-1]
    return float(row["survival"]), float(row["ci_low"]), float(row["ci_high"])


def _first_deals(source: StatsSource) -> pd.Series:
    deals = source.table("deals")
    sourced = deals[(deals["attribution"] == "sourced").to_numpy() & (deals["created_at"] <= source.as_of).to_numpy()]
    return sourced.groupby("partner_id", observed=True)["created_at"].min()


def _partner_timeline(source: StatsSource) -> tuple[pd.DataFrame, list[str]]:
    partners = source.table("partners")
    partners = partners[(partners["joined_at"] <= source.as_of).to_numpy()]
    first = pd.Series(_first_deals(source).reindex(partners["partner_id"].to_numpy()).to_numpy(), index=partners.index)
    deals = source.table("deals")
    data_start = deals["created_at"].min()
    notes = []
    early = (partners["joined_at"] < data_start).to_numpy()
    if early.any():
        notes.append(f"{int(early.sum())} partners joined before the deal data begins ({data_start.date()}): "
                     "their time to a first deal cannot be judged, so their cohorts are left out")
    stop = partners["left_at"].where(partners["left_at"] <= source.as_of, source.as_of)
    event = first.notna().to_numpy() & (first <= stop).to_numpy()
    end = first.where(event, stop)
    frame = pd.DataFrame({
        "partner_id": partners["partner_id"].to_numpy(),
        "cohort": period_labels(partners["joined_at"], "quarter", source.config.fiscal_year_start_month).to_numpy(),
        "joined_at": partners["joined_at"].to_numpy(),
        "days": ((end - partners["joined_at"]) / pd.Timedelta(days=1)).clip(lower=0).to_numpy(),
        "first_deal": event,
    })
    return frame[~early].reset_index(drop=True), notes


def _revenue_ramp(source: StatsSource, partners: pd.DataFrame) -> pd.DataFrame:
    """Mean cumulative won partner revenue per partner of each cohort by month since joining (zeros
    included), for the months every partner of the cohort has been in the program by the as-of date."""
    deals = source.table("deals")
    won = deals[(deals["stage"] == "won").to_numpy() & deals["partner_id"].notna().to_numpy()
                & (deals["closed_at"] <= source.as_of).to_numpy()]
    joined = partners.set_index("partner_id")["joined_at"]
    month = np.floor(((won["closed_at"] - won["partner_id"].map(joined)) / pd.Timedelta(days=1)).to_numpy()
                     / DAYS_PER_MONTH)
    keep = ~np.isnan(month) & (month >= 0) & (month < RAMP_MONTHS)
    revenue = pd.DataFrame({"partner_id": won["partner_id"].to_numpy()[keep], "month": month[keep].astype(int) + 1,
                            "amount": won["amount"].to_numpy()[keep]})
    per = revenue.groupby(["partner_id", "month"], observed=True)["amount"].sum().unstack(fill_value=0.0)
    per = per.reindex(index=partners["partner_id"], columns=range(1, RAMP_MONTHS + 1), fill_value=0.0).cumsum(axis=1)
    tenure = ((source.as_of - partners["joined_at"]) / pd.Timedelta(days=1)).to_numpy() / DAYS_PER_MONTH
    reached = tenure[:, None] >= np.arange(1, RAMP_MONTHS + 1)[None, :]
    values = per.to_numpy()
    rows = []
    for cohort, idx in partners.groupby("cohort").indices.items():
        everyone = reached[idx].all(axis=0)
        means = values[idx].mean(axis=0)
        for m in np.flatnonzero(everyone):
            rows.append({"cohort": cohort, "months_since_joining": int(m) + 1, "partners": len(idx),
                         "mean_cumulative_revenue": float(means[m])})
    return pd.DataFrame(rows, columns=["cohort", "months_since_joining", "partners", "mean_cumulative_revenue"])


def partner_cohorts(data, config=None) -> StatResult:
    """Partners by join quarter: share with a first sourced deal within 30/60/90 days (Kaplan–Meier, with
    intervals), median days to a first deal, and the cumulative revenue ramp by months since joining.

    Returns
    -------
    StatResult
        ``table`` one row per join cohort and one for all partners (``all``); ``details``: ``time_to_first_deal`` (curves by cohort),
        ``revenue_ramp``.
    """
    source = as_source(data, config)
    if not (source.has("partners") and source.has("deals")):
        return StatResult("partner_cohorts", "Partner cohorts", pd.DataFrame(),
                          insufficient=("partner cohorts need the partners and deals tables",))
    partners, notes = _partner_timeline(source)
    durations, events = partners["days"].to_numpy(), partners["first_deal"].to_numpy()
    cohorts = {c: (partners["cohort"] == c).to_numpy() for c in sorted(partners["cohort"].unique())}
    medians = km_medians(durations, events, cohorts).set_index("group")
    rows = []
    everyone = {"all": np.ones(len(partners), dtype=bool)}
    medians = pd.concat([medians, km_medians(durations, events, everyone).set_index("group")])
    for cohort, mask in {**cohorts, **everyone}.items():
        curve = km_curve(durations[mask], events[mask])
        follow_up = float(durations[mask].max())
        row = {"cohort": cohort, "partners": int(mask.sum()), "with_first_deal": int(events[mask].sum())}
        for day in ACTIVATION_DAYS:
            surv, low, high = _survival_at(curve, day, follow_up)
            row[f"within_{day}d"], row[f"within_{day}d_low"], row[f"within_{day}d_high"] = 1 - surv, 1 - high, 1 - low
        row["median_days"] = medians.loc[cohort, "median"]
        row["median_low"], row["median_high"] = medians.loc[cohort, "ci_low"], medians.loc[cohort, "ci_high"]
        rows.append(row)
    table = pd.DataFrame(rows)
    sentences = []
    if len(partners):
        overall = table[table["cohort"] == "all"].iloc[0]
        shares, median = [overall[f"within_{d}d"] for d in ACTIVATION_DAYS], overall["median_days"]
        sentences.append(
            f"Across {len(partners)} partners, {shares[0]:.0%} bring a first sourced deal within 30 days of joining, "
            f"{shares[1]:.0%} within 60 and {shares[2]:.0%} within 90 (Kaplan–Meier; partners without a deal yet "
            f"are censored); the median time to a first deal is "
            + (f"{median:.0f} days." if np.isfinite(median) else "not reached yet (fewer than half have one)."))
    return StatResult(
        analysis="partner_cohorts", title="Partner cohorts by join quarter", table=table, sentences=tuple(sentences),
        method="Time from joined_at to the first sourced deal created; partners without one are censored at the "
               "as-of date or when they left. Shares within 30/60/90 days are 1 - Kaplan–Meier survival with 95% "
               "log-log intervals (missing for cohorts not yet followed that long); medians with Brookmeyer–Crowley "
               "intervals. The ramp averages cumulative won partner revenue over all the cohort's partners, for "
               "the months all of them have been in the program (so a cohort's curve never mixes in fewer partners).",
        notes=tuple(notes),
        details={"time_to_first_deal": km_curves(durations, events, cohorts),
                 "revenue_ramp": _revenue_ramp(source, partners)},
        shown=("cohort", "partners", "with_first_deal", "within_30d", "within_60d", "within_90d", "median_days"))


def _month_codes(dates: pd.Series) -> np.ndarray:
    return (dates.dt.year * 12 + dates.dt.month - 1).to_numpy()


def customer_cohorts(data, config=None) -> StatResult:
    """Customers by acquisition month and channel: the share still active N months after acquisition
    (retention matrix) and MRR N months on as a share of the cohort's first-month MRR (revenue retention).

    Returns
    -------
    StatResult
        ``table`` the retention matrix in long form (cohort, channel, months since acquisition, customers,
        retained share); ``details``: ``revenue_retention`` by channel and month since acquisition,
        ``retention_curves`` (Kaplan–Meier by channel).
    """
    source = as_source(data, config)
    if not source.has("customers"):
        return StatResult("customer_cohorts", "Customer cohorts", pd.DataFrame(),
                          insufficient=("customer cohorts need the customers table",))
    customers = source.table("customers")
    customers = customers[(customers["acquired_at"] <= source.as_of).to_numpy()]
    as_of_month = int(_month_codes(pd.Series([source.as_of]))[0])
    start = _month_codes(customers["acquired_at"])
    churned = (customers["churned_at"] <= source.as_of).to_numpy()
    churn_age = np.where(churned, _month_codes(customers["churned_at"].fillna(source.as_of)) - start, np.inf)
    channel = customers["channel"].astype(str).to_numpy()
    rows = []
    for (month, chan), idx in pd.DataFrame({"m": start, "c": channel}).groupby(["m", "c"]).indices.items():
        for age in range(0, min(RAMP_MONTHS, as_of_month - month) + 1):
            rows.append({"cohort": f"{month // 12}-{month % 12 + 1:02d}", "channel": chan,
                         "months_since_acquisition": age, "customers": len(idx),
                         "retained": float((churn_age[idx] > age).mean())})
    table = pd.DataFrame(rows, columns=["cohort", "channel", "months_since_acquisition", "customers", "retained"])
    details = {}
    durations = ((customers["churned_at"].where(churned, source.as_of) - customers["acquired_at"])
                 / pd.Timedelta(days=1)).to_numpy()
    details["retention_curves"] = km_curves(durations, churned, {c: channel == c for c in ("partner", "direct")})
    if source.has("revenue"):
        details["revenue_retention"] = _revenue_retention(source, customers, start, channel, as_of_month)
    sentences = []
    curves = details["retention_curves"]
    year = [curves[(curves["group"] == c) & (curves["time"] <= 365)]["survival"].iloc[-1]
            for c in ("partner", "direct") if (curves["group"] == c).any()]
    if len(year) == 2:
        sentences.append(f"One year after acquisition {year[0]:.0%} of partner customers and {year[1]:.0%} of direct "
                         "customers are still active (Kaplan–Meier, raw: not adjusted for segment — see the "
                         "partner-vs-direct churn hazard ratio for the adjusted comparison).")
    return StatResult(
        analysis="customer_cohorts", title="Customer cohorts by acquisition month", table=table,
        sentences=tuple(sentences),
        method="Retention matrix: share of a cohort (acquisition month x channel) not churned N whole months after "
               "acquisition, for ages the cohort has reached by the as-of month. Revenue retention: MRR of the "
               "cohorts' customers N months after acquisition over their MRR in the acquisition month, summed over "
               "the cohorts old enough (churned customers count as 0).",
        details=details, shown=("cohort", "channel", "months_since_acquisition", "customers", "retained"))


def _revenue_retention(source: StatsSource, customers: pd.DataFrame, start: np.ndarray, channel: np.ndarray,
                       as_of_month: int) -> pd.DataFrame:
    revenue = source.table("revenue")
    revenue = revenue[(revenue["month"] <= source.as_of).to_numpy()]
    info = pd.DataFrame({"account_id": customers["account_id"].to_numpy(), "start": start, "channel": channel})
    merged = revenue[["account_id", "month", "mrr"]].merge(info, on="account_id", how="inner")
    merged["age"] = _month_codes(merged["month"]) - merged["start"].to_numpy()
    merged = merged[(merged["age"] >= 0) & (merged["age"] <= RAMP_MONTHS)]
    base = merged[merged["age"] == 0].groupby(["channel", "start"])["mrr"].sum()
    by_age = merged.groupby(["channel", "start", "age"])["mrr"].sum()
    rows = []
    for chan in ("partner", "direct"):
        if chan not in base.index.get_level_values(0):
            continue
        starts = base.loc[chan]
        for age in range(RAMP_MONTHS + 1):
            old_enough = starts[starts.index <= as_of_month - age]
            if old_enough.sum() <= 0:
                continue
            later = sum(by_age.get((chan, s, age), 0.0) for s in old_enough.index)
            rows.append({"channel": chan, "months_since_acquisition": age, "cohorts": len(old_enough),
                         "revenue_retained": later / old_enough.sum()})
    return pd.DataFrame(rows, columns=["channel", "months_since_acquisition", "cohorts", "revenue_retained"])
