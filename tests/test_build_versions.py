"""One build, whole, always: versioned build folders, one atomic switch, one writer, no debris.

A build subprocess is stopped at each step by the fault-injection hook (``PARTNER_ANALYSIS_STOP_AT``)
and SIGKILLed there; at every moment the store must read one whole build (the previous one until
the switch, the new one after it), a second build must be locked out, and the next build must
leave no debris. Builds run on tiny hand-made tables (about 1.5 s per build process).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from partner_analysis.build import build
from partner_analysis.cli import app
from partner_analysis.errors import BuildLocked
from partner_analysis.paths import BUILDS_SUBDIR, CURRENT_POINTER
from partner_analysis.store import KpiStore
from partner_analysis.versions import (BUILD_STEPS, HOLDER_FILE, KEEP_BUILDS, LOCK_FILE, STOP_VARIABLE,
                                       current_build)

CLI = str(Path(sys.executable).with_name("partner-analysis"))
#: Steps at which the new build is already current: the pointer has been replaced.
AFTER_SWITCH = {"switched", "pruned"}
#: Steps at which the build's staging folder exists.
STAGING_STEPS = {"tables", "kpis", "staged"}


def tiny_raw(folder: Path, deals: int) -> Path:
    """Two partners and ``deals`` deals; the deal count tells the builds apart."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "partners.csv").write_text("partner_id,partner_name,partner_type,joined_at\n"
                                         "p1,Acme,reseller,2024-01-01\np2,Globex,referral,2024-02-01\n")
    rows = [f"d{i},sourced,p{i % 2 + 1},won,2024-03-{i + 1:02d},2024-04-{i + 1:02d},{100 * (i + 1)}"
            for i in range(deals)]
    (folder / "deals.csv").write_text("deal_id,attribution,partner_id,stage,created_at,closed_at,amount\n"
                                      + "\n".join(rows) + "\n")
    return folder


@pytest.fixture
def raws(tmp_path) -> dict[int, Path]:
    return {n: tiny_raw(tmp_path / f"raw{n}", n) for n in (3, 4, 5)}


