"""Anonymous peer benchmarks for a partner's own report.

A partner sees where it stands among its peers — the other partners in the program in the quarter
of the same type and tier — only as aggregates: how many peers, their quartiles, and the partner's
percentile among them. A group of fewer than :data:`MIN_PEERS` partners is never shown: the
comparison widens to the same type, then to the whole program, and with fewer than five peers
even there, there is no benchmark at all. No peer is named, and no single peer's value can be
read off.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..store import KpiStore
from .jobs import in_program

#: The smallest group a benchmark may aggregate.
MIN_PEERS = 5


@dataclass(frozen=True)
class PeerGroup:
    """The peers of one partner in one quarter: a description of the group and its size (the ids
    stay inside the package: they are never shown)."""

    label: str
    ids: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Benchmark:
    """Where a partner's value stands among its peers' values."""

    group: str
    peers: int
    p25: float
    median: float
    p75: float
    percentile: float | None  # share of peers below the partner's value (ties count half); None without a value


def peer_group(store: KpiStore, partner: str, quarter: str) -> PeerGroup | None:
    """The narrowest group of at least :data:`MIN_PEERS` other partners: same type and tier, else the
    same type, else the whole program; None when the program itself has too few."""
    partners = store.partners().set_index("partner_id")
    store.check_partner(partner)
    others = [p for p in in_program(store, quarter) if p != partner]
    kind = partners.at[partner, "partner_type"]
    tier = partners.at[partner, "tier"] if "tier" in partners.columns else None
    candidates = []
    if tier is not None and pd.notna(tier):
        candidates.append((f"{kind} partners in the {tier} tier",
                           [p for p in others if partners.at[p, "partner_type"] == kind and partners.at[p, "tier"] == tier]))
    candidates.append((f"{kind} partners", [p for p in others if partners.at[p, "partner_type"] == kind]))
    candidates.append(("all partners in the program", others))
    for label, ids in candidates:
        if len(ids) >= MIN_PEERS:
            return PeerGroup(label, tuple(ids))
    return None


def benchmark(store: KpiStore, partner: str, metric: str, quarter: str, group: PeerGroup | None,
              attribution: str = "all") -> Benchmark | None:
    """The partner's value against the peers' values of ``metric`` in ``quarter``.

    Peers without a value (an empty population: no closed deal for a win rate) are not counted;
    zero is a value. None when fewer than :data:`MIN_PEERS` peers have a value.
    """
    if group is None:
        return None
    rows = store.kpi(metric, [partner, *group.ids], periods=quarter, attribution=attribution)
    values = rows.dropna(subset=["value"]).set_index("partner_id")["value"]
    peer_values = values.drop(partner, errors="ignore").to_numpy(dtype=float)
    if len(peer_values) < MIN_PEERS:
        return None
    own = values.get(partner)
    percentile = None
    if own is not None and not np.isnan(own):
        percentile = float(((peer_values < own).sum() + 0.5 * (peer_values == own).sum()) / len(peer_values))
    p25, median, p75 = np.percentile(peer_values, [25, 50, 75])
    return Benchmark(group.label, int(len(peer_values)), float(p25), float(median), float(p75), percentile)
