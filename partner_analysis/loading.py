"""Read input files into raw frames with canonical table and column names.

CSV (``,`` ``;`` tab or ``|``, UTF-8 with or without BOM, LF or CRLF) is read as text, so that
the contract parses every cell itself and reports what it cannot parse; Parquet and Excel keep
their native types. Nothing here ever writes.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .contract import REQUIRED_TABLES, TABLES
from .errors import InputError

if TYPE_CHECKING:
    from .mapping import Mapping

TABLE_NAMES = tuple(TABLES)
SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".xlsx")
_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class SourceTable:
    """One canonical table as read from its file (before validation)."""

    table: str
    file: Path
    frame: pd.DataFrame


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise InputError("the file is empty (expected a header row naming the columns)", file=str(path))
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError("not a table: the file holds binary data (expected CSV text)", file=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte {data[exc.start]:#x} on line {line}); "
                         "re-export the file as UTF-8", file=str(path)) from exc


def _delimiter(text: str, path: Path) -> str:
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0]
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.get)
        if counts[best] == 0 and len(text.splitlines()) > 1 and "," not in text:
            return ","  # a one-column table
        return best


def _read_csv(path: Path) -> pd.DataFrame:
    text = _decode(path)
    sep = _delimiter(text, path)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                            skipinitialspace=False, engine="c")
    except pd.errors.ParserError as exc:
        raise InputError(f"not a table with delimiter {sep!r}: {exc} "
                         "(rows must have as many fields as the header)", file=str(path)) from exc
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas silently turns the extra leading fields into an index when the first data row is
        # longer than the header, shifting every value one column to the right
        raise InputError(f"not a table with delimiter {sep!r}: the first data row (line 2) has "
                         f"{frame.index.nlevels + frame.shape[1]} fields, the header {frame.shape[1]} "
                         "(rows must have as many fields as the header)", file=str(path))
    return frame


def read_table_file(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    """Read one file into a frame (CSV as text; Parquet and Excel with their own types).

    Raises
    ------
    InputError
        Empty file, binary data, not UTF-8, rows with more fields than the header, duplicate
        column names, or an unsupported suffix. (A row with fewer fields reads its missing
        trailing fields as empty; blank lines are skipped, and rows are numbered as data rows.)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        frame = _read_csv(path)
    elif suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a non-Parquet file
            raise InputError(f"not a Parquet file: {exc}", file=str(path)) from exc
    elif suffix == ".xlsx":
        try:
            frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, engine="openpyxl")
        except Exception as exc:
            raise InputError(f"not a readable Excel workbook: {exc}", file=str(path)) from exc
    else:
        raise InputError(f"unsupported file type {suffix!r}; expected one of {', '.join(SUFFIXES)}", file=str(path))
    frame.columns = [str(c).strip() for c in frame.columns]
    dupes = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    # CSV and Excel readers rename a repeated name `x` to `x.1`: report the name as the file writes it
    mangled = sorted({c.rsplit(".", 1)[0] for c in frame.columns
                      if c.rsplit(".", 1)[0] in frame.columns and c.rsplit(".", 1)[-1].isdigit()})
    if dupes or mangled:
        raise InputError(f"duplicate column names: {', '.join(dupes or mangled)}", file=str(path))
    if frame.shape[1] == 1 and len(frame) and any(d in frame.columns[0] for d in _DELIMITERS if d != ","):
        raise InputError("not a table: one column only; is the delimiter one of , ; tab | ?", file=str(path))
    return frame


def _candidates(raw_dir: Path, table: str) -> list[Path]:
    return sorted(p for p in raw_dir.iterdir() if p.is_file() and p.stem == table and p.suffix.lower() in SUFFIXES)


def load_raw(raw_dir: Path, mapping: "Mapping | None" = None,
             required: tuple[str, ...] = REQUIRED_TABLES) -> dict[str, SourceTable]:
    """Read every canonical table found in ``raw_dir`` and apply the mapping.

    A table comes from the file the mapping names, else from ``<table>.csv|.tsv|.parquet|.xlsx``.
    Files that belong to no table are ignored.

    Raises
    ------
    InputError
        A required table is missing, or a table has two candidate files.
    """
    from .mapping import apply_mapping

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
