"""``reports/index.html``: every report of the folder's manifest, by quarter and notebook."""
from __future__ import annotations

import html
from datetime import datetime, timezone
from itertools import groupby
from pathlib import Path

from ..atomic import write_text_atomic
from .html import PageInfo, page
from .manifest import load_runs

INDEX_NAME = "index.html"


def index_html(runs: list[dict], made_at: str) -> str:
    """The index page: a section per quarter, a table per notebook, a row per report with its status."""
    sections = []
    for quarter, in_quarter in groupby(sorted(runs, key=lambda r: r["quarter"], reverse=True), key=lambda r: r["quarter"]):
        in_quarter = sorted(in_quarter, key=lambda r: (r["notebook"], r["partner"] or "", r["audience"]))
        parts = [f"<h2>{html.escape(quarter)}</h2>"]
        for notebook, reports in groupby(in_quarter, key=lambda r: r["notebook"]):
            reports = list(reports)
            rows = "".join(_row(r) for r in reports)
            parts.append(f"<h3>{html.escape(reports[0]['title'])} <span class='pa-note'>({html.escape(notebook)}, "
                         f"{len(reports)} report{'s' if len(reports) != 1 else ''})</span></h3>"
                         "<table class='pa-table'><thead><tr><th class='pa-text'>Report</th><th class='pa-text'>Audience</th>"
                         f"<th class='pa-text'>Status</th><th>Seconds</th><th class='pa-text'>Made</th></tr></thead><tbody>{rows}"
                         "</tbody></table>")
        sections.append("".join(parts))
    failed = sum(r["status"] != "ok" for r in runs)
    lead = (f"<div class='pa-headline'><p>{len(runs)} report{'s' if len(runs) != 1 else ''}"
            + (f", <strong>{failed} failed</strong> (the error is shown beside each)" if failed else ", all rendered")
            + ".</p></div>")
    body = lead + ("".join(sections) if sections else "<p>No reports yet: run <code>partner-analysis report</code>.</p>")
    return page(body, PageInfo(title="Reports", subtitle="Every report rendered into this folder",
                               made_at=made_at, glossary_href="glossary.html"))


def _row(run: dict) -> str:
    label = html.escape(run["subtitle"] or run["title"])
    if run["status"] == "ok":
        link = f"<a href='{html.escape(run['html'])}'>{label}</a>"
        if run.get("slides"):
            link += f" · <a href='{html.escape(run['slides'])}'>slides</a>"
        status = "ok"
    else:
        link = label
        status = f"<span class='pa-down'>failed</span>: {html.escape(str(run['error']))}"
    audience = "for the partner" if run["audience"] == "partner" else "internal"
    return (f"<tr><td class='pa-text'>{link}</td><td class='pa-text'>{audience}</td><td class='pa-text'>{status}</td>"
            f"<td>{run['seconds']:.1f}</td><td class='pa-text'>{html.escape(run['ran_at'][:16].replace('T', ' '))}</td></tr>")


def write_index(out_dir: Path) -> Path:
    """Write ``index.html`` for the reports recorded in the folder's manifest."""
    made_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return write_text_atomic(Path(out_dir) / INDEX_NAME, index_html(list(load_runs(out_dir).values()), made_at))
