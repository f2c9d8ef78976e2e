"""The one result type of every analysis: a tidy table, the plain-language sentences, the method, and
why anything could not be estimated; rendered as text, as self-contained HTML and as JSON rows.

Like lifelines' ``StatisticalResult``: notebooks and reports only display it.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

#: Columns shown as p-values ("<0.001") rather than as plain numbers.
P_VALUE_COLUMNS = ("p_value", "q_value")

_STYLE = ("border-collapse:collapse;font-family:system-ui,sans-serif;font-size:13px;"
          "margin:6px 0 12px 0")
_CELL = "border-bottom:1px solid #ddd;padding:3px 8px;text-align:right"
_HEAD = "border-bottom:2px solid #555;padding:3px 8px;text-align:right;font-weight:600"


def format_number(value: Any, column: str = "") -> str:
    """A cell as a reader wants it: thousands separators for large values, three significant digits
    for small ones, p-values below 0.001 as ``<0.001``, missing as an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if column in P_VALUE_COLUMNS:
            return "<0.001" if value < 0.001 else f"{value:.3f}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:.1f}"
        return f"{value:.3g}"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _formatted(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: [format_number(v, c) for v in table[c]] for c in table.columns}, index=table.index)


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def _html_table(table: pd.DataFrame) -> str:
    shown = _formatted(table)
    head = "".join(f'<th style="{_HEAD}">{html.escape(str(c))}</th>' for c in shown.columns)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">{html.escape(v)}</td>' for v in row) + "</tr>"
        for row in shown.itertuples(index=False, name=None))
    return f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


@dataclass(frozen=True)
class StatResult:
    """What an analysis found, ready to read.

    Attributes
    ----------
    analysis : str
        Which analysis (``partner_vs_direct``, ``rankings``, ``cohorts``...).
    title : str
        A heading for the result.
    table : DataFrame
        The tidy rows (estimates with ``ci_low``, ``ci_high``, ``p_value``, group sizes...).
    sentences : tuple of str
        The findings in plain language, one sentence each.
    method : str
        How the numbers were computed, in words.
    insufficient : tuple of str
        What could not be estimated and why (too few observations...): an explicit answer, never an
        exception or a made-up number.
    notes : tuple of str
        What a reader should know about the data used (rows left out and why, pooled levels).
    details : mapping of str to DataFrame
        Supporting tables (curves, raw rates, per-partner gaps), by name.
    shown : tuple of str
        Columns of ``table`` shown by :meth:`to_text` and :meth:`to_html` (all when empty).
    """

    analysis: str
    title: str
    table: pd.DataFrame
    sentences: tuple[str, ...] = ()
    method: str = ""
    insufficient: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    details: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    shown: tuple[str, ...] = ()

    @property
    def visible(self) -> pd.DataFrame:
        """The table with only the columns meant for a reader."""
        return self.table[list(self.shown)] if self.shown else self.table

    def records(self, columns: tuple[str, ...] | list[str] | None = None) -> list[dict[str, Any]]:
        """Rows as JSON-ready dicts (missing -> None, numpy scalars -> Python), ``columns`` in order."""
        cols = list(columns) if columns else list(self.table.columns)
        return [{c: _json_value(v) for c, v in zip(cols, row)}
                for row in self.table[cols].itertuples(index=False, name=None)]

    def to_text(self, max_rows: int = 60) -> str:
        """Title, sentences, the table (first ``max_rows`` rows), what could not be estimated and the method."""
        parts = [self.title, "=" * len(self.title)]
        parts += list(self.sentences)
        table = self.visible
        if len(table):
            parts.append("")
            parts.append(_formatted(table.head(max_rows)).to_string(index=False))
            if len(table) > max_rows:
                parts.append(f"... {len(table) - max_rows} more rows")
        if self.insufficient:
            parts.append("")
            parts += [f"insufficient data: {reason}" for reason in self.insufficient]
        if self.notes:
            parts.append("")
            parts += [f"note: {note}" for note in self.notes]
        if self.method:
            parts += ["", f"Method: {self.method}"]
        return "\n".join(parts)

    def to_html(self, max_rows: int = 200, with_details: bool = False) -> str:
        """A self-contained HTML fragment (inline styles, no scripts, nothing fetched)."""
        out = [f"<section><h3>{html.escape(self.title)}</h3>"]
        out += [f"<p>{html.escape(s)}</p>" for s in self.sentences]
        if len(self.visible):
            out.append(_html_table(self.visible.head(max_rows)))
            if len(self.visible) > max_rows:
                out.append(f"<p>… {len(self.visible) - max_rows} more rows</p>")
        if self.insufficient:
            out.append("<ul>" + "".join(f"<li>insufficient data: {html.escape(r)}</li>" for r in self.insufficient)
                       + "</ul>")
        if self.notes:
            out.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes) + "</ul>")
        if with_details:
            for name, frame in self.details.items():
                out.append(f"<h4>{html.escape(name)}</h4>{_html_table(frame.head(max_rows))}")
        if self.method:
            out.append(f'<p style="color:#555;font-size:12px">Method: {html.escape(self.method)}</p>')
        out.append("</section>")
        return "".join(out)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()
