"""Statistics leadership can trust, on a build or on tables in memory: partner vs direct adjusted for mix,
honest partner rankings, cohorts, leading indicators, a backtested forecast and tiers.

Every analysis returns one :class:`StatResult` (text, HTML, JSON rows); pass it a ``KpiStore``, a
processed folder, a dict of validated tables or a :class:`StatsSource`.
"""
from .cohorts import customer_cohorts, partner_cohorts
from .compare import comparison_json, partner_vs_direct
from .forecast import revenue_forecast
from .leading import leading_indicators
from .rankings import partner_rankings, rankings_json
from .result import StatResult
from .source import StatsSource, as_source
from .tiers import partner_tiers

__all__ = ["StatResult", "StatsSource", "as_source", "comparison_json", "customer_cohorts", "leading_indicators",
           "partner_cohorts", "partner_rankings", "partner_tiers", "partner_vs_direct", "rankings_json",
           "revenue_forecast"]
