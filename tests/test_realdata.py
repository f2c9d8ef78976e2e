"""The real third-party exports in shared/realdata validate as they are with examples/mappings, and build.

Expected values are computed here from the raw files with the csv module, independently of the
package's loader, and the row counts are also pinned to the numbers PROVENANCE.md states.
"""
from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from partner_analysis.ingest.prepare import load_and_validate
from partner_analysis.cli import app
from partner_analysis.versions import current_build

REPO = Path(__file__).parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
MAPPINGS = REPO / "examples" / "mappings"

pytestmark = pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real exports not present at {REALDATA}")

# name: (raw folder, mapping, {table: (source file, rows)})
DATASETS = {
    "maven_crm": ("maven_crm", "maven_crm.yml",
                  {"partners": ("sales_teams.csv", 35), "deals": ("sales_pipeline.csv", 8_800)}),
    "ravenstack": ("ravenstack", "ravenstack.yml",
                   {"customers": ("ravenstack_accounts.csv", 500), "subscriptions": ("ravenstack_subscriptions.csv", 5_000),
                    "tickets": ("ravenstack_support_tickets.csv", 2_000)}),
}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def tree_hash(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", params=sorted(DATASETS))
def dataset(request):
    folder, mapping, tables = DATASETS[request.param]
    raw = REALDATA / folder
    return request.param, raw, MAPPINGS / mapping, tables, load_and_validate(raw, MAPPINGS / mapping)


def test_row_counts_stated_are_the_rows_in_the_files(dataset):
    _, raw, _, tables, _ = dataset
    assert {t: len(rows(raw / f)) for t, (f, _) in tables.items()} == {t: n for t, (_, n) in tables.items()}


def test_validates_with_zero_errors_and_keeps_every_row(dataset):
    _, _, _, tables, data = dataset
    report = data.report
    assert report.ok and report.issues == [], report.render()
    expected = {t: n for t, (_, n) in tables.items()}
    assert report.rows_in == expected
    assert report.rows_kept == expected
    assert report.rows_rejected == {t: 0 for t in tables}


def test_maven_values_match_the_export():
    raw = REALDATA / "maven_crm"
    data = load_and_validate(raw, MAPPINGS / "maven_crm.yml")
    pipeline, teams = rows(raw / "sales_pipeline.csv"), rows(raw / "sales_teams.csv")
    price = {r["product"]: float(r["sales_price"]) for r in rows(raw / "products.csv")}
    partners, deals = data.tables["partners"], data.tables["deals"]

    assert sorted(partners["partner_id"]) == sorted(r["sales_agent"] for r in teams)
    assert set(partners["partner_type"]) == {"reseller"}
    assert deals["deal_id"].tolist() == [r["opportunity_id"] for r in pipeline]
    stage = {"Won": "won", "Lost": "lost", "Engaging": "open", "Prospecting": "open"}
    assert Counter(deals["stage"].astype(str)) == Counter(stage[r["deal_stage"]] for r in pipeline)
    assert Counter(deals["stage"].astype(str)) == {"won": 4_238, "lost": 2_473, "open": 2_089}
    assert set(deals["attribution"].astype(str)) == {"sourced"}
    # amount: the close value, else the product's list price (GTXPro is spelled GTX Pro in products.csv)
    expected_amount = [float(r["close_value"]) if r["close_value"] not in ("", "0")
                       else price[{"GTXPro": "GTX Pro"}.get(r["product"], r["product"])] for r in pipeline]
    assert deals["amount"].tolist() == expected_amount
    assert deals["amount"].sum() == pytest.approx(20_918_217.0)
    # 500 prospecting deals without an engage date are dated to the export's last day
    undated = [r["engage_date"] == "" for r in pipeline]
    assert sum(undated) == 500
    assert (deals.loc[undated, "created_at"] == pd.Timestamp("2017-12-31")).all()
    assert deals["created_at"].notna().all()
    assert deals["account_id"].isna().sum() == 1_425
    assert "technolgy" not in set(deals["segment"].dropna()) and "technology" in set(deals["segment"].dropna())
    office = {r["sales_agent"]: r["regional_office"] for r in teams}
    assert deals["region"].tolist() == [office[r["sales_agent"]] for r in pipeline]


def test_ravenstack_values_match_the_export():
    raw = REALDATA / "ravenstack"
    data = load_and_validate(raw, MAPPINGS / "ravenstack.yml")
    accounts = rows(raw / "ravenstack_accounts.csv")
    customers = data.tables["customers"]
    assert "subscriptions" not in data.tables and len(data.tables["revenue"]) > 0  # expanded to months
    assert Counter(customers["channel"].astype(str)) == {"partner": 89, "direct": 411}
    assert customers.loc[customers["channel"] == "partner", "account_id"].tolist() == [
        a["account_id"] for a in accounts if a["referral_source"] == "partner"]
    # churned_at: latest churn event of accounts flagged churned; 35 of the 110 flagged have none
    latest: dict[str, str] = {}
    for e in rows(raw / "ravenstack_churn_events.csv"):
        latest[e["account_id"]] = max(latest.get(e["account_id"], ""), e["churn_date"])
    expected = {a["account_id"]: pd.Timestamp(latest[a["account_id"]]) for a in accounts
                if a["churn_flag"] == "TRUE" and a["account_id"] in latest}
    assert len(expected) == 75 and sum(a["churn_flag"] == "TRUE" for a in accounts) == 110
    churned = customers.dropna(subset=["churned_at"])
    assert dict(zip(churned["account_id"], churned["churned_at"])) == expected
    tickets = data.tables["tickets"]
    assert tickets["resolved_at"].notna().all()
    assert tickets["resolved_at"].iloc[0] == pd.Timestamp("2023-07-28 03:00")  # written `2023-07-28 3:00`


def test_build_via_the_cli_succeeds_and_leaves_the_exports_untouched(dataset, tmp_path, monkeypatch):
    name, raw, mapping, tables, _ = dataset
    monkeypatch.chdir(tmp_path)
    processed = tmp_path / "processed"
    before = tree_hash(raw)
    result = CliRunner().invoke(app, ["build", "--raw", str(raw), "--processed", str(processed),
                                      "--mapping", str(mapping)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Input is valid." in result.stdout and "KPI store:" in result.stdout
    assert tree_hash(raw) == before
    processed = current_build(processed)
    manifest = json.loads((processed / "build.json").read_text(encoding="utf-8"))
    expected = {t: n for t, (_, n) in tables.items()}
    assert manifest["rows_in"] == manifest["rows_kept"] == expected
    for table, n in expected.items():
        if table != "subscriptions":
            assert len(pd.read_parquet(processed / f"{table}.parquet")) == n
    if name == "maven_crm":
        assert manifest["kpi_rows"]["quarter"] > 0 and manifest["as_of"] == "2017-12-31"
    else:
        assert (processed / "revenue.parquet").exists() and not (processed / "subscriptions.parquet").exists()
        assert "sourced_revenue" in manifest["unavailable_metrics"]  # no deals in this export
