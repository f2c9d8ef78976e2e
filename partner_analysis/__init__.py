"""partner-analysis: measure a B2B partner ecosystem.

Load and validate CRM exports against one data contract, compute a catalog of partner KPIs
defined once, and read them back as tidy DataFrames for notebooks and reports.
"""
__version__ = "0.1.0"

from .build import build, load_and_validate
from .config import Config, load_config
from .contract import TABLES
from .errors import DataIssue, InputError, ValidationError, ValidationReport
from .demo_data import PLANTED_EFFECTS, generate_demo_data, write_demo_data
from .kpis import REGISTRY, KpiContext, KpiResult, MetricSpec, catalog, compute_kpis, compute_metric
from .kpis.attribution import MODELS as ATTRIBUTION_MODELS
from .kpis.attribution import credit, credited_revenue
from .store import KpiStore
from .validation import validate_tables

__all__ = [
    "ATTRIBUTION_MODELS", "Config", "DataIssue", "InputError", "KpiContext", "KpiResult", "KpiStore", "MetricSpec",
    "PLANTED_EFFECTS", "REGISTRY", "TABLES", "ValidationError", "ValidationReport", "build", "catalog", "compute_kpis",
    "compute_metric", "credit", "credited_revenue", "generate_demo_data", "load_and_validate", "load_config",
    "validate_tables", "write_demo_data",
]
