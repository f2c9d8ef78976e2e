"""The KPI catalog: registry, engine and one module per metric family, and your own metrics.

Importing this package registers every catalog metric. :func:`metric` and :func:`define_metric`
declare your own (see :mod:`partner_analysis.kpis.custom`).
"""
from . import customers, engagement, health, integration, revenue  # noqa: F401  (register metrics)
from .context import KpiContext
from .custom import define_metric, load_metric_files, metric
from .engine import KpiResult, compute_kpis, compute_metric
from .registry import REGISTRY, MetricReplaced, MetricSpec, catalog

__all__ = ["KpiContext", "KpiResult", "MetricReplaced", "MetricSpec", "REGISTRY", "catalog", "compute_kpis",
           "compute_metric", "define_metric", "load_metric_files", "metric"]
