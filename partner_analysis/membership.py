"""Fast membership of text ids, shared by validation (foreign keys) and the KPI engine."""
from __future__ import annotations

import numpy as np
import pandas as pd


def member_of(values: pd.Series, pool) -> np.ndarray:
    """Whether each value occurs in ``pool``, by hashing (``Series.isin`` with a large pool of
    Arrow strings converts the pool value by value)."""
    return pd.Index(pd.unique(np.asarray(pool, dtype=object))).get_indexer(values.to_numpy(dtype=object)) >= 0
