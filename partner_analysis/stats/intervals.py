"""Confidence intervals for rates: Wilson score intervals (statsmodels), which keep their 95 % coverage
for small counts and rates near 0 or 1 where the textbook normal interval does not."""
from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

LEVEL = 0.95


def wilson_interval(successes, trials, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``successes / trials`` (arrays or scalars); missing where trials is 0."""
    successes = np.asarray(successes, dtype="float64")
    trials = np.asarray(trials, dtype="float64")
    safe = np.where(trials > 0, trials, 1.0)
    low, high = proportion_confint(successes, safe, alpha=1 - level, method="wilson")
    return np.where(trials > 0, low, np.nan), np.where(trials > 0, high, np.nan)


def rate_table(labels, successes, trials, label: str = "group") -> pd.DataFrame:
    """Rates with their Wilson intervals: ``label``, ``successes``, ``trials``, ``rate``, ``ci_low``, ``ci_high``."""
    successes = np.asarray(successes, dtype="int64")
    trials = np.asarray(trials, dtype="int64")
    low, high = wilson_interval(successes, trials)
    rate = np.where(trials > 0, successes / np.where(trials > 0, trials, 1), np.nan)
    return pd.DataFrame({label: list(labels), "successes": successes, "trials": trials, "rate": rate,
                         "ci_low": low, "ci_high": high})
