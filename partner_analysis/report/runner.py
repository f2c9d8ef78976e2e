"""Render report jobs in batch: papermill in reused kernels, several workers, offline HTML.

One orchestrating process hands jobs to ``jobs`` worker processes; each worker keeps one warm
kernel (:class:`~.kernel.KernelSession`) and runs report after report in it through papermill,
resetting the kernel in between, then exports the executed notebook to self-contained HTML. A
failing report is recorded with its error and the batch goes on; a worker whose kernel died or
hung restarts it. Every file is written atomically; on Ctrl-C the workers shut their kernels down
before the batch stops, so no kernel or process is left behind.
"""
from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tqdm.auto import tqdm

from .._version import __version__
from .jobs import ReportJob, parameters_key
from .manifest import load_runs, save_runs

DEFAULT_TIMEOUT = 600


@dataclass
class BatchResult:
    """What a batch did: the run records of this batch, and the jobs kept from before (``resume``)."""

    runs: list[dict] = field(default_factory=list)
    kept: list[dict] = field(default_factory=list)
    out_dir: Path = Path("reports")
    interrupted: bool = False

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.runs if r["status"] != "ok"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    def summary(self) -> str:
        """The closing lines of a batch: counts, time per report, and every failure with its error."""
        done = [r for r in self.runs if r["status"] == "ok"]
        seconds = sum(r["seconds"] for r in self.runs)
        lines = [f"{len(done)} report(s) rendered, {len(self.failed)} failed, {len(self.kept)} kept from an earlier run"
                 + (f"; {seconds / max(len(self.runs), 1):.2f} s per report" if self.runs else "")
                 + (" - interrupted" if self.interrupted else "")]
        lines += [f"  FAILED {r['html']}: {r['error']}" for r in self.failed]
        return "\n".join(lines)


def run_reports(jobs: list[ReportJob], out_dir: Path, *, n_jobs: int = 1, timeout: float = DEFAULT_TIMEOUT,
                resume: bool = False, progress: bool = False) -> BatchResult:
    """Render ``jobs`` into ``out_dir`` and record them in its manifest.

    Parameters
    ----------
    jobs : list of ReportJob
        From :func:`~.jobs.plan_reports`.
    out_dir : Path
        The reports folder; HTML at ``<quarter>/<notebook>/<name>.html``, the executed notebook beside it.
    n_jobs : int
        Worker processes, each with its own kernel.
    timeout : float
        Seconds a notebook cell may run before the report fails.
    resume : bool
        Keep reports that an earlier run rendered from the same parameters and data; re-run the
        rest (missing, failed or stale).
    progress : bool
        Show a progress bar.
    """
    out_dir = Path(out_dir).resolve()
    runs = load_runs(out_dir)
    result = BatchResult(out_dir=out_dir)
    todo = []
    for job in jobs:
        earlier = runs.get(job.key)
        if resume and earlier and earlier["status"] == "ok" and (out_dir / job.html).exists() \
                and earlier.get("resume_key") == parameters_key(job):
            result.kept.append(earlier)
        else:
            todo.append(job)
    if not todo:
        return result
    workers = max(1, min(int(n_jobs), len(todo)))
    bar = tqdm(total=len(todo), desc="reports", unit="report", disable=not progress)
    batch = _Pool(workers, timeout, out_dir)

    def record(entry: dict) -> None:
        runs[entry["html"]] = entry
        result.runs.append(entry)
        save_runs(out_dir, runs)
        bar.update(1)

    try:
        lost = batch.run(todo, record)
        if lost:  # a worker died (killed, out of memory): its reports, and those broken off with it, again
            lost = batch.run(lost, record)
        if lost:  # one at a time, so that a death is the report's own and no other is broken off with it
            batch.run_alone(lost, record)
    except KeyboardInterrupt:
        result.interrupted = True
        batch.stop()
    finally:
        bar.close()
    return result


