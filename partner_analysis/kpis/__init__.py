"""The KPI catalog: registry, engine and one module per metric family.

Importing this package registers every metric.
"""
from . import customers, engagement, health, integration, revenue  # noqa: F401  (register metrics)
from .context import KpiContext
from .engine import KpiResult, compute_kpis, compute_metric
from .registry import REGISTRY, MetricSpec, catalog, metric

__all__ = ["KpiContext", "KpiResult", "MetricSpec", "REGISTRY", "catalog", "compute_kpis", "compute_metric", "metric"]
