"""Settings file and fiscal periods."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partner_analysis.config import Config, load_config
from partner_analysis.errors import InputError
from partner_analysis.periods import label_code, period_bounds, period_labels

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "partner-analysis.yml"


def test_example_config_documents_exactly_the_defaults():
    assert load_config(EXAMPLE) == Config()


def test_missing_config_file_gives_defaults(tmp_path):
    assert load_config(tmp_path / "none.yml") == Config()


def test_unknown_key_is_an_error(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text("fiscal_year_start_mnth: 7\n")
    with pytest.raises(InputError, match="unknown config keys.*fiscal_year_start_mnth"):
        load_config(path)


@pytest.mark.parametrize("text,message", [
    ("fiscal_year_start_month: 13\n", "fiscal_year_start_month: should be less than or equal to 12, got 13"),
    ('fiscal_year_start_month: "7"\n', "fiscal_year_start_month: should be a valid integer, got '7' \\(text\\)"),
    ("activation_window_days: 0\n", "activation_window_days: should be greater than 0"),
    ("fiscal_year_start_month: [\n", "not valid YAML"),
    ("engagement_components:\n  portal_login: {weight: 1}\n", "engagement_components.portal_login.saturation: is required"),
    ("engagement_components:\n  portal_logins: {weight: 1, saturation: 3}\n", "unknown: portal_logins"),
    ("engagement_components:\n  portal_login: {weight: 0, saturation: 3}\n", "weight above 0"),
    ("tier_thresholds:\n  gold: {min_revenue: lots}\n", "tier_thresholds.gold.min_revenue: should be a valid number"),
    ("timezone: Pacific Time\n", "timezone: should be an IANA time zone name"),
    ("as_of: yesterday\n", "as_of: should be a valid date"),
    ("- 1\n- 2\n", "key: value"),
])
def test_bad_values_are_errors(tmp_path, text, message):
    path = tmp_path / "c.yml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_config(path)


@pytest.mark.parametrize("start,date,label", [
    (1, "2025-03-31", "2025Q1"), (1, "2025-10-01", "2025Q4"),
    (7, "2025-06-30", "2025Q4"), (7, "2025-07-01", "2026Q1"), (7, "2026-01-15", "2026Q3"),
    (2, "2025-01-31", "2025Q4"), (2, "2025-02-01", "2026Q1"), (10, "2024-12-31", "2025Q1"),
])
def test_fiscal_quarter_labels(start, date, label):
    assert period_labels(pd.Series(pd.to_datetime([date])), "quarter", start).iloc[0] == label
    first, end = period_bounds(label, "quarter", start)
    assert first <= pd.Timestamp(date) < end and (end - first).days in (89, 90, 91, 92)


def test_month_labels_and_missing_dates():
    labels = period_labels(pd.Series(pd.to_datetime(["2024-02-29", None])), "month")
    assert labels.iloc[0] == "2024-02" and pd.isna(labels.iloc[1])


def test_labels_sort_chronologically():
    labels = ["2024Q4", "2025Q1", "2025Q2"]
    assert sorted(labels, key=lambda s: label_code(s, "quarter")) == sorted(labels)
    with pytest.raises(ValueError):
        label_code("2025-Q1", "quarter")


def test_settings_file_values_are_typed(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text("fiscal_year_start_month: 7\nas_of: 2025-06-30\ntimezone: America/Los_Angeles\n"
                    "metrics: [metrics/mine.py]\nengagement_components:\n  portal_login: {weight: 1, saturation: 30}\n")
    config = load_config(path)
    assert config.fiscal_year_start_month == 7 and str(config.as_of) == "2025-06-30"
    assert config.engagement_components["portal_login"].saturation == 30.0
    assert config.metrics == (tmp_path / "metrics" / "mine.py",)  # relative to the settings file


def test_settings_are_frozen():
    with pytest.raises(Exception):
        Config().currency = "EUR"


@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)), start=st.integers(1, 12))
@settings(max_examples=300, derandomize=True, deadline=None)
def test_fiscal_labels_follow_the_written_definition(day, start):
    """README: a fiscal year starts in month `start` and is named by the calendar year in which it
    ends; its quarters are counted from that month. Worked out here without pandas."""
    months_in = (day.month - start) % 12
    fiscal_year = day.year + (1 if start != 1 and day.month >= start else 0)
    expected = f"{fiscal_year}Q{months_in // 3 + 1}"
    assert period_labels(pd.Series(pd.to_datetime([day])), "quarter", start).iloc[0] == expected
    first, end = period_bounds(expected, "quarter", start)
    assert first <= pd.Timestamp(day) < end


@pytest.mark.parametrize("label,freq", [("2025-Q1", "quarter"), ("2025Q5", "quarter"), ("25Q1", "quarter"),
                                        ("2025-13", "month"), ("2025-3", "month"), ("2025Q1", "month")])
def test_malformed_labels_name_the_form(label, freq):
    with pytest.raises(ValueError, match="is not a (quarter|month) label like"):
        label_code(label, freq)
