"""The loader and validation under hostile input (hypothesis): every case ends in a clean result or a
named ``InputError`` / validation report, never a traceback, a hang or a row silently lost.

Bounded and deterministic: ``derandomize=True`` and a fixed number of examples, so the suite runs
the same cases every time.
"""
from __future__ import annotations

import csv
import io
import string

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partner_analysis.errors import InputError
from partner_analysis.ingest.prepare import load_and_validate
from partner_analysis.ingest.readers import read_table_file
from partner_analysis.ingest.validation import validate_tables

FUZZ = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PARTNERS = "partner_id,partner_name,partner_type,joined_at\np1,Acme,reseller,2024-01-01\n"
DEAL_COLUMNS = ["deal_id", "attribution", "partner_id", "stage", "created_at", "closed_at", "amount"]
#: Strings that spreadsheets or browsers would act on: they must stay plain data.
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1", "-2+3", "@SUM(A1:A9)", "=1+1",
           "<script>alert(1)</script>", "<b>bold</b> &amp; &lt;", "../../etc/passwd", "'quoted'",
           '"double" quotes', "a;b|c\td,e", "line\nbreak", "crlf\r\nbreak", "\u202eevil\u202c", "Müller 🙂",
           "NULL", "nan", "None", " padded "]
cells = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=string.printable + "éü€😀\u00a0", max_size=30),
                  st.sampled_from(["", "won", "lost", "open", "sourced", "direct", "2024-03-01", "12.5", "-1"]))


def csv_bytes(rows: list[list[str]], delimiter: str, newline: str, encoding: str) -> bytes:
    buf = io.StringIO()
    # Python's writer quotes only the characters of its own line end: a bare CR in a "\n" file would
    # break the row for every CSV reader, so such a file is written fully quoted, as exports do
    bare_cr = newline == "\n" and any("\r" in cell for row in rows for cell in row)
    quoting = csv.QUOTE_ALL if bare_cr else csv.QUOTE_MINIMAL
    csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=quoting).writerows(rows)
    return buf.getvalue().encode(encoding)


def expect_clean(run):
    """Run one load; an ``InputError`` is a clean outcome, any other exception fails the test."""
    try:
        return run()
    except InputError:
        return None


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_end_in_a_clean_result_or_a_named_error(tmp_path_factory, data):
    raw = tmp_path_factory.mktemp("bytes")
    (raw / "partners.csv").write_text(PARTNERS)
    (raw / "deals.csv").write_bytes(data)
    for lenient in (False, True):
        result = expect_clean(lambda: load_and_validate(raw, lenient=lenient))
        if result is not None:
            for table, n in result.report.rows_in.items():
                if lenient or result.report.ok:
                    assert n == result.report.rows_kept[table] + result.report.rows_rejected[table]


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=7, max_size=7), max_size=12),
       order=st.permutations(range(7)), delimiter=st.sampled_from([",", ";", "\t", "|"]),
       newline=st.sampled_from(["\n", "\r\n"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
       cut=st.one_of(st.none(), st.integers(min_value=1, max_value=400)))
def test_random_tables_read_back_cell_for_cell_or_fail_cleanly(tmp_path_factory, rows, order, delimiter, newline,
                                                              encoding, cut):
    header = [DEAL_COLUMNS[i] for i in order]
    table = [header] + [[row[i] for i in order] for row in rows]
    try:
        data = csv_bytes(table, delimiter, newline, encoding)
    except UnicodeEncodeError:
        return  # latin-1 cannot write every character: not a file anyone has
    truncated = cut is not None and cut < len(data)
    raw = tmp_path_factory.mktemp("table")
    path = raw / "deals.csv"
    path.write_bytes(data[:cut] if truncated else data)
    frame = expect_clean(lambda: read_table_file(path))
    if frame is not None and not truncated and list(frame.columns) == header:
        # read as written: every row, every cell (an empty cell is missing), nothing converted
        assert len(frame) == len(rows)
        written = pd.DataFrame(table[1:], columns=header, dtype=object)
        for column in header:
            got = [None if pd.isna(v) else v for v in frame[column]]
            assert got == [None if v == "" else v for v in written[column]], column
    if frame is not None:
        (raw / "partners.csv").write_text(PARTNERS)
        result = validate_tables({"partners": ("partners.csv", read_table_file(raw / "partners.csv")),
                                  "deals": ("deals.csv", frame)}, lenient=True)
        report = result.report
        if "deals" in report.rows_kept:
            assert report.rows_in["deals"] == report.rows_kept["deals"] + report.rows_rejected["deals"] == len(frame)


def test_a_field_longer_than_the_reader_block_is_read_whole(tmp_path):
    """pyarrow reads in 1 MiB blocks; a 3 MB field (a pasted document) must not break the file."""
    huge = "x" * 3_000_000 + "\n" + "y" * 10
    path = tmp_path / "partners.csv"
    path.write_bytes(csv_bytes([["partner_id", "partner_name"], ["p1", huge], ["p2", "short"]], ",", "\n", "utf-8"))
    frame = read_table_file(path)
    assert frame["partner_name"].tolist() == [huge, "short"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_and_markup_strings_stay_plain_data_through_validation(tmp_path, value):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "partners.csv").write_bytes(csv_bytes(
        [["partner_id", "partner_name", "partner_type", "joined_at"], ["p1", value, "reseller", "2024-01-01"]],
        ",", "\n", "utf-8"))
    (raw / "deals.csv").write_text(",".join(DEAL_COLUMNS) + "\nd1,direct,,open,2024-03-01,,10\n")
    data = load_and_validate(raw)
    assert data.report.ok, data.report.render()
    name = data.tables["partners"]["partner_name"].iloc[0]
    assert name == (value.strip() or None)  # only surrounding blanks are trimmed, as for every text cell


@FUZZ
@given(rows=st.lists(st.lists(st.one_of(st.none(), cells), min_size=7, max_size=7), max_size=12),
       groups=st.integers(min_value=1, max_value=4))
def test_parquet_categories_read_as_dictionaries_validate_as_their_text(tmp_path_factory, rows, groups):
    """Random cells in a Parquet file (row groups with their own dictionaries): what validation
    keeps, rejects and reports from the dictionaries is what it does from the same text."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    raw = tmp_path_factory.mktemp("parquet")
    (raw / "partners.csv").write_text(PARTNERS)
    table = pa.table({c: pa.array([row[i] for row in rows], pa.string()) for i, c in enumerate(DEAL_COLUMNS)})
    pq.write_table(table, raw / "deals.parquet", row_group_size=max(1, -(-len(rows) // groups)))
    for lenient in (False, True):
        got = load_and_validate(raw, lenient=lenient)
        text = validate_tables({"partners": ("partners.csv", read_table_file(raw / "partners.csv")),
                                "deals": ("deals.parquet", read_table_file(raw / "deals.parquet"))}, lenient=lenient)
        assert got.report.render() == text.report.render()
        assert got.report.rows_in["deals"] == len(rows)
        if "deals" in got.tables:
            pd.testing.assert_frame_equal(got.tables["deals"], text.tables["deals"])
        if "deals" in got.rejected:
            pd.testing.assert_frame_equal(got.rejected["deals"].astype(str), text.rejected["deals"].astype(str))
