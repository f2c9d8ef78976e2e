"""Numbers as reports and sentences show them: known answers for every unit, the edges of compact
amounts, and a dash (never a 0) for a missing value."""
from __future__ import annotations

import math

import numpy as np
import pytest

from partner_analysis.formatting import MISSING, compact, format_change, format_signed, format_value, relative_change


@pytest.mark.parametrize("value, unit, expected", [
    (18_451_923.4, "currency", "EUR 18,451,923"), (0.5561, "ratio", "55.6%"), (1204, "count", "1,204"),
    (8.567, "multiple", "8.57x"), (29.04, "days", "29.0"), (0, "currency", "EUR 0"), (0.0, "ratio", "0.0%"),
    (-1500, "currency", "EUR -1,500"),
])
def test_values_in_their_unit(value, unit, expected):
    assert format_value(value, unit, "EUR") == expected


@pytest.mark.parametrize("value", [None, float("nan"), np.float64("nan")])
def test_a_missing_value_is_a_dash_in_every_form(value):
    assert format_value(value, "currency") == compact(value, "count") == format_signed(value, "ratio") == MISSING
    assert format_change(value, 1.0, "currency") == format_change(1.0, value, "ratio") == MISSING


@pytest.mark.parametrize("value, unit, expected", [
    (9_999, "currency", "USD 9,999"), (10_000, "currency", "USD 10 k"), (18_500_000, "currency", "USD 18.5 M"),
    (940_400, "currency", "USD 940 k"), (99_960, "currency", "USD 100 k"), (999_999, "currency", "USD 1 M"),
    (999_499, "currency", "USD 999 k"), (19_510_439, "currency", "USD 19.5 M"), (2_345_678_901, "currency", "USD 2.3 bn"),
    (1_234_567_890_123, "currency", "USD 1,235 bn"), (12_345, "count", "12.3 k"), (-27_900_000, "currency", "USD -27.9 M"),
    (0.5561, "ratio", "55.6%"), (123_456.0, "days", "123,456.0"),
])
def test_compact_amounts_round_before_choosing_their_size(value, unit, expected):
    assert compact(value, unit) == expected


def test_changes_relative_for_amounts_in_points_for_ratios():
    assert format_change(110.0, 100.0, "currency") == "+10.0%"
    assert format_change(0.50, 0.556, "ratio") == "-5.6 pts"
    assert format_change(5.0, 0.0, "count") == MISSING  # no relative change from zero
    assert math.isnan(relative_change(5.0, 0.0)) and relative_change(-50.0, -100.0) == 0.5
    assert format_signed(1_095_622, "currency") == "+USD 1,095,622"
    assert format_signed(-452_506, "currency") == "−USD 452,506" and format_signed(0, "count") == "0"
