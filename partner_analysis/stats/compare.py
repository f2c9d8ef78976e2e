"""Partner vs direct, adjusted for mix: deal size, win rate, sales cycle, customer churn, NPS and
lifetime value of partner-sourced, partner-influenced and all partner business against direct.

Partners and direct sales sell to different customers (partners mostly to SMB, direct mostly to
enterprise), so a raw comparison mixes the channel with the segment. Each effect is estimated
within comparable mix by a regression that controls for the dimensions the data has (segment,
region, product, deal type, period: see :mod:`partner_analysis.stats.adjust`), and given beside
its unadjusted companion (empty ``adjusted_for``) so a reader sees how much the mix changed the
answer. Rows follow the comparison JSON of design section 5.
"""
from __future__ import annotations

import warnings
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats
from scipy.linalg import block_diag
from statsmodels.stats.sandwich_covariance import S_crosssection
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from .adjust import Design, design
from .collapsed import least_squares, logistic, poisson
from .frames import BASELINE, CUSTOMER_DIMENSIONS, DEAL_DIMENSIONS, GROUPS, customer_frame, deal_frame, group_members
from .intervals import LEVEL, rate_table
from .result import StatResult
from .source import StatsSource, as_source
from .survival import cox, km_curves, km_medians, logrank

#: Observations a group and the baseline each need before an effect is estimated.
MIN_OBSERVATIONS = 10
#: Events (won and lost deals, churned customers) a group and the baseline each need.
MIN_EVENTS = 5
#: Bootstrap resamples for the NPS interval.
BOOTSTRAP_RESAMPLES = 999
#: Effect measured by each analysis (design section 5).
EFFECTS = {"deal_size": "ratio", "win_rate": "odds_ratio", "sales_cycle": "ratio",
           "customer_churn": "hazard_ratio", "nps": "difference", "customer_lifetime_value": "ratio"}
ANALYSES = tuple(EFFECTS)
#: Keys of a row of the comparison JSON, in order (design section 5).
COMPARISON_COLUMNS = ("analysis", "group", "baseline", "effect", "estimate", "ci_low", "ci_high", "p_value",
                      "n_group", "n_baseline", "adjusted_for", "method")
_SHOWN = ("analysis", "group", "effect", "estimate", "ci_low", "ci_high", "p_value", "n_group", "n_baseline",
          "adjustment")
_GROUP_WORDS = {"sourced": "Partner-sourced", "influenced": "Partner-influenced", "partner": "Partner"}
_Z = stats.norm.ppf(0.5 + LEVEL / 2)


class _NotEstimable(Exception):
    """The model cannot give a trustworthy number (no convergence, separation)."""


def _clusters(partner_ids: pd.Series | np.ndarray) -> np.ndarray:
    """Cluster codes: the rows of one partner share a code, every row without a partner is its own."""
    codes, _ = pd.factorize(partner_ids, use_na_sentinel=True)
    lone = codes < 0
    codes = codes.astype(np.int64)
    codes[lone] = codes.max(initial=-1) + 1 + np.arange(lone.sum())
    return codes


def _wald(params, bse, position: int, p_values, exp: bool = True) -> tuple[float, float, float, float]:
    est, half = float(params[position]), _Z * float(bse[position])
    values = (est, est - half, est + half)
    if exp:
        values = tuple(float(np.exp(v)) for v in values)
    return (*values, float(p_values[position]))


def _fit_ols_log(outcome: str) -> Callable:
    def fit(rows: pd.DataFrame, X: Design, group: str):
        result = least_squares(np.log(rows[outcome].to_numpy()), X, _clusters(rows["partner_id"]))
        return _wald(result.params, result.bse, X.column(group), result.pvalues)
    return fit


