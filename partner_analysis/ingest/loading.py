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


def load_raw(raw_dir: Path, mapping: Mapping | None = None,
             required: tuple[str, ...] = REQUIRED_TABLES) -> dict[str, SourceTable]:
    """Read every canonical table found in ``raw_dir`` and apply the mapping.

    A table comes from the file the mapping names, else from ``<table>.csv|.tsv|.parquet|.xlsx``.
    Files that belong to no table are ignored.

    Raises
    ------
    InputError
        A required table is missing, or a table has two candidate files.
    """
    raw_dir = Path(raw_dir)
    found: dict[str, SourceTable] = {}
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
        frame = read_table_file(path, spec.sheet if spec else None)
        if spec is not None:
            frame = apply_mapping(table, frame, spec, path, raw_dir)
        found[table] = SourceTable(table, path, frame)
    if mapping is not None and mapping.required_tables is not None:
        required = mapping.required_tables
    missing = [t for t in required if t not in found]
    if missing:
        looked = ", ".join(f"{t}{s}" for t in missing for s in (".csv", ".parquet", ".xlsx"))
        raise InputError(f"required table(s) {', '.join(missing)} not found (looked for {looked}, "
                         "or a file named in the mapping)", file=str(raw_dir))
    return found
