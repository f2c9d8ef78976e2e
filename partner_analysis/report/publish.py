"""Plan, render and index reports in one call: what ``partner-analysis report`` and ``demo`` run."""
from __future__ import annotations

from pathlib import Path

from ..store import KpiStore
from .glossary import write_glossary
from .index import write_index
from .jobs import ReportJob, plan_reports, report_notebooks
from .runner import DEFAULT_TIMEOUT, BatchResult, run_reports


def publish(notebooks: list[str | Path], processed_dir: Path | str, out_dir: Path | str, *, quarter: str | None = None,
            partners: list[str] | None = None, all_partners: bool = False, audience: str = "internal",
            n_jobs: int = 2, resume: bool = False, timeout: float = DEFAULT_TIMEOUT,
            progress: bool = False) -> BatchResult:
    """Render each notebook for the quarter (per partner where it is a per-partner notebook), write
    the glossary beside the reports and ``index.html`` linking every report of the folder.

    Every job is planned (and its arguments checked) before the first one runs.
    """
    store = KpiStore(processed_dir)
    jobs = [job for notebook in notebooks
            for job in plan_reports(notebook, store, quarter=quarter, partners=partners,
                                    all_partners=all_partners, audience=audience)]
    return render(jobs, store, out_dir, n_jobs=n_jobs, resume=resume, timeout=timeout, progress=progress)


def publish_everything(processed_dir: Path | str, out_dir: Path | str, *, n_jobs: int = 2,
                       timeout: float = DEFAULT_TIMEOUT, progress: bool = False) -> BatchResult:
    """Every report notebook for the latest quarter, and the scorecard of every partner in the program
    then, made for the partner (the ``demo`` job), in one batch."""
    store = KpiStore(processed_dir)
    jobs = []
    for info in report_notebooks():
        per_partner = info.per == "partner"
        jobs += plan_reports(info, store, all_partners=per_partner,
                             audience="partner" if per_partner else "internal")
    return render(jobs, store, out_dir, n_jobs=n_jobs, timeout=timeout, progress=progress)


def render(jobs: list[ReportJob], store: KpiStore, out_dir: Path | str, *, n_jobs: int = 2, resume: bool = False,
           timeout: float = DEFAULT_TIMEOUT, progress: bool = False) -> BatchResult:
    """Run planned jobs, then write the glossary and the index."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_glossary(out_dir, store.currency)
    result = run_reports(jobs, out_dir, n_jobs=n_jobs, timeout=timeout, resume=resume, progress=progress)
    write_index(out_dir)
    return result
