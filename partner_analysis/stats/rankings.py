"""Honest partner rankings: each partner's rate or size with an interval, shrunk towards the program by
as much as its data warrants (empirical Bayes), compared with the program on a funnel plot, and flagged
above or below only after Benjamini–Hochberg control of the false discovery rate across partners.

A partner with 3 deals and 3 wins has a raw win rate of 100 %; its shrunk estimate stays near the
program's and its interval is wide, so it does not top the ranking on luck. Rows follow the rankings
JSON of design section 5.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.multitest import multipletests

from ..periods import code_bounds, label_code, period_codes
from .frames import deal_frame
from .intervals import LEVEL
from .result import StatResult
from .source import StatsSource, as_source

METRICS = ("win_rate", "avg_deal_size", "revenue_growth")
RANKING_COLUMNS = ("metric", "partner_id", "n", "raw", "shrunk", "ci_low", "ci_high", "p_value", "q_value", "flag")
#: False discovery rate at which a partner is flagged above or below the program (design section 5).
FLAG_Q = 0.10
#: Partners with data needed to estimate how much partners really differ (the prior).
MIN_PARTNERS = 5
#: Funnel-plot control limits: about 2 and 3 standard deviations.
FUNNEL_LEVELS = (0.95, 0.998)
_Z = stats.norm.ppf(0.5 + LEVEL / 2)


def _flags(raw: np.ndarray, reference: float, p_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini–Hochberg q-values across partners and the ``above``/``below``/``none`` flags at :data:`FLAG_Q`."""
    q_values = multipletests(p_values, method="fdr_bh")[1]
    flag = np.where(q_values < FLAG_Q, np.where(raw > reference, "above", "below"), "none")
    return q_values, flag


def _beta_prior(won: np.ndarray, closed: np.ndarray) -> tuple[float, float]:
    """Beta(a, b) prior of partners' true win rates, by maximum likelihood of the beta-binomial
    distribution of their won deals (scipy); a very large a + b means partners hardly differ."""
    pooled = won.sum() / closed.sum()

    def loss(theta):
        mean, size = stats.norm.cdf(theta[0]), np.exp(theta[1])
        return -stats.betabinom.logpmf(won, closed, mean * size, (1 - mean) * size).sum()

    start = [stats.norm.ppf(np.clip(pooled, 1e-3, 1 - 1e-3)), np.log(10.0)]
    fit = optimize.minimize(loss, start, method="L-BFGS-B", bounds=[(-6, 6), (np.log(0.2), np.log(1e6))])
    mean, size = stats.norm.cdf(fit.x[0]), np.exp(fit.x[1])
    return float(mean * size), float((1 - mean) * size)


def _win_rate(deals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, float, str]:
    per = deals.groupby("partner_id", observed=True).agg(n=("won", "size"), won=("won", "sum"))
    won, closed = per["won"].to_numpy(dtype="float64"), per["n"].to_numpy(dtype="float64")
    program = won.sum() / closed.sum()
    a, b = _beta_prior(won, closed)
    posterior = stats.beta(a + won, b + closed - won)
    low, high = posterior.ppf((1 - LEVEL) / 2), posterior.ppf(0.5 + LEVEL / 2)
    p_values = np.array([stats.binomtest(int(k), int(n), program).pvalue for k, n in zip(won, closed)])
    table = pd.DataFrame({"partner_id": per.index.to_numpy(), "n": per["n"].to_numpy(), "raw": won / closed,
                          "shrunk": posterior.mean(), "ci_low": low, "ci_high": high, "p_value": p_values,
                          "x": closed})
    grid = np.unique(np.geomspace(1, max(2, closed.max()), 60).round())
    funnel = pd.DataFrame({"x": grid, "program": program})
    for level in FUNNEL_LEVELS:
        tail = (1 - level) / 2
        # exact binomial limits (the step-shaped funnel of Spiegelhalter 2005)
        funnel[f"low_{level:g}"] = stats.binom.ppf(tail, grid, program) / grid
        funnel[f"high_{level:g}"] = stats.binom.ppf(1 - tail, grid, program) / grid
    method = (f"win rate = won / closed partner deals; shrunk = posterior mean under a beta prior fitted to all "
              f"partners by maximum likelihood of the beta-binomial (Beta({a:.1f}, {b:.1f}), program "
              f"{program:.1%}); interval = 95% posterior interval; p-value = exact binomial test against the "
              f"program rate; q-value = Benjamini–Hochberg across partners; flagged at q < {FLAG_Q:g}")
    return table, funnel, program, method


