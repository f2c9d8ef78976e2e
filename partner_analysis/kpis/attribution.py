"""Multi-touch attribution: credit the revenue of won partner deals to the partners that touched them.

The partners on a deal are its ``deal_partners`` rows plus the deal's own ``partner_id`` (with
the deal's attribution as role, touched at ``created_at`` when no touch date is given). Models:

- ``sourced_only``: the sourcing partner(s) get the amount, split evenly; a deal that no partner
  sourced credits nobody (its amount goes to the ``(unattributed)`` row, our own team).
- ``first_touch`` / ``last_touch``: the partner with the earliest / latest ``touched_at`` gets
  it all (ties: a sourcing partner first, then partner_id order; missing dates count last).
- ``even_split``: every partner on the deal gets an equal share.

Every model credits exactly the deal's amount: the credits of a deal always sum to it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..membership import member_of
from .context import KpiContext
from .deals import won_deals
from .frame import sum_of, summarise

MODELS = ("sourced_only", "first_touch", "last_touch", "even_split")
UNATTRIBUTED = "(unattributed)"


def deal_touches(ctx: KpiContext) -> pd.DataFrame:
    """One row per (won partner deal, partner): ``deal_id``, ``partner_id``, ``sourced`` (bool),
    ``touched_at``, with the deal's ``amount`` and ``period`` (of closed_at); computed once per context."""
    return ctx.cached("deal_touches", lambda: _deal_touches(ctx))


def _deal_touches(ctx: KpiContext) -> pd.DataFrame:
    won = won_deals(ctx)
    won = won[won["attribution"].isin(["sourced", "influenced"]).to_numpy()]
    deals = won[["deal_id", "amount", "period"]]
    own = won.loc[won["partner_id"].notna().to_numpy(), ["deal_id", "partner_id", "attribution", "created_at"]]
    own = own.rename(columns={"attribution": "role", "created_at": "touched_at"})
    pieces = [own]
    if ctx.has("deal_partners"):
        extra = ctx.table("deal_partners")[["deal_id", "partner_id", "role", "touched_at"]]
        pieces.append(extra[member_of(extra["deal_id"], deals["deal_id"])])
    touches = pd.concat(pieces, ignore_index=True)
    touches = touches.assign(sourced=(touches["role"] == "sourced").to_numpy())
    touches = touches.groupby(["deal_id", "partner_id"], observed=True, as_index=False).agg(
        sourced=("sourced", "max"), touched_at=("touched_at", "min"))
    return touches.merge(deals, on="deal_id")


def credit(ctx: KpiContext, model: str) -> pd.DataFrame:
    """Credited revenue per won partner deal and partner under ``model``.

    Columns ``deal_id``, ``partner_id`` (``(unattributed)`` for amounts no partner earns under the
    model), ``period``, ``credit``. The credits of each deal sum to its amount.
    """
    if model not in MODELS:
        raise ValueError(f"unknown attribution model {model!r}; choose one of {', '.join(MODELS)}")
    touches = deal_touches(ctx)
    if model == "even_split":
        share = 1.0 / touches.groupby("deal_id")["partner_id"].transform("size")
        credited = touches.assign(credit=touches["amount"] * share)
    elif model == "sourced_only":
        sourced = touches[touches["sourced"].to_numpy()]
        share = 1.0 / sourced.groupby("deal_id")["partner_id"].transform("size")
        credited = sourced.assign(credit=sourced["amount"] * share)
        orphans = touches.drop_duplicates("deal_id")
        orphans = orphans[~member_of(orphans["deal_id"], sourced["deal_id"])]
        credited = pd.concat([credited, orphans.assign(partner_id=UNATTRIBUTED, credit=orphans["amount"])],
                             ignore_index=True)
    else:
        order = touches.assign(missing=touches["touched_at"].isna(), not_sourced=~touches["sourced"])
        ascending = model == "first_touch"
        order = order.sort_values(["deal_id", "missing", "touched_at", "not_sourced", "partner_id"],
                                  ascending=[True, True, ascending, True, True], kind="stable")
        credited = order.drop_duplicates("deal_id").assign(credit=lambda d: d["amount"])
    return credited[["deal_id", "partner_id", "period", "credit"]].reset_index(drop=True)


def credited_revenue(ctx: KpiContext, models: tuple[str, ...] = MODELS) -> pd.DataFrame:
    """Credited won revenue per period and partner, one column per model, side by side.

    Program rows (``partner_id`` missing) hold the total won partner revenue, the same under
    every model; the ``(unattributed)`` row holds what no partner earns under ``sourced_only``.
    Periods are labelled as in the KPI store.
    """
    wide = None
    for model in models:
        credits = credit(ctx, model)
        rows = summarise(ctx, credits, sum_of("credit"), zero_fill=False)
        rows = rows[["period", "partner_id", "value"]].rename(columns={"value": model})
        wide = rows if wide is None else wide.merge(rows, on=["period", "partner_id"], how="outer")
    wide = wide.fillna({m: 0.0 for m in models})
    wide["period"] = ctx.labels(wide["period"].to_numpy())
    program_first = wide["partner_id"].notna().to_numpy().astype(np.int8)
    return wide.assign(_order=program_first).sort_values(["period", "_order", "partner_id"], kind="stable") \
        .drop(columns="_order").reset_index(drop=True)
