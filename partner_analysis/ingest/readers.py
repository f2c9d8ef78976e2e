"""Read one input file into a frame: a reader per file type, registered by suffix.

CSV (``,`` ``;`` tab or ``|``, UTF-8 with or without BOM, LF or CRLF) is read as text, so that
the contract parses every cell itself and reports what it cannot parse; Parquet and Excel keep
their native types. Nothing here ever writes.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable

import pandas as pd
import pyarrow.parquet as pq

from ..errors import InputError

Reader = Callable[[Path, "str | int | None"], pd.DataFrame]
#: File suffix -> reader; :func:`reader` registers one.
READERS: dict[str, Reader] = {}
_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    """Register the decorated function as the reader of files with these suffixes."""
    def register(fn: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix] = fn
        return fn
    return register


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


@reader(".csv", ".tsv", ".txt")
def _read_csv(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
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


@reader(".parquet")
def _read_parquet(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    try:
        return pq.read_table(path).to_pandas()  # pandas' own read_parquet is 3x slower on 10 M rows
    except Exception as exc:  # pyarrow raises several types for a non-Parquet file
        raise InputError(f"not a Parquet file: {exc}", file=str(path)) from exc


@reader(".xlsx")
def _read_excel(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, engine="openpyxl")
    except Exception as exc:
        raise InputError(f"not a readable Excel workbook: {exc}", file=str(path)) from exc


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
    read = READERS.get(path.suffix.lower())
    if read is None:
        raise InputError(f"unsupported file type {path.suffix.lower()!r}; expected one of {', '.join(READERS)}",
                         file=str(path))
    frame = read(path, sheet)
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