def start_stopped_build(raw: Path, processed: Path, step: str) -> subprocess.Popen:
    """A build process that stops itself at ``step``; returns once it is stopped there."""
    env = {**os.environ, STOP_VARIABLE: step}
    proc = subprocess.Popen([CLI, "build", "--raw", str(raw), "--processed", str(processed)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the build ended without reaching step {step!r}: {proc.stderr.read().decode()}")
        if psutil.Process(proc.pid).status() == psutil.STATUS_STOPPED:
            return proc
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"the build did not stop at {step!r} within 60 s")


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()


def whole_build_deals(processed: Path) -> int:
    """Open the store and check that it reads one whole build; return that build's deal count."""
    store = KpiStore(processed)
    manifest = store.manifest
    for rel in manifest["files"]:
        assert (store.processed_dir / rel).is_file(), rel
    for table, kept in manifest["rows_kept"].items():
        assert len(store.table(table)) == kept, table
    for freq, rows in manifest["kpi_rows"].items():
        assert len(store.kpis(freq)) == rows, freq
    won = store.kpi("sourced_revenue", program=True, attribution="all")["value"].sum()
    deals = store.table("deals")
    assert won == deals["amount"].sum()  # the KPI store and the tables come from the same build
    return len(deals)


def debris(processed: Path) -> list[str]:
    """Anything in a processed folder that is not the pointer, the lock or a kept build."""
    current = int((processed / CURRENT_POINTER).read_text())
    found = [p.name for p in processed.iterdir() if p.name not in {CURRENT_POINTER, BUILDS_SUBDIR, LOCK_FILE}]
    for entry in (processed / BUILDS_SUBDIR).iterdir():
        if not entry.name.isdigit() or int(entry.name) > current:
            found.append(f"{BUILDS_SUBDIR}/{entry.name}")
    return found


@pytest.mark.parametrize("step", BUILD_STEPS)
def test_a_build_killed_at_any_step_leaves_one_whole_build_and_the_next_cleans_up(tmp_path, raws, step):
    processed = tmp_path / "processed"
    build(raws[3], processed)
    proc = start_stopped_build(raws[4], processed, step)
    try:
        expected = 4 if step in AFTER_SWITCH else 3
        assert whole_build_deals(processed) == expected  # a reader while the build is frozen at the step
        with pytest.raises(BuildLocked) as locked:  # a second build is locked out ...
            build(raws[5], processed)
        assert str(processed) in str(locked.value) and f"pid {proc.pid} on " in str(locked.value)
        if step in STAGING_STEPS:  # ... and removes nothing of the running build
            assert [p.name for p in (processed / BUILDS_SUBDIR).glob(".staging-*")] == [".staging-000002"]
    finally:
        kill(proc)
    assert whole_build_deals(processed) == expected  # a reader after the kill
    result = build(raws[5], processed)  # the dead build's lock does not block
    assert whole_build_deals(processed) == 5 and current_build(processed) == result.build_dir
    assert debris(processed) == []


def test_old_builds_are_pruned_to_a_few_and_a_reader_keeps_its_build_meanwhile(tmp_path, raws):
    processed = tmp_path / "processed"
    build(raws[3], processed)
    reader = KpiStore(processed)  # opened on build 1
    for n in range(KEEP_BUILDS - 1):
        build(raws[4], processed)
    assert len(reader.table("deals")) == 3  # two newer builds later, its build is still there
    for n in range(3):
        build(raws[5], processed)
    kept = sorted(p.name for p in (processed / BUILDS_SUBDIR).iterdir())
    assert kept == ["000004", "000005", "000006"] and (processed / CURRENT_POINTER).read_text() == "000006\n"
    assert debris(processed) == []


def test_a_failed_build_keeps_the_current_one_and_leaves_nothing(tmp_path, raws):
    processed = tmp_path / "processed"
    build(raws[3], processed)
    bad = tiny_raw(tmp_path / "bad", 2)
    (bad / "deals.csv").write_text((bad / "deals.csv").read_text().replace(",100\n", ",-1\n"))
    with pytest.raises(Exception, match="expected a value >= 0"):
        build(bad, processed)
    assert whole_build_deals(processed) == 3 and debris(processed) == []
    assert sorted(p.name for p in (processed / BUILDS_SUBDIR).iterdir()) == ["000001"]


def test_an_unversioned_processed_folder_is_read_then_replaced(tmp_path, raws):
    """A folder written before builds were versioned (files at the top) is still read as a build; the
    first versioned build replaces it and removes its files and the staging folders old builds left."""
    processed = tmp_path / "processed"
    first = build(raws[3], tmp_path / "elsewhere").build_dir
    shutil.copytree(first, processed)
    (processed / "notes.txt").write_text("the analyst's own file")
    (processed / ".staging-k2j3").mkdir()
    assert whole_build_deals(processed) == 3
    listed = json.loads((processed / "build.json").read_text())["files"]
    build(raws[4], processed)
    assert whole_build_deals(processed) == 4
    assert not any((processed / rel).exists() for rel in [*listed, "build.json", ".staging-k2j3"])
    assert (processed / "notes.txt").exists()


def test_the_second_build_waits_for_the_first_or_refuses_with_the_holder(tmp_path, raws):
    processed = tmp_path / "processed"
    proc = start_stopped_build(raws[3], processed, "locked")
    holder = json.loads((processed / HOLDER_FILE).read_text())
    assert holder["pid"] == proc.pid
    refused = CliRunner().invoke(app, ["build", "--raw", str(raws[4]), "--processed", str(processed)])
    assert refused.exit_code == 1
    assert f"{processed}: another build is writing here (pid {proc.pid} on {holder['host']}, started " \
           f"{holder['started']}); let it finish, or pass --wait SECONDS" in refused.output
    with pytest.raises(BuildLocked, match=r"after waiting 0\.2 s"):
        build(raws[4], processed, wait=0.2)
    threading.Timer(0.5, kill, args=(proc,)).start()  # the holder dies while the next build waits
    started = time.monotonic()
    build(raws[4], processed, wait=30)
    assert time.monotonic() - started >= 0.4
    assert whole_build_deals(processed) == 4 and debris(processed) == []
