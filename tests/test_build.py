"""build: validated tables and KPI stores written atomically; raw data never touched."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from partner_analysis.build import build
from partner_analysis.paths import kpi_store_file
from partner_analysis.config import Config
from partner_analysis.errors import InputError, ValidationError
from partner_analysis.store import KpiStore
from partner_analysis.versions import current_build


def tree_hash(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def raw(tmp_path, demo_raw_dir) -> Path:
    """A private copy of the demo raw data that a test may break."""
    copy = tmp_path / "raw"
    shutil.copytree(demo_raw_dir, copy)
    return copy


def corrupt_deals(raw: Path) -> None:
    deals = pd.read_csv(raw / "deals.csv", dtype=str, keep_default_na=False)
    deals.loc[3, "amount"] = "-1"
    deals.loc[7, "created_at"] = "yesterday"
    deals.to_csv(raw / "deals.csv", index=False)


def test_build_writes_tables_stores_and_manifest(raw, tmp_path):
    processed = tmp_path / "processed"
    before = tree_hash(raw)
    result = build(raw, processed)
    assert tree_hash(raw) == before  # raw data is only read
    processed = current_build(processed)
    assert processed == result.build_dir
    manifest = json.loads((processed / "build.json").read_text())
    for table, n in manifest["rows_in"].items():
        assert n == manifest["rows_kept"][table] and manifest["rows_rejected"][table] == 0
        assert len(pd.read_parquet(processed / f"{table}.parquet")) == n
    for freq in ("quarter", "month"):
        kpis = pd.read_parquet(processed / kpi_store_file(freq))
        assert list(kpis.columns) == ["metric", "period", "partner_id", "attribution", "value", "numerator",
                                      "denominator", "n"]
        assert len(kpis) == result.kpi_rows[freq]
    assert sorted(manifest["files"]) == sorted(str(p.relative_to(processed)) for p in processed.rglob("*.*")
                                               if p.name != "build.json")


def test_strict_build_fails_without_touching_previous_output(raw, tmp_path):
    processed = tmp_path / "processed"
    build(raw, processed)
    before = tree_hash(processed)
    corrupt_deals(raw)
    with pytest.raises(ValidationError) as err:
        build(raw, processed)
    text = str(err.value)
    assert "deals.csv, column 'amount': 1 row - expected a value >= 0" in text
    assert "deals.csv, column 'created_at': 1 row - expected an ISO date" in text and "row 8 ('yesterday')" in text
    assert tree_hash(processed) == before  # the same current build, and no debris beside it


def test_lenient_build_sets_bad_rows_aside_with_reasons(raw, tmp_path):
    processed = tmp_path / "processed"
    corrupt_deals(raw)
    before = tree_hash(raw)
    result = build(raw, processed, lenient=True)
    assert tree_hash(raw) == before
    report = result.data.report
    for table in report.rows_in:
        assert report.rows_in[table] == report.rows_kept[table] + report.rows_rejected[table]
    rejected = pd.read_csv(current_build(processed) / "rejected" / "deals.csv", dtype=str)
    assert rejected["_row"].tolist()[:2] == ["4", "8"]
    assert "amount: expected a value >= 0" in rejected["_reason"][0]
    # Rows of children that pointed at the rejected deals are set aside too, with the reason.
    assert report.rows_rejected["deals"] >= 2


def test_stale_outputs_of_a_previous_build_are_removed(raw, tmp_path):
    processed = tmp_path / "processed"
    build(raw, processed)
    assert (current_build(processed) / "surveys.parquet").exists()
    (raw / "surveys.csv").unlink()
    result = build(raw, processed)
    assert not (current_build(processed) / "surveys.parquet").exists()
    assert "customer_nps" in result.unavailable and "surveys" in result.unavailable["customer_nps"]


def test_subscriptions_become_monthly_revenue(raw, tmp_path):
    revenue = pd.read_csv(raw / "revenue.csv", dtype=str)
    (raw / "revenue.csv").unlink()
    first = revenue.iloc[:4]
    subs = pd.DataFrame({"account_id": first["account_id"], "start_at": "2024-01-15", "end_at": "2024-04-12",
                         "mrr": "100"})
    subs.to_csv(raw / "subscriptions.csv", index=False)
    processed = tmp_path / "processed"
    processed = build(raw, processed).build_dir
    monthly = pd.read_parquet(processed / "revenue.parquet")
    one = monthly[monthly["account_id"] == first["account_id"].iloc[0]]
    # month-end snapshots: Jan, Feb and Mar count; April (ended on the 12th) does not.
    assert one["month"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert not (processed / "subscriptions.parquet").exists()


def test_revenue_and_subscriptions_together_is_an_error(raw, tmp_path):
    (raw / "subscriptions.csv").write_text("account_id,start_at,mrr\n")
    with pytest.raises(InputError, match="either revenue or subscriptions"):
        build(raw, tmp_path / "processed")


def test_fiscal_year_start_moves_quarter_labels(raw, tmp_path):
    processed = tmp_path / "processed"
    build(raw, processed, config=Config(fiscal_year_start_month=7))
    store = KpiStore(processed)
    won = store.table("deals").query("stage == 'won'")
    last = won["closed_at"].max()
    expected = f"{last.year + (1 if last.month >= 7 else 0)}Q{((last.month - 7) % 12) // 3 + 1}"
    assert expected in set(store.kpi("sourced_revenue", program=True)["period"])


def test_store_api_returns_one_metric_one_partner_a_range_of_periods(raw, tmp_path):
    processed = tmp_path / "processed"
    build(raw, processed)
    store = KpiStore(processed)
    partner = store.table("deals").dropna(subset=["partner_id"])["partner_id"].iloc[0]
    rows = store.kpi("pipeline_created", partner=partner, periods=("2024Q1", "2024Q4"))
    assert set(rows["partner_id"]) == {partner}
    assert set(rows["period"]) <= {"2024Q1", "2024Q2", "2024Q3", "2024Q4"}
    with pytest.raises(KeyError):
        store.kpi("no_such_metric")


def test_build_records_each_tables_coverage_and_the_metric_notes(demo_store_dir, demo_tables):
    from partner_analysis.ingest.coverage import coverage_record

    store = KpiStore(demo_store_dir)
    assert store.manifest["coverage"] == coverage_record(demo_tables)
    spans = store.coverage.set_index("table")
    assert set(spans.index) == set(demo_tables)
    # The demo's registrations begin before its first deal, its partners years before.
    assert spans.loc["deal_registrations", "first"] < spans.loc["deals", "first"]
    assert spans.loc["partners", "roster"] and not spans.loc["deals", "roster"]
    for freq in ("quarter", "month"):
        notes = store.notes(freq)
        assert "cannot be judged" in " ".join(notes["activation_rate"])
        assert any(n.startswith("deal_registrations (dates") for n in notes["active_partners"])
    # A few demo customers have no revenue row: lifetime value leaves them out and says so.
    revenue_accounts = set(demo_tables["revenue"]["account_id"])
    without = int((~demo_tables["customers"]["account_id"].isin(revenue_accounts)).sum())
    assert without > 0
    assert store.notes()["customer_lifetime_value"][0].startswith(
        f"{without:,} of {len(demo_tables['customers']):,} customers have no revenue rows")


def test_a_series_spans_the_periods_its_tables_cover_not_the_whole_build(demo_store_dir):
    store = KpiStore(demo_store_dir)
    deals_from = store.coverage.set_index("table").loc["deals", "first"]
    first_deal_quarter = store.kpi("sourced_revenue")["period"].min()
    assert store.periods()[0] < first_deal_quarter  # the build's periods start with the partners
    revenue = store.series("sourced_revenue")
    assert revenue.index[0] == first_deal_quarter and deals_from.year == int(first_deal_quarter[:4])
    assert store.series("partner_count").index[0] == store.periods()[0]  # the roster covers them all
