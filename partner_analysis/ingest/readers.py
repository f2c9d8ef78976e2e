"""Read one input file into a frame: a reader per file type, registered by suffix.

CSV (``,`` ``;`` tab or ``|``, UTF-8 with or without BOM, LF or CRLF) is read by pyarrow's CSV
engine as text, so that the contract parses every cell itself and reports what it cannot parse;
Parquet (pyarrow) and Excel keep their native types. A reader is told which columns hold
enumerated values: Parquet reads those text columns as its dictionaries (a categorical, each
distinct value decoded once), so that validation looks at every distinct value once without
hashing the rows. Nothing here ever writes.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from ..errors import InputError
from .timestamps import nanosecond_range

#: ``reader(path, sheet, categories)``: ``categories`` names the columns of enumerated values.
Reader = Callable[[Path, "str | int | None", "tuple[str, ...]"], pd.DataFrame]
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


def _head(path: Path) -> str:
    """The first bytes of a text file, decoded, after the checks that make it a table at all."""
    with open(path, "rb") as handle:
        data = handle.read(_SNIFF_BYTES)
    if not data.strip():
        raise InputError("the file is empty (expected a header row naming the columns)", file=str(path))
    if b"\x00" in data:
        raise InputError("not a table: the file holds binary data (expected CSV text)", file=str(path))
    return data.decode("utf-8-sig", errors="ignore")  # a character cut at the end is ignored here


def _not_utf8(path: Path) -> InputError | None:
    """Where the file stops being UTF-8 (byte and line), or None when it is UTF-8."""
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return InputError(f"not UTF-8 text (byte {data[exc.start]:#x} on line {line}); "
                          "re-export the file as UTF-8", file=str(path))
    return None


def _delimiter(text: str) -> str:
    # split on line ends only: str.splitlines also breaks on \x1c-\x1e and \x85, which CSV does not
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()] or [""]
    head = "\n".join(lines[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.get)
        if counts[best] == 0 and len(lines) > 1 and "," not in text:
            return ","  # a one-column table
        return best


def _arrow_csv(path: Path, sep: str, names: list[str], block_size: int) -> tuple[pa.Table, list]:
    """Every cell as text (the contract parses and reports), empty cells missing; rows with the wrong
    number of fields are set aside, with their row number, for :func:`_read_csv` to handle."""
    odd: list = []

    def set_aside(row) -> str:
        odd.append((row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    table = pcsv.read_csv(
        path,
        # one thread: the row numbers of odd rows are known only then
        read_options=pcsv.ReadOptions(use_threads=False, block_size=block_size),
        parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=True, invalid_row_handler=set_aside),
        convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[""],
                                            strings_can_be_null=True, quoted_strings_can_be_null=True),
    )
    return table, odd


@reader(".csv", ".tsv", ".txt")
def _read_csv(path: Path, sheet: str | int | None = None, categories: tuple[str, ...] = ()) -> pd.DataFrame:
    """CSV through pyarrow's reader after sniffing the delimiter with :mod:`csv` (pyarrow has no sniffer)."""
    head = _head(path)
    sep = _delimiter(head)
    names = next(csv.reader(io.StringIO(head.lstrip("\r\n")), delimiter=sep), [])
    block_size = 1 << 20
    while True:
        try:
            table, odd = _arrow_csv(path, sep, names, block_size)
            break
        except pa.ArrowInvalid as exc:
            if "straddl" in str(exc) and block_size < path.stat().st_size:  # a field longer than a block
                block_size = min(path.stat().st_size + 1, 2**31 - 1)
                continue
            raise _not_utf8(path) or InputError(f"not a table with delimiter {sep!r}: {exc}", file=str(path)) from exc
    long = [row for row in odd if row[2] > row[1]]
    if long:
        number, expected, actual, _ = long[0]
        if number == 2:
            raise InputError(f"not a table with delimiter {sep!r}: the first data row (line 2) has {actual} "
                             f"fields, the header {expected} (rows must have as many fields as the header)",
                             file=str(path))
        raise InputError(f"not a table with delimiter {sep!r}: Expected {expected} fields in line {number}, saw "
                         f"{actual} (rows must have as many fields as the header)", file=str(path))
    frame = table.to_pandas()
    if odd:  # rows with fewer fields: the missing trailing fields are empty, as in every CSV reader
        short = pd.DataFrame([next(csv.reader([text], delimiter=sep)) + [None] * (expected - actual)
                              for _, expected, actual, text in odd], columns=frame.columns, dtype="str")
        short = short.mask(short == "")
        positions = np.array([number - 2 for number, *_ in odd])
        frame.index = np.setdiff1d(np.arange(len(frame) + len(short)), positions)
        short.index = positions
        frame = pd.concat([frame, short]).sort_index().reset_index(drop=True)
    return frame


def _timestamps_fit_nanoseconds(table: pa.Table) -> bool:
    """Whether the table has timestamp columns in a unit coarser than ns, every one within the
    range of nanosecond timestamps (years 1677-2262), and no other temporal column (dates,
    durations and times keep pandas' own conversion)."""
    coarse = False
    for field, column in zip(table.schema, table.columns):
        kind = field.type
        if pa.types.is_timestamp(kind):
            if kind.unit == "ns" or column.null_count == len(column):
                continue
            coarse = True
            ticks = pc.min_max(column.cast(pa.int64()))
            low, high = nanosecond_range(kind.unit)
            if not low <= ticks["min"].as_py() <= ticks["max"].as_py() <= high:
                return False
        elif pa.types.is_temporal(kind):
            return False
    return coarse


@reader(".parquet")
def _read_parquet(path: Path, sheet: str | int | None = None, categories: tuple[str, ...] = ()) -> pd.DataFrame:
    try:  # pandas' own read_parquet is 3x slower on 10 M rows; a block per column copies nothing
        schema = pq.read_schema(path)
        text = [c for c in categories if c in schema.names
                and (pa.types.is_string(schema.field(c).type) or pa.types.is_large_string(schema.field(c).type))]
        table = pq.read_table(path, read_dictionary=text or None)
    except Exception as exc:  # pyarrow raises several types for a non-Parquet file
        raise InputError(f"not a Parquet file: {exc}", file=str(path)) from exc
    # timestamps (Parquet writes ms) straight to the nanoseconds the contract gives, when they fit:
    # converting them afterwards writes every value twice (10 M values: 80 MB more memory touched)
    return table.to_pandas(split_blocks=True, coerce_temporal_nanoseconds=_timestamps_fit_nanoseconds(table))


@reader(".xlsx")
def _read_excel(path: Path, sheet: str | int | None = None, categories: tuple[str, ...] = ()) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, engine="openpyxl")
    except Exception as exc:
        raise InputError(f"not a readable Excel workbook: {exc}", file=str(path)) from exc


def read_table_file(path: Path, sheet: str | int | None = None, categories: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read one file into a frame (CSV as text; Parquet and Excel with their own types, text
    columns named in ``categories`` from Parquet as categoricals).

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
    frame = read(path, sheet, categories)
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


