"""One integer per row for a combination of levels: the key checks of validation and the designs of
the statistics both compare rows by several coded columns at once."""
from __future__ import annotations

import numpy as np


def combined_codes(parts: list[tuple[np.ndarray, int]], n: int) -> np.ndarray:
    """One int64 per row from ``(codes, number of levels)`` parts: equal exactly when every part's codes
    are, and ordered like the tuples of codes (a mixed-radix number), renumbered by rank (which keeps the
    order) before it could overflow."""
    key, span = np.zeros(n, dtype=np.int64), 1
    for codes, n_levels in parts:
        n_levels = max(int(n_levels), 1)
        if span * n_levels >= 2 ** 62:
            uniques, key = np.unique(key, return_inverse=True)
            key, span = key.ravel().astype(np.int64), len(uniques)
        key, span = key * n_levels + codes, span * n_levels
    return key
