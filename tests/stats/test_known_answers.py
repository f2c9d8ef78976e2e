"""The statistical building blocks against published or hand-derived values, each with its source."""
from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from partner_analysis.stats.compare import _clusters, _clv_sandwich
from partner_analysis.stats.intervals import rate_table, wilson_interval
from partner_analysis.stats.rankings import _flags
from partner_analysis.stats.survival import cox, km_curve, km_medians, logrank

# Freireich et al. (1963) remission times in weeks, 6-MP and placebo arms (21 patients each), the textbook
# example of Kleinbaum & Klein, "Survival Analysis: A Self-Learning Text" (3rd ed., 2012), chapters 2-3.
MP_WEEKS = np.array([6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35], dtype=float)
MP_RELAPSED = np.array([1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0], dtype=bool)
PLACEBO_WEEKS = np.array([1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23], dtype=float)


def test_kaplan_meier_table_of_the_6mp_arm():
    curve = km_curve(MP_WEEKS, MP_RELAPSED).set_index("time")
    # Kleinbaum & Klein, chapter 2, the KM table of the 6-MP group: S(t) at the relapse times 6, 7, 10, 13, 16, 22, 23
    published = {6: 0.8571, 7: 0.8067, 10: 0.7529, 13: 0.6902, 16: 0.6275, 22: 0.5378, 23: 0.4482}
    for week, survival in published.items():
        assert curve.loc[week, "survival"] == pytest.approx(survival, abs=5e-5)
    assert curve.loc[0, "survival"] == 1.0 and curve.loc[0, "at_risk"] == 21
    assert curve.loc[7, "at_risk"] == 17  # 21 - 3 relapses - 1 censored at week 6
    # log-log interval at week 6, by hand: S = 18/21, Greenwood var/S^2 = 3/(21*18) = 0.0079365,
    # se of log(-log S) = sqrt(0.0079365) / |log S| = 0.57795, bounds S^exp(-+1.96 * 0.57795) = 0.6197, 0.9516
    assert curve.loc[6, "ci_low"] == pytest.approx(0.6197, abs=1e-4)
    assert curve.loc[6, "ci_high"] == pytest.approx(0.9516, abs=1e-4)


def test_median_with_its_interval_when_the_curve_never_falls_far():
    both = np.r_[MP_WEEKS, PLACEBO_WEEKS]
    events = np.r_[MP_RELAPSED, np.ones(21, bool)]
    medians = km_medians(both, events, {"6-MP": np.arange(42) < 21}).iloc[0]
    # Kleinbaum & Klein: median remission of the 6-MP arm 23 weeks; R survfit gives 95% CI (13, NA)
    assert medians["median"] == 23 and medians["ci_low"] == 13 and np.isnan(medians["ci_high"])
    assert medians["events"] == 9 and medians["n"] == 21


def test_log_rank_statistic_of_6mp_against_placebo():
    durations = np.r_[MP_WEEKS, PLACEBO_WEEKS]
    events = np.r_[MP_RELAPSED, np.ones(21, bool)]
    statistic, df, p_value = logrank(durations, events, np.r_[np.zeros(21), np.ones(21)])
    # Kleinbaum & Klein, chapter 2: log-rank chi-square = 16.79 on 1 df, p < 0.0001
    assert statistic == pytest.approx(16.793, abs=1e-3) and df == 1 and p_value < 1e-4


def test_cox_hazard_ratio_of_placebo_against_6mp():
    durations = np.r_[MP_WEEKS, PLACEBO_WEEKS]
    events = np.r_[MP_RELAPSED, np.ones(21, bool)]
    fit = cox(durations, events, np.r_[np.zeros(21), np.ones(21)][:, None])
    # Kleinbaum & Klein, chapter 3 (Breslow ties): coefficient 1.509, se 0.410, hazard ratio 4.523
    assert fit.params[0] == pytest.approx(1.509, abs=1e-3)
    assert fit.bse[0] == pytest.approx(0.410, abs=1e-3)


def test_wilson_intervals_of_newcombe_1998():
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (score interval without correction)
    low, high = wilson_interval([81, 15, 0, 1], [263, 148, 20, 29])
    assert low == pytest.approx([0.2553, 0.0624, 0.0000, 0.0061], abs=1e-4)
    assert high == pytest.approx([0.3662, 0.1605, 0.1611, 0.1718], abs=1e-4)
    # 0 of 20, by hand: upper = z^2 / (n + z^2) = 3.8415 / 23.8415
    assert high[2] == pytest.approx(3.8415 / 23.8415, abs=1e-4)


def test_a_rate_with_no_trials_has_no_interval_and_no_rate():
    table = rate_table(["a", "b"], [0, 3], [0, 4])
    assert table["rate"].isna().iloc[0] and table["ci_low"].isna().iloc[0]
    assert table["rate"].iloc[1] == 0.75


def test_benjamini_hochberg_example_of_the_1995_paper():
    # Benjamini & Hochberg (1995), JRSS B 57:289-300, section 3.2: 15 p-values; at q = 0.05 the first 4 are rejected
    p = np.array([0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
                  0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000])
    q_values, flags = _flags(np.ones(15), 0.5, p)
    assert (q_values < 0.05).sum() == 4
    # by hand: q(4) = min over j >= 4 of p(j) * 15 / j = 0.0095 * 15 / 4 = 0.035625; q(1) = 0.0001 * 15 = 0.0015
    assert q_values[3] == pytest.approx(0.035625) and q_values[0] == pytest.approx(0.0015)
    # at the flagging level 0.10: p(9) = 0.0459 <= 9 * 0.10 / 15 = 0.06 while p(10) = 0.324 > 0.0667: 9 flagged
    assert (flags == "above").sum() == 9 and (flags[9:] == "none").all()


def test_lifetime_value_covariance_equals_the_stacked_cluster_robust_fit():
    """The separate-fits sandwich is what statsmodels gives for the stacked block-diagonal model."""
    rng = np.random.default_rng(3)
    n = 400
    exog = np.column_stack([np.ones(n), rng.random(n) < 0.5, rng.random(n) < 0.3])
    months = rng.uniform(1, 30, n)
    revenue = rng.gamma(2.0, 50.0, n) * months
    churned = (rng.random(n) < 0.3).astype(float)
    partners = np.where(rng.random(n) < 0.6, rng.integers(0, 40, n).astype(str).astype(object), None)
    clusters = _clusters(partners)
    fits = [sm.GLM(y, exog, family=sm.families.Poisson(), offset=np.log(months)).fit() for y in (revenue, churned)]
    zeros = np.zeros_like(exog)
    stacked = sm.GLM(np.r_[revenue, churned], np.vstack([np.hstack([exog, zeros]), np.hstack([zeros, exog])]),
                     family=sm.families.Poisson(), offset=np.tile(np.log(months), 2)).fit(
        cov_type="cluster", cov_kwds={"groups": np.tile(clusters, 2)})
    assert np.allclose(np.r_[fits[0].params, fits[1].params], stacked.params, rtol=1e-6)
    assert np.allclose(_clv_sandwich(fits, clusters), stacked.cov_params(), rtol=1e-5)


def test_rows_without_a_partner_are_each_their_own_cluster():
    codes = _clusters(np.array(["P1", None, "P1", None, "P2"], dtype=object))
    assert codes[0] == codes[2] and len(set(codes)) == 4
