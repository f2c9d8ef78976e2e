"""Fast membership of text ids, shared by validation (foreign keys) and the KPI engine."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: A pool at least this large, and at least half as long as the values looked up in it, is searched
#: in its sorted order when it is sorted (binary search, no hash table); below, hashing is cheaper.
SORTED_POOL_MIN = 100_000


def _as_arrow(values) -> pa.Array | pa.ChunkedArray:
    array = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values, from_pandas=True)
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        array = array.cast(pa.large_string())
    return array


def _fixed_width(array: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """The values of a ``large_string`` array without missing values as a NumPy ``S<width>`` array
    (bytes compared as Arrow compares them), when every value has the same number of bytes and no
    byte is NUL (NumPy pads with NUL); else None."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.null_count or len(array) == 0:
        return None
    _, offsets, data = array.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[array.offset:array.offset + len(array) + 1]
    width = int(bounds[1] - bounds[0])
    if width == 0 or bounds[-1] - bounds[0] != width * len(array) or (np.diff(bounds) != width).any():
        return None
    fixed = np.frombuffer(data, dtype=f"S{width}", count=len(array), offset=int(bounds[0]))
    if not np.frombuffer(data, dtype=np.uint8, count=width * len(array), offset=int(bounds[0])).all():
        return None
    return fixed


def _sorted_member(values: pa.Array | pa.ChunkedArray, pool: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """Membership by binary search in ``pool``'s own order, when the pool is large, has no missing
    value and is sorted, and the pool and the present values all have one width (ids like
    ``D0000001``); else None. Building the hash table of 1.1 M ids costs 0.21 s; this 0.08 s."""
    if not pa.types.is_large_string(values.type) or 2 * len(pool) < len(values) or len(pool) < SORTED_POOL_MIN:
        return None
    sorted_pool = _fixed_width(pool)
    if sorted_pool is None or not (sorted_pool[1:] >= sorted_pool[:-1]).all():
        return None
    present = None
    if values.null_count:
        present = values.is_valid().to_numpy(zero_copy_only=False)
        values = pc.drop_null(values)
    if len(values) == 0:
        return np.zeros(0 if present is None else len(present), bool)
    looked_up = _fixed_width(values)
    if looked_up is None or looked_up.dtype != sorted_pool.dtype:
        return None
    at = np.searchsorted(sorted_pool, looked_up)
    at[at == len(sorted_pool)] = 0
    found = sorted_pool[at] == looked_up
    if present is None:
        return found
    out = np.zeros(len(present), bool)
    out[present] = found
    return out


def member_of(values, pool) -> np.ndarray:
    """Whether each value occurs in ``pool``, by Arrow's hashed ``is_in`` (no value converted to a
    Python object), or by binary search when ``pool`` is a large sorted column of ids of one width;
    a missing value is a member only when ``pool`` holds a missing value."""
    values, pool = _as_arrow(values), _as_arrow(pool)
    if pool.type != values.type:  # an empty or all-missing side has no type of its own; ids are text
        target = values.type if pa.types.is_null(pool.type) else pool.type if pa.types.is_null(values.type) \
            else pa.large_string()
        values, pool = values.cast(target), pool.cast(target)
    found = _sorted_member(values, pool)
    if found is not None:
        return found
    found = pc.is_in(values, value_set=pool)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
