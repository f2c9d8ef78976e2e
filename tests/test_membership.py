"""Membership of ids: the binary search in a sorted pool answers exactly as Arrow's hashed ``is_in``."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from partner_analysis import membership
from partner_analysis.membership import _sorted_member, member_of


def _hashed(values, pool) -> np.ndarray:
    values, pool = membership._as_arrow(values), membership._as_arrow(pool)
    return pc.is_in(values, value_set=pool).to_numpy(zero_copy_only=False)


@pytest.fixture
def small_pools(monkeypatch):
    monkeypatch.setattr(membership, "SORTED_POOL_MIN", 4)


def ids(numbers, width=7):
    return [None if n is None else f"D{n:0{width}d}" for n in numbers]


@pytest.mark.parametrize("values", [
    ids([3, 1, 99, 8, 1]),                      # present, absent, repeated
    ids([3, None, 99, None, 0]),                # missing values are never members of a pool without them
    ids([None, None]),
    ["D0000003", "D000003", "D00000003", "x"],  # other widths: not members, hashed
    [],
])
def test_sorted_pool_answers_as_hashing(small_pools, values):
    pool = pd.Series(ids([0, 1, 2, 3, 3, 5, 8]), dtype="str")
    got = member_of(pd.Series(values, dtype="str"), pool)
    assert got.dtype == bool and got.tolist() == _hashed(pd.Series(values, dtype="str"), pool).tolist()


def test_known_answers(small_pools):
    pool = pd.Series(ids(range(0, 20, 2)), dtype="str")
    values = pd.Series(ids([4, 5, None, 18, 19, 0]), dtype="str")
    assert _sorted_member(membership._as_arrow(values), membership._as_arrow(pool)).tolist() == \
        [True, False, False, True, False, True]
    assert member_of(values, pool).tolist() == [True, False, False, True, False, True]


@pytest.mark.parametrize("pool", [
    ids([5, 1, 3, 7]),                    # not sorted
    ["D1", "D22", "D333", "D4444"],       # not one width
    ["a\x00", "b\x00", "c\x00", "d\x00"],  # NUL bytes (NumPy would pad with them)
    ids([1, 2, None, 4]),                 # a missing value
])
def test_pools_not_searched_in_order_are_hashed(small_pools, pool):
    arrow_pool = membership._as_arrow(pd.Series(pool, dtype="str"))
    values = pd.Series(["D0000001", "D1", "a\x00", None, "zz"], dtype="str")
    assert _sorted_member(membership._as_arrow(values), arrow_pool) is None
    assert member_of(values, pd.Series(pool, dtype="str")).tolist() == \
        _hashed(values, pd.Series(pool, dtype="str")).tolist()


def test_small_pool_or_many_values_are_hashed():
    pool = membership._as_arrow(pd.Series(ids(range(10)), dtype="str"))
    assert _sorted_member(membership._as_arrow(pd.Series(ids([1]), dtype="str")), pool) is None


def test_large_random_case_and_chunks():
    rng = np.random.default_rng(3)
    pool = np.unique(rng.integers(0, 10**6, 200_000))
    values = rng.integers(0, 10**6, 300_000).astype(object)
    values[rng.random(len(values)) < 0.1] = None
    pool_arrow = pa.chunked_array([pa.array(ids(pool[:1000].tolist()), pa.large_string()),
                                   pa.array(ids(pool[1000:].tolist()), pa.large_string())])
    value_arrow = pa.chunked_array([pa.array(ids(values[:7].tolist()), pa.string()),
                                    pa.array(ids(values[7:].tolist()), pa.string())])
    fast = _sorted_member(membership._as_arrow(value_arrow), membership._as_arrow(pool_arrow))
    assert fast is not None
    assert fast.tolist() == _hashed(value_arrow, pool_arrow).tolist() == member_of(value_arrow, pool_arrow).tolist()
    assert 0 < fast.sum() < len(values)


def test_unicode_ids_of_one_width(small_pools):
    pool = pd.Series(["é01", "é02", "é03", "ü01"], dtype="str")  # the order of their UTF-8 bytes
    values = pd.Series(["é02", "ü01", "ü02", "e01"], dtype="str")
    assert member_of(values, pool).tolist() == [True, True, False, False]
