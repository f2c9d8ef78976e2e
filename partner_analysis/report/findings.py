"""Statistical results in a report: their sentences as the headline, their caveats as notes, and the
data they are run on (a segment of the build, when a report is filtered)."""
from __future__ import annotations

from ..stats import StatResult, StatsSource
from ..store import KpiStore
from .display import Html, headline, note, text


def findings(result: StatResult, limit: int | None = None) -> Html:
    """The result's plain-language sentences, first ``limit`` of them, as a headline."""
    sentences = result.sentences[:limit] if limit else result.sentences
    if not sentences and result.insufficient:
        return headline(*(f"Not enough data: {text(reason)}." for reason in result.insufficient[:3]))
    return headline(*map(text, sentences))


def caveats(result: StatResult) -> Html | None:
    """What could not be estimated and what a reader should know about the data; None when nothing."""
    items = [f"Not enough data: {r}" for r in result.insufficient] + list(result.notes)
    if not items:
        return None
    return note("<br>".join(text(i) for i in items))


def segment_source(store: KpiStore, segment: str | None) -> StatsSource | KpiStore:
    """The build, or only its deals and customers of one ``segment`` (the analyses' other tables as
    they are), with the build's settings and as-of date.

    Raises
    ------
    ValueError
        The build has no such segment; the message lists those it has.
    """
    if segment is None:
        return store
    deals = store.table("deals")
    known = sorted(deals["segment"].dropna().unique())
    if segment not in known:
        raise ValueError(f"no segment {segment!r} in this build; segments: {', '.join(map(str, known)) or 'none'}")
    tables = {name: store.table(name) for name in store.table_names}
    tables["deals"] = deals[(deals["segment"] == segment).to_numpy()]
    if "customers" in tables:
        customers = tables["customers"]
        tables["customers"] = customers[(customers["segment"] == segment).to_numpy()]
    return StatsSource.from_tables(tables, store.config, store.as_of)