def _normal_shrinkage(effect: np.ndarray, variance: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Posterior means and standard deviations of partner effects under a normal prior whose variance
    (between-partner tau^2, Paule–Mandel) and mean come from a random-effects fit (statsmodels)."""
    fit = combine_effects(effect, variance, method_re="iterated")
    tau2, centre = float(fit.tau2), float(fit.mean_effect_re)
    weight = tau2 / (tau2 + variance)  # how much of its own data each partner keeps
    return centre + weight * (effect - centre), np.sqrt(weight * variance), tau2, centre


def _avg_deal_size(deals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, float, str]:
    won = deals[deals["won"].to_numpy() & (deals["amount"].to_numpy() > 0)]
    logs = np.log(won["amount"].to_numpy())
    grouped = pd.DataFrame({"partner_id": won["partner_id"].to_numpy(), "log": logs, "amount": won["amount"].to_numpy()}
                           ).groupby("partner_id", observed=True)
    per = grouped.agg(n=("log", "size"), mean_log=("log", "mean"), raw=("amount", "mean"))
    resid = logs - grouped["log"].transform("mean").to_numpy()
    dof = len(logs) - len(per)
    sigma2 = float((resid ** 2).sum() / dof) if dof > 0 else float("nan")
    if not sigma2 > 0:
        return None
    n = per["n"].to_numpy(dtype="float64")
    variance = sigma2 / n
    post_mean, post_sd, tau2, centre = _normal_shrinkage(per["mean_log"].to_numpy(), variance)
    program_log = float(logs.mean())
    t = (per["mean_log"].to_numpy() - program_log) / np.sqrt(variance)
    lift = sigma2 / 2  # lognormal: mean = exp(mu + sigma^2 / 2)
    table = pd.DataFrame({"partner_id": per.index.to_numpy(), "n": per["n"].to_numpy(), "raw": per["raw"].to_numpy(),
                          "shrunk": np.exp(post_mean + lift), "ci_low": np.exp(post_mean - _Z * post_sd + lift),
                          "ci_high": np.exp(post_mean + _Z * post_sd + lift),
                          "p_value": 2 * stats.t.sf(np.abs(t), dof), "x": n})
    program = float(np.exp(program_log + lift))
    grid = np.unique(np.geomspace(1, max(2, n.max()), 60).round())
    funnel = pd.DataFrame({"x": grid, "program": program})
    for level in FUNNEL_LEVELS:
        z = stats.t.ppf(0.5 + level / 2, dof)
        funnel[f"low_{level:g}"] = np.exp(program_log - z * np.sqrt(sigma2 / grid) + lift)
        funnel[f"high_{level:g}"] = np.exp(program_log + z * np.sqrt(sigma2 / grid) + lift)
    method = ("deal size = mean amount of won partner deals; modelled on the log scale with one within-partner "
              f"spread (sigma {np.sqrt(sigma2):.2f}); shrunk = exp(posterior mean + sigma^2/2) under a normal prior "
              f"of partner log-means (between-partner tau {np.sqrt(tau2):.2f}, Paule–Mandel); p-value = t-test of "
              f"the partner's log-mean against the program's; q-value = Benjamini–Hochberg; flagged at q < {FLAG_Q:g}")
    return table, funnel, program, method


def _growth_windows(source: StatsSource, periods: tuple[str, str] | None) -> tuple[int, int]:
    """Codes of the last quarter and of the first quarter of the eight compared (four vs the four before)."""
    fiscal = source.config.fiscal_year_start_month
    if periods is not None:
        last = label_code(periods[1], "quarter")
    else:
        last = int(period_codes(pd.Series([source.as_of]), "quarter", fiscal)[0])
        if code_bounds(last, "quarter", fiscal)[1] > source.as_of + pd.Timedelta(days=1):
            last -= 1  # the as-of quarter is not over: compare complete quarters
    return last, last - 7


def _revenue_growth(deals: pd.DataFrame, source: StatsSource, periods, notes: list[str]):
    fiscal = source.config.fiscal_year_start_month
    last, first = _growth_windows(source, periods)
    won = deals[deals["won"].to_numpy()]
    code = period_codes(won["closed_at"], "quarter", fiscal)
    window = np.where((code > last - 4) & (code <= last), 1, np.where((code >= first) & (code <= last - 4), 0, -1))
    frame = pd.DataFrame({"partner_id": won["partner_id"].to_numpy(), "window": window,
                          "amount": won["amount"].to_numpy(), "square": won["amount"].to_numpy() ** 2})
    frame = frame[frame["window"] >= 0]
    sums = frame.pivot_table(index="partner_id", columns="window", values=["amount", "square"], aggfunc="sum",
                             fill_value=0.0, observed=True)
    for part in ("amount", "square"):
        for w in (0, 1):
            if (part, w) not in sums.columns:
                sums[(part, w)] = 0.0
    before, after = sums[("amount", 0)].to_numpy(), sums[("amount", 1)].to_numpy()
    both = (before > 0) & (after > 0)
    if (~both).any():
        notes.append(f"{int(((before > 0) & (after == 0)).sum())} partners with revenue only in the earlier four "
                     f"quarters and {int(((before == 0) & (after > 0)).sum())} only in the later four are not ranked: "
                     "growth from or to zero is not a ratio")
    ids = sums.index.to_numpy()[both]
    before, after = before[both], after[both]
    # revenue as a compound Poisson sum: var(sum) ~ sum of squared amounts (delta method on the log ratio)
    variance = sums[("square", 0)].to_numpy()[both] / before ** 2 + sums[("square", 1)].to_numpy()[both] / after ** 2
    effect = np.log(after / before)
    program_log = float(np.log(after.sum() / before.sum())) if len(ids) else float("nan")
    if len(ids) < MIN_PARTNERS:
        return None
    post_mean, post_sd, tau2, _ = _normal_shrinkage(effect, variance)
    z = (effect - program_log) / np.sqrt(variance)
    deals_per = frame[frame["partner_id"].isin(ids)].groupby("partner_id", observed=True).size()
    table = pd.DataFrame({"partner_id": ids, "n": deals_per.reindex(ids).to_numpy(), "raw": after / before,
                          "shrunk": np.exp(post_mean), "ci_low": np.exp(post_mean - _Z * post_sd),
                          "ci_high": np.exp(post_mean + _Z * post_sd), "p_value": 2 * stats.norm.sf(np.abs(z)),
                          "x": 1 / variance})
    grid = np.geomspace(max(1e-3, table["x"].min()), table["x"].max() * 1.05, 60)
    funnel = pd.DataFrame({"x": grid, "program": np.exp(program_log)})
    for level in FUNNEL_LEVELS:
        zl = stats.norm.ppf(0.5 + level / 2)
        funnel[f"low_{level:g}"] = np.exp(program_log - zl / np.sqrt(grid))
        funnel[f"high_{level:g}"] = np.exp(program_log + zl / np.sqrt(grid))
    labels = [f"{code_bounds(c, 'quarter', fiscal)[0].date()}" for c in (first, last - 3)]
    method = (f"revenue growth = won partner revenue in the four quarters from {labels[1]} over the four from "
              f"{labels[0]}; log ratio with a delta-method variance (revenue as a compound Poisson sum); shrunk "
              f"under a normal prior of partner log-growth (between-partner tau {np.sqrt(tau2):.2f}, Paule–Mandel); "
              f"p-value = z-test against the program's growth; q-value = Benjamini–Hochberg; flagged at q < {FLAG_Q:g}")
    return table, funnel, float(np.exp(program_log)), method


def _closed_in(deals: pd.DataFrame, source: StatsSource, periods: tuple[str, str] | None) -> pd.DataFrame:
    deals = deals[deals["closed"].to_numpy() & deals["partner_id"].notna().to_numpy()]
    if periods is None:
        return deals
    fiscal = source.config.fiscal_year_start_month
    lo, hi = label_code(periods[0], "quarter"), label_code(periods[1], "quarter")
    closed_code = period_codes(deals["closed_at"], "quarter", fiscal)
    return deals[(closed_code >= lo) & (closed_code <= hi)]


def partner_rankings(data, metric: str = "win_rate", periods: tuple[str, str] | None = None,
                     config=None) -> StatResult:
    """Per-partner estimates with intervals, shrunk towards the program, flagged after multiple-comparison control.

    Parameters
    ----------
    data : KpiStore, processed folder, dict of validated tables or StatsSource
    metric : {"win_rate", "avg_deal_size", "revenue_growth"}
        Win rate of closed partner deals, mean size of won ones, or won revenue of the last four
        quarters over the four before.
    periods : (str, str), optional
        First and last quarter (``2024Q1``) of the deals' closing dates; all closed deals when omitted.
        For ``revenue_growth`` the last quarter ends the later window.

    Returns
    -------
    StatResult
        ``table`` with the rankings JSON columns (plus ``partner_name``), best shrunk estimate first;
        ``details["funnel"]`` the program value and control limits by volume.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    source = as_source(data, config)
    title = f"Partner rankings: {metric.replace('_', ' ')}" + (f", {periods[0]}–{periods[1]}" if periods else "")
    notes: list[str] = []
    if not source.has("deals"):
        return _empty(metric, title, "the data has no deals table")
    deals = _closed_in(deal_frame(source), source, periods)
    if metric == "revenue_growth":
        computed = _revenue_growth(deals, source, periods, notes)
    else:
        relevant = deals if metric == "win_rate" else deals[deals["won"].to_numpy() & (deals["amount"].to_numpy() > 0)]
        n_partners = relevant["partner_id"].nunique()
        if n_partners < MIN_PARTNERS:
            return _empty(metric, title, f"fewer than {MIN_PARTNERS} partners with data: how much partners differ "
                                         "cannot be estimated")
        computed = (_win_rate if metric == "win_rate" else _avg_deal_size)(deals)
        if metric == "avg_deal_size" and (deals["won"].to_numpy() & (deals["amount"].to_numpy() <= 0)).any():
            notes.append("won deals of amount 0 count in the raw mean but not in the log-scale model")
        if computed is None:
            return _empty(metric, title, "won deal sizes have no spread within partners (more than one deal each "
                                         "and not all the same amount are needed)", notes)
    if computed is None:
        return _empty(metric, title, f"fewer than {MIN_PARTNERS} partners with revenue in both windows: how much "
                                     "partners differ cannot be estimated", notes)
    table, funnel, program, method = computed
    table["q_value"], table["flag"] = _flags(table["raw"].to_numpy(), program, table["p_value"].to_numpy())
    table.insert(0, "metric", metric)
    if source.has("partners"):
        names = source.table("partners").set_index("partner_id")["partner_name"]
        table["partner_name"] = table["partner_id"].map(names).to_numpy()
    table = table.sort_values(["shrunk", "n"], ascending=[False, False], kind="stable").reset_index(drop=True)
    return StatResult(analysis="rankings", title=title, table=table, sentences=_sentences(table, metric, program),
                      method=method, notes=tuple(notes), details={"funnel": funnel},
                      shown=("partner_id",) + (("partner_name",) if "partner_name" in table else ())
                      + ("n", "raw", "shrunk", "ci_low", "ci_high", "q_value", "flag"))


def _empty(metric: str, title: str, reason: str, notes: list[str] | None = None) -> StatResult:
    return StatResult(analysis="rankings", title=title, table=pd.DataFrame(columns=list(RANKING_COLUMNS) + ["x"]),
                      insufficient=(reason,), notes=tuple(notes or ()))


def _sentences(table: pd.DataFrame, metric: str, program: float) -> tuple[str, ...]:
    shown = {"win_rate": lambda v: f"{v:.1%}", "avg_deal_size": lambda v: f"{v:,.0f}",
             "revenue_growth": lambda v: f"{v:.2f}×"}[metric]
    above, below = int((table["flag"] == "above").sum()), int((table["flag"] == "below").sum())
    out = [f"Of {len(table)} partners with data, {above} stand above the program ({shown(program)}) and {below} "
           f"below it with a false discovery rate of {FLAG_Q:.0%}; the others cannot be told apart from the program "
           "on their data."]
    top = table.head(3)
    if len(top):
        out.append("Highest shrunk estimates: " + "; ".join(
            f"{r.partner_id} {shown(r.shrunk)} (95% interval {shown(r.ci_low)}–{shown(r.ci_high)}, n={r.n})"
            for r in top.itertuples()) + ".")
    return tuple(out)


def rankings_json(result: StatResult) -> dict:
    """The rankings JSON of design section 5: ``{"rankings": [...]}``."""
    return {"rankings": result.records(RANKING_COLUMNS)}
