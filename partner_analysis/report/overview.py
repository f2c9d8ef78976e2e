"""The data overview: what a build holds, from when to when, what was set aside and why, and what
the KPI table leaves out — the first thing to read before trusting any figure."""
from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from ..kpis.registry import REGISTRY
from ..store import KpiStore
from ..viz.kpis import span_plot
from .display import Html, headline, note, table, text


def tables_frame(store: KpiStore) -> pd.DataFrame:
    """Per table: rows read, kept and set aside, and the first and last event date."""
    manifest = store.manifest
    coverage = store.coverage.set_index("table")
    rows = []
    for name in manifest.get("rows_in", {}):
        rows.append({"table": name, "rows read": manifest["rows_in"][name],
                     "kept": manifest.get("rows_kept", {}).get(name, manifest["rows_in"][name]),
                     "set aside": manifest.get("rows_rejected", {}).get(name, 0),
                     "first date": coverage["first"].get(name), "last date": coverage["last"].get(name)})
    return pd.DataFrame(rows)


def overview_headline(store: KpiStore) -> Html:
    """How much data, over which dates, how much of it was kept, and how much of the catalog it gives."""
    frame = tables_frame(store)
    read, rejected = int(frame["rows read"].sum()), int(frame["set aside"].sum())
    first = frame["first date"].dropna().min()
    sentences = [f"This build holds <strong>{len(frame)}</strong> tables with <strong>{read:,}</strong> rows, "
                 f"from {text(first.date() if pd.notna(first) else 'no dated row')} to the as-of date "
                 f"{text(store.as_of.date())}."]
    if rejected:
        sentences.append(f"<strong>{rejected:,}</strong> rows ({rejected / max(read, 1):.1%}) broke the data contract "
                         "and were set aside with the reason (below); every other row was kept.")
    else:
        sentences.append("Every row read met the data contract and was kept.")
    catalog = [m for m, entry in REGISTRY.items() if entry.spec.origin == "catalog"]
    missing = [m for m in catalog if m in store.unavailable]
    sentences.append(f"{len(catalog) - len(missing)} of the {len(catalog)} catalog metrics could be computed"
                     + (f"; {len(missing)} need tables or columns this data does not have." if missing else "."))
    return headline(*sentences)


def tables_table(store: KpiStore) -> Html:
    """:func:`tables_frame` as a formatted table."""
    day = lambda v: v.date().isoformat()  # noqa: E731
    return table(tables_frame(store), formats={"first date": day, "last date": day},
                 caption="Rows in = kept + set aside, per table; dates are the first and last event in it")


def coverage_figure(store: KpiStore) -> Figure:
    """When each table has data: a bar from its first to its last event date."""
    coverage = store.coverage
    return span_plot(coverage["table"].tolist(), coverage["first"], coverage["last"], store.as_of,
                     "Coverage: the dates each table spans")


def rejected_table(store: KpiStore) -> Html | None:
    """The reasons rows were set aside, with how many and the first data-row numbers; None when none were."""
    rejected = store.rejected()
    if not rejected:
        return None
    rows = []
    for name, frame in rejected.items():
        for reason, group in frame.groupby("_reason", sort=False):
            rows.append({"table": name, "reason": reason, "rows": len(group),
                         "first rows": ", ".join(map(str, group["_row"].head(5)))})
    return table(pd.DataFrame(rows), caption="Rows set aside (the raw rows are in rejected/<table>.csv of the build)")


def notes_table(store: KpiStore) -> Html | None:
    """What metrics leave out of the KPI table and why (rows outside their periods, cohorts not judged)."""
    notes = store.notes()
    if not notes:
        return None
    rows = [{"metric": store.spec(metric).label, "note": text_} for metric, texts in notes.items() for text_ in texts]
    return table(pd.DataFrame(rows))


def unavailable_table(store: KpiStore) -> Html:
    """The metrics this data cannot give, with the reason."""
    missing = store.unavailable
    if not missing:
        return note("Every metric of the catalog could be computed for this data.")
    rows = [{"metric": REGISTRY[m].spec.label if m in REGISTRY else m, "id": m, "why": why}
            for m, why in sorted(missing.items())]
    return table(pd.DataFrame(rows))
