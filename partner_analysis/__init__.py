"""partner-analysis: measure a B2B partner ecosystem.

Load and validate CRM exports against one data contract, compute a catalog of partner KPIs
defined once, read them back as tidy DataFrames, and run the statistics leadership can trust
(partner vs direct adjusted for mix, honest rankings, cohorts, leading indicators, forecast, tiers),
each returning one :class:`StatResult`; ``partner_analysis.viz`` plots them.

The package is layered the way data flows; a module imports only from its own layer or the
layers before it (``tests/test_layers.py`` enforces it):

0. foundation: ``errors``, ``paths``, ``config``, ``periods``, ``atomic``, ``membership``, ``vocabulary``
1. ``ingest/``: the data contract, readers, mapping, validation
2. ``kpis/``: registry, engine, one module per KPI family, your own metrics
3. ``build``: ingest + KPIs written to the processed folder
4. ``store``: the read side of a build, for notebooks and reports
5. ``stats/``: statistics on a build or on tables
6. ``viz/``: plots, one seaborn theme
7. ``report/``: glossary, summaries, the report runner and HTML
8. ``demo/``: the demo-data generator (needs only the foundation)
9. ``cli`` and this module, at the top
"""
from importlib import import_module

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
    "MetricReplaced", "MetricSpec", "NotInStore", "PLANTED_EFFECTS", "REGISTRY", "StatResult", "StatsSource", "TABLES",
    "ValidationError", "ValidationReport", "__version__", "build", "catalog", "comparison_json", "compute_kpis",
    "compute_metric", "credit", "credited_revenue", "current_build", "customer_cohorts", "define_metric",
    "generate_demo_data", "leading_indicators", "load_and_validate", "load_config", "load_metric_files", "metric",
    "partner_cohorts", "partner_rankings", "partner_tiers", "partner_vs_direct", "project_root", "rankings_json",
    "revenue_forecast", "validate_tables", "write_demo_data",
]

#: Statistics entry points, imported on first use: statsmodels takes a second to load, which every
#: command of the CLI would otherwise pay.
_STATS = ("StatResult", "StatsSource", "comparison_json", "customer_cohorts", "leading_indicators", "partner_cohorts",
          "partner_rankings", "partner_tiers", "partner_vs_direct", "rankings_json", "revenue_forecast")


def __getattr__(name: str):
    if name in _STATS:
        return getattr(import_module(".stats", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
