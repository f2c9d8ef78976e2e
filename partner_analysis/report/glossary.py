"""The metric glossary, generated from the registry as Markdown and as a standalone HTML page."""
from __future__ import annotations

from pathlib import Path

import markdown

from ..atomic import write_text_atomic
from ..kpis.conventions import KPI_TABLE_RULES
from ..kpis.registry import FAMILIES, REGISTRY, MetricSpec

_DIRECTION = {"higher": "higher is better", "lower": "lower is better", "neutral": "neither better nor worse"}
_STYLE = """body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1f2933;line-height:1.5}h1{font-size:1.8rem}h2{border-bottom:1px solid #d9e2ec;
padding-bottom:.3rem;margin-top:2.5rem}h3{margin-bottom:.2rem;font-size:1.05rem}code{background:#f0f4f8;
padding:0 .25rem;border-radius:3px}ul{margin-top:.2rem}"""


def glossary_markdown(currency: str = "USD") -> str:
    """The rules of the KPI table, then every metric by family: label, id, definition, formula, unit,
    direction, grain, the tables and columns it needs and the boundary rules it follows."""
    lines = ["# KPI glossary", "",
             "Every metric of partner-analysis, generated from the code that computes it.", ""]
    families = {family: [m.spec for m in REGISTRY.values() if m.spec.family == family] for family in FAMILIES}
    families = {family: specs for family, specs in families.items() if specs}
    for family, specs in families.items():  # an index: every metric one click away
        links = ", ".join(f"[{s.label}](#{s.id})" for s in specs)
        lines += [f"**[{FAMILIES[family]}](#{family})**: {links}", ""]
    lines += ['<a id="rules"></a>', "## How to read the KPI table", "",
              *(f"- {rule}" for rule in KPI_TABLE_RULES),
              "- Boundaries: where a metric depends on what happens exactly at a period's start or end, the rule "
              "is written under the metric.", ""]
    for family, specs in families.items():
        lines += [f'<a id="{family}"></a>', f"## {FAMILIES[family]}", ""]
        for s in specs:
            unit = currency if s.unit == "currency" else s.unit
            grain = "program and per partner" if s.partner_grain else "program only"
            lines += [
                f'<a id="{s.id}"></a>', f"### {s.label} (`{s.id}`)", "", s.definition, "",
                f"- **Formula**: {s.formula}",
                f"- **Unit**: {unit}; {_DIRECTION[s.direction]}",
                f"- **Grain**: {grain}; attribution views: {', '.join(s.attributions)}; "
                f"period by {s.period_basis or 'its date'}",
                f"- **Needs**: {_needs(s)}",
                *(["- **Boundaries**:", *(f"    - {rule}" for rule in s.boundaries)] if s.boundaries else []),
                *(["- **Declared by**: you (a project metric, not part of the catalog)"] if s.origin == "user" else []),
                "",
            ]
    return "\n".join(lines)


def _needs(spec: MetricSpec) -> str:
    """Tables, needed columns, and the tables read when present."""
    text = ", ".join(spec.requires)
    if spec.columns:
        columns = [c.replace("|", " or ") for c in spec.columns]
        text += f"; column{'s' if len(columns) > 1 else ''} {', '.join(columns)}"
    if spec.optional:
        text += f"; also reads, when present: {', '.join(spec.optional)}"
    return text


def glossary_html(currency: str = "USD") -> str:
    """Standalone HTML glossary (no script, no external style) with an anchor per metric id."""
    body = markdown.markdown(glossary_markdown(currency), extensions=["extra"])
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>KPI glossary</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def write_glossary(out_dir: Path, currency: str = "USD") -> tuple[Path, Path]:
    """Write ``glossary.md`` and ``glossary.html`` into ``out_dir``."""
    md_path, html_path = Path(out_dir) / "glossary.md", Path(out_dir) / "glossary.html"
    write_text_atomic(md_path, glossary_markdown(currency))
    write_text_atomic(html_path, glossary_html(currency))
    return md_path, html_path

