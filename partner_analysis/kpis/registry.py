"""The metric registry: a frozen spec per KPI, attached to its compute function by a decorator.

The glossary, the CLI listing, the engine and the catalog-wide tests all read :data:`REGISTRY`,
so a metric is declared exactly once.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import pandas as pd

from ..ingest.contract import TABLES

if TYPE_CHECKING:
    from .context import KpiContext

FAMILIES = {
    "revenue_pipeline": "Revenue & pipeline",
    "engagement": "Engagement & enablement",
    "customer": "Customer impact & retention",
    "health": "Partnership health & economics",
    "integration": "Integration adoption",
    "custom": "Your own metrics",
}
#: Where a metric was declared: the catalog of the package, or the analyst (a notebook cell or a
#: project metric file listed in the settings).
ORIGINS = ("catalog", "user")
UNITS = ("currency", "count", "ratio", "days", "hours", "score", "multiple")
DIRECTIONS = ("higher", "lower", "neutral")
#: How a metric's rows re-aggregate: ``sum`` (value is additive), ``ratio`` (value = numerator /
#: denominator, both additive), ``mean`` (numerator = sum, denominator = count), ``median`` and
#: ``snapshot`` (not additive across periods), ``growth`` (period-over-period change of a sum).
AGGREGATIONS = ("sum", "ratio", "mean", "median", "snapshot", "growth", "score")
ALL_ATTRIBUTIONS = ("all", "sourced", "influenced", "direct", "partner")
PARTNER_ATTRIBUTIONS = ("all", "sourced", "influenced")
KPI_COLUMNS = ("metric", "period", "partner_id", "attribution", "value", "numerator", "denominator", "n")


@dataclass(frozen=True)
class MetricSpec:
    """Everything a reader needs to know about one KPI.

    Attributes
    ----------
    id : str
        Fixed metric id (design section 3).
    family : str
        One of :data:`FAMILIES`.
    label : str
        Short human label.
    definition : str
        One sentence, exact: windows, denominators, what counts.
    formula : str
        The formula in words and symbols.
    unit : str
        One of :data:`UNITS`; ``ratio`` values lie in [0, 1] unless the definition says otherwise.
    direction : str
        ``higher`` or ``lower`` is better, or ``neutral``.
    aggregation : str
        One of :data:`AGGREGATIONS`.
    requires : tuple of str
        Tables without which the metric is unavailable. They also bound its periods: the metric
        has rows only in the periods that every one of them covers (first to last event date).
    attributions : tuple of str
        Attribution splits present for program rows (partner rows use the subset in
        :data:`PARTNER_ATTRIBUTIONS`).
    partner_grain : bool
        Whether per-partner rows exist.
    period_basis : str
        Which date places a row in a period (e.g. ``closed_at`` of won deals).
    bounded : bool
        For ``ratio`` units: whether values lie in [0, 1] (net revenue retention, say, does not).
    origin : str
        ``catalog`` (declared by the package) or ``user`` (declared by the analyst).
    counted : bool
        Whether the value is a share of counted things (deals, partners, customers, runs), so that its
        numerator and denominator give a binomial interval; by default true for bounded ratios, and
        declared false for shares of amounts (revenue share, gross revenue retention).
    optional : tuple of str
        Tables the metric reads when they are present (more evidence, e.g. registrations as a sign
        of activity); they do not bound its periods, and their rows outside them are noted.
    columns : tuple of str
        Optional contract columns the metric cannot do without, as ``table.column``; ``a.x|b.y``
        when either will do. Absent from the input, or without a value in any row, the column
        makes the metric unavailable, listed with the reason.
    boundaries : tuple of str
        The boundary rules the metric follows (texts of :mod:`partner_analysis.kpis.conventions`),
        written in the glossary under the metric.
    """

    id: str
    family: str
    label: str
    definition: str
    formula: str
    unit: str
    direction: str
    aggregation: str
    requires: tuple[str, ...]
    attributions: tuple[str, ...] = ("all",)
    partner_grain: bool = True
    period_basis: str = ""
    bounded: bool = True
    origin: str = "catalog"
    counted: bool | None = None
    optional: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    boundaries: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.counted is None:  # frozen: set the default once, here
            object.__setattr__(self, "counted", self.unit == "ratio" and self.aggregation == "ratio" and self.bounded)
        if self.family not in FAMILIES:
            raise ValueError(f"{self.id}: unknown family {self.family!r}")
        if self.unit not in UNITS:
            raise ValueError(f"{self.id}: unknown unit {self.unit!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"{self.id}: unknown direction {self.direction!r}")
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"{self.id}: unknown aggregation {self.aggregation!r}")
        if not set(self.attributions) <= set(ALL_ATTRIBUTIONS) or "all" not in self.attributions:
            raise ValueError(f"{self.id}: attributions must include 'all' and be among {ALL_ATTRIBUTIONS}")
        if self.origin not in ORIGINS:
            raise ValueError(f"{self.id}: origin must be one of {ORIGINS}")
        if not self.id.isidentifier() or self.id != self.id.lower():
            raise ValueError(f"{self.id!r}: a metric id is lower-case letters, digits and underscores")
        read = set(self.requires) | set(self.optional)
        for needed in self.columns:
            for table, column in column_alternatives(needed):
                if table not in read or table not in TABLES or column not in {c.name for c in TABLES[table].columns}:
                    raise ValueError(f"{self.id}: column {needed!r} must be table.column of a table it reads "
                                     f"({', '.join(sorted(read))})")

    @property
    def partner_attributions(self) -> tuple[str, ...]:
        return tuple(a for a in self.attributions if a in PARTNER_ATTRIBUTIONS)


def column_alternatives(needed: str) -> list[tuple[str, str]]:
    """``"a.x|b.y"`` -> ``[("a", "x"), ("b", "y")]``: the columns any one of which will do."""
    return [tuple(part.strip().split(".", 1)) if "." in part else (part.strip(), "") for part in needed.split("|")]


@dataclass(frozen=True)
class Metric:
    """A spec with the function that computes it from a :class:`KpiContext`."""

    spec: MetricSpec
    compute: Callable[["KpiContext"], pd.DataFrame]


REGISTRY: dict[str, Metric] = {}


class MetricReplaced(UserWarning):
    """An analyst's metric was declared again (a notebook cell re-run): the new definition replaces it."""


