"""Reading ahead: files are read in the background in validation order, errors surface as they
would when reading first, and no reading thread outlives load + validate."""
from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

import partner_analysis.ingest.readahead as readahead
from partner_analysis.errors import InputError
from partner_analysis.ingest.contract import VALIDATION_ORDER
from partner_analysis.ingest.loading import find_sources, load_raw
from partner_analysis.ingest.prepare import load_and_validate
from partner_analysis.ingest.validation import validate_tables

PARTNERS = "partner_id,partner_name,partner_type,joined_at\nP1,Acme,reseller,2024-01-15\nP2,Globex,referral,2024-02-01\n"
DEALS = ("deal_id,attribution,partner_id,stage,created_at,closed_at,amount\n"
         "D1,sourced,P1,won,2024-03-01,2024-04-01,100\nD2,direct,,open,2024-03-02,,50\n")
LEADS = "lead_id,partner_id,direction,created_at\nL1,P2,referred,2024-03-01\n"


def reading_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("partner-analysis-read")]


@pytest.fixture
def raw(tmp_path) -> Path:
    for name, text in (("partners", PARTNERS), ("deals", DEALS), ("leads", LEADS)):
        (tmp_path / f"{name}.csv").write_text(text)
    return tmp_path


def test_tables_read_ahead_validate_as_tables_read_first(raw):
    ahead = load_and_validate(raw)
    first = validate_tables({name: (src.file.name, src.frame) for name, src in load_raw(raw).items()})
    assert ahead.report.ok and first.report.ok
    assert ahead.report.render() == first.report.render()
    assert set(ahead.tables) == {"partners", "deals", "leads"}
    for name, frame in first.tables.items():
        pd.testing.assert_frame_equal(ahead.tables[name], frame)
    assert reading_threads() == []


def test_files_are_read_one_at_a_time_parents_first(raw, monkeypatch):
    order, running, overlap = [], [], []

    def read(table, path, mapping, raw_dir):
        overlap.append(len(running))
        running.append(table)
        order.append(table)
        try:
            return pd.read_csv(path, dtype=str)
        finally:
            running.remove(table)

    monkeypatch.setattr(readahead, "read_source", read)
    files = find_sources(raw)
    with readahead.read_ahead(files, None, raw, ("leads", "partners")) as sources:
        assert "deals" in sources and "revenue" not in sources and len(sources) == 3
        assert sources["deals"][0] == "deals.csv"
        assert list(sources) == ["leads", "partners", "deals"]
    assert order == ["leads", "partners", "deals"] and overlap == [0, 0, 0]
    load_and_validate(raw)
    assert order[3:] == [t for t in VALIDATION_ORDER if t in files]


def test_a_file_that_cannot_be_read_raises_its_error_and_leaves_no_thread(raw):
    (raw / "leads.csv").write_bytes(b"lead_id,partner_id\n\x00\x01\x02")
    with pytest.raises(InputError, match="binary data") as err:
        load_and_validate(raw)
    assert "leads.csv" in str(err.value)
    assert reading_threads() == []


def test_leaving_early_cancels_the_reads_not_started(raw, monkeypatch):
    started, began, release = [], threading.Event(), threading.Event()

    def read(table, path, mapping, raw_dir):
        started.append(table)
        began.set()
        release.wait(5)
        return pd.DataFrame()

    monkeypatch.setattr(readahead, "read_source", read)
    with pytest.raises(RuntimeError, match="stop"):
        with readahead.read_ahead(find_sources(raw), None, raw, VALIDATION_ORDER):
            assert began.wait(5)
            threading.Timer(0.2, release.set).start()
            raise RuntimeError("stop")
    assert started == ["partners"]  # the read running finished; the two waiting never started
    assert reading_threads() == []
