"""Self-contained HTML in the house style: executed notebooks as reports, and the pages around them.

A page carries its style inline and fetches nothing (no script, style, font or image from the
network; charts are embedded as data URIs), so it opens offline and can be mailed as one file.
Notebooks are exported without code and prompts by nbconvert's ``basic`` template; cells tagged
``remove-cell`` and warning streams (stderr) are left out of the report.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from .._version import __version__

STYLE = """
:root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--soft:#f5f7fa;--accent:#1f5f8b;--good:#2f7d4f;--bad:#b03a2e}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);
background:#fff;line-height:1.5;font-size:15px}
header.pa-header{background:var(--accent);color:#fff;padding:1.4rem 2rem 1.1rem}
header.pa-header .pa-product{font-size:.8rem;letter-spacing:.08em;text-transform:uppercase;opacity:.85}
header.pa-header h1{margin:.2rem 0 .3rem;font-size:1.7rem;font-weight:650;border:0;color:#fff}
header.pa-header .pa-subtitle{font-size:1rem;opacity:.95}
.pa-meta{background:var(--soft);border-bottom:1px solid var(--line);color:var(--muted);font-size:.85rem;padding:.5rem 2rem}
.pa-meta a{color:var(--accent)}
main{max-width:68rem;margin:0 auto;padding:1rem 2rem 3rem}
footer{max-width:68rem;margin:0 auto;padding:1rem 2rem 2rem;color:var(--muted);font-size:.8rem;border-top:1px solid var(--line)}
h1,h2,h3{line-height:1.25}
h2{font-size:1.3rem;margin:2.2rem 0 .6rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1.08rem;margin:1.4rem 0 .4rem}
a.anchor-link{display:none}
.cell{margin:0}
.output_area img{max-width:100%;height:auto;display:block;margin:.6rem 0}
.output_text pre,.output_stdout pre{white-space:pre-wrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
font-size:.85rem;background:var(--soft);padding:.6rem .8rem;border-radius:4px;margin:.4rem 0}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.88rem;font-variant-numeric:tabular-nums}
th,td{padding:.3rem .65rem;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th{background:var(--soft);font-weight:600;color:var(--ink)}
td:first-child,th:first-child{text-align:left}
table.pa-table td.pa-text,table.pa-table th.pa-text{text-align:left}
.pa-headline{border-left:4px solid var(--accent);background:var(--soft);padding:.8rem 1rem;margin:1rem 0;font-size:1.05rem}
.pa-headline p{margin:.2rem 0}
.pa-note{color:var(--muted);font-size:.88rem}
.pa-kpis{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.pa-kpi{flex:1 1 11rem;border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem}
.pa-kpi .pa-kpi-label{font-size:.8rem;color:var(--muted)}
.pa-kpi .pa-kpi-value{font-size:1.35rem;font-weight:650}
.pa-kpi .pa-kpi-change{font-size:.8rem}
.pa-up{color:var(--good)}.pa-down{color:var(--bad)}.pa-flat{color:var(--muted)}
.pa-error{border-left:4px solid var(--bad);background:#fdf2f1;padding:.6rem .9rem}
@media print{header.pa-header{background:#fff;color:var(--ink)}header.pa-header h1{color:var(--ink)}}
"""


@dataclass(frozen=True)
class PageInfo:
    """What a report's header says: its title, for whom and which period, the data's date range and
    when it was made."""

    title: str
    subtitle: str = ""
    data_range: str = ""
    made_at: str = ""
    glossary_href: str | None = None
    audience: str = "internal"


def page(body: str, info: PageInfo) -> str:
    """A whole self-contained HTML document around ``body`` (already safe HTML)."""
    meta = []
    if info.data_range:
        meta.append(f"Data: {html.escape(info.data_range)}")
    if info.made_at:
        meta.append(f"Made {html.escape(info.made_at)}")
    if info.glossary_href:
        meta.append(f'<a href="{html.escape(info.glossary_href)}">Metric glossary</a>')
    audience = "Prepared for you" if info.audience == "partner" else "Internal"
    subtitle = f'<div class="pa-subtitle">{html.escape(info.subtitle)}</div>' if info.subtitle else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(info.title)}</title><style>{STYLE}</style></head><body>"
        f'<header class="pa-header"><div class="pa-product">Partner analysis · {audience}</div>'
        f"<h1>{html.escape(info.title)}</h1>{subtitle}</header>"
        f'<div class="pa-meta">{" · ".join(meta)}</div>'
        f"<main>{body}</main>"
        f"<footer>Made with partner-analysis {__version__}. Every figure is defined in the metric glossary; "
        "intervals are 95% unless stated.</footer></body></html>"
    )


class DropStderr(Preprocessor):
    """Warnings and log lines on stderr belong in the executed notebook, not in a report."""

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        return cell, resources


@lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    """One exporter per process: building it (templates, filters) costs far more than using it."""
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove-cell", "parameters",
                                                                           "injected-parameters"},
                                                         remove_all_outputs_tags={"remove-output"},
                                                         enabled=True), enabled=True)
    exporter.register_preprocessor(DropStderr(enabled=True), enabled=True)
    return exporter


def notebook_body(nb: nbformat.NotebookNode) -> str:
    """The report body of an executed notebook: markdown and outputs, no code, no prompts."""
    body, _ = _exporter().from_notebook_node(nb)
    return body


def notebook_page(nb: nbformat.NotebookNode, info: PageInfo) -> str:
    """An executed notebook as a self-contained report page."""
    return page(notebook_body(nb), info)