def register(spec: MetricSpec, compute: Callable[["KpiContext"], pd.DataFrame]) -> Metric:
    """Put a metric in the registry.

    A user metric declared again replaces the earlier definition, with a :class:`MetricReplaced`
    note, so that re-running a notebook cell works; a catalog id can be declared only once, and
    never by a user metric.

    Raises
    ------
    ValueError
        The id is already taken by a catalog metric (or declared twice in the catalog).
    """
    existing = REGISTRY.get(spec.id)
    if existing is not None:
        if existing.spec.origin == "catalog" or spec.origin == "catalog":
            raise ValueError(f"metric {spec.id!r} is declared twice" if spec.origin == "catalog" else
                             f"{spec.id!r} is a catalog metric ({existing.spec.label}); give your metric another id")
        warnings.warn(f"metric {spec.id!r} declared again: the new definition replaces the earlier one",
                      MetricReplaced, stacklevel=3)
    REGISTRY[spec.id] = Metric(spec, compute)
    return REGISTRY[spec.id]


def metric(**spec_fields) -> Callable:
    """Register the decorated function as the computation of the metric described by ``spec_fields``.

    The function takes a :class:`KpiContext` and returns rows with columns ``period`` (int
    code), ``partner_id`` (missing for program rows), ``attribution``, ``value``,
    ``numerator``, ``denominator``, ``n``.
    """
    spec = MetricSpec(**spec_fields)

    def declare(fn: Callable[["KpiContext"], pd.DataFrame]) -> Callable[["KpiContext"], pd.DataFrame]:
        register(spec, fn)
        return fn

    return declare


def catalog() -> pd.DataFrame:
    """The registry as a table, one row per metric, in family order."""
    rows = [
        {"id": m.spec.id, "family": m.spec.family, "label": m.spec.label, "unit": m.spec.unit,
         "direction": m.spec.direction, "aggregation": m.spec.aggregation,
         "requires": ", ".join(m.spec.requires), "optional": ", ".join(m.spec.optional),
         "columns": ", ".join(m.spec.columns), "attributions": ", ".join(m.spec.attributions),
         "partner_grain": m.spec.partner_grain, "period_basis": m.spec.period_basis, "bounded": m.spec.bounded,
         "origin": m.spec.origin, "definition": m.spec.definition, "formula": m.spec.formula}
        for m in REGISTRY.values()
    ]
    order = {f: i for i, f in enumerate(FAMILIES)}
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values("family", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
