"""Find the input file of every canonical table in a folder, read it and apply the mapping.

Nothing here ever writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .contract import REQUIRED_TABLES, TABLES
from .mapping import Mapping, apply_mapping
from .readers import READERS, read_table_file

TABLE_NAMES = tuple(TABLES)


@dataclass(frozen=True)
class SourceTable:
    """One canonical table as read from its file (before validation)."""

    table: str
    file: Path
    frame: pd.DataFrame


def _candidates(raw_dir: Path, table: str) -> list[Path]:
    return sorted(p for p in raw_dir.iterdir() if p.is_file() and p.stem == table and p.suffix.lower() in READERS)


def find_sources(raw_dir: Path, mapping: Mapping | None = None,
                 required: tuple[str, ...] = REQUIRED_TABLES) -> dict[str, Path]:
    """The input file of every canonical table found in ``raw_dir``, without reading any.

    A table comes from the file the mapping names, else from ``<table>.csv|.tsv|.parquet|.xlsx``.
    Files that belong to no table are ignored.

    Raises
    ------
    InputError
        A required table is missing, a file the mapping names is not there, or a table has two
        candidate files.
    """
    raw_dir = Path(raw_dir)
    found: dict[str, Path] = {}
    for table in TABLE_NAMES:
        spec = mapping.tables.get(table) if mapping else None
        if spec is not None and spec.file:
            path = raw_dir / spec.file
            if not path.is_file():
                raise InputError(f"the mapping names {spec.file!r} for table {table}, but it is not there",
                                 file=str(raw_dir))
        else:
            paths = _candidates(raw_dir, table)
            if len(paths) > 1:
                raise InputError(f"two files for table {table}: {', '.join(p.name for p in paths)}; keep one",
                                 file=str(raw_dir))
            if not paths:
                continue
            path = paths[0]
        found[table] = path
    if mapping is not None and mapping.required_tables is not None:
        required = mapping.required_tables
    missing = [t for t in required if t not in found]
    if missing:
        looked = ", ".join(f"{t}{s}" for t in missing for s in (".csv", ".parquet", ".xlsx"))
        raise InputError(f"required table(s) {', '.join(missing)} not found (looked for {looked}, "
                         "or a file named in the mapping)", file=str(raw_dir))
    return found


def read_source(table: str, path: Path, mapping: Mapping | None, raw_dir: Path) -> pd.DataFrame:
    """One table's file read and turned into the canonical table by its mapping (when it has one).

    A file without a mapping has the contract's column names, so its enumerated columns are
    named to the reader (see :func:`read_table_file`); a mapped file's columns are read as they are.
    """
    spec = mapping.tables.get(table) if mapping else None
    if spec is None:
        return read_table_file(path, categories=TABLES[table].category_columns)
    return apply_mapping(table, read_table_file(path, spec.sheet), spec, path, Path(raw_dir))


def load_raw(raw_dir: Path, mapping: Mapping | None = None,
             required: tuple[str, ...] = REQUIRED_TABLES) -> dict[str, SourceTable]:
    """Read every canonical table found in ``raw_dir`` (see :func:`find_sources`) and apply the mapping."""
    return {table: SourceTable(table, path, read_source(table, path, mapping, raw_dir))
            for table, path in find_sources(raw_dir, mapping, required).items()}
