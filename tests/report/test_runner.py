"""The batch runner, as a user runs it: papermill in reused kernels, failures recorded and the batch
going on, --resume, timeouts, batch equal to alone, nothing of one report in the next, no process
left behind on Ctrl-C."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from partner_analysis.report.jobs import plan_reports
from partner_analysis.report.publish import publish
from partner_analysis.report.runner import run_reports
from partner_analysis.store import KpiStore
from tests.report.offline import external_references

PARTNERS = ["P00001", "P00002", "P00003", "P00004"]


def write_notebook(folder: Path, *cells: str, per: str = "partner", name: str = "70_probe") -> Path:
    """A report notebook: a parameters cell, then ``cells``."""
    nb = nbformat.v4.new_notebook()
    params = "processed_dir = 'data/processed'\nquarter = None\npartner = None\naudience = 'internal'"
    nb.cells = [nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.metadata["partner_analysis"] = {"title": "Probe report", "per": per}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


PROBE = (
    "import os, matplotlib.pyplot as plt\n"
    "from partner_analysis import KpiStore\n"
    "store = KpiStore(processed_dir)\n"
    "print('left over from an earlier report:', [n for n in ('secret', 'fig') if n in globals()])\n"
    "flags = os.environ.get('PROBE_FLAGS', '')  # where a test plants failures\n"
    "assert not os.path.exists(os.path.join(flags, 'fail-' + partner)), 'planted failure'",
    "secret = partner\n"
    "series = store.series('opportunities_created', partner=partner)\n"
    "fig, ax = plt.subplots(figsize=(5, 2.5)); ax.bar(series.index, series.values)\n"
    "ax.set_title(f'Opportunities, {partner}'); plt.show()\n"
    "print('rc', plt.rcParams['lines.linewidth']); plt.rcParams['lines.linewidth'] = 9",
)


@pytest.fixture
def project(tmp_path, demo_store_dir, monkeypatch):
    """A project folder with the demo build; ``data/`` holds the planted-failure flags (kernels inherit
    the environment of the workers, which inherit the test's)."""
    monkeypatch.setenv("PROBE_FLAGS", str(tmp_path / "data"))
    (tmp_path / "data").mkdir()
    processed = tmp_path / "data" / "processed"
    processed.symlink_to(demo_store_dir, target_is_directory=True)
    return tmp_path


def made_at_removed(page: str) -> str:
    return re.sub(r"Made \d{4}-\d\d-\d\d \d\d:\d\d UTC", "Made (time)", page)


def test_a_failing_report_is_recorded_the_batch_goes_on_and_resume_reruns_only_what_is_needed(project):
    notebook = write_notebook(project / "notebooks", *PROBE)
    store = KpiStore(project / "data" / "processed")
    out = project / "reports"
    (project / "data" / "fail-P00003").touch()
    jobs = plan_reports(notebook, store, partners=PARTNERS)
    first = run_reports(jobs, out, n_jobs=2)
    assert [r["partner"] for r in first.failed] == ["P00003"]
    assert "planted failure" in first.failed[0]["error"] and not first.ok
    assert "1 failed" in first.summary() and "P00003" in first.summary()
    runs = json.loads((out / "manifest.json").read_text())["runs"]
    assert {r["partner"]: r["status"] for r in runs} == {"P00001": "ok", "P00002": "ok", "P00003": "failed", "P00004": "ok"}
    assert all(r["fingerprint"] and r["version"] and r["seconds"] > 0 for r in runs)
    assert (out / jobs[2].executed).exists() and not (out / jobs[2].html).exists()  # the failed run, for audit

    (project / "data" / "fail-P00003").unlink()
    (out / jobs[0].html).unlink()  # a missing report
    again = run_reports(jobs, out, n_jobs=2, resume=True)
    assert sorted(r["partner"] for r in again.runs) == ["P00001", "P00003"] and again.ok
    assert sorted(r["partner"] for r in again.kept) == ["P00002", "P00004"]


def test_a_report_in_a_batch_equals_it_alone_and_nothing_leaks_into_the_next(project):
    notebook = write_notebook(project / "notebooks", *PROBE)
    store = KpiStore(project / "data" / "processed")
    batch = run_reports(plan_reports(notebook, store, partners=["P00002", "P00005", "P00004"]),
                        project / "batch", n_jobs=1)
    alone = run_reports(plan_reports(notebook, store, partners=["P00004"]), project / "alone")
    assert batch.ok and alone.ok and len({r["worker"] for r in batch.runs}) == 1  # one kernel, three reports
    html = {r["partner"]: (project / "batch" / r["html"]).read_text() for r in batch.runs}
    for partner, page in html.items():
        assert "left over from an earlier report: []" in page and "rc 1.5" in page
        assert all(other not in page for other in html if other != partner)
    assert made_at_removed(html["P00004"]) == \
        made_at_removed((project / "alone" / alone.runs[0]["html"]).read_text())


def test_a_cell_that_hangs_times_out_and_the_next_report_runs(project):
    notebook = write_notebook(project / "notebooks", "import time\nif partner == 'P00002':\n    time.sleep(60)",
                              "print('done', partner)")
    store = KpiStore(project / "data" / "processed")
    result = run_reports(plan_reports(notebook, store, partners=["P00002", "P00003"]),
                         project / "reports", n_jobs=1, timeout=3)
    status = {r["partner"]: r for r in result.runs}
    assert status["P00002"]["status"] == "failed" and "Timeout" in status["P00002"]["error"]
    assert status["P00003"]["status"] == "ok" and status["P00002"]["seconds"] < 30


def test_publish_writes_index_and_glossary_and_self_contained_pages(project):
    notebook = write_notebook(project / "notebooks", *PROBE)
    result = publish([notebook], project / "data" / "processed", project / "reports", partners=["P00002"], n_jobs=1)
    assert result.ok
    index = (project / "reports" / "index.html").read_text()
    page_path = project / "reports" / result.runs[0]["html"]
    assert result.runs[0]["html"] in index and (project / "reports" / "glossary.html").exists()
    page = page_path.read_text()
    assert external_references(page) == []  # nothing fetched
    assert "<img" in page and "data:image/png;base64," in page  # the chart, embedded
    assert "import os" not in page and "In [" not in page  # no code, no prompts
    assert 'href="../../glossary.html"' in page


def test_plans_are_checked_before_anything_runs(project):
    notebook = write_notebook(project / "notebooks", "print(1)")
    program = write_notebook(project / "notebooks", "print(1)", per="quarter", name="80_probe")
    store = KpiStore(project / "data" / "processed")
    with pytest.raises(ValueError, match="made per partner: give --partner"):
        plan_reports(notebook, store)
    with pytest.raises(ValueError, match="program report: it takes no --partner"):
        plan_reports(program, store, partners=["P00001"])
    with pytest.raises(ValueError, match="only per-partner reports go to a partner"):
        plan_reports(program, store, audience="partner")
    with pytest.raises(KeyError, match="did you mean P00001"):
        plan_reports(notebook, store, partners=["P0001"])
    with pytest.raises(ValueError, match="not a quarter label"):
        plan_reports(program, store, quarter="2025-Q4")
    everyone = plan_reports(notebook, store, all_partners=True, audience="partner")
    assert all(job.html.endswith("--for-partner.html") for job in everyone)
    assert len({job.html for job in everyone}) == len(everyone) > 10


def _descendants(pid: int) -> set[int]:
    try:
        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def test_ctrl_c_stops_the_batch_and_leaves_no_kernel_or_worker_behind(project):
    write_notebook(project / "notebooks", "import time\ntime.sleep(20)")
    cli = str(Path(sys.executable).with_name("partner-analysis"))
    run = subprocess.Popen([cli, "report", "70_probe", *sum((["--partner", p] for p in PARTNERS), []),
                            "--jobs", "2", "--processed", str(project / "data" / "processed"), "--out",
                            str(project / "reports")], cwd=project, start_new_session=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until both workers run a kernel
        seen |= _descendants(run.pid)
        kernels = [p for p in map(_process, seen) if p is not None and "ipykernel_launcher" in " ".join(_cmdline(p))]
        if len(kernels) >= 2:
            break
        time.sleep(0.2)
    assert len(kernels) >= 2, "the workers never started their kernels"
    time.sleep(1.0)
    seen |= _descendants(run.pid)
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    out, err = run.communicate(timeout=90)
    assert run.returncode == 130, err
    assert "interrupted" in out
    time.sleep(0.5)
    alive = [pid for pid in seen if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert alive == []


def _process(pid: int):
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


def _cmdline(process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def test_a_worker_that_dies_fails_its_report_and_the_batch_goes_on(project):
    """The kernel kills the worker process that runs it (as the out-of-memory killer would): that report is
    tried again, then alone, then recorded as failed; the others, broken off with it, are redone."""
    notebook = write_notebook(project / "notebooks", "import os, signal\nif partner == 'P00002':\n"
                                                     "    os.kill(os.getppid(), signal.SIGKILL)", "print('done', partner)")
    store = KpiStore(project / "data" / "processed")
    result = run_reports(plan_reports(notebook, store, partners=PARTNERS),
                         project / "reports", n_jobs=2)
    status = {r["partner"]: r for r in result.runs}
    assert status["P00002"]["status"] == "failed" and "died" in status["P00002"]["error"]
    assert [status[p]["status"] for p in ("P00001", "P00003", "P00004")] == ["ok"] * 3
    assert "P00002" in result.summary()
