"""Where the data lies in time: the dates of the validated tables."""
from __future__ import annotations

import pandas as pd

from .contract import TABLES


def latest_date(tables: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """The latest event date in any table (the default "as of"); scheduled dates such as an
    agreement's end do not count."""
    scheduled = {(t.name, c.name) for t in TABLES.values() for c in t.columns if c.scheduled}
    latest = [
        frame[c].max() for name, frame in tables.items() for c in frame.columns
        if (name, c) not in scheduled and pd.api.types.is_datetime64_any_dtype(frame[c]) and frame[c].notna().any()
    ]
    if not latest:
        raise ValueError("no dates in the data: cannot place anything in a period")
    return max(latest)
