"""Atomic output: a file is written beside its destination and renamed into place; a build is
written into a staging folder whose finished files are then moved into place.

A write or build that fails part-way leaves the previous output as it was; only the final
renames (``os.replace``, atomic per file on one file system) touch the destination.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .paths import MANIFEST


def write_atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file in ``path``'s folder, then rename it to ``path``.

    Readers see the old file or the new one, never a half-written one; on failure the
    temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write a UTF-8 text file atomically (see :func:`write_atomic`)."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


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