def _fit_logit(rows: pd.DataFrame, X: Design, group: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = logistic(rows["won"].to_numpy(dtype="float64"), X, _clusters(rows["partner_id"]))
    if not result.converged or not np.all(np.isfinite(result.bse)):
        raise _NotEstimable("the logistic regression did not converge (a group or level is won or lost throughout)")
    return _wald(result.params, result.bse, X.column(group), result.pvalues)


def _fit_cox(rows: pd.DataFrame, X: Design, group: str):
    # a customer acquired on the as-of date has no time at risk: it adds nothing to the likelihood
    durations, churned = rows["duration_days"].to_numpy(), rows["churned"].to_numpy()
    at_risk = (durations > 0) | churned
    result = cox(durations[at_risk], churned[at_risk], X.exog[at_risk], X.index[at_risk])
    if not np.all(np.isfinite(result.bse)):
        raise _NotEstimable("the Cox model did not converge")
    return _wald(result.params, result.bse, X.column(group), result.pvalues)


def _clv_sandwich(fits: list, clusters: np.ndarray) -> np.ndarray:
    """Cluster-robust covariance of the two Poisson fits together, as statsmodels gives it for the
    stacked (block-diagonal) model with ``cov_type="cluster"``: block bread, meat from the per-cluster
    sums of both score vectors (they share customers), statsmodels' small-sample factor. Assembled from
    the separate fits (statsmodels results, or models at parameters estimated on distinct rows: see
    :class:`~partner_analysis.stats.collapsed.ModelAt`) because the stacked model costs four times the work."""
    scores = np.hstack([f.model.score_obs(f.params) for f in fits])
    bread = block_diag(*[np.linalg.inv(-f.model.hessian(f.params)) for f in fits])
    n_obs, n_params = scores.shape[0] * len(fits), scores.shape[1]
    n_clusters = len(np.unique(clusters))
    factor = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - n_params)
    return factor * bread @ S_crosssection(scores, clusters) @ bread


