"""What to render: one job per notebook x quarter x partner, with its parameters and output paths.

A notebook says what it is in its metadata (``metadata.partner_analysis``): its ``title`` and
whether it is made ``per`` ``partner`` (a scorecard) or per ``quarter`` (a program report), and
whether it is also exported as a reveal.js deck (``slides: true``). The
runner passes it only the parameters its ``parameters`` cell declares, among ``processed_dir``,
``quarter``, ``partner`` and ``audience``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
import papermill

from ..paths import MANIFEST, notebooks_dir, resolve
from ..periods import period_bounds
from ..store import KpiStore
from .naming import partner_file_name

AUDIENCES = ("internal", "partner")


@dataclass(frozen=True)
class NotebookInfo:
    """A report notebook: where it is, its title, what it is made per, the parameters it takes."""

    path: Path
    title: str
    per: str
    parameters: tuple[str, ...]
    slides: bool = False

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class ReportJob:
    """One report to render."""

    notebook: str
    notebook_path: str
    title: str
    subtitle: str
    quarter: str
    partner: str | None
    audience: str
    parameters: dict = field(default_factory=dict)
    html: str = ""
    executed: str = ""
    slides: str = ""
    data_range: str = ""
    fingerprint: str = ""

    @property
    def key(self) -> str:
        """Stable identity of a report: its HTML path, relative to the reports folder."""
        return self.html

    def as_dict(self) -> dict:
        return asdict(self)


def notebook_info(notebook: Path | str) -> NotebookInfo:
    """Read a report notebook's metadata and parameters; a bare name is looked up in ``notebooks/``.

    Raises
    ------
    FileNotFoundError
        No such notebook; the message lists the notebooks there are.
    ValueError
        The notebook has no ``parameters`` cell or no ``partner_analysis`` metadata.
    """
    path = _notebook_path(notebook)
    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("partner_analysis", {})
    if "title" not in meta or meta.get("per") not in ("partner", "quarter"):
        raise ValueError(f"{path.name}: metadata.partner_analysis needs a title and per: partner|quarter")
    declared = papermill.inspect_notebook(str(path))
    if not declared:
        raise ValueError(f"{path.name}: no cell tagged 'parameters'")
    return NotebookInfo(path, meta["title"], meta["per"], tuple(declared), bool(meta.get("slides", False)))


def report_notebooks(folder: Path | str | None = None) -> list[NotebookInfo]:
    """Every report notebook in the folder (default :func:`~partner_analysis.paths.notebooks_dir`), in
    name order.

    Raises
    ------
    FileNotFoundError
        The folder holds no report notebook.
    """
    folder = resolve(folder) if folder is not None else notebooks_dir()
    found = [notebook_info(p) for p in sorted(folder.glob("[0-9]*.ipynb"))]
    if not found:
        raise FileNotFoundError(f"no report notebooks (NN_name.ipynb) in {folder}")
    return found


def plan_reports(notebook: Path | str | NotebookInfo, store: KpiStore, *, quarter: str | None = None,
                 partners: list[str] | None = None, all_partners: bool = False,
                 audience: str = "internal") -> list[ReportJob]:
    """The jobs for one notebook: per partner (given, or every partner in the program in the quarter)
    for a per-partner notebook, one for a per-quarter notebook.

    Raises
    ------
    ValueError
        A quarter that is not in the build, partners for a program report, a per-partner
        notebook without partners, an unknown audience, or the partner audience on a program report.
    """
    info = notebook if isinstance(notebook, NotebookInfo) else notebook_info(notebook)
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, got {audience!r}")
    quarter = quarter or store.latest_period()
    store.select_periods(quarter)  # raises on the wrong form or a quarter outside the build
    if info.per == "quarter":
        if partners or all_partners:
            raise ValueError(f"{info.name} is a program report: it takes no --partner")
        if audience == "partner":
            raise ValueError(f"{info.name} shows every partner: only per-partner reports go to a partner")
        chosen: list[str | None] = [None]
    else:
        if partners and all_partners:
            raise ValueError("give --partner or --all-partners, not both")
        if not partners and not all_partners:
            raise ValueError(f"{info.name} is made per partner: give --partner ID (repeatable) or --all-partners")
        chosen = list(partners) if partners else in_program(store, quarter)
    names = store.partner_names()
    for pid in chosen:
        if pid is not None:
            store.check_partner(pid)
    fingerprint = data_fingerprint(store)
    data_range = _data_range(store)
    jobs = []
    for pid in chosen:
        stem = "program" if pid is None else partner_file_name(pid, names.get(pid))
        if audience == "partner":
            stem += "--for-partner"
        folder = Path(quarter) / info.name
        given = {"processed_dir": str(store.processed_dir), "quarter": quarter, "partner": pid, "audience": audience}
        subtitle = quarter if pid is None else f"{names.get(pid, pid)} · {quarter}"
        jobs.append(ReportJob(
            notebook=info.name, notebook_path=str(info.path), title=info.title, subtitle=subtitle, quarter=quarter,
            partner=pid, audience=audience,
            parameters={k: v for k, v in given.items() if k in info.parameters},
            html=str(folder / f"{stem}.html"), executed=str(folder / f"{stem}.ipynb"),
            slides=str(folder / f"{stem}.slides.html") if info.slides else "",
            data_range=data_range, fingerprint=fingerprint))
    return jobs


def in_program(store: KpiStore, quarter: str) -> list[str]:
    """Partners in the program during the quarter: joined before it ended, not left before it began."""
    partners = store.partners()
    start, end = period_bounds(quarter, "quarter", store.config.fiscal_year_start_month)
    joined = partners["joined_at"] < end
    left = partners["left_at"] if "left_at" in partners.columns else pd.Series(pd.NaT, index=partners.index)
    stayed = left.isna() | (left >= start)
    return partners.loc[joined & stayed, "partner_id"].tolist()


def data_fingerprint(store: KpiStore) -> str:
    """A short hash of the build's manifest: two reports with one fingerprint read the same data."""
    return hashlib.sha256((store.processed_dir / MANIFEST).read_bytes()).hexdigest()[:16]


def _data_range(store: KpiStore) -> str:
    """``2023-01-02 to 2025-12-31``: the earliest date the build covers to its as-of date."""
    coverage = store.manifest.get("coverage") or {}
    firsts = [c.get("first") for c in coverage.values() if isinstance(c, dict) and c.get("first")]
    first = min(firsts) if firsts else None
    if first is None:
        first = store.table("deals")["created_at"].min().date().isoformat() if "deals" in store.table_names else None
    last = store.as_of.date().isoformat()
    return f"{str(first)[:10]} to {last}" if first else f"up to {last}"


def _notebook_path(notebook: Path | str) -> Path:
    candidate = Path(notebook)
    if candidate.suffix != ".ipynb":
        path = notebooks_dir() / f"{candidate.name}.ipynb"
    else:
        path = resolve(candidate)
    if not path.is_file():
        known = sorted(p.stem for p in notebooks_dir().glob("*.ipynb"))
        raise FileNotFoundError(f"notebook {str(notebook)!r} not found; notebooks: {', '.join(known) or 'none'}")
    return path


def parameters_key(job: ReportJob) -> str:
    """What decides whether an earlier run of the job can be kept (``--resume``): the same notebook
    (by content), parameters and data."""
    notebook = hashlib.sha256(Path(job.notebook_path).read_bytes()).hexdigest()[:16]
    return json.dumps([notebook, job.parameters, job.fingerprint], sort_keys=True, default=str)
