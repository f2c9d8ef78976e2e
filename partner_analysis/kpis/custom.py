"""Your own metrics: declared in a notebook cell or a project file, on the catalog's registry and
building blocks.

Two ways to declare one, both registered like a catalog metric (same grains, attribution views,
zero-fill and numerator/denominator rules) and marked ``origin="user"`` in the catalog:

- :func:`define_metric`, the declarative form for the common case — a source of rows, a filter,
  a measure::

      define_metric("enterprise_sourced_revenue", label="Sourced revenue from enterprise accounts",
                    source="won_deals", where={"attribution": "sourced", "segment": "enterprise"},
                    measure="sum:amount")

- :func:`metric`, a decorator over a function of the :class:`~partner_analysis.kpis.KpiContext`
  that uses the building blocks of :mod:`partner_analysis.kpis.blocks`.

Declaring the same id again (re-running the cell) replaces the definition with a note. Metrics in
files listed under ``metrics:`` in ``partner-analysis.yml`` are loaded by ``build`` with
:func:`load_metric_files`, land in the KPI store and the glossary.
"""
from __future__ import annotations

import importlib.util
import hashlib
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from ..ingest.contract import TABLES
from .accounts import channel_attribution
from .context import KpiContext
from .deals import closed_deals, created_deals, won_deals
from .frame import count_rows, mean_of, median_of, ratio_of, sum_of, summarise, typed_rows
from .registry import ALL_ATTRIBUTIONS, REGISTRY, MetricSpec, register

#: Deal sources of the declarative form: (rows per period, which date places them, sentence).
DEAL_SOURCES: dict[str, tuple[Callable[[KpiContext], pd.DataFrame], str, str]] = {
    "won_deals": (won_deals, "closed_at of won deals", "won deals (counted in the period of closed_at)"),
    "closed_deals": (closed_deals, "closed_at of won and lost deals",
                     "won and lost deals (counted in the period of closed_at)"),
    "created_deals": (created_deals, "created_at", "deals created in the period (created_at), any stage"),
}
#: Measures of the declarative form: ``count``, ``share`` (with ``hit``), or ``kind:column``.
MEASURES = ("count", "share", "sum", "mean", "median", "distinct")
_MONEY = ("amount", "mrr", "annual_revenue")
_CUSTOMER_VIEWS = ("all", "partner", "direct")


def metric(*, id: str, label: str, definition: str, unit: str, requires: tuple[str, ...] = ("deals",),
           direction: str = "higher", aggregation: str | None = None, family: str = "custom",
           formula: str | None = None, attributions: tuple[str, ...] = ("all",), partner_grain: bool = True,
           period_basis: str = "", bounded: bool = True, optional: tuple[str, ...] = (),
           columns: tuple[str, ...] = ()) -> Callable:
    """Declare your own metric by a function of the KPI context (a decorator).

    The function takes a :class:`~partner_analysis.kpis.KpiContext` and returns KPI rows, as the
    building blocks in :mod:`partner_analysis.kpis.blocks` make them (``summarise`` over
    ``won_deals(ctx)`` etc.). Declaring the id again replaces the earlier definition.

    Parameters
    ----------
    id, label, definition : str
        A new lower-case id (not a catalog one), a short label, and one exact sentence.
    unit : str
        ``currency``, ``count``, ``ratio``, ``days``, ``hours``, ``score`` or ``multiple``.
    requires : tuple of str
        Tables without which the metric is unavailable; the metric has rows in the periods they all cover.
    direction, aggregation, family, formula, attributions, partner_grain, period_basis, bounded, optional, columns
        As in :class:`~partner_analysis.kpis.MetricSpec`; ``aggregation`` defaults to ``ratio``
        for ratios and ``sum`` otherwise, ``formula`` to the definition; ``columns`` lists the
        optional columns (``table.column``) without which the metric is unavailable.

    Examples
    --------
    >>> from partner_analysis.kpis.blocks import won_deals, summarise, sum_of
    >>> @metric(id="big_deal_revenue", label="Revenue of deals over 100k", unit="currency",
    ...         definition="Amount of won deals over 100,000, counted in the period of closed_at.")
    ... def big_deal_revenue(ctx):
    ...     won = won_deals(ctx)
    ...     return summarise(ctx, won[won["amount"] > 100_000], sum_of("amount"), zero_fill=True)
    """
    spec = MetricSpec(id=id, family=family, label=label, definition=definition, formula=formula or definition,
                      unit=unit, direction=direction, aggregation=aggregation or _default_aggregation(unit),
                      requires=tuple(requires), attributions=tuple(attributions), partner_grain=partner_grain,
                      period_basis=period_basis, bounded=bounded, origin="user", optional=tuple(optional),
                      columns=tuple(columns))

    def declare(fn: Callable[[KpiContext], pd.DataFrame]) -> Callable[[KpiContext], pd.DataFrame]:
        register(spec, _checked_output(spec.id, fn))
        return fn

    return declare


