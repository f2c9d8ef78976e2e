"""The quarterly business review as a slide deck: nbconvert's reveal.js slides, self-contained.

reveal.js (vendored, MIT, ``vendor/revealjs``) and the house style are inlined, so the deck opens
offline from one file; code, prompts and warning streams are left out as in the HTML reports.
A notebook marks where slides begin with the usual ``slideshow.slide_type`` cell metadata.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources as package_files
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from .html import DropStderr

_HERE = Path(__file__).resolve().parent
SLIDE_STYLE = """
html,body,main{height:100%;margin:0}
.reveal{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:26px;color:#1f2933}
.reveal .slides{text-align:left}
.reveal h1,.reveal h2,.reveal h3{color:#1f5f8b;font-weight:650;text-transform:none;letter-spacing:0}
.reveal h1{font-size:1.8em}.reveal h2{font-size:1.35em}.reveal h3{font-size:1.05em}
.reveal img{max-height:520px;max-width:100%;margin:.3em 0}
.reveal table{font-size:.6em;border-collapse:collapse}
.reveal th,.reveal td{padding:.2em .5em;border-bottom:1px solid #d9e2ec;text-align:right}
.reveal th{background:#f5f7fa}
.reveal td:first-child,.reveal th:first-child,.reveal .pa-text{text-align:left}
.reveal .pa-headline{border-left:6px solid #1f5f8b;background:#f5f7fa;padding:.4em .7em;font-size:.85em}
.reveal .pa-note{color:#52606d;font-size:.6em}
.reveal .pa-kpis{display:flex;flex-wrap:wrap;gap:.5em}
.reveal .pa-kpi{flex:1 1 8em;border:1px solid #d9e2ec;border-radius:6px;padding:.3em .5em}
.reveal .pa-kpi-label{font-size:.5em;color:#52606d}.reveal .pa-kpi-value{font-size:.9em;font-weight:650}
.reveal .pa-kpi-change{font-size:.5em}.reveal .pa-up{color:#2f7d4f}.reveal .pa-down{color:#b03a2e}
.reveal pre{font-size:.5em;box-shadow:none}
.jp-OutputPrompt,.jp-InputPrompt,.reveal a.anchor-link{display:none}
"""


def _vendor(name: str) -> str:
    return (package_files.files("partner_analysis.report") / "vendor" / "revealjs" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _exporter() -> SlidesExporter:
    exporter = SlidesExporter(template_name="pa_slides", extra_template_basedirs=[str(_HERE / "templates")],
                              exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove-cell", "parameters",
                                                                           "injected-parameters"},
                                                         enabled=True), enabled=True)
    exporter.register_preprocessor(DropStderr(enabled=True), enabled=True)
    return exporter


def notebook_slides(nb: nbformat.NotebookNode, title: str) -> str:
    """An executed notebook as one self-contained reveal.js deck."""
    resources = {"pa_title": title, "pa_reveal_css": _vendor("reveal.css"), "pa_reveal_js": _vendor("reveal.js"),
                 "pa_style": SLIDE_STYLE}
    deck, _ = _exporter().from_notebook_node(nb, resources=resources)
    return deck
