"""Default locations of the project's data and outputs, in one place (cookiecutter-data-science style)."""
from __future__ import annotations

from pathlib import Path

RAW_DIR = Path("data/raw")
PROCESSED_DIR = Path("data/processed")
REPORTS_DIR = Path("reports")
CONFIG_FILE = Path("partner-analysis.yml")
MAPPING_FILE_NAME = "mapping.yml"
REJECTED_SUBDIR = "rejected"
KPI_STORE_NAME = "kpis.parquet"
