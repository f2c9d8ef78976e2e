"""Exports as they really come: number formats in the mapping, timestamps in the business time zone."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from partner_analysis.build import build
from partner_analysis.config import Config
from partner_analysis.errors import InputError
from partner_analysis.ingest.mapping import NumberFormat, load_mapping, read_numbers
from partner_analysis.ingest.prepare import load_and_validate
from partner_analysis.ingest.validation import validate_tables
from partner_analysis.store import KpiStore

PARTNERS = "partner_id,partner_name,partner_type,joined_at\np1,Acme,reseller,2024-01-01\n"


# -- number formats --------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,text,expected", [
    # (format, cell as exported, the number it means: read by hand)
    (NumberFormat(preset="us", strip=["$"]), "$1,234.50", 1234.5),
    (NumberFormat(preset="us"), "2,000", 2000.0),
    (NumberFormat(preset="us"), "-1,000,000.25", -1000000.25),
    (NumberFormat(preset="us"), " 7 ", 7.0),
    (NumberFormat(preset="us"), ".5", 0.5),
    (NumberFormat(preset="european", strip=["€", "EUR"]), "1.234,50 €", 1234.5),
    (NumberFormat(preset="european", strip=["€", "EUR"]), "EUR 12", 12.0),
    (NumberFormat(preset="french"), "1\u00a0234,5", 1234.5),  # no-break space between groups
    (NumberFormat(preset="french"), "1\u202f234,5", 1234.5),  # narrow no-break space
    (NumberFormat(preset="swiss"), "1'234.5", 1234.5),
    (NumberFormat(thousands="", decimal=","), "1234,5", 1234.5),
    (NumberFormat(preset="european", percent=True), "12,5 %", 0.125),
    (NumberFormat(preset="us", percent=True), "40", 0.4),
])
def test_a_number_format_reads_what_the_export_means(fmt, text, expected):
    assert read_numbers(pd.Series([text], dtype="str"), fmt).tolist() == [expected]


@pytest.mark.parametrize("fmt,text", [
    (NumberFormat(preset="us"), "1,23"),        # a thousands separator out of place: not 123
    (NumberFormat(preset="us"), "12,3456.7"),
    (NumberFormat(preset="european"), "1.23"),  # European 1.23 is neither 1.23 nor 123
    (NumberFormat(preset="us"), "$12"),         # `$` not listed in strip
    (NumberFormat(preset="us"), "12 EUR"),
    (NumberFormat(preset="us"), "1.2.3"),
])
def test_a_text_that_does_not_fit_the_format_is_left_for_validation_to_report(fmt, text):
    assert read_numbers(pd.Series([text], dtype="str"), fmt).tolist() == [text]


def test_cells_that_are_numbers_already_and_missing_cells_pass_unchanged():
    out = read_numbers(pd.Series([1.5, None, "1,500.5"], dtype=object), NumberFormat(preset="us"))
    assert out.tolist()[0] == 1.5 and pd.isna(out.iloc[1]) and out.iloc[2] == 1500.5


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def test_crm_and_european_exports_validate_through_the_mapping(tmp_path):
    raw = write(tmp_path / "raw", {
        "partners.csv": PARTNERS,
        # a CRM export: currency signs and thousands separators
        "deals.csv": 'deal_id,attribution,partner_id,stage,created_at,closed_at,amount\n'
                     'd1,sourced,p1,won,2024-03-01,2024-03-10,"$1,234.50"\n'
                     'd2,sourced,p1,lost,2024-03-01,2024-03-11,"2,000"\n'
                     'd3,direct,,open,2024-03-02,,"$1,23"\n',
        # a European export: `;`-separated, decimal comma, euro sign
        "costs.csv": "period_start;category;amount;partner_id\n2024-01-01;mdf;1.234,50 €;p1\n"
                     "2024-02-01;commission;12,5;\n",
    })
    mapping = write(tmp_path, {"map.yml": """\
        tables:
          deals:
            numbers: {amount: {preset: us, strip: ["$"]}}
          costs:
            numbers: {amount: {preset: european, strip: ["€"]}}
    """}) / "map.yml"
    data = load_and_validate(raw, mapping)
    # the one cell that does not fit is reported as before, with its row and value as exported
    assert [(i.file, i.column, i.rows, i.values) for i in data.report.issues] == [
        ("deals.csv", "amount", (3,), ("$1,23",))]
    lenient = load_and_validate(raw, mapping, lenient=True)
    assert lenient.tables["deals"]["amount"].tolist() == [1234.5, 2000.0]
    assert lenient.tables["costs"]["amount"].tolist() == [1234.5, 12.5]
    assert lenient.rejected["deals"]["amount"].tolist() == ["$1,23"]


@pytest.mark.parametrize("text,message", [
    ("numbers: {amount: italian}", "tables.deals.numbers.amount.preset must be one of "
                                   "['european', 'french', 'swiss', 'us']"),
    ("numbers: {amount: {thousands: ',', decimal: ','}}",
     "tables.deals.numbers.amount: thousands and decimal separators must differ (both ',')"),
    ("numbers: {amount: {thousand: ','}}", "unknown key(s) ['thousand'] in tables.deals.numbers.amount; allowed: "
                                           "['decimal', 'percent', 'preset', 'strip', 'thousands']"),
    ("numbers: {amount: {percent: maybe}}", "tables.deals.numbers.amount.percent: should be a valid boolean"),
    ("numbers: {amount: {strip: '$'}}", "tables.deals.numbers.amount.strip: should be a valid list, got '$' (text)"),
    ("dates: {created_at: ['%Y']}", "tables.deals.dates.created_at: should be a valid string, got a list"),
    ("numbers: {amount: {decimal: ''}}", "tables.deals.numbers.amount.decimal: String should have at least 1 character, got '' (text)"),
])
def test_mapping_errors_name_the_key_and_what_was_expected(tmp_path, text, message):
    path = write(tmp_path, {"map.yml": f"tables:\n  deals:\n    {text}\n"}) / "map.yml"
    with pytest.raises(InputError) as err:
        load_mapping(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_numbers_for_a_column_the_file_lacks_is_an_error(tmp_path):
    raw = write(tmp_path / "raw", {"partners.csv": PARTNERS, "deals.csv": "deal_id,stage\nd1,won\n"})
    mapping = write(tmp_path, {"map.yml": "tables:\n  deals:\n    numbers: {amount: us}\n"}) / "map.yml"
    with pytest.raises(InputError, match="numbers.amount names column"):
        load_and_validate(raw, mapping)


# -- the business time zone ------------------------------------------------------------------

def deals_with_close(closed_at: str) -> pd.DataFrame:
    return pd.DataFrame({"deal_id": ["d1"], "attribution": ["sourced"], "partner_id": ["p1"], "stage": ["won"],
                         "created_at": ["2023-12-01"], "closed_at": [closed_at], "amount": ["500"]})


def closed(closed_at: str, timezone: str) -> pd.Timestamp:
    partners = pd.DataFrame({"partner_id": ["p1"], "partner_name": ["Acme"], "partner_type": ["reseller"],
                             "joined_at": ["2024-01-01"]})
    data = validate_tables({"partners": ("partners.csv", partners), "deals": ("deals.csv", deals_with_close(closed_at))},
                           timezone=timezone)
    assert data.report.ok, data.report.render()
    return data.tables["deals"]["closed_at"].iloc[0]


@pytest.mark.parametrize("text,timezone,expected", [
    # 23:30 at UTC-8 is 07:30 UTC the next day; in California (PST, UTC-8 in December) it is still
    # the last evening of the quarter
    ("2023-12-31T23:30:00-08:00", "America/Los_Angeles", "2023-12-31 23:30"),
    ("2023-12-31T23:30:00-08:00", "UTC", "2024-01-01 07:30"),
    # on March 31 California keeps daylight time (PDT, UTC-7 from March 10): 23:30 there is -07:00 ...
    ("2024-03-31T23:30:00-07:00", "America/Los_Angeles", "2024-03-31 23:30"),
    ("2024-04-01T06:30:00Z", "America/Los_Angeles", "2024-03-31 23:30"),
    # ... and 23:30 at -08:00 is 00:30 PDT on April 1; an export that writes -08:00 all year round
    # keeps a fixed-offset clock, whose zone is Etc/GMT+8 (POSIX sign: UTC-8)
    ("2024-03-31T23:30:00-08:00", "America/Los_Angeles", "2024-04-01 00:30"),
    ("2024-03-31T23:30:00-08:00", "Etc/GMT+8", "2024-03-31 23:30"),
    ("2024-06-30T22:30:00+00:00", "Europe/Berlin", "2024-07-01 00:30"),     # CEST is UTC+2
    ("2024-03-31T23:30:00-0800", "America/New_York", "2024-04-01 03:30"),   # offset without a colon
    ("2024-03-31 23:30", "Asia/Tokyo", "2024-03-31 23:30"),                 # no offset: local already
    ("2024-03-31", "America/Los_Angeles", "2024-03-31"),                    # a date: never shifted
])
def test_timestamps_with_an_offset_become_local_times_of_the_business_zone(text, timezone, expected):
    assert closed(text, timezone) == pd.Timestamp(expected)


def test_timezone_aware_parquet_columns_become_local_times(tmp_path):
    write(tmp_path, {"partners.csv": PARTNERS})
    deals = deals_with_close("2024-03-01").assign(
        closed_at=pd.to_datetime(["2024-04-01T06:30:00Z"], utc=True), created_at=pd.to_datetime(["2024-03-01"]))
    deals.to_parquet(tmp_path / "deals.parquet", index=False)
    data = load_and_validate(tmp_path, config=Config(timezone="America/Los_Angeles"))
    assert data.report.ok, data.report.render()
    assert data.tables["deals"]["closed_at"].iloc[0] == pd.Timestamp("2024-03-31 23:30")


@pytest.mark.parametrize("timezone,quarter", [("America/Los_Angeles", "2024Q1"), ("UTC", "2024Q2")])
def test_a_deal_closed_on_the_last_evening_of_the_quarter_counts_in_that_quarter(tmp_path, timezone, quarter):
    """End to end: raw CSV -> build -> the KPI store puts the revenue in the business quarter."""
    raw = write(tmp_path / "raw", {
        "partners.csv": PARTNERS,
        "deals.csv": "deal_id,attribution,partner_id,stage,created_at,closed_at,amount\n"
                     "d1,sourced,p1,won,2024-03-01T09:00:00-08:00,2024-03-31T23:30:00-07:00,500\n"
                     "d2,sourced,p1,won,2024-03-02,2024-04-15,300\n",
    })
    build(raw, tmp_path / "processed", config=Config(timezone=timezone))
    revenue = KpiStore(tmp_path / "processed").kpi("sourced_revenue")
    by_quarter = dict(zip(revenue["period"], revenue["value"]))
    # d1 (500) closes on March 31 in California, April 1 in UTC; d2 (300) closes in 2024Q2 either way;
    # 2024Q1 has a row in both (the partner was in the program: zero is a value)
    assert by_quarter == ({"2024Q1": 500.0, "2024Q2": 300.0} if quarter == "2024Q1" else
                          {"2024Q1": 0.0, "2024Q2": 800.0})
