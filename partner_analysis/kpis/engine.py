"""Compute the catalog: every registered metric whose tables are present, in the long KPI format.

A metric whose required table is missing is listed as unavailable with the reason; it is
never computed as zero, and the rest of the catalog still computes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from tqdm.auto import tqdm

from ..config import Config
from .context import KpiContext
from .registry import KPI_COLUMNS, REGISTRY


@dataclass
class KpiResult:
    """KPI rows in the long format of design section 5, and the metrics that could not be computed."""

    rows: pd.DataFrame
    unavailable: dict[str, str] = field(default_factory=dict)
    freq: str = "quarter"
    as_of: pd.Timestamp | None = None
    context: KpiContext | None = field(default=None, repr=False)  # with its derived frames, for reuse


def missing_tables(metric_id: str, ctx: KpiContext) -> list[str]:
    """Required tables of a metric that the data does not have."""
    return [t for t in REGISTRY[metric_id].spec.requires if not ctx.has(t)]


def compute_metric(metric_id: str, ctx: KpiContext) -> pd.DataFrame:
    """One metric's rows with period labels and the ``metric`` column, sorted.

    Raises
    ------
    KeyError
        Unknown metric id.
    LookupError
        A required table is missing.
    """
    if metric_id not in REGISTRY:
        raise KeyError(f"unknown metric {metric_id!r}; see `partner-analysis metrics`")
    missing = missing_tables(metric_id, ctx)
    if missing:
        raise LookupError(f"{metric_id} needs table(s) {', '.join(missing)}")
    rows = REGISTRY[metric_id].compute(ctx)
    rows = rows.sort_values(["period", "attribution", "partner_id"], na_position="first", kind="stable")
    out = rows.assign(metric=metric_id, period=ctx.labels(rows["period"].to_numpy()))
    out["period"] = out["period"].astype("str")
    return out[list(KPI_COLUMNS)].reset_index(drop=True)


def compute_kpis(
    tables: dict[str, pd.DataFrame],
    config: Config | None = None,
    freq: str = "quarter",
    metrics: list[str] | None = None,
    as_of: pd.Timestamp | None = None,
    progress: bool = False,
) -> KpiResult:
    """Compute the catalog (or the ``metrics`` listed) on validated tables.

    Parameters
    ----------
    tables : dict
        Validated tables (see :func:`partner_analysis.validation.validate_tables`).
    config : Config, optional
        Settings; defaults apply when omitted.
    freq : {"quarter", "month"}
        Period grain.
    metrics : list of str, optional
        Metric ids; all registered metrics when omitted.
    as_of : Timestamp, optional
        Reference date; the latest date in the data by default.
    progress : bool
        Show a progress bar.

    Returns
    -------
    KpiResult
    """
    ctx = KpiContext(tables, config or Config(), freq, as_of)
    ids = list(metrics) if metrics else list(REGISTRY)
    unknown = [m for m in ids if m not in REGISTRY]
    if unknown:
        raise KeyError(f"unknown metric(s) {unknown}; see `partner-analysis metrics`")
    pieces, unavailable = [], {}
    for metric_id in tqdm(ids, desc="KPIs", disable=not progress, unit="metric"):
        missing = missing_tables(metric_id, ctx)
        if missing:
            unavailable[metric_id] = f"needs table(s) {', '.join(missing)}, not in the data"
            continue
        pieces.append(compute_metric(metric_id, ctx))
    rows = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=list(KPI_COLUMNS))
    rows["metric"] = rows["metric"].astype("category")
    rows["attribution"] = rows["attribution"].astype("category")
    return KpiResult(rows, unavailable, freq, ctx.as_of, ctx)
