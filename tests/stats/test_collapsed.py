"""Fits on the distinct rows of a design against statsmodels' fits on every observation: the same estimates,
cluster-robust standard errors and p-values (the reference is statsmodels itself, on the uncollapsed data)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.linalg import block_diag

from partner_analysis.stats.adjust import design
from partner_analysis.stats.collapsed import least_squares, logistic, poisson
from partner_analysis.stats.compare import _clv_sandwich
from partner_analysis.stats.survival import cox

RTOL = 1e-8


@pytest.fixture(scope="module")
def panel():
    """600 observations: 40 partners of 12 rows each and 120 rows without a partner (each its own cluster),
    three segments and four quarters, so that rows repeat the same design row many times."""
    rng = np.random.default_rng(3)
    n = 600
    frame = pd.DataFrame({"segment": pd.Categorical(rng.choice(["smb", "mid", "ent"], n, p=[0.5, 0.3, 0.2])),
                          "period": pd.Categorical(rng.choice(["2024Q1", "2024Q2", "2024Q3", "2024Q4"], n))})
    group = np.r_[np.ones(480, bool), np.zeros(120, bool)]
    X = design(frame, {"sourced": group}, ("segment", "period"))
    clusters = np.r_[np.repeat(np.arange(40), 12), 40 + np.arange(120)]
    partner_effect = np.r_[rng.normal(0, 0.3, 40)[np.repeat(np.arange(40), 12)], np.zeros(120)]
    return X, clusters, partner_effect, rng


def test_least_squares_equals_ols_on_every_observation(panel):
    X, clusters, partner_effect, rng = panel
    y = X.exog @ np.linspace(0.5, -0.5, X.exog.shape[1]) + partner_effect + rng.normal(0, 1, len(clusters))
    full = sm.OLS(y, X.exog).fit(cov_type="cluster", cov_kwds={"groups": clusters})
    fit = least_squares(y, X, clusters)
    assert len(X.counts) <= 24 and X.counts.sum() == len(y)  # 2 groups x 3 segments x 4 quarters: a real collapse
    np.testing.assert_allclose(fit.params, full.params, rtol=RTOL)
    np.testing.assert_allclose(fit.bse, full.bse, rtol=RTOL)
    np.testing.assert_allclose(fit.pvalues, full.pvalues, rtol=1e-6)


def test_logistic_equals_logit_on_every_observation(panel):
    X, clusters, partner_effect, rng = panel
    linear = X.exog @ np.linspace(-0.8, 0.8, X.exog.shape[1]) + partner_effect
    y = (rng.random(len(clusters)) < 1 / (1 + np.exp(-linear))).astype(float)
    full = sm.Logit(y, X.exog).fit(disp=0, cov_type="cluster", cov_kwds={"groups": clusters})
    fit = logistic(y, X, clusters)
    assert fit.converged
    np.testing.assert_allclose(fit.params, full.params, rtol=RTOL)
    np.testing.assert_allclose(fit.bse, full.bse, rtol=RTOL)
    np.testing.assert_allclose(fit.pvalues, full.pvalues, rtol=1e-6)


def test_poisson_on_distinct_rows_gives_the_stacked_cluster_covariance_of_every_observation(panel):
    X, clusters, partner_effect, rng = panel
    exposure = rng.uniform(0.5, 24, len(clusters))
    revenue = rng.gamma(2.0, np.exp(partner_effect) * exposure * 50)
    churned = (rng.random(len(clusters)) < 0.3).astype(float)
    fits = [poisson(y, exposure, X) for y in (revenue, churned)]
    assert all(f.converged for f in fits) and fits[0].model.exog.shape == X.exog.shape
    # statsmodels on the stacked observations: both outcomes as rows of one model with block-diagonal design
    stacked = sm.GLM(np.r_[revenue, churned], block_diag(X.exog, X.exog), family=sm.families.Poisson(),
                     offset=np.r_[np.log(exposure), np.log(exposure)]).fit(
        cov_type="cluster", cov_kwds={"groups": np.r_[clusters, clusters]}, tol=1e-12)
    np.testing.assert_allclose(np.r_[fits[0].params, fits[1].params], stacked.params, rtol=1e-6)
    np.testing.assert_allclose(_clv_sandwich(fits, clusters), stacked.cov_params(), rtol=1e-5, atol=1e-12)


def test_cox_with_censored_rows_collapsed_equals_the_fit_on_every_row():
    rng = np.random.default_rng(5)
    n = 400
    cells = rng.integers(0, 6, n)
    exog = np.column_stack([cells % 2, cells // 2 == 1, cells // 2 == 2]).astype(float)
    durations = rng.integers(1, 30, n).astype(float)  # whole days: many ties among events and censored rows
    events = rng.random(n) < 0.4
    full, collapsed = cox(durations, events, exog), cox(durations, events, exog, cells)
    assert collapsed.model.exog.shape[0] < 0.8 * n
    np.testing.assert_allclose(collapsed.params, full.params, rtol=RTOL)
    np.testing.assert_allclose(collapsed.bse, full.bse, rtol=RTOL)
