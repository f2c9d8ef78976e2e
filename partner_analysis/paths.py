"""Default locations of the project's data and outputs, and the file names of a build, in one place
(cookiecutter-data-science style).

Relative data paths resolve the same from the repository root, from ``notebooks/`` in JupyterLab
and under papermill: see :func:`resolve`.
"""
from __future__ import annotations

import os
from pathlib import Path

RAW_DIR = Path("data/raw")
PROCESSED_DIR = Path("data/processed")
REPORTS_DIR = Path("reports")
NOTEBOOKS_DIR = Path("notebooks")
CONFIG_FILE = Path("partner-analysis.yml")
MAPPING_FILE_NAME = "mapping.yml"
REJECTED_SUBDIR = "rejected"
#: The manifest of a build: what it read, kept, rejected and wrote.
MANIFEST = "build.json"
#: In a processed folder: the file naming the current build, and the folder of the builds
#: (see :mod:`partner_analysis.versions`).
CURRENT_POINTER = "current"
BUILDS_SUBDIR = "builds"
#: Environment variable naming the project folder, for code run from anywhere else.
ROOT_VARIABLE = "PARTNER_ANALYSIS_ROOT"
#: What marks a project folder: its settings file, or a ``data/`` folder beside ``notebooks/``.
_MARKERS = (CONFIG_FILE, Path("pyproject.toml"), Path("data"))


def project_root(start: Path | None = None) -> Path | None:
    """The project folder: ``$PARTNER_ANALYSIS_ROOT``, else the nearest folder at or above ``start``
    (default: the working directory) that holds ``partner-analysis.yml``, ``pyproject.toml`` or a
    ``data/`` folder; None when there is none."""
    if os.environ.get(ROOT_VARIABLE):
        return Path(os.environ[ROOT_VARIABLE]).expanduser().resolve()
    here = Path(start or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents)
                 if any((folder / marker).exists() for marker in _MARKERS)), None)


def resolve(path: Path | str, start: Path | None = None) -> Path:
    """A data path as the analyst means it, wherever the code runs.

    An absolute path, or a relative one that exists from the working directory (``start``), is
    taken as it is. Otherwise a relative path is looked up in ``$PARTNER_ANALYSIS_ROOT``, then in
    the folders above the working directory, so that ``data/processed`` names the same folder in
    a notebook under ``notebooks/`` (JupyterLab, papermill) as at the repository root; a path
    found nowhere is placed in the project folder (:func:`project_root`).
    """
    path = Path(path).expanduser()
    here = Path(start or Path.cwd()).resolve()
    if path.is_absolute() or (here / path).exists():
        return (here / path).resolve()
    if os.environ.get(ROOT_VARIABLE):
        return (project_root(here) / path).resolve()
    found = next((folder / path for folder in here.parents if (folder / path).exists()), None)
    if found is not None:
        return found.resolve()
    return ((project_root(here) or here) / path).resolve()


def notebooks_dir() -> Path:
    """The report notebooks: the project's ``notebooks/`` (see :func:`resolve`), else those that come
    with this checkout of the package (the demo run from any folder)."""
    found = resolve(NOTEBOOKS_DIR)
    if found.is_dir():
        return found
    return Path(__file__).resolve().parents[1] / NOTEBOOKS_DIR


def kpi_store_file(freq: str) -> str:
    """File name of the KPI store for a period frequency (``quarter`` or ``month``)."""
    return f"kpis_{freq}.parquet"


def attribution_store_file(freq: str) -> str:
    """File name of the credited-revenue table (one column per attribution model) for a period grain."""
    return f"attribution_{freq}.parquet"
