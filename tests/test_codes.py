"""Combined level codes: equal exactly when every part is, in the order of the tuples of codes, also
when the mixed-radix number would overflow and is renumbered on the way."""
from __future__ import annotations

import numpy as np

from partner_analysis.codes import combined_codes


def test_rows_with_the_same_levels_share_a_code_in_the_order_of_their_tuples():
    a, b = np.array([1, 0, 1, 0, 1]), np.array([2, 1, 2, 0, 0])
    codes = combined_codes([(a, 2), (b, 3)], 5)
    assert list(codes) == [5, 1, 5, 0, 3]  # a * 3 + b


def test_overflow_is_avoided_by_ranks_that_keep_the_order():
    rng = np.random.default_rng(3)
    parts = [(rng.integers(0, 2**30, 200), 2**31) for _ in range(4)]  # 2**124 combinations
    codes = combined_codes(parts, 200)
    tuples = list(zip(*(p for p, _ in parts)))
    order = sorted(range(200), key=lambda i: tuples[i])
    assert (np.diff(codes[order]) >= 0).all()
    assert len(np.unique(codes)) == len(set(tuples))


def test_a_part_without_levels_adds_nothing():
    assert list(combined_codes([(np.zeros(0, np.int64), 0)], 0)) == []
