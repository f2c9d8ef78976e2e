"""Regressions fitted on the distinct rows of a design: the estimates and cluster-robust standard errors of
the fit on every observation, at the cost of a few thousand rows however many deals or customers there are.

An adjusted comparison has few distinct design rows (group x segment x region x product x deal type x
period). Least squares, logistic and Poisson regression see the data only through sums over the
observations that share a design row (their normal equations, score and Hessian are such sums), so each is
fitted on those sums. The score of an observation is its design row times its residual ``y - mean``, so a
partner's sum of scores, all a cluster-robust covariance needs, is the sum over distinct rows of the row
times the partner's residuals on that row: statsmodels' CRV1 sandwich (``cov_type="cluster"``) with its
small-sample factor for the number of observations, not of distinct X. A Poisson fit hands back the
statsmodels model of every observation at its estimate, whose scores and Hessian the lifetime-value
comparison stacks for the covariance of two fits.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from .adjust import Design


@dataclass(frozen=True)
class Fit:
    """Parameters, their covariance and whether the fit converged."""

    params: np.ndarray
    cov: np.ndarray
    converged: bool = True

    @property
    def bse(self) -> np.ndarray:
        with np.errstate(invalid="ignore"):  # a negative variance (singular fit) is NaN: not estimable
            return np.sqrt(np.diag(self.cov))

    @property
    def pvalues(self) -> np.ndarray:
        """Two-sided Wald p-values on the normal distribution (statsmodels' choice for robust covariances)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return 2 * stats.norm.sf(np.abs(self.params / self.bse))


def cluster_covariance(cluster_scores: np.ndarray, bread: np.ndarray, n_obs: int) -> np.ndarray:
    """CRV1 cluster-robust covariance as statsmodels' ``cov_cluster`` computes it: ``bread @ S @ bread.T``
    with ``S`` the sum over clusters of the outer products of their score sums, times the small-sample
    factor G/(G-1) x (n-1)/(n-k) for G clusters, n observations and k parameters."""
    n_clusters, n_params = cluster_scores.shape
    factor = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - n_params)
    return factor * (bread @ (cluster_scores.T @ cluster_scores) @ bread.T)


def least_squares(y: np.ndarray, X: Design, clusters: np.ndarray) -> Fit:
    """Least squares of ``y`` with standard errors clustered by ``clusters``: weighted least squares of each
    distinct row's mean on that row, weighted by its count (the same normal equations)."""
    fit = sm.WLS(X.sums(y) / X.counts, X.rows, weights=X.counts, hasconst=True).fit(method="qr")
    residuals = y - (X.rows @ fit.params)[X.index]
    cov = cluster_covariance(X.cluster_scores(residuals, clusters), fit.normalized_cov_params, len(y))
    return Fit(fit.params, cov)


def logistic(y: np.ndarray, X: Design, clusters: np.ndarray, maxiter: int = 100) -> Fit:
    """Logistic regression of the 0/1 ``y`` (Newton-Raphson from zero, as ``statsmodels.Logit``) with
    standard errors clustered by ``clusters``: a binomial model of each distinct row's successes among its
    observations, whose log-likelihood differs from the per-observation one by a constant."""
    successes = X.sums(y)
    model = sm.GLM(np.column_stack([successes, X.counts - successes]), X.rows, family=sm.families.Binomial())
    fit = model.fit(method="newton", start_params=np.zeros(X.rows.shape[1]), maxiter=maxiter, disp=0)
    probability = 1.0 / (1.0 + np.exp(-(X.rows @ fit.params)))
    residuals = y - probability[X.index]
    bread = np.linalg.inv(model.hessian(fit.params))
    cov = cluster_covariance(X.cluster_scores(residuals, clusters), bread, len(y))
    return Fit(fit.params, cov, bool(fit.mle_retvals.get("converged", False)))


@dataclass(frozen=True)
class ModelAt:
    """A statsmodels model of every observation at parameters estimated on its distinct rows: like a
    statsmodels results object, ``model.score_obs(params)`` and ``model.hessian(params)`` are the
    per-observation scores and the Hessian, for a sandwich assembled from several fits."""

    model: sm.GLM
    params: np.ndarray
    converged: bool


def poisson(y: np.ndarray, exposure: np.ndarray, X: Design) -> ModelAt:
    """Poisson (quasi-likelihood) regression of ``y`` with ``exposure`` on ``X``, fitted by statsmodels' IRLS on
    the distinct rows' totals of ``y`` and of exposure (the same score and Hessian as on every observation)."""
    model = sm.GLM(X.sums(y), X.rows, family=sm.families.Poisson(), offset=np.log(X.sums(exposure)),
                   hasconst=True)
    with warnings.catch_warnings():
        # a model with as many parameters as distinct rows fits their totals exactly, which statsmodels takes
        # for a perfect prediction; it is not one of the observations
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        fit = model.fit()
    observations = sm.GLM(y, X.exog, family=sm.families.Poisson(), offset=np.log(exposure), hasconst=True)
    return ModelAt(observations, fit.params, bool(fit.converged))
