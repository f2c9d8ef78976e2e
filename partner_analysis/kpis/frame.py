"""Shared aggregation: turn event rows into KPI rows for every grain in one vectorised pass.

A metric prepares one row per counted event (a deal, an activity, a customer) with a
``period`` code, a ``partner_id`` (missing when no partner) and, when it splits by channel,
an ``attribution``; the helpers here group those rows for the program and per partner, for
each attribution view (``partner`` = sourced + influenced), and return the long KPI rows.
"""
from __future__ import annotations

from typing import Callable, Iterator

import numpy as np
import pandas as pd

from ..membership import member_of
from .context import KpiContext
from .registry import PARTNER_ATTRIBUTIONS

ROW_COLUMNS = ["period", "partner_id", "attribution", "value", "numerator", "denominator", "n"]
PARTNER_LABELS = ("sourced", "influenced")
#: Row attributions that the ``partner`` view gathers: deals sourced or influenced, customers of the partner channel.
PARTNER_CHANNEL = (*PARTNER_LABELS, "partner")


def empty_rows() -> pd.DataFrame:
    """A KPI result with no rows but the right columns."""
    return typed_rows(pd.DataFrame({c: [] for c in ROW_COLUMNS}))


def typed_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """KPI rows in the standard column order and types."""
    rows = rows.reindex(columns=ROW_COLUMNS)
    return rows.astype({
        "period": "int64", "partner_id": "str", "attribution": "str", "value": "float64",
        "numerator": "float64", "denominator": "float64", "n": "int64",
    })


def _views(frame: pd.DataFrame, attributions: tuple[str, ...],
           partner_grain: bool) -> Iterator[tuple[bool, str, pd.DataFrame]]:
    """(is_partner_row, attribution label, subset) for every grain the metric has."""
    attr = frame["attribution"] if "attribution" in frame.columns else None
    for label in attributions:
        if label == "all":
            yield False, label, frame
        elif label == "partner":
            yield False, label, frame[attr.isin(PARTNER_CHANNEL).to_numpy()]
        else:
            yield False, label, frame[(attr == label).to_numpy()]
    if partner_grain:
        with_partner = frame[frame["partner_id"].notna().to_numpy()]
        for label in attributions:
            if label not in PARTNER_ATTRIBUTIONS:
                continue
            if label == "all":
                yield True, label, with_partner
            else:
                yield True, label, with_partner[(with_partner["attribution"] == label).to_numpy()]


def summarise(
    ctx: KpiContext,
    frame: pd.DataFrame,
    reduce: Callable[[pd.core.groupby.DataFrameGroupBy], pd.DataFrame],
    *,
    attributions: tuple[str, ...] = ("all",),
    partner_grain: bool = True,
    zero_fill: bool = False,
    fill_partners: pd.Series | None = None,
) -> pd.DataFrame:
    """Apply ``reduce`` to ``frame`` grouped by period (and partner) for every view.

    ``reduce`` gets a groupby object and returns a frame indexed like the groups with columns
    among value/numerator/denominator/n. With ``zero_fill`` (additive counts and sums) every
    period of the grid, and every period in which a partner was in the program, gets a row,
    zero when nothing happened; otherwise a missing row means an empty population. Rows off the
    grid are kept. ``fill_partners`` limits the zero rows to those partners (e.g. technology
    partners for integration counts).
    """
    pieces = []
    for is_partner, label, subset in _views(frame, attributions, partner_grain):
        keys = ["period", "partner_id"] if is_partner else ["period"]
        out = reduce(subset.groupby(keys, observed=True, sort=False)).reset_index()
        if zero_fill:
            grid = ctx.partner_periods() if is_partner else pd.DataFrame({"period": ctx.periods})
            if is_partner and fill_partners is not None:
                grid = grid[member_of(grid["partner_id"], fill_partners)]
            # Outer: rows outside the grid (a deal dated before its partner joined) are kept, not lost.
            out = grid.merge(out, on=keys, how="outer")
            out["value"] = out["value"].fillna(0.0)
            out["n"] = out["n"].fillna(0)
        if not is_partner:
            out["partner_id"] = pd.NA
        out["attribution"] = label
        pieces.append(out)
    rows = pd.concat(pieces, ignore_index=True) if pieces else empty_rows()
    rows = rows[rows["period"].isin(ctx.periods)]
    return typed_rows(rows)


# -- reducers -----------------------------------------------------------------------------

def count_rows(groups) -> pd.DataFrame:
    """value = n = number of rows."""
    size = groups.size()
    return pd.DataFrame({"value": size.astype("float64"), "n": size})


def sum_of(column: str) -> Callable:
    """value = sum of ``column``; n = rows."""
    def reduce(groups) -> pd.DataFrame:
        agg = groups[column].agg(["sum", "size"])
        return pd.DataFrame({"value": agg["sum"].astype("float64"), "n": agg["size"]})
    return reduce


def ratio_of(numerator: str, denominator: str | None = None) -> Callable:
    """value = sum(numerator) / sum(denominator) (denominator: 1 per row when None); n = rows.

    Groups whose denominator sums to zero have no row (an empty denominator gives no value, never
    0 and never a row with a missing value); a zero numerator over a positive denominator is 0.
    """
    def reduce(groups) -> pd.DataFrame:
        num = groups[numerator].sum().astype("float64")
        den = groups[denominator].sum().astype("float64") if denominator else groups.size().astype("float64")
        out = pd.DataFrame({"value": num / den, "numerator": num, "denominator": den, "n": groups.size()})
        return out[(den > 0).to_numpy()]
    return reduce


