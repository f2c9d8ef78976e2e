"""What a report notebook displays: safe HTML blocks in the house style (see :mod:`.html`).

Each function returns an :class:`Html` block, shown by Jupyter and exported by nbconvert as it
is. Every text that comes from the data (a partner's name, a segment) is escaped here, so a name
like ``<script>`` is shown, never run.
"""
from __future__ import annotations

import html
import numbers
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..formatting import MISSING, is_missing


@dataclass(frozen=True)
class Html:
    """A block of safe HTML for a notebook output."""

    markup: str

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def text(value) -> str:
    """Escape a value from the data for HTML."""
    return html.escape(str(value))


def headline(*sentences: str) -> Html:
    """The finding a report opens with: plain sentences (already escaped), set apart."""
    return Html("<div class='pa-headline'>" + "".join(f"<p>{s}</p>" for s in sentences if s) + "</div>")


def note(sentence: str) -> Html:
    """A short explanation under a chart or table (already escaped)."""
    return Html(f"<p class='pa-note'>{sentence}</p>")


def cards(items: Sequence[Mapping[str, str]]) -> Html:
    """KPI cards: each a ``label``, a ``value`` and optionally a ``change`` with its ``trend``
    (``up``, ``down`` or ``flat``: good, bad or neutral, already judged by the metric's direction)."""
    blocks = []
    for item in items:
        change = item.get("change")
        trend = item.get("trend", "flat")
        change_html = f"<div class='pa-kpi-change pa-{trend}'>{text(change)}</div>" if change else ""
        blocks.append(f"<div class='pa-kpi'><div class='pa-kpi-label'>{text(item['label'])}</div>"
                      f"<div class='pa-kpi-value'>{text(item['value'])}</div>{change_html}</div>")
    return Html("<div class='pa-kpis'>" + "".join(blocks) + "</div>")


def table(frame: pd.DataFrame, formats: Mapping[str, Callable[[object], str]] | None = None,
          caption: str | None = None, numbers: Sequence[str] = ()) -> Html:
    """A table with formatted numbers: ``formats`` maps a column to a function of one value; other
    number columns get thousands separators; text is escaped and left-aligned, numbers (and the
    columns of already formatted numbers named in ``numbers``) right-aligned; missing is a dash."""
    formats = dict(formats or {})
    right = set(formats) | set(numbers)
    head = "".join(f"<th class='{_align(frame[c], c in right)}'>{text(c)}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for column in frame.columns:
            value = row[column]
            shown = MISSING if _missing(value) else (formats[column](value) if column in formats else _default(value))
            cells.append(f"<td class='{_align(frame[column], column in right)}'>{text(shown)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{text(caption)}</caption>" if caption else ""
    return Html(f"<table class='pa-table'>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _default(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and float(value).is_integer()
                                                and abs(value) >= 1000):
        return f"{value:,.0f}"
    if isinstance(value, numbers.Real):
        return MISSING if is_missing(float(value)) else f"{value:,.2f}"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _align(column: pd.Series, formatted: bool) -> str:
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    return "pa-num" if numeric or formatted else "pa-text"


def show(figure) -> None:
    """Display a chart once and release it (a figure left open would be drawn again at the cell's end)."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(figure)
    plt.close(figure)
