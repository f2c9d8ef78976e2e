"""Read the input files in a background thread while the tables already read are validated.

Reading (Parquet decoding, CSV parsing) runs mostly outside the GIL, so on two cores the next
file is read while the one before is checked: on ``demo-data --scale large`` load + validate
takes the time of the slower of the two rather than their sum. Files are read one at a time in
the order they are asked for, so memory is that of reading them all first.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping as MappingABC
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from .loading import read_source
from .mapping import Mapping


class ReadAhead(MappingABC):
    """Table name -> (file name, frame), each frame read in the background and waited for when
    asked for; a read that failed raises its error (an :class:`InputError`) there."""

    def __init__(self, files: dict[str, Path], reads: dict[str, Future]):
        self._files, self._reads = files, reads

    def __getitem__(self, table: str) -> tuple[str, pd.DataFrame]:
        return self._files[table].name, self._reads[table].result()

    def __contains__(self, table: object) -> bool:  # without waiting for the read
        return table in self._reads

    def __iter__(self) -> Iterator[str]:
        return iter(self._reads)

    def __len__(self) -> int:
        return len(self._reads)


@contextmanager
def read_ahead(files: dict[str, Path], mapping: Mapping | None, raw_dir: Path,
               order: tuple[str, ...]) -> Iterator[ReadAhead]:
    """The tables of ``files`` read one after another in ``order`` (then any others) by one
    background thread. On leaving, reads not yet started are cancelled and the one running is
    waited for, so no thread outlives the block."""
    first = [t for t in order if t in files] + [t for t in files if t not in order]
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="partner-analysis-read")
    try:
        reads = {table: pool.submit(read_source, table, files[table], mapping, raw_dir) for table in first}
        yield ReadAhead(files, reads)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
