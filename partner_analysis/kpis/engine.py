"""Compute the catalog: every registered metric whose tables are present, in the long KPI format.

A metric whose required table is missing or empty, or whose needed column is absent or has no
value in any row, is listed as unavailable with the reason; it is never computed as zero, and
the rest of the catalog still computes. A metric has rows only in the periods that every table
it needs covers (see :mod:`partner_analysis.kpis.conventions`); what its tables hold outside
those periods is written in the result's notes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..config import Config
from ..ingest.contract import ABSENT_COLUMNS
from .context import KpiContext
from .conventions import EMPTY_MEANS_NONE
from .registry import KPI_COLUMNS, REGISTRY, column_alternatives


@dataclass
class KpiResult:
    """KPI rows in the long format of design section 5, the metrics that could not be computed (with
    the reason) and, per metric, notes on what its tables hold that it does not report."""

    rows: pd.DataFrame
    unavailable: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    freq: str = "quarter"
    as_of: pd.Timestamp | None = None
    context: KpiContext | None = field(default=None, repr=False)  # with its derived frames, for reuse


def missing_tables(metric_id: str, ctx: KpiContext) -> list[str]:
    """Required tables of a metric that the data does not have."""
    return [t for t in REGISTRY[metric_id].spec.requires if not ctx.has(t)]


def unavailable_reason(metric_id: str, ctx: KpiContext) -> str | None:
    """Why a metric cannot be computed on this data (None when it can): a required table missing or
    without rows, or a needed column absent from the input or, unless its empty cell means "none"
    (:data:`~partner_analysis.kpis.conventions.EMPTY_MEANS_NONE`), without a value in any row."""
    spec = REGISTRY[metric_id].spec
    missing = missing_tables(metric_id, ctx)
    if missing:
        return f"needs table(s) {', '.join(missing)}, not in the data"
    empty = [t for t in spec.requires if t not in ctx.coverage]
    if empty:
        return f"needs table(s) {', '.join(empty)}, which {'has' if len(empty) == 1 else 'have'} no rows"
    for needed in spec.columns:
        options = [(t, c) for t, c in column_alternatives(needed) if ctx.has(t)]
        if not options or any(_usable(ctx, t, c) for t, c in options):
            continue
        names = " or ".join(f"{t}.{c}" for t, c in options)
        why = "not in the input" if all(_absent(ctx, t, c) for t, c in options) else "without a value in any row"
        return f"needs column {names}, {why}"
    return None


def _absent(ctx: KpiContext, table: str, column: str) -> bool:
    """Whether the input did not have the column (validation records it; defaults may fill it)."""
    frame = ctx.table(table)
    return column not in frame.columns or column in frame.attrs.get(ABSENT_COLUMNS, ())


def _usable(ctx: KpiContext, table: str, column: str) -> bool:
    """Whether the column was given and tells something: a value in some row, or none needed."""
    if _absent(ctx, table, column):
        return False
    return (table, column) in EMPTY_MEANS_NONE or bool(ctx.table(table)[column].notna().any())


def metric_periods(metric_id: str, ctx: KpiContext) -> np.ndarray:
    """The period codes in which a metric has rows: those every table it requires covers."""
    return ctx.covered_periods(REGISTRY[metric_id].spec.requires)


def coverage_notes(metric_id: str, ctx: KpiContext, periods: np.ndarray) -> list[str]:
    """What the metric's tables cover outside its periods: one sentence per such table."""
    spec = REGISTRY[metric_id].spec
    needed = " and ".join(spec.requires)
    verb = "covers" if len(spec.requires) == 1 else ("both cover" if len(spec.requires) == 2 else "all cover")
    reported = f"{ctx.span_labels(periods)}, the periods {needed} {verb}" if len(periods) else \
        f"no period, as {needed} cover none in common up to the as-of date"
    notes = []
    for table in (*spec.requires, *spec.optional):
        if table not in ctx.coverage:
            continue
        outside = np.setdiff1d(ctx.covered_periods([table]), periods)
        if len(outside):
            span = ctx.coverage[table]
            notes.append(f"{table} (dates {span.first.date()} to {span.last.date()}) also covers "
                         f"{ctx.span_labels(outside)}, not reported here: this metric reports {reported}.")
    return notes


def compute_metric(metric_id: str, ctx: KpiContext) -> pd.DataFrame:
    """One metric's rows with period labels and the ``metric`` column, sorted.

    Rows lie in the periods every required table covers (:func:`metric_periods`); what the tables
    hold outside them is recorded in ``ctx.notes``.

    Raises
    ------
    KeyError
        Unknown metric id.
    LookupError
        The metric is unavailable on this data (see :func:`unavailable_reason`).
    """
    if metric_id not in REGISTRY:
        raise KeyError(f"unknown metric {metric_id!r}; see `partner-analysis metrics`")
    reason = unavailable_reason(metric_id, ctx)
    if reason:
        raise LookupError(f"{metric_id} {reason}")
    periods = metric_periods(metric_id, ctx)
    rows = REGISTRY[metric_id].compute(ctx)
    rows = rows[np.isin(rows["period"].to_numpy(), periods)]
    for text in coverage_notes(metric_id, ctx, periods):
        ctx.note(metric_id, text)
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
        reason = unavailable_reason(metric_id, ctx)
        if reason:
            unavailable[metric_id] = reason
            continue
        pieces.append(compute_metric(metric_id, ctx))
    rows = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=list(KPI_COLUMNS))
    rows["metric"] = rows["metric"].astype("category")
    rows["attribution"] = rows["attribution"].astype("category")
    notes = {m: list(ctx.notes[m]) for m in ids if m in ctx.notes and m not in unavailable}
    return KpiResult(rows, unavailable, notes, freq, ctx.as_of, ctx)
