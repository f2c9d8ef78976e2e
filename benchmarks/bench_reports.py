"""Benchmark: partner scorecards with the report runner against the way a user would without it.

Baseline in the same script: for a few partners, one after another, the ``papermill`` command then
``jupyter nbconvert --to html --no-input`` (a kernel and two processes per report). Then the runner:
the scorecards of ``--sample`` partners, and the whole ``all-partners`` batch of a ``--partners``
demo (goals: at least 10x faster per report than the baseline; all scorecards of a 200-partner demo
under 3 minutes on 2 cores). Usage: ``python benchmarks/bench_reports.py [--partners 200] [--sample 50]``.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from partner_analysis import KpiStore, build, write_demo_data
from partner_analysis.report.jobs import in_program, plan_reports
from partner_analysis.report.runner import run_reports

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "70_partner_scorecard.ipynb"
BIN = Path(sys.executable).parent


def baseline(store: KpiStore, partners: list[str], work: Path) -> float:
    """Seconds per report the plain way: papermill, then nbconvert, per partner."""
    started = time.perf_counter()
    for pid in partners:
        executed = work / f"{pid}.ipynb"
        subprocess.run([str(BIN / "papermill"), str(NOTEBOOK), str(executed), "-p", "processed_dir",
                        str(store.processed_dir), "-p", "partner", pid, "-p", "audience", "partner", "--no-progress-bar"],
                       check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                       check=True, capture_output=True)
    return (time.perf_counter() - started) / len(partners)


def runner(store: KpiStore, partners: list[str] | None, out: Path, jobs: int) -> tuple[float, int]:
    """Seconds for the batch (workers and kernels started included) and the number of reports."""
    plan = plan_reports(NOTEBOOK, store, partners=partners, all_partners=partners is None, audience="partner")
    started = time.perf_counter()
    result = run_reports(plan, out, n_jobs=jobs)
    seconds = time.perf_counter() - started
    if not result.ok:
        raise RuntimeError(result.summary())
    return seconds, len(plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=200)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--baseline", type=int, default=3, help="partners rendered the plain way")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pa-bench-reports-"))
    try:
        write_demo_data(work / "raw", partners=args.partners)
        build(work / "raw", work / "processed")
        store = KpiStore(work / "processed")
        ids = in_program(store, store.latest_period())
        plain = baseline(store, ids[:args.baseline], work)
        sample_seconds, sample = runner(store, ids[:args.sample], work / "sample", args.jobs)
        all_seconds, everyone = runner(store, None, work / "all", args.jobs)
        per_report = sample_seconds / sample
        print(f"demo: {args.partners} partners, {len(ids)} in the program in {store.latest_period()}; {args.jobs} workers")
        print(f"{'baseline: papermill + nbconvert per partner':<48}{plain:>8.2f} s per report ({args.baseline} reports)")
        print(f"{'runner, ' + str(sample) + ' scorecards':<48}{per_report:>8.2f} s per report ({sample_seconds:.1f} s in all)")
        print(f"{'runner, all ' + str(everyone) + ' scorecards':<48}{all_seconds / everyone:>8.2f} s per report "
              f"({all_seconds:.1f} s in all; goal < 180 s)")
        print(f"speed-up per report: {plain / per_report:.1f}x (goal >= 10x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
