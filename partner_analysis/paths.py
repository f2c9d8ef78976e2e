"""Default locations of the project's data and outputs, and the file names of a build, in one place
(cookiecutter-data-science style)."""
from __future__ import annotations

from pathlib import Path

RAW_DIR = Path("data/raw")
PROCESSED_DIR = Path("data/processed")
REPORTS_DIR = Path("reports")
CONFIG_FILE = Path("partner-analysis.yml")
MAPPING_FILE_NAME = "mapping.yml"
REJECTED_SUBDIR = "rejected"
#: The manifest of a build: what it read, kept, rejected and wrote.
MANIFEST = "build.json"


def kpi_store_file(freq: str) -> str:
    """File name of the KPI store for a period frequency (``quarter`` or ``month``)."""
    return f"kpis_{freq}.parquet"


def attribution_store_file(freq: str) -> str:
    """File name of the credited-revenue table (one column per attribution model) for a period grain."""
    return f"attribution_{freq}.parquet"
