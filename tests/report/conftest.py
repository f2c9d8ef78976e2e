"""Reports rendered once per test session (per xdist worker), shared by the notebook and browser tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from partner_analysis.report.jobs import plan_reports, report_notebooks
from partner_analysis.report.publish import render
from partner_analysis.store import KpiStore

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.fixture(scope="session")
def rendered(demo_store_dir, tmp_path_factory):
    """Every notebook through the runner on the small demo build (the scorecard for one partner, made
    for the partner), with the glossary and the index: ``(folder, batch result)``."""
    store = KpiStore(demo_store_dir)
    out = tmp_path_factory.mktemp("reports")
    jobs = []
    for info in report_notebooks(NOTEBOOKS):
        per_partner = info.per == "partner"
        jobs += plan_reports(info, store, partners=["P00042"] if per_partner else None,
                             audience="partner" if per_partner else "internal")
    return out, render(jobs, store, out, n_jobs=2, timeout=300)
