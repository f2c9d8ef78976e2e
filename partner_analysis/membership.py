"""Fast membership of text ids, shared by validation (foreign keys) and the KPI engine."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _as_arrow(values) -> pa.Array | pa.ChunkedArray:
    array = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values, from_pandas=True)
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        array = array.cast(pa.large_string())
    return array


def member_of(values, pool) -> np.ndarray:
    """Whether each value occurs in ``pool``, by Arrow's hashed ``is_in`` (no value converted to a
    Python object); a missing value is a member only when ``pool`` holds a missing value."""
    values, pool = _as_arrow(values), _as_arrow(pool)
    if pool.type != values.type:  # an empty or all-missing side has no type of its own; ids are text
        target = values.type if pa.types.is_null(pool.type) else pool.type if pa.types.is_null(values.type) \
            else pa.large_string()
        values, pool = values.cast(target), pool.cast(target)
    found = pc.is_in(values, value_set=pool)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