def define_metric(id: str, *, label: str, source: str = "won_deals", measure: str = "count",
                  where: Mapping[str, Any] | str | Callable[[pd.DataFrame], Any] | None = None,
                  hit: Mapping[str, Any] | str | Callable[[pd.DataFrame], Any] | None = None,
                  date: str | None = None, unit: str | None = None, direction: str = "higher",
                  definition: str | None = None, family: str = "custom") -> MetricSpec:
    """Declare your own metric from a source of rows, a filter and a measure.

    Parameters
    ----------
    id, label : str
        A new lower-case id (not a catalog one) and a short label.
    source : str
        ``won_deals``, ``closed_deals`` (won and lost, by ``closed_at``) or ``created_deals`` (by
        ``created_at``) — split by attribution like the catalog's deal metrics — or any other
        input table (``activities``, ``leads``, ``customers``...), placed in periods by ``date``.
    measure : str
        ``count`` (rows), ``sum:<column>``, ``mean:<column>``, ``median:<column>``,
        ``distinct:<column>`` (distinct values, e.g. accounts) or ``share`` (the share of rows
        that match ``hit``, a rate with numerator and denominator).
    where, hit : mapping, query string or function, optional
        Which rows count: ``{column: value}`` or ``{column: [values]}`` (all must hold), a
        :meth:`pandas.DataFrame.query` string, or a function of the frame returning a mask.
    date : str, optional
        For a table source: the date column that places a row in a period (default: the table's
        first required date, e.g. ``occurred_at`` of activities).
    unit : str, optional
        Defaults from the measure: ratio for shares, count for counts, currency for sums and means
        of money (amount, mrr), days or hours for columns ending so.
    direction, definition, family : str
        Better when higher/lower/neutral; the sentence (written from the declaration by default);
        the glossary family (``custom``).

    Returns
    -------
    MetricSpec
        The registered definition.
    """
    kind, _, column = measure.partition(":")
    if kind not in MEASURES or (kind in ("count", "share")) == bool(column):
        raise ValueError(f"measure must be count, share, or one of sum/mean/median/distinct with a column "
                         f"(e.g. 'sum:amount'), got {measure!r}")
    if (kind == "share") != (hit is not None):
        raise ValueError("hit= says which rows a 'share' counts, and only a share takes it")
    rows_of, basis, sentence, requires = _source(source, date)
    views = _views(source, where)
    unit = unit or _default_unit(kind, column, id)
    reduce = {"count": count_rows, "share": ratio_of("_hit"), "sum": sum_of(column), "mean": mean_of(column),
              "median": median_of(column), "distinct": _distinct(column)}[kind]
    additive = kind in ("count", "sum", "distinct")

    def compute(ctx: KpiContext) -> pd.DataFrame:
        frame = rows_of(ctx)
        frame = frame[_mask(frame, where, "where")] if where is not None else frame
        if kind == "share":
            frame = frame.assign(_hit=_mask(frame, hit, "hit").astype(float))
        elif column and column not in frame.columns:
            raise KeyError(f"{id}: measure {measure!r} names column {column!r}, which {source} does not have; "
                           f"it has {', '.join(map(str, frame.columns))}")
        if source == "customers":
            frame = frame.assign(attribution=channel_attribution(frame))
        return summarise(ctx, frame, reduce, attributions=views, zero_fill=additive,
                         partner_grain="partner_id" in frame.columns)

    spec = MetricSpec(
        id=id, family=family, label=label,
        definition=definition or _sentence(kind, column, sentence, where, hit),
        formula=f"{measure} over {source}" + (f" where {_describe(where)}" if where is not None else "")
                + (f"; hit: {_describe(hit)}" if hit is not None else ""),
        unit=unit, direction=direction, aggregation={"count": "sum", "sum": "sum", "share": "ratio", "mean": "mean",
                                                     "median": "median", "distinct": "snapshot"}[kind],
        requires=requires, attributions=views,
        partner_grain=source in DEAL_SOURCES or any(c.name == "partner_id" for c in TABLES[source].columns),
        period_basis=basis, bounded=True, origin="user")
    register(spec, _checked_output(id, compute))
    return spec


def load_metric_files(paths: tuple[Path, ...] | list[Path]) -> dict[str, Path]:
    """Run project metric files (Python) so that the metrics they declare are registered.

    Returns
    -------
    dict
        Metric id -> the file that declared it, in declaration order.

    Raises
    ------
    InputError
        A file is missing, or fails to run (the message names the file, the line and the error).
    """
    declared: dict[str, Path] = {}
    for path in map(Path, paths):
        if not path.is_file():
            raise InputError("metric file listed in the settings (metrics:) not found", file=str(path))
        before = dict(REGISTRY)
        name = "partner_analysis_user_metrics_" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
        module_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        try:
            module_spec.loader.exec_module(module)
        except Exception as exc:
            line = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__))
                         if Path(f.filename).resolve() == path.resolve()), None)
            where = f" (line {line})" if line else ""
            raise InputError(f"your metric file failed to run{where}: {type(exc).__name__}: {exc}",
                             file=str(path)) from exc
        for metric_id, entry in REGISTRY.items():
            if before.get(metric_id) is not entry:
                declared[metric_id] = path
    return declared