def _fit_clv(rows: pd.DataFrame, X: Design, group: str):
    """Lifetime value = ARPA / churn rate. Revenue per customer-month and churns per customer-month are
    two Poisson (quasi-likelihood) regressions with the customer-months as exposure; their covariance
    (the same customers, the same partners) enters the interval of their ratio."""
    revenue = rows["mrr_earned"].to_numpy(dtype="float64")
    # revenue in units of its mean: the same ratios, and a well-conditioned fit
    revenue = revenue / revenue.mean() if revenue.mean() > 0 else revenue
    months = rows["months"].to_numpy(dtype="float64")
    fits = []
    for outcome in (revenue, rows["churned"].to_numpy(dtype="float64")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = poisson(outcome, months, X)
        if not fit.converged:
            raise _NotEstimable("the lifetime-value model did not converge")
        fits.append(fit)
    k = len(X.names)
    contrast = np.zeros(2 * k)
    contrast[X.column(group)], contrast[k + X.column(group)] = 1.0, -1.0
    estimate = float(contrast @ np.concatenate([f.params for f in fits]))
    with np.errstate(invalid="ignore"):  # a negative variance (singular fit) gives NaN: reported as insufficient
        se = float(np.sqrt(contrast @ _clv_sandwich(fits, _clusters(rows["partner_id"])) @ contrast))
    return (float(np.exp(estimate)), float(np.exp(estimate - _Z * se)), float(np.exp(estimate + _Z * se)),
            float(2 * stats.norm.sf(abs(estimate) / se)))


def _net_promoter(scores: np.ndarray) -> np.ndarray:
    """+1 promoter (9-10), -1 detractor (0-6), 0 passive: NPS is 100 x the mean."""
    return (scores >= 9).astype("float64") - (scores <= 6).astype("float64")


def _fit_nps(seed: int) -> Callable:
    """Difference in NPS points: least squares of the net-promoter value on the group and the dimensions
    (100 x the group coefficient), with a percentile bootstrap interval that resamples respondents within
    the group and within the baseline, and a p-value from the bootstrap standard error.

    Respondents with the same design row and answer are interchangeable, so a resample is drawn as
    multinomial counts of those cells (the same distribution as resampling rows, at the cost of the
    cells rather than of the respondents: a hundred thousand answers resample in milliseconds).
    """
    def fit(rows: pd.DataFrame, X: Design, group: str):
        net = _net_promoter(rows["nps_score"].to_numpy(dtype="float64"))
        uniques, first, codes = np.unique(X.index * 3 + (net + 1).astype(np.int64), return_index=True,
                                          return_inverse=True)
        exog_u, net_u, position = X.rows[X.index[first]], net[first], X.column(group)
        codes = codes.ravel()
        in_group = X.rows[X.index, position] == 1
        rng = np.random.default_rng(seed)
        counts = [np.bincount(codes[mask], minlength=len(uniques)) for mask in (in_group, ~in_group)]
        weights = np.vstack([counts[0] + counts[1]]
                            + [sum(rng.multinomial(c.sum(), c / c.sum(), size=BOOTSTRAP_RESAMPLES) for c in counts)])
        gram = np.einsum("bk,ki,kj->bij", weights, exog_u, exog_u)
        moment = np.einsum("bk,ki,k->bi", weights, exog_u, net_u)
        differences = 100.0 * np.einsum("bij,bj->bi", np.linalg.pinv(gram), moment)[:, position]
        estimate, boot = float(differences[0]), differences[1:]
        low, high = np.quantile(boot, [(1 - LEVEL) / 2, 0.5 + LEVEL / 2])
        se = float(boot.std(ddof=1))
        p_value = float(2 * stats.norm.sf(abs(estimate) / se)) if se > 0 else float("nan")
        return estimate, float(low), float(high), p_value
    return fit


#: How each analysis measures, in words, for the ``method`` field (adjusted rows add the dimensions).
_METHODS = {
    "deal_size": "ratio of won-deal sizes: least squares of log amount on the group{dims}, back-transformed "
                 "(ratio of geometric means); 95% CI and p-value with standard errors clustered by partner",
    "win_rate": "odds ratio of winning a closed deal: logistic regression on the group{dims}; 95% CI and "
                "p-value with standard errors clustered by partner",
    "sales_cycle": "ratio of won-deal cycle length: least squares of log days from created to closed on the "
                   "group{dims}, back-transformed; standard errors clustered by partner",
    "customer_churn": "hazard ratio of churn: Cox proportional hazards on days from acquisition to churn, "
                      "active customers censored at the as-of date, on the group{dims}; Breslow ties; model-based "
                      "standard errors",
    "nps": "difference in customer NPS points: least squares of the net-promoter value (+1 promoter, -1 "
           "detractor) on the group{dims}, x100; 95% percentile bootstrap interval ({resamples} resamples of "
           "respondents within each group), p-value from the bootstrap standard error",
    "customer_lifetime_value": "ratio of customer lifetime value (MRR earned per customer-month / churns per "
                               "customer-month): stacked Poisson quasi-likelihood regressions with customer-months "
                               "as exposure on the group{dims}; standard errors clustered by partner",
}


def _method(analysis: str, dims: tuple[str, ...]) -> str:
    text = ", adjusted for " + ", ".join(dims) if dims else ", unadjusted"
    return _METHODS[analysis].format(dims=text, resamples=BOOTSTRAP_RESAMPLES)


def _row(analysis: str, group: str, values, n_group: int, n_baseline: int, dims: tuple[str, ...],
         method: str) -> dict:
    estimate, low, high, p_value = values
    return {"analysis": analysis, "group": group, "baseline": BASELINE, "effect": EFFECTS[analysis],
            "estimate": estimate, "ci_low": low, "ci_high": high, "p_value": p_value, "n_group": n_group,
            "n_baseline": n_baseline, "adjusted_for": tuple(dims), "method": method}


class _Collector:
    """Rows, notes and insufficient-data reasons of one comparison run."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.notes: list[str] = []
        self.insufficient: list[str] = []
        self.details: dict[str, pd.DataFrame] = {}

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def missing(self, analysis: str, group: str, n_group: int, n_baseline: int, reason: str,
                dims: tuple[str, ...] = ()) -> None:
        """An explicit "insufficient data" row (``dims``: the adjustment that was attempted, if any)."""
        self.insufficient.append(f"{analysis}, {group} vs {BASELINE}: {reason}")
        self.rows.append(_row(analysis, group, (np.nan,) * 4, n_group, n_baseline, dims,
                              f"insufficient data: {reason}"))

    def estimate(self, analysis: str, frame: pd.DataFrame, groups: tuple[str, ...], dims: tuple[str, ...],
                 fit: Callable, unit: str, events: str | None = None, constant: bool = True) -> None:
        """Adjusted and unadjusted rows of one analysis for each group, or why it cannot be estimated.

        ``unit`` names an observation (``won deals``), ``events`` the boolean column whose True and False
        rows each need :data:`MIN_EVENTS` (``won`` for a win rate) or, with a ``+`` prefix, only its True rows.
        """
        base = group_members(frame, BASELINE)
        for group in groups:
            member = group_members(frame, group)
            n_group, n_base = int(member.sum()), int(base.sum())
            reason = _shortfall(frame, member, base, group, unit, events)
            if reason:
                self.missing(analysis, group, n_group, n_base, reason)
                continue
            rows = frame[member | base]
            indicator = member[member | base]
            for dims_used in (dims, ()):
                X = design(rows, {group: indicator}, dims_used, constant=constant)
                if dims_used and not X.adjusted_for:
                    self.note(f"{analysis}, {group} vs {BASELINE}: none of {', '.join(dims)} has two levels with "
                              "data to adjust for: only the raw comparison is shown")
                    continue
                for text in X.notes:
                    self.note(f"{analysis}, {group} vs {BASELINE}: {text}")
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("error", ConvergenceWarning)
                        values = fit(rows, X, group)
                except ConvergenceWarning:
                    values = (np.nan,) * 4
                except (_NotEstimable, np.linalg.LinAlgError, ValueError) as exc:
                    self.missing(analysis, group, n_group, n_base, str(exc), X.adjusted_for)
                    continue
                if not np.all(np.isfinite(values[:3])):
                    dims_text = f" adjusted for {', '.join(X.adjusted_for)}" if X.adjusted_for else ""
                    self.missing(analysis, group, n_group, n_base,
                                 f"the model{dims_text} does not converge to a finite estimate and interval "
                                 "(too few observations per level)", X.adjusted_for)
                    continue
                self.rows.append(_row(analysis, group, values, n_group, n_base, X.adjusted_for,
                                      _method(analysis, X.adjusted_for)))


def _shortfall(frame: pd.DataFrame, member: np.ndarray, base: np.ndarray, group: str, unit: str,
               events: str | None) -> str | None:
    for name, mask in ((group, member), (BASELINE, base)):
        if mask.sum() < MIN_OBSERVATIONS:
            return f"{name} has {int(mask.sum())} {unit} (at least {MIN_OBSERVATIONS} needed)"
        if events:
            column = events.lstrip("+")
            happened = int(frame[column].to_numpy()[mask].sum())
            if happened < MIN_EVENTS:
                return f"{name} has {happened} {column} among its {unit} (at least {MIN_EVENTS} needed)"
            if not events.startswith("+") and mask.sum() - happened < MIN_EVENTS:
                return f"{name} has {int(mask.sum()) - happened} not {column} among its {unit} " \
                       f"(at least {MIN_EVENTS} needed)"
    return None


def _positive(frame: pd.DataFrame, column: str, described: str, collector: _Collector, analysis: str) -> pd.DataFrame:
    """Rows with ``column`` above 0 (a log needs it); the others are counted in a note, not hidden."""
    keep = frame[column].to_numpy() > 0
    if (~keep).any():
        collector.note(f"{analysis}: {int((~keep).sum()):,} {described} are not in the ratio (estimated on the log scale)")
    return frame[keep]


def _deal_analyses(source: StatsSource, analyses, groups, collector: _Collector) -> None:
    deals = deal_frame(source)
    closed = deals[deals["closed"].to_numpy()]
    won = closed[closed["won"].to_numpy()]
    if "deal_size" in analyses:
        collector.estimate("deal_size", _positive(won, "amount", "won deals of amount 0", collector, "deal_size"),
                           groups, DEAL_DIMENSIONS, _fit_ols_log("amount"), "won deals")
    if "win_rate" in analyses:
        collector.estimate("win_rate", closed, groups, DEAL_DIMENSIONS, _fit_logit, "closed deals", events="won")
        names = list(groups) + [BASELINE]
        masks = [group_members(closed, g) for g in names]
        collector.details["win_rates"] = rate_table(
            names, [int(closed["won"].to_numpy()[m].sum()) for m in masks], [int(m.sum()) for m in masks]
        ).rename(columns={"successes": "won", "trials": "closed"})
    if "sales_cycle" in analyses:
        collector.estimate("sales_cycle", _positive(won, "cycle_days", "won deals closed the day they were created",
                                                    collector, "sales_cycle"),
                           groups, DEAL_DIMENSIONS, _fit_ols_log("cycle_days"), "won deals")
        curves = {g: group_members(deals, g) for g in ("sourced", "influenced", BASELINE)}
        durations, closed_flag = deals["duration_days"].to_numpy(), deals["closed"].to_numpy()
        collector.details["time_to_close"] = km_curves(durations, closed_flag, curves)
        collector.details["median_days_to_close"] = km_medians(durations, closed_flag, curves)


def _customer_analyses(source: StatsSource, analyses, groups, collector: _Collector, seed: int) -> None:
    customers = customer_frame(source)
    if "customer_churn" in analyses:
        collector.estimate("customer_churn", customers, groups, CUSTOMER_DIMENSIONS, _fit_cox, "customers",
                           events="+churned", constant=False)
        channels = {c: (customers["channel"] == c).to_numpy() for c in ("partner", BASELINE)}
        durations, churned = customers["duration_days"].to_numpy(), customers["churned"].to_numpy()
        collector.details["retention"] = km_curves(durations, churned, channels)
        collector.details["median_customer_lifetime_days"] = km_medians(durations, churned, channels)
        if all(m.sum() and churned[m].any() for m in channels.values()):
            statistic, df, p_value = logrank(durations, churned, customers["channel"].to_numpy())
            collector.details["retention_logrank"] = pd.DataFrame(
                [{"test": "log-rank, partner vs direct customers", "chi_square": statistic, "df": df, "p_value": p_value}])
    if "customer_lifetime_value" in analyses:
        if "mrr_earned" not in customers.columns:
            for group in groups:
                collector.missing("customer_lifetime_value", group, 0, 0, "the data has no revenue table")
        else:
            collector.estimate("customer_lifetime_value", customers, groups, CUSTOMER_DIMENSIONS, _fit_clv,
                               "customers", events="+churned")
    if "nps" in analyses:
        if not source.has("surveys"):
            for group in groups:
                collector.missing("nps", group, 0, 0, "the data has no surveys table")
            return
        surveys = source.table("surveys")
        answers = surveys[(surveys["respondent"] == "customer").to_numpy() & surveys["nps_score"].notna().to_numpy()
                          & (surveys["submitted_at"] <= source.as_of).to_numpy()]
        responses = answers[["account_id", "nps_score"]].merge(customers, on="account_id", how="inner")
        unmatched = len(answers) - len(responses)
        if unmatched:
            collector.note(f"nps: {unmatched:,} customer responses name no known customer (account) and are not compared")
        collector.estimate("nps", responses, groups, CUSTOMER_DIMENSIONS, _fit_nps(seed), "responses")


def _sentence(row: dict, raw: dict | None) -> str:
    who = _GROUP_WORDS[row["group"]]
    est, low, high = row["estimate"], row["ci_low"], row["ci_high"]
    interval = f"(95% CI {low:.2f}–{high:.2f})" if row["effect"] != "difference" else f"(95% CI {low:+.1f} to {high:+.1f})"
    raw_text = ""
    if raw is not None and np.isfinite(raw["estimate"]):
        raw_value = f"{raw['estimate']:+.1f} points" if row["effect"] == "difference" else f"{raw['estimate']:.2f}×"
        raw_text = f"; raw, without adjusting, {raw_value}"
    null = 0.0 if row["effect"] == "difference" else 1.0
    unclear = " — not distinguishable from no difference" if low <= null <= high else ""
    phrases = {
        "deal_size": f"{who} deals are {est:.2f}× the size of comparable direct deals",
        "win_rate": f"{who} deals have {est:.2f}× the odds of being won of comparable direct deals",
        "sales_cycle": f"{who} deals that are won take {est:.2f}× the time to close of comparable direct deals",
        "customer_churn": f"{who} customers churn at {est:.2f}× the rate of comparable direct customers",
        "nps": f"{who} customers' NPS is {est:+.1f} points against comparable direct customers",
        "customer_lifetime_value": f"{who} customers' lifetime value is {est:.2f}× that of comparable direct customers",
    }
    return f"{phrases[row['analysis']]} {interval}{unclear}{raw_text}."


def _sentences(rows: list[dict]) -> tuple[str, ...]:
    """One sentence per analysis and group: the adjusted effect with the raw one beside it, or the raw one
    alone (said so) when the data has nothing to adjust for."""
    out = []
    for key in dict.fromkeys((r["analysis"], r["group"]) for r in rows):
        pair = [r for r in rows if (r["analysis"], r["group"]) == key]
        adjusted = next((r for r in pair if r["adjusted_for"] and np.isfinite(r["estimate"])), None)
        raw = next((r for r in pair if not r["adjusted_for"] and np.isfinite(r["estimate"])), None)
        if adjusted is not None:
            out.append(_sentence(adjusted, raw))
        elif raw is not None:
            why = ("the adjusted model could not be estimated" if any(r["adjusted_for"] for r in pair)
                   else "the data has nothing to adjust for")
            out.append(_sentence(raw, None).replace("comparable direct", "direct").rstrip(".") + f" (raw: {why}).")
    return tuple(out)


def partner_vs_direct(data, analyses: tuple[str, ...] | list[str] = ANALYSES,
                      groups: tuple[str, ...] = GROUPS, seed: int = 0, config=None) -> StatResult:
    """Compare partner-sourced, partner-influenced and all partner business with direct.

    Parameters
    ----------
    data : KpiStore, processed folder, dict of validated tables or StatsSource
        The data (see :func:`partner_analysis.stats.source.as_source`).
    analyses : sequence of str
        Among ``deal_size``, ``win_rate``, ``sales_cycle``, ``customer_churn``, ``nps``,
        ``customer_lifetime_value``; those whose tables are missing are reported as insufficient.
    groups : sequence of str
        Among ``sourced``, ``influenced``, ``partner``.
    seed : int
        Seed of the NPS bootstrap (the same seed gives the same interval).

    Returns
    -------
    StatResult
        ``table`` with one adjusted and one unadjusted row per analysis and group (columns of the
        comparison JSON plus ``adjustment``); ``details`` with raw win rates (Wilson intervals),
        Kaplan–Meier time-to-close and retention curves, medians and the log-rank test.
    """
    unknown = sorted(set(analyses) - set(ANALYSES)) + sorted(set(groups) - set(GROUPS))
    if unknown:
        raise ValueError(f"unknown analyses or groups {unknown}; analyses: {', '.join(ANALYSES)}; "
                         f"groups: {', '.join(GROUPS)}")
    source = as_source(data, config)
    collector = _Collector()
    deal_wanted = [a for a in ("deal_size", "win_rate", "sales_cycle") if a in analyses]
    customer_wanted = [a for a in ("customer_churn", "customer_lifetime_value", "nps") if a in analyses]
    for wanted, table, run in ((deal_wanted, "deals", lambda: _deal_analyses(source, deal_wanted, groups, collector)),
                               (customer_wanted, "customers",
                                lambda: _customer_analyses(source, customer_wanted, groups, collector, seed))):
        if not wanted:
            continue
        if source.has(table):
            run()
        else:
            for analysis in wanted:
                for group in groups:
                    collector.missing(analysis, group, 0, 0, f"the data has no {table} table")
    order = {a: i for i, a in enumerate(ANALYSES)}
    rows = sorted(collector.rows, key=lambda r: (order[r["analysis"]], GROUPS.index(r["group"]), not r["adjusted_for"]))
    table = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    table["adjustment"] = [", ".join(d) if d else ("–" if m.startswith("insufficient") else "none (raw)")
                           for d, m in zip(table["adjusted_for"], table["method"])]
    return StatResult(
        analysis="partner_vs_direct", title=f"Partner vs direct (as of {source.as_of.date()})", table=table,
        sentences=_sentences(rows),
        method="Each effect compares a partner group with direct business within comparable mix: a regression "
               "that controls for the dimensions in adjusted_for; the unadjusted row is the same model without "
               "them. Open deals and active customers are censored at the as-of date.",
        insufficient=tuple(collector.insufficient), notes=tuple(collector.notes), details=collector.details,
        shown=_SHOWN)


def comparison_json(result: StatResult) -> dict:
    """The comparison JSON of design section 5: ``{"comparisons": [...]}``."""
    return {"comparisons": result.records(COMPARISON_COLUMNS)}
