"""Load, validate and store: raw exports in ``data/raw`` -> typed Parquet tables and the KPI store.

``data/raw`` is only read. Each build is written into a folder of its own and made current in one
atomic switch, by one writer at a time (:mod:`partner_analysis.versions`): a failed or killed
build leaves the previous one current and whole.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ._version import __version__
from .config import Config
from .errors import ValidationError
from .ingest.coverage import coverage_record
from .ingest.prepare import load_and_validate
from .ingest.validation import ValidatedData, write_rejected
from .kpis import REGISTRY, compute_kpis, load_metric_files
from .kpis.attribution import credited_revenue
from .paths import MANIFEST, REJECTED_SUBDIR, attribution_store_file, kpi_store_file
from .periods import FREQUENCIES
from .versions import checkpoint, new_build

@dataclass
class BuildResult:
    """What a build wrote and how many rows went where."""

    data: ValidatedData
    processed_dir: Path
    build_dir: Path
    kpi_rows: dict[str, int]
    unavailable: dict[str, str]
    as_of: pd.Timestamp
    notes: dict[str, dict[str, list[str]]]  # per grain: metric id -> what it leaves out and why


def build(raw_dir: Path, processed_dir: Path, mapping: Path | None = None, lenient: bool = False,
          config: Config | None = None, progress: bool = False, wait: float = 0.0) -> BuildResult:
    """Validate the raw tables and write them, the rejected rows and the KPI store.

    The output is a new build folder under ``processed_dir``, made current only when complete.
    ``wait`` is how many seconds to wait for another build writing into ``processed_dir``.

    The KPI store holds the catalog and the metrics of the project metric files listed in the
    settings (``metrics:``); metrics declared only in a notebook session are not built.

    Raises
    ------
    ValidationError
        The input breaks the contract (strict mode); the current build stays as it was.
    BuildLocked
        Another build is writing into ``processed_dir``; the message names it.
    InputError
        A project metric file is missing or fails to run.
    """
    config = config or Config()
    user_metrics = load_metric_files(config.metrics)
    metric_ids = [m for m, entry in REGISTRY.items() if entry.spec.origin == "catalog"] + list(user_metrics)
    processed_dir = Path(processed_dir)
    kpi_rows, unavailable, notes, as_of = {}, {}, {}, None
    with new_build(processed_dir, wait) as (staging, build_dir):
        data = load_and_validate(raw_dir, mapping, lenient, config)
        if not data.report.ok:
            raise ValidationError(data.report)
        files = []
        for name, frame in data.tables.items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
            files.append(f"{name}.parquet")
        if data.rejected:
            write_rejected(data.rejected, staging / REJECTED_SUBDIR)
            files += [f"{REJECTED_SUBDIR}/{name}.csv" for name in data.rejected]
        checkpoint("tables")
        for freq in FREQUENCIES:
            result = compute_kpis(data.tables, config, freq, metrics=metric_ids, progress=progress)
            result.rows.to_parquet(staging / kpi_store_file(freq), index=False)
            files.append(kpi_store_file(freq))
            kpi_rows[freq], unavailable, as_of = len(result.rows), result.unavailable, result.as_of
            notes[freq] = result.notes
            if "deals" in data.tables:
                credited = credited_revenue(result.context)  # reuses the catalog's won deals
                credited.to_parquet(staging / attribution_store_file(freq), index=False)
                files.append(attribution_store_file(freq))
            del result  # its context holds large derived frames: free them before the next grain
        checkpoint("kpis")
        manifest = {
            "version": __version__,
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "raw_dir": str(Path(raw_dir).resolve()),
            "as_of": as_of.date().isoformat(),
            "currency": config.currency,
            "fiscal_year_start_month": config.fiscal_year_start_month,
            "config": config.model_dump(mode="json"),
            "user_metrics": {m: {**dataclasses.asdict(REGISTRY[m].spec), "file": str(path)}
                             for m, path in user_metrics.items()},
            "rows_in": data.report.rows_in,
            "rows_kept": data.report.rows_kept,
            "rows_rejected": data.report.rows_rejected,
            "coverage": coverage_record(data.tables),
            "kpi_rows": kpi_rows,
            "unavailable_metrics": unavailable,
            "metric_notes": notes,
            "files": sorted(files),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return BuildResult(data, processed_dir, build_dir, kpi_rows, unavailable, as_of, notes)
