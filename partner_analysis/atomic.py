"""Atomic output: write into a staging folder, then move finished files into place.

A build that fails part-way leaves the previous output as it was; only the final renames
(``os.replace``, atomic per file on one file system) touch the destination.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MANIFEST = "build.json"


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def staged_output(destination: Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into ``destination``.

    Files the previous build listed in its manifest but this one did not write are removed,
    so stale outputs never linger. Other files in ``destination`` (a README) are left alone.
    The staging folder must end with a ``build.json`` manifest whose ``files`` lists its outputs.
    """
    destination.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=destination, prefix=".staging-"))
    try:
        yield staging
        previous = _listed_files(destination / MANIFEST)
        current = _listed_files(staging / MANIFEST)
        for rel in sorted(current, key=lambda r: r == MANIFEST):  # manifest last
            target = destination / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)
        for rel in previous - current:
            (destination / rel).unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _listed_files(manifest: Path) -> set[str]:
    if not manifest.exists():
        return set()
    return set(json.loads(manifest.read_text(encoding="utf-8")).get("files", [])) | {MANIFEST}
