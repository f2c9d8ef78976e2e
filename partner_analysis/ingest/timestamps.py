"""The range of nanosecond timestamps (years 1677-2262, what pandas holds) in the ticks of a coarser
unit, so that a column is range-checked as integers in its own unit, before any cast."""
from __future__ import annotations

import numpy as np
import pandas as pd


def nanosecond_range(unit: str) -> tuple[int, int]:
    """The first and last tick of ``unit`` (``s``, ``ms``, ``us``, ``ns``) inside the nanosecond range."""
    per_tick = np.timedelta64(1, unit) // np.timedelta64(1, "ns")
    return -(-pd.Timestamp.min.value // per_tick), pd.Timestamp.max.value // per_tick
