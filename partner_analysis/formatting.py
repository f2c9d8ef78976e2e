"""Numbers as a reader expects them, one convention for every report: money with the currency and
thousands separators (compact in prose: ``USD 18.5 M``), ratios as percent, changes with a sign,
a dash for a missing value (never a 0)."""
from __future__ import annotations

import math

MISSING = "–"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value: float, unit: str, currency: str = "USD") -> str:
    """A KPI value in its unit: ``USD 18,451,923``, ``55.6%``, ``1,204``, ``8.57x``, ``29.0``."""
    if is_missing(value):
        return MISSING
    if unit == "currency":
        return f"{currency} {value:,.0f}"
    if unit == "ratio":
        return f"{value:.1%}"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "multiple":
        return f"{value:.2f}x"
    return f"{value:,.1f}"


#: Sizes of compact amounts, smallest first.
SCALES = ((1e3, "k"), (1e6, "M"), (1e9, "bn"))


def compact(value: float, unit: str, currency: str = "USD") -> str:
    """A value for a sentence or a card: ``USD 18.5 M``, ``USD 940 k``, ``55.6%``, ``12.3 k``; amounts
    under 10,000 in full. Rounded before the size is chosen: 999,999 is ``1 M``, not ``1,000 k``."""
    if is_missing(value):
        return MISSING
    if unit not in ("currency", "count") or abs(value) < 10_000:
        return format_value(value, unit, currency)
    step = max(i for i, (size, _) in enumerate(SCALES) if abs(value) >= size)
    while True:
        size, suffix = SCALES[step]
        scaled = value / size
        number = f"{scaled:,.1f}".rstrip("0").rstrip(".") if abs(scaled) < 99.95 else f"{scaled:,.0f}"
        if abs(round(scaled)) < 1000 or step == len(SCALES) - 1:
            break
        step += 1
    return f"{currency} {number} {suffix}" if unit == "currency" else f"{number} {suffix}"


def relative_change(now: float, before: float) -> float:
    """(now - before) / before; missing when either is missing or ``before`` is 0."""
    if is_missing(now) or is_missing(before) or before == 0:
        return float("nan")
    return (now - before) / abs(before)


def format_change(now: float, before: float, unit: str) -> str:
    """The change from ``before`` to ``now``: relative for amounts (``+12.3%``), in points for ratios
    (``+2.1 pts``), missing when there is nothing to compare with."""
    if is_missing(now) or is_missing(before):
        return MISSING
    if unit == "ratio":
        return f"{(now - before) * 100:+.1f} pts"
    change = relative_change(now, before)
    return MISSING if is_missing(change) else f"{change:+.1%}"


def format_signed(value: float, unit: str, currency: str = "USD") -> str:
    """A change with its sign in front: ``+USD 1,095,622``, ``−USD 452,506``, ``+12``."""
    if is_missing(value):
        return MISSING
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + format_value(abs(value), unit, currency)
