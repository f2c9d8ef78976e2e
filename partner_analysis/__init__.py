"""partner-analysis: measure a B2B partner ecosystem.

Load and validate CRM exports against one data contract, compute a catalog of partner KPIs
defined once, and read them back as tidy DataFrames for notebooks and reports.

The package is layered the way data flows; a module imports only from its own layer or the
layers before it (``tests/test_layers.py`` enforces it):

0. foundation: ``errors``, ``paths``, ``config``, ``periods``, ``atomic``, ``membership``, ``vocabulary``
1. ``ingest/``: the data contract, readers, mapping, validation
2. ``kpis/``: registry, engine, one module per KPI family, your own metrics
3. ``build``: ingest + KPIs written to the processed folder
4. ``store``: the read side of a build, for notebooks and reports
5. ``stats/``: statistics on the store
6. ``viz/``: plots, one seaborn theme
7. ``report/``: glossary, summaries, the report runner and HTML
8. ``demo/``: the demo-data generator (needs only the foundation)
9. ``cli`` and this module, at the top
"""
from ._version import __version__
from .build import build
from .config import Config, load_config
from .demo import PLANTED_EFFECTS, generate_demo_data, write_demo_data
from .errors import BuildLocked, DataIssue, InputError, NotInStore, ValidationError, ValidationReport
from .ingest.contract import TABLES
from .ingest.prepare import load_and_validate
from .ingest.validation import validate_tables
from .kpis import (REGISTRY, KpiContext, KpiResult, MetricReplaced, MetricSpec, catalog, compute_kpis, compute_metric,
                   define_metric, load_metric_files, metric)
from .kpis.attribution import MODELS as ATTRIBUTION_MODELS
from .kpis.attribution import credit, credited_revenue
from .paths import project_root
from .store import KpiStore
from .versions import current_build

__all__ = [
    "ATTRIBUTION_MODELS", "BuildLocked", "Config", "DataIssue", "InputError", "KpiContext", "KpiResult", "KpiStore",
    "MetricReplaced", "MetricSpec", "NotInStore", "PLANTED_EFFECTS", "REGISTRY", "TABLES", "ValidationError",
    "ValidationReport", "__version__", "build", "catalog", "compute_kpis", "compute_metric", "credit",
    "credited_revenue", "current_build", "define_metric", "generate_demo_data", "load_and_validate", "load_config",
    "load_metric_files", "metric", "project_root", "validate_tables", "write_demo_data",
]
