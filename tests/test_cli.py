"""The partner-analysis command line, end to end on small data."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from partner_analysis.cli import app
from partner_analysis.kpis import REGISTRY
from partner_analysis.versions import current_build

runner = CliRunner()
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_metrics_lists_the_catalog_in_every_format():
    as_json = json.loads(invoke("metrics", "--format", "json").stdout)
    assert {m["id"] for m in as_json} == set(REGISTRY)
    assert "### Win rate (`win_rate`)" in invoke("metrics", "--format", "markdown").stdout
    assert "sourced_revenue" in invoke("metrics").stdout


def test_validate_exit_codes_and_report(tmp_path, demo_raw_dir):
    ok = invoke("validate", "--raw", demo_raw_dir)
    assert ok.exit_code == 0 and "Input is valid." in ok.stdout
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw_dir, raw)
    partners = pd.read_csv(raw / "partners.csv", dtype=str, keep_default_na=False)
    partners.loc[2, "partner_type"] = "distributor"
    partners.to_csv(raw / "partners.csv", index=False)
    bad = invoke("validate", "--raw", raw)
    assert bad.exit_code == 1
    assert "partners.csv, column 'partner_type': 1 row - expected one of reseller" in bad.stdout
    assert "row 3 ('distributor')" in bad.stdout


def test_validate_missing_required_file(tmp_path):
    (tmp_path / "partners.csv").write_text("partner_id,partner_name,partner_type,joined_at\n")
    result = invoke("validate", "--raw", tmp_path)
    assert result.exit_code == 1 and "deals" in result.output


def test_build_then_kpis_to_csv_and_parquet(tmp_path, demo_raw_dir):
    processed = tmp_path / "processed"
    built = invoke("build", "--raw", demo_raw_dir, "--processed", processed)
    assert built.exit_code == 0, built.output
    columns = ["metric", "period", "partner_id", "attribution", "value", "numerator", "denominator", "n"]
    for name in ("kpis.csv", "kpis.parquet"):
        out = tmp_path / name
        result = invoke("kpis", "--processed", processed, "--period", "month", "--out", out)
        assert result.exit_code == 0, result.output
        frame = pd.read_csv(out) if name.endswith(".csv") else pd.read_parquet(out)
        assert list(frame.columns) == columns
        assert frame["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}").all()
    assert invoke("kpis", "--processed", processed, "--out", tmp_path / "k.xlsx").exit_code == 1


def test_demo_data_is_reproducible_byte_for_byte(tmp_path):
    def digest(folder):
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}
    for name in ("a", "b"):
        assert invoke("demo-data", "--out", tmp_path / name, "--partners", 30, "--seed", 5).exit_code == 0
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def test_demo_runs_the_main_job_on_an_empty_raw_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outside the repository: the notebooks that come with the package are used
    result = invoke("demo", "--partners", 12)
    assert result.exit_code == 0, result.output
    assert "KPI summary" in result.stdout and "Partner revenue share" in result.stdout
    assert "Average deal size (partner, raw)" in result.stdout
    assert "Partner vs direct, adjusted for mix" in result.stdout and "Won-deal size vs direct" in result.stdout
    assert (tmp_path / "data/raw/partners.csv").exists()
    assert (current_build(tmp_path / "data/processed") / "build.json").exists()
    assert (tmp_path / "reports/glossary.html").exists()
    runs = json.loads((tmp_path / "reports/manifest.json").read_text())["runs"]
    scorecards = [r for r in runs if r["notebook"] == "70_partner_scorecard"]
    assert {r["notebook"] for r in runs} == {p.stem for p in NOTEBOOKS.glob("[0-9]*.ipynb")}
    assert all(r["status"] == "ok" for r in runs)
    assert len(scorecards) >= 10 and all(r["audience"] == "partner" for r in scorecards)
    assert f"Reports: {tmp_path / 'reports' / 'index.html'}" in result.stdout


def test_compare_writes_the_comparison_json_and_prints_a_table(tmp_path, demo_store_dir):
    out = tmp_path / "compare.json"
    result = invoke("compare", "--processed", demo_store_dir, "--json", out)
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text())["comparisons"]
    assert {r["analysis"] for r in rows} == {"deal_size", "win_rate", "sales_cycle", "customer_churn", "nps",
                                             "customer_lifetime_value"}
    assert all(set(r) == {"analysis", "group", "baseline", "effect", "estimate", "ci_low", "ci_high", "p_value",
                          "n_group", "n_baseline", "adjusted_for", "method"} for r in rows)
    printed = invoke("compare", "--processed", demo_store_dir)
    assert printed.exit_code == 0 and "Partner vs direct" in printed.stdout and "none (raw)" in printed.stdout


def test_rankings_json_and_period_checks(tmp_path, demo_store_dir):
    out = tmp_path / "rankings.json"
    result = invoke("rankings", "--processed", demo_store_dir, "--metric", "avg_deal_size",
                    "--periods", "2024Q1", "2025Q4", "--json", out)
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text())["rankings"]
    assert rows and all(r["metric"] == "avg_deal_size" and r["flag"] in ("above", "below", "none") for r in rows)
    bad = invoke("rankings", "--processed", demo_store_dir, "--periods", "2024", "2025Q4")
    assert bad.exit_code == 1 and "'2024' is not a quarter label like 2025Q3" in bad.output


def test_tiers_and_forecast_commands(tmp_path, demo_store_dir):
    tiers = invoke("tiers", "--processed", demo_store_dir, "--out", tmp_path / "tiers.csv")
    assert tiers.exit_code == 0, tiers.output
    assert {"recommended_tier", "at_risk"} <= set(pd.read_csv(tmp_path / "tiers.csv").columns)
    forecast = invoke("forecast", "--processed", demo_store_dir)
    assert forecast.exit_code == 0 and "Backtest" in forecast.stdout
