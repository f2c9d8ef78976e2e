"""Versioned builds: one folder per build, one atomic switch, one writer, no debris.

A processed folder holds::

    current                    the name of the current build's folder: the one switch
    builds/000007/             the current build (tables, KPI stores, build.json)
    builds/000006/, 000005/    the builds before it, kept for readers still reading them
    builds/.staging-000008/    a build being written (debris once its writer is gone)
    .build.lock                held by the one build writing here
    .build.holder              who holds it: pid, host and start time

A build is written into its staging folder, renamed to its number and made current by replacing
``current`` with ``os.replace``: atomic on Linux, macOS and Windows file systems alike (a symlink
switch would need privileges on Windows). A reader resolves ``current`` once
(:func:`current_build`) and reads only that folder, so it sees one whole build, old or new, even
when a build is killed at any moment. Build numbers only grow (never from the clock), so a
numbered folder above the current one was never switched to and is debris.

The lock is :mod:`filelock`'s OS lock, released by the operating system when its holder dies, so
a killed build never blocks the next one. Only the lock holder removes debris (staging folders,
never-switched builds, half-removed builds, the pointer's temporary files), when it starts, and it
prunes builds beyond :data:`KEEP_BUILDS` once it has switched.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from .atomic import write_atomic, write_text_atomic
from .errors import BuildLocked
from .paths import BUILDS_SUBDIR, CURRENT_POINTER, MANIFEST

#: Builds kept: the current one and the two before it. A reader that opened a build can go on
#: reading it until two newer builds have been switched to.
KEEP_BUILDS = 3
LOCK_FILE = ".build.lock"
HOLDER_FILE = ".build.holder"
_STAGING = ".staging-"
_REMOVING = ".removing-"
#: Environment variable naming a build step at which the build stops itself (SIGSTOP), so that
#: tests can kill it at exactly that moment. Steps, in order, are :data:`BUILD_STEPS`.
STOP_VARIABLE = "PARTNER_ANALYSIS_STOP_AT"
BUILD_STEPS = ("locked", "tables", "kpis", "staged", "renamed", "pointer_written", "switched", "pruned")


def checkpoint(step: str) -> None:
    """Stop this process (SIGSTOP) when :data:`STOP_VARIABLE` names ``step``; otherwise do nothing.

    The fault-injection hook of the build: a test process waits for the stop, looks at the
    processed folder in that state, then kills or resumes the build.
    """
    if os.environ.get(STOP_VARIABLE) == step:
        os.kill(os.getpid(), signal.SIGSTOP)


def current_build(root: Path) -> Path:
    """The folder of the current build in a processed folder.

    The folder named by ``root/current``; a processed folder written before builds were
    versioned (``build.json`` at the top) is its own build; otherwise ``root`` itself, which
    holds no build.
    """
    root = Path(root)
    pointer = root / CURRENT_POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return root
    return root / BUILDS_SUBDIR / name


def _number(name: str) -> int | None:
    return int(name) if name.isdigit() else None


def _current_number(root: Path) -> int | None:
    pointer = root / CURRENT_POINTER
    return _number(pointer.read_text(encoding="utf-8").strip()) if pointer.exists() else None


def _remove_tree(path: Path) -> None:
    """Rename a folder aside, then delete it: a half-deleted folder never looks like a build.

    On Windows a folder with a file open in it cannot be renamed; it is left for the next build.
    """
    aside = path.parent / f"{_REMOVING}{path.name}"
    try:
        os.replace(path, aside)
    except OSError:
        return
    shutil.rmtree(aside, ignore_errors=True)


def _remove_debris(root: Path) -> None:
    """What killed builds left: staging and half-removed folders, never-switched builds, temporary
    pointer files, and staging folders of the unversioned layout."""
    current = _current_number(root)
    builds = root / BUILDS_SUBDIR
    for entry in sorted(builds.iterdir()) if builds.is_dir() else ():
        number = _number(entry.name)
        if entry.name.startswith((_STAGING, _REMOVING)):
            shutil.rmtree(entry, ignore_errors=True)
        elif number is not None and (current is None or number > current):
            _remove_tree(entry)
    for entry in root.glob(f"{_STAGING}*"):
        shutil.rmtree(entry, ignore_errors=True)
    for entry in root.glob(f".{CURRENT_POINTER}.*.tmp"):
        entry.unlink(missing_ok=True)


def _prune(root: Path, current: int) -> None:
    """Keep the current build and the :data:`KEEP_BUILDS` - 1 before it; remove the files of an
    unversioned build at the top (listed in its ``build.json``)."""
    numbered = sorted(n for n in map(_number, (e.name for e in (root / BUILDS_SUBDIR).iterdir())) if n is not None)
    older = [n for n in numbered if n < current]
    for number in older[: max(0, len(older) - (KEEP_BUILDS - 1))]:
        _remove_tree(root / BUILDS_SUBDIR / f"{number:06d}")
    legacy = root / MANIFEST
    if legacy.exists():
        listed = json.loads(legacy.read_text(encoding="utf-8")).get("files", [])
        for rel in listed:
            (root / rel).unlink(missing_ok=True)
        legacy.unlink()
        for folder in {(root / rel).parent for rel in listed} - {root}:
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def _holder(root: Path) -> str:
    try:
        held = json.loads((root / HOLDER_FILE).read_text(encoding="utf-8"))
        return f"pid {held['pid']} on {held['host']}, started {held['started']}"
    except (OSError, ValueError, KeyError):
        return "holder unknown"


@contextmanager
def _writer_lock(root: Path, wait: float) -> Iterator[None]:
    lock = FileLock(root / LOCK_FILE, timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise BuildLocked(str(root), _holder(root), wait) from None
    try:
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        write_text_atomic(root / HOLDER_FILE, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                                          "started": started}))
        yield
    finally:
        (root / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()


def _write_pointer(tmp: Path, number: int) -> None:
    tmp.write_text(f"{number:06d}\n", encoding="utf-8")
    checkpoint("pointer_written")


@contextmanager
def new_build(root: Path, wait: float = 0.0) -> Iterator[tuple[Path, Path]]:
    """Take the writer lock of ``root``, yield an empty staging folder and the folder it will become,
    and make it the current build when the block ends without an error.

    Parameters
    ----------
    root : Path
        The processed folder (created when missing).
    wait : float
        Seconds to wait for another build writing into ``root``; 0 refuses at once.

    Raises
    ------
    BuildLocked
        Another build holds ``root``; the message names the folder and the holder.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with _writer_lock(root, wait):
        checkpoint("locked")
        _remove_debris(root)
        builds = root / BUILDS_SUBDIR
        builds.mkdir(exist_ok=True)
        taken = [n for n in map(_number, (e.name.removeprefix(_STAGING) for e in builds.iterdir())) if n is not None]
        number = max([*taken, _current_number(root) or 0]) + 1
        staging, final = builds / f"{_STAGING}{number:06d}", builds / f"{number:06d}"
        staging.mkdir()
        try:
            yield staging, final
            checkpoint("staged")
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        checkpoint("renamed")
        write_atomic(root / CURRENT_POINTER, lambda tmp: _write_pointer(tmp, number))
        checkpoint("switched")
        _prune(root, number)
        checkpoint("pruned")
