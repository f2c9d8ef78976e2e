"""Fits on the distinct rows of a design against statsmodels' fits on every observation: the same estimates,
cluster-robust standard errors and p-values (the reference is statsmodels itself, on the uncollapsed data)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from partner_analysis.stats.adjust import design
from partner_analysis.stats.collapsed import DistinctRows, least_squares, logistic

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
    fit = least_squares(y, DistinctRows.of(X), clusters)
    assert len(DistinctRows.of(X).counts) < 30  # 2 groups x 3 segments x 4 quarters at most: a real collapse
    np.testing.assert_allclose(fit.params, full.params, rtol=RTOL)
    np.testing.assert_allclose(fit.bse, full.bse, rtol=RTOL)
    np.testing.assert_allclose(fit.pvalues, full.pvalues, rtol=1e-6)


def test_logistic_equals_logit_on_every_observation(panel):
    X, clusters, partner_effect, rng = panel
    linear = X.exog @ np.linspace(-0.8, 0.8, X.exog.shape[1]) + partner_effect
    y = (rng.random(len(clusters)) < 1 / (1 + np.exp(-linear))).astype(float)
    full = sm.Logit(y, X.exog).fit(disp=0, cov_type="cluster", cov_kwds={"groups": clusters})
    fit = logistic(y, DistinctRows.of(X), clusters)
    assert fit.converged
    np.testing.assert_allclose(fit.params, full.params, rtol=RTOL)
    np.testing.assert_allclose(fit.bse, full.bse, rtol=RTOL)
    np.testing.assert_allclose(fit.pvalues, full.pvalues, rtol=1e-6)