class _Pool:
    """Worker processes (spawned: no forked copies of zmq sockets or threads), each with one kernel."""

    def __init__(self, workers: int, timeout: float, out_dir: Path):
        self.workers, self.timeout, self.out_dir = workers, timeout, out_dir
        self.pool: ProcessPoolExecutor | None = None

    def run(self, jobs: list[ReportJob], record) -> list[ReportJob]:
        """Render the jobs, passing each run record to ``record``; returns the jobs whose worker died."""
        self._open(min(self.workers, len(jobs)))
        futures = {self.pool.submit(_render, job, str(self.out_dir), self.timeout): job for job in jobs}
        lost = []
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                if _worker_died(future, futures[future], record):
                    lost.append(futures[future])
        self._close()
        return lost

    def run_alone(self, jobs: list[ReportJob], record) -> None:
        """Render the jobs one after another in one worker; a job whose worker dies is recorded as failed
        and the next gets a new worker."""
        for job in jobs:
            if self.pool is None:
                self._open(1)
            if _worker_died(self.pool.submit(_render, job, str(self.out_dir), self.timeout), job, record):
                record(_failed_record(job, "the worker process rendering it died, also with the report alone in it"))
                self._close()
        self._close()

    def _open(self, workers: int) -> None:
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_start_worker, initargs=(self.timeout,))

    def _close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None

    def stop(self) -> None:
        if self.pool is not None:
            _stop(self.pool)


def _worker_died(future, job: ReportJob, record) -> bool:
    """Wait for a job's future and record its run; True, recording nothing, when its worker died."""
    try:
        record(future.result())
    except BrokenProcessPool:
        return True
    except Exception as exc:  # the worker could not even restart its kernel
        record(_failed_record(job, f"{type(exc).__name__}: {exc}"))
    return False


def _failed_record(job: ReportJob, error: str) -> dict:
    """The run record of a job that could not run at all."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return {**job.as_dict(), "status": "failed", "error": error, "seconds": 0.0, "ran_at": now,
            "version": __version__, "worker": None, "resume_key": None}


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and stop the workers; each shuts its kernel down on SIGTERM."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()


# -- in the worker processes ----------------------------------------------------------------------

_SESSION = None


def _start_worker(timeout: float) -> None:
    """Start the worker's kernel; Ctrl-C is the orchestrator's to handle, SIGTERM shuts down cleanly."""
    global _SESSION
    from .kernel import KernelSession

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate)
    _SESSION = KernelSession()
    atexit.register(_close_session)


def _close_session() -> None:
    global _SESSION
    if _SESSION is not None:
        session, _SESSION = _SESSION, None
        session.close()


def _terminate(signum, frame) -> None:
    _close_session()
    os._exit(128 + signum)


def _render(job: ReportJob, out_dir: str, timeout: float) -> dict:
    """Run one job in this worker's kernel and export it; returns its run record."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from ..atomic import write_text_atomic
    from .engine import ENGINE_NAME
    from .html import PageInfo, notebook_page
    from .kernel import KernelError
    from .slides import notebook_slides

    started = time.perf_counter()
    out = Path(out_dir)
    executed, page = out / job.executed, out / job.html
    executed.parent.mkdir(parents=True, exist_ok=True)
    scratch = executed.with_name(f".{executed.stem}.{os.getpid()}.tmp.ipynb")
    status, error = "ok", None
    try:
        try:
            _SESSION.reset()
        except KernelError:
            _SESSION.restart()
        executed_nb = papermill.execute_notebook(
            job.notebook_path, str(scratch), parameters=job.parameters, engine_name=ENGINE_NAME, session=_SESSION,
            execution_timeout=timeout, kernel_name="python3", language="python", progress_bar=False,
            request_save_on_cell_execute=False)
    except PapermillExecutionError as exc:
        status, error = "failed", f"cell {exc.cell_index + 1}: {exc.ename}: {exc.evalue}"
    except Exception as exc:  # a hung or dead kernel, a timeout: restart it for the next report
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        if not _SESSION.alive() or "Timeout" in type(exc).__name__:
            _SESSION.restart()
    if scratch.exists():
        os.replace(scratch, executed)
        if status == "ok":
            info = PageInfo(title=job.title, subtitle=job.subtitle, data_range=job.data_range,
                            made_at=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                            glossary_href=os.path.relpath(out / "glossary.html", page.parent),
                            audience=job.audience)
            write_text_atomic(page, notebook_page(executed_nb, info))
            if job.slides:
                write_text_atomic(out / job.slides, notebook_slides(executed_nb, f"{job.title} · {job.subtitle}"))
    return {**job.as_dict(), "status": status, "error": error, "seconds": round(time.perf_counter() - started, 3),
            "ran_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "version": __version__,
            "worker": os.getpid(), "resume_key": parameters_key(job)}
