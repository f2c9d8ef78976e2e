"""The notebook set: reviewable in git, every notebook executed through the runner on small demo data,
partner reports that never reveal another partner, batch equal to alone, the explorer's widgets."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import papermill
import pandas as pd
import pytest

from partner_analysis.build import build
from partner_analysis.demo import write_demo_data
from partner_analysis.report.explorer import Explorer
from partner_analysis.report.jobs import plan_reports
from partner_analysis.report.runner import run_reports
from partner_analysis.store import KpiStore
from tests.report.offline import external_references

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
EXPECTED = ["00_data_overview", "10_revenue_pipeline", "20_engagement_enablement", "30_customer_retention",
            "40_partnership_health", "45_integration_adoption", "50_cohorts", "60_partner_vs_direct",
            "70_partner_scorecard", "80_quarterly_business_review", "90_explorer"]


def made_at_removed(page: str) -> str:
    return re.sub(r"Made \d{4}-\d\d-\d\d \d\d:\d\d UTC", "Made (time)", page)


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    """A 24-partner demo build: enough for peer groups, small enough to render every partner's report."""
    raw = tmp_path_factory.mktemp("small_raw")
    write_demo_data(raw, partners=24, seed=5)
    processed = tmp_path_factory.mktemp("small_processed")
    build(raw, processed)
    return processed


def test_the_notebook_set_is_complete():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_notebooks_are_reviewable_in_git(name):
    """No outputs, no execution counts, stable cell ids, only the metadata a report needs."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert set(nb.metadata) == {"kernelspec", "language_info", "partner_analysis"}
    assert nb.metadata["language_info"] == {"name": "python"}
    assert nb.metadata["partner_analysis"]["per"] in ("partner", "quarter") and nb.metadata["partner_analysis"]["title"]
    for i, cell in enumerate(nb.cells):
        assert cell["id"] == f"{name.replace('_', '-')}-{i:02d}"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    tags = [set(c.metadata.get("tags", [])) for c in nb.cells]
    assert sum("parameters" in t for t in tags) == 1
    assert "remove-cell" in tags[0] and nb.cells[0].source.startswith("# ")  # the title, for JupyterLab only
    text = (NOTEBOOKS / f"{name}.ipynb").read_text()
    assert text.endswith("\n") and "\r" not in text


def test_every_notebook_runs_through_the_runner(rendered):
    out, result = rendered
    assert result.ok, result.summary()
    assert sorted(r["notebook"] for r in result.runs) == EXPECTED
    for run in result.runs:
        page = (out / run["html"]).read_text()
        assert "Traceback" not in page and external_references(page) == []
        assert page.count("data:image/png;base64,") >= 1
    review = next(r for r in result.runs if r["notebook"] == "80_quarterly_business_review")
    deck = (out / review["slides"]).read_text()
    assert deck.count("<section") >= 8 and "Reveal.initialize" in deck and external_references(deck) == []


@pytest.fixture(scope="module")
def every_partner(small_store, tmp_path_factory):
    """Every partner's scorecard of the small build, made for the partner, in one batch of two workers."""
    store = KpiStore(small_store)
    out = tmp_path_factory.mktemp("every_partner")
    jobs = plan_reports(NOTEBOOKS / "70_partner_scorecard.ipynb", store, all_partners=True, audience="partner")
    return out, run_reports(jobs, out, n_jobs=2, timeout=300)


def test_partner_reports_never_reveal_another_partner(small_store, every_partner):
    """Every partner's report for the partner: no other partner's name or id anywhere in the HTML."""
    partners = KpiStore(small_store).partners()
    out, result = every_partner
    assert result.ok, result.summary()
    assert len(result.runs) == len(partners) >= 20
    for run in result.runs:
        page = (out / run["html"]).read_text()
        for pid, name in zip(partners["partner_id"], partners["partner_name"]):
            if pid == run["partner"]:
                continue
            for token in (pid, name):
                found = re.search(rf"(?<![\w]){re.escape(token)}(?![\w])", page)
                assert found is None, f"{run['html']} mentions {token!r} of another partner"
        assert "Prepared for you" in page


def test_a_scorecard_in_a_batch_equals_it_alone(small_store, every_partner, tmp_path):
    """The real scorecard keeps caches across reports of a batch (tiers, build files): they must not change
    what a report shows, nor carry one partner into the next. The last report of a worker, rendered after
    the worker's others, against the same report rendered alone."""
    out, result = every_partner
    last = result.runs[-1]  # the last to finish: its worker rendered others before it
    assert sum(r["worker"] == last["worker"] for r in result.runs) > 5
    store = KpiStore(small_store)
    alone = run_reports(plan_reports(NOTEBOOKS / "70_partner_scorecard.ipynb", store,
                                     partners=[last["partner"]], audience="partner"), tmp_path)
    assert alone.ok
    assert made_at_removed((out / last["html"]).read_text()) == made_at_removed((tmp_path / alone.runs[0]["html"]).read_text())


def test_explorer_widgets_redraw_the_selected_data(demo_store_dir):
    store = KpiStore(demo_store_dir)
    explorer = Explorer(store)
    assert explorer.data["metric"].eq("sourced_revenue").all() and explorer.data["partner_id"].isna().all()
    explorer.metric.value = "win_rate"
    explorer.attribution.value = "direct"
    expected = store.kpi("win_rate", attribution="direct", periods=tuple(explorer.periods.value))
    pd.testing.assert_frame_equal(explorer.data.reset_index(drop=True), expected)
    explorer.partner.value = "P00042"  # a partner has no direct view: the view falls back to one it has
    assert explorer.attribution.value in ("all", "sourced", "influenced")
    assert set(explorer.data["partner_id"]) <= {"P00042"}
    explorer.metric.value = "active_partners"  # program-wide only
    assert explorer.data.empty
    first, last = store.periods()[0], store.periods()[-1]
    explorer.partner.value = None
    explorer.periods.value = (first, last)
    assert explorer.data["period"].tolist() == store.kpi("active_partners", periods=(first, last))["period"].tolist()
    assert len(explorer.data) > 8


def test_explorer_widgets_redraw_in_a_kernel(demo_store_dir, tmp_path):
    """The explorer notebook in a kernel (papermill), then a cell that changes the dropdowns as a user would."""
    nb = nbformat.read(NOTEBOOKS / "90_explorer.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "explorer.metric.value = 'win_rate'\nexplorer.attribution.value = 'direct'\n"
        f"explorer.data.to_parquet({str(tmp_path / 'shown.parquet')!r})"))
    from partner_analysis.report.engine import ENGINE_NAME
    from partner_analysis.report.kernel import KernelSession
    session = KernelSession()  # as the report runner runs notebooks: its engine, its kernel client
    try:
        papermill.execute_notebook(nb, str(tmp_path / "ran.ipynb"), parameters={"processed_dir": str(demo_store_dir)},
                                   engine_name=ENGINE_NAME, session=session, execution_timeout=300,
                                   kernel_name="python3", progress_bar=False)
    finally:
        session.close()
    store = KpiStore(demo_store_dir)
    shown = pd.read_parquet(tmp_path / "shown.parquet")
    periods = store.periods()[-8:]
    expected = store.kpi("win_rate", attribution="direct", periods=(periods[0], periods[-1]))
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), expected, check_categorical=False)
