"""The building blocks the catalog's metrics are made of, for your own metrics.

Rows of deals and accounts placed in periods (``won_deals``, ``closed_deals``, ``created_deals``,
``open_deal_snapshots``, ``KpiContext.dated`` for any table), ``summarise`` to group them by
period, partner and attribution view, and the reducers it applies (``count_rows``, ``sum_of``,
``mean_of``, ``median_of``, ``ratio_of``), plus ``divide`` and ``growth`` to combine results.
Each keeps the catalog's rules: additive results zero-filled with ``zero_fill=True`` over the
periods a partner was in the program; rates with numerator and denominator and no row where the
denominator is empty. See :func:`partner_analysis.metric` for declaring a metric with them.
"""
from .context import KpiContext
from .deals import closed_deals, created_deals, open_deal_snapshots, won_deals
from .frame import count_rows, divide, growth, mean_of, median_of, ratio_of, sum_of, summarise

__all__ = ["KpiContext", "closed_deals", "count_rows", "created_deals", "divide", "growth", "mean_of", "median_of",
           "open_deal_snapshots", "ratio_of", "sum_of", "summarise", "won_deals"]