# -- helpers -----------------------------------------------------------------------------------

def _default_aggregation(unit: str) -> str:
    return "ratio" if unit == "ratio" else "sum"


def _default_unit(kind: str, column: str, metric_id: str) -> str:
    if kind == "share":
        return "ratio"
    if kind in ("count", "distinct"):
        return "count"
    if column in _MONEY:
        return "currency"
    for suffix in ("days", "hours"):
        if column.endswith(suffix):
            return suffix
    raise ValueError(f"{metric_id}: say which unit {kind} of {column!r} is in (unit='currency', 'count', 'days', ...)")


def _source(source: str, date: str | None) -> tuple[Callable[[KpiContext], pd.DataFrame], str, str, tuple[str, ...]]:
    """(rows per period, period basis, sentence, required tables) of a declarative source."""
    if source in DEAL_SOURCES:
        if date is not None:
            raise ValueError(f"{source} are placed by {DEAL_SOURCES[source][1]}; date= is for table sources")
        rows_of, basis, sentence = DEAL_SOURCES[source]
        return rows_of, basis, sentence, ("deals",)
    if source not in TABLES or source == "deals":
        raise ValueError(f"unknown source {source!r}; use one of {', '.join(DEAL_SOURCES)} or a table: "
                         f"{', '.join(t for t in TABLES if t != 'deals')}")
    dates = [c.name for c in TABLES[source].columns if c.kind == "date"]
    date = date or next(c.name for c in TABLES[source].columns if c.kind == "date" and c.required)
    if date not in dates:
        raise ValueError(f"{source} has the dates {', '.join(dates)}; date={date!r} is not one of them")
    return (lambda ctx: ctx.dated(source, date)), date, f"{source} rows (counted in the period of {date})", (source,)


def _views(source: str, where) -> tuple[str, ...]:
    """Attribution views: every view for deal sources (unless the filter fixes the attribution), the
    channels for customers, the program view otherwise."""
    if source in DEAL_SOURCES:
        fixed = isinstance(where, Mapping) and "attribution" in where
        return ("all",) if fixed else ALL_ATTRIBUTIONS
    return _CUSTOMER_VIEWS if source == "customers" else ("all",)


def _mask(frame: pd.DataFrame, condition, name: str) -> np.ndarray:
    """Rows of ``frame`` that meet a ``where``/``hit`` condition."""
    if callable(condition):
        return np.asarray(condition(frame), dtype=bool)
    if isinstance(condition, str):
        return frame.eval(condition).to_numpy(dtype=bool)
    mask = np.ones(len(frame), dtype=bool)
    for column, wanted in condition.items():
        if column not in frame.columns:
            raise KeyError(f"{name}= names column {column!r}; the rows have {', '.join(map(str, frame.columns))}")
        values = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        mask &= frame[column].isin(values).to_numpy()
    return mask


def _distinct(column: str) -> Callable:
    def reduce(groups) -> pd.DataFrame:
        counts = groups[column].nunique()
        return pd.DataFrame({"value": counts.astype("float64"), "n": counts})
    return reduce


def _describe(condition) -> str:
    if isinstance(condition, Mapping):
        return " and ".join(f"{c} {'in' if isinstance(v, (list, tuple, set)) else '='} "
                            f"{', '.join(map(str, v)) if isinstance(v, (list, tuple, set)) else v}"
                            for c, v in condition.items())
    if isinstance(condition, str):
        return condition
    return getattr(condition, "__name__", "a function of the rows")


def _sentence(kind: str, column: str, source: str, where, hit) -> str:
    what = {"count": "Number of", "sum": f"Sum of {column} over", "mean": f"Mean {column} of",
            "median": f"Median {column} of", "distinct": f"Number of distinct {column} among",
            "share": "Share of"}[kind]
    text = f"{what} {source}"
    if where is not None:
        text += f" where {_describe(where)}"
    if hit is not None:
        text += f" that match {_describe(hit)}"
    return text + "."


def _checked_output(metric_id: str, compute: Callable[[KpiContext], pd.DataFrame]) -> Callable:
    """Wrap an analyst's compute function so that a result of the wrong shape is a clear error."""
    def checked(ctx: KpiContext) -> pd.DataFrame:
        rows = compute(ctx)
        needed = {"period", "partner_id", "attribution", "value"}
        if not isinstance(rows, pd.DataFrame) or not needed <= set(rows.columns):
            got = ", ".join(map(str, rows.columns)) if isinstance(rows, pd.DataFrame) else type(rows).__name__
            raise TypeError(f"{metric_id}: the function must return KPI rows with columns period, partner_id, "
                            f"attribution, value (as summarise() makes them); got {got}")
        return typed_rows(rows)
    checked.__doc__ = compute.__doc__
    checked.__name__ = getattr(compute, "__name__", metric_id)
    return checked