def mean_of(column: str) -> Callable:
    """value = mean of non-missing ``column``; numerator = sum, denominator = n = count."""
    def reduce(groups) -> pd.DataFrame:
        agg = groups[column].agg(["sum", "count"])
        agg = agg[agg["count"] > 0]
        return pd.DataFrame({"value": agg["sum"] / agg["count"], "numerator": agg["sum"].astype("float64"),
                             "denominator": agg["count"].astype("float64"), "n": agg["count"]})
    return reduce


def median_of(column: str) -> Callable:
    """value = median of non-missing ``column``; n = count (medians do not re-aggregate)."""
    def reduce(groups) -> pd.DataFrame:
        agg = groups[column].agg(["median", "count"])
        agg = agg[agg["count"] > 0]
        return pd.DataFrame({"value": agg["median"].astype("float64"), "n": agg["count"]})
    return reduce


def nps_rows(ctx: KpiContext, responses: pd.DataFrame, attributions: tuple[str, ...] = ("all",),
             partner_grain: bool = True) -> pd.DataFrame:
    """NPS rows: 100 x (promoters - detractors) / responses, numerator = promoters - detractors."""
    score = responses["nps_score"].astype("float64")
    frame = responses.assign(net=((score >= 9).astype(float) - (score <= 6).astype(float)))
    frame = frame[score.notna().to_numpy()]
    rows = summarise(ctx, frame, ratio_of("net"), attributions=attributions, partner_grain=partner_grain)
    rows["value"] = rows["value"] * 100.0
    return rows


# -- combinations -------------------------------------------------------------------------

KEYS = ["period", "partner_id", "attribution"]


def divide(numerator: pd.DataFrame, denominator: pd.DataFrame, *, n_from: str = "denominator") -> pd.DataFrame:
    """Ratio of two KPI results matched on period, partner and attribution.

    Rows without a positive denominator get a missing value. ``n`` comes from the
    denominator's (or numerator's) population.
    """
    merged = numerator[KEYS + ["value", "n"]].merge(
        denominator[KEYS + ["value", "n"]], on=KEYS, how="outer", suffixes=("_num", "_den"))
    num = merged["value_num"].fillna(0.0)
    den = merged["value_den"]
    merged["value"] = (num / den).where(den > 0)
    merged["numerator"] = num
    merged["denominator"] = den.fillna(0.0)
    merged["n"] = merged[f"n_{'den' if n_from == 'denominator' else 'num'}"].fillna(0)
    return typed_rows(merged[merged["denominator"] > 0])


def growth(rows: pd.DataFrame) -> pd.DataFrame:
    """Period-over-period growth of an additive KPI: (this - previous) / previous.

    numerator = this - previous, denominator = previous; missing when previous is 0 or absent.
    Consecutive periods only: a gap in the series is not bridged.
    """
    prev = rows[KEYS + ["value"]].copy()
    prev["period"] = prev["period"] + 1
    merged = rows[KEYS + ["value", "n"]].merge(prev, on=KEYS, how="inner", suffixes=("", "_prev"))
    merged = merged[merged["value_prev"] > 0]
    merged["numerator"] = merged["value"] - merged["value_prev"]
    merged["denominator"] = merged["value_prev"]
    merged["value"] = merged["numerator"] / merged["denominator"]
    return typed_rows(merged)


def span_periods(start_codes: np.ndarray, end_codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand half-open period spans [start, end) into (row index, period code) pairs."""
    span = np.clip(end_codes - start_codes, 0, None)
    rows = np.repeat(np.arange(len(span)), span)
    offsets = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    return rows, np.repeat(start_codes, span) + offsets


def distinct_share(ctx: KpiContext, hits: pd.DataFrame, key: str, population: pd.Series,
                   partners: pd.DataFrame) -> pd.DataFrame:
    """Share of a period's population (distinct ``key`` values) found in ``hits``.

    ``hits`` has ``period``, ``partner_id`` and ``key``; ``population`` is the population size
    per period code. Program rows count distinct keys among all hits, partner rows among that
    partner's hits, both over the whole population (n = population size). Every (partner_id,
    period) of ``partners`` has a row wherever the population is non-empty, 0 without hits (zero
    is a value), as has any partner with hits.
    """
    program = hits.groupby("period")[key].nunique().reindex(population.index, fill_value=0)
    per_partner = hits.dropna(subset=["partner_id"]).groupby(["period", "partner_id"], observed=True)[key].nunique()
    per_partner = partners[["period", "partner_id"]].merge(per_partner.rename("numerator").reset_index(),
                                                           on=["period", "partner_id"], how="outer")
    rows = pd.concat([pd.DataFrame({"period": population.index, "partner_id": pd.NA, "numerator": program.to_numpy()}),
                      per_partner.fillna({"numerator": 0})], ignore_index=True)
    rows["denominator"] = rows["period"].map(population).astype(float)
    rows = rows[rows["period"].isin(ctx.periods).to_numpy() & (rows["denominator"] > 0).to_numpy()]
    rows = rows.assign(attribution="all", n=rows["denominator"], value=rows["numerator"] / rows["denominator"])
    return typed_rows(rows)
