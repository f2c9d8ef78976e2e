"""The run manifest of a reports folder: one record per report ever rendered there.

``reports/manifest.json`` holds, per report (keyed by its HTML path), the job (notebook,
parameters, quarter, partner, audience), its status (``ok`` or ``failed`` with the error), the
seconds it took, when it ran, the fingerprint of the data it read and the package version. It is
rewritten atomically after every report, so an interrupted batch keeps what it finished.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..atomic import write_text_atomic

MANIFEST_NAME = "manifest.json"


def load_runs(out_dir: Path) -> dict[str, dict]:
    """Report key -> its latest run record (empty for a new folder)."""
    path = Path(out_dir) / MANIFEST_NAME
    if not path.exists():
        return {}
    return {run["html"]: run for run in json.loads(path.read_text(encoding="utf-8")).get("runs", [])}


def save_runs(out_dir: Path, runs: dict[str, dict]) -> Path:
    """Write the records, sorted by quarter, notebook and report."""
    ordered = sorted(runs.values(), key=lambda r: (r["quarter"], r["notebook"], r["html"]))
    return write_text_atomic(Path(out_dir) / MANIFEST_NAME, json.dumps({"runs": ordered}, indent=2, default=str))
