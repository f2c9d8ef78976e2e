"""Reading input files: every supported variant loads identically; every unreadable file gets a clear error.

Cell-level contract errors (unparseable values, unknown categories, duplicate ids, foreign keys,
closed before created, negative amounts, missing required columns) are covered on frames in
test_validation.py; here they are checked only where the file format changes what is read.
"""
from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from partner_analysis.build import build
from partner_analysis.ingest.prepare import load_and_validate
from partner_analysis.paths import kpi_store_file
from partner_analysis.errors import InputError, ValidationError
from partner_analysis.ingest.loading import load_raw
from partner_analysis.ingest.readers import read_table_file
from partner_analysis.versions import current_build

PARTNER_ROWS = [
    ["partner_id", "partner_name", "partner_type", "joined_at", "annual_revenue"],
    ["101", "Acme, Inc.", "reseller", "2024-01-15", "1500000.5"],
    ["102", "Globex; \"Müller\" | Söhne", "referral", "2024-02-01", ""],
]
DEAL_ROWS = [
    ["deal_id", "attribution", "partner_id", "stage", "created_at", "closed_at", "amount"],
    ["D1", "sourced", "101", "won", "2024-03-01", "2024-04-01", "1200.5"],
    ["D2", "influenced", "102", "lost", "2024-03-02", "2024-04-02", "800"],
    ["D3", "direct", "", "open", "2024-03-03", "", "50"],
]


def csv_bytes(rows, delimiter=",", newline="\n", bom=False) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8")


def typed_frames() -> dict[str, pd.DataFrame]:
    """The same two tables with native types, as a Parquet or Excel export holds them."""
    partners = pd.DataFrame({
        "partner_id": [101, 102], "partner_name": [PARTNER_ROWS[1][1], PARTNER_ROWS[2][1]],
        "partner_type": ["reseller", "referral"],
        "joined_at": pd.to_datetime(["2024-01-15", "2024-02-01"]), "annual_revenue": [1500000.5, None]})
    deals = pd.DataFrame({
        "deal_id": ["D1", "D2", "D3"], "attribution": ["sourced", "influenced", "direct"],
        "partner_id": [101.0, 102.0, None],  # blank cell: the id column becomes float
        "stage": ["won", "lost", "open"], "created_at": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"]),
        "closed_at": pd.to_datetime(["2024-04-01", "2024-04-02", None]), "amount": [1200.5, 800.0, 50.0]})
    return {"partners": partners, "deals": deals}


def write_variant(folder: Path, variant: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if variant in ("parquet", "xlsx"):
        for name, frame in typed_frames().items():
            if variant == "parquet":
                frame.to_parquet(folder / f"{name}.parquet", index=False)
            else:
                frame.to_excel(folder / f"{name}.xlsx", index=False, engine="openpyxl")
        return folder
    delimiter, newline, bom, suffix = {
        "comma": (",", "\n", False, ".csv"),
        "semicolon": (";", "\n", False, ".csv"),
        "tab": ("\t", "\n", False, ".tsv"),
        "tab_in_csv": ("\t", "\n", False, ".csv"),
        "pipe": ("|", "\n", False, ".csv"),
        "bom_crlf_comma": (",", "\r\n", True, ".csv"),
        "bom_crlf_semicolon": (";", "\r\n", True, ".csv"),
        "crlf_pipe": ("|", "\r\n", False, ".txt"),
    }[variant]
    for name, rows in (("partners", PARTNER_ROWS), ("deals", DEAL_ROWS)):
        (folder / f"{name}{suffix}").write_bytes(csv_bytes(rows, delimiter, newline, bom))
    return folder


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def tree_hash(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Validated tables from the plain comma-separated UTF-8 files."""
    data = load_and_validate(write_variant(tmp_path_factory.mktemp("ref"), "comma"))
    assert data.report.ok, data.report.render()
    return data.tables


# -- good variants ---------------------------------------------------------------------------

def test_reference_tables_have_the_known_values(reference):
    p, d = reference["partners"], reference["deals"]
    assert p["partner_id"].tolist() == ["101", "102"]
    assert p["partner_name"].tolist() == ["Acme, Inc.", 'Globex; "Müller" | Söhne']
    assert p["annual_revenue"].iloc[0] == 1500000.5 and pd.isna(p["annual_revenue"].iloc[1])
    assert d["partner_id"].tolist()[:2] == ["101", "102"] and pd.isna(d["partner_id"].iloc[2])
    assert d["amount"].tolist() == [1200.5, 800.0, 50.0]
    assert d["closed_at"].tolist()[:2] == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-04-02")]
    assert pd.isna(d["closed_at"].iloc[2])


@pytest.mark.parametrize("variant", ["semicolon", "tab", "tab_in_csv", "pipe", "bom_crlf_comma",
                                     "bom_crlf_semicolon", "crlf_pipe", "parquet", "xlsx"])
def test_every_supported_variant_validates_to_the_same_tables(tmp_path, reference, variant):
    data = load_and_validate(write_variant(tmp_path, variant))
    assert data.report.ok, data.report.render()
    assert set(data.tables) == {"partners", "deals"}
    for name, expected in reference.items():
        pd.testing.assert_frame_equal(data.tables[name], expected, obj=f"{variant}: {name}")


@pytest.mark.parametrize("variant", ["semicolon", "tab", "pipe", "bom_crlf_comma", "bom_crlf_semicolon", "crlf_pipe"])
def test_text_variants_read_to_identical_raw_text(tmp_path, variant):
    """CSV is read as text: the same cells, the same column names (no BOM, no stray CR), nothing converted."""
    expected = read_table_file(write(tmp_path / "ref" / "deals.csv", csv_bytes(DEAL_ROWS)))
    folder = write_variant(tmp_path / "v", variant)
    (path,) = folder.glob("deals.*")
    frame = read_table_file(path)
    pd.testing.assert_frame_equal(frame, expected)
    assert list(frame.columns) == DEAL_ROWS[0]
    assert frame["amount"].tolist() == ["1200.5", "800", "50"]


def test_header_only_file_is_an_empty_table(tmp_path):
    write(tmp_path / "partners.csv", "partner_id,partner_name,partner_type,joined_at\r\n")
    write(tmp_path / "deals.csv", ",".join(DEAL_ROWS[0]) + "\n")
    frame = read_table_file(tmp_path / "deals.csv")
    assert frame.shape == (0, 7) and list(frame.columns) == DEAL_ROWS[0]
    data = load_and_validate(tmp_path)
    assert data.report.ok, data.report.render()
    assert data.report.rows_in == {"partners": 0, "deals": 0}
    assert len(data.tables["deals"]) == 0 and str(data.tables["deals"]["created_at"].dtype).startswith("datetime64")


def test_iso_datetimes_with_offsets_are_read_as_utc(tmp_path):
    rows = [r[:] for r in DEAL_ROWS]
    rows[1][4], rows[1][5] = "2024-03-01T10:30:00+02:00", "2024-04-01T23:15Z"
    write_variant(tmp_path, "comma")
    write(tmp_path / "deals.csv", csv_bytes(rows))
    deals = load_and_validate(tmp_path).tables["deals"]
    assert deals["created_at"].iloc[0] == pd.Timestamp("2024-03-01 08:30")
    assert deals["closed_at"].iloc[0] == pd.Timestamp("2024-04-01 23:15")


def test_files_of_no_table_are_ignored(tmp_path, reference):
    write_variant(tmp_path, "comma")
    write(tmp_path / "notes.txt", "free text, not a table\n")
    write(tmp_path / "deals_backup.csv", b"\x00\x01 binary")
    write(tmp_path / "README.md", "# exports\n")
    data = load_and_validate(tmp_path)
    assert data.report.ok and set(data.tables) == {"partners", "deals"}
    pd.testing.assert_frame_equal(data.tables["deals"], reference["deals"])


# -- files that cannot be read -----------------------------------------------------------------

def read_error(path: Path) -> str:
    with pytest.raises(InputError) as err:
        read_table_file(path)
    message = str(err.value)
    assert message.startswith(f"{path}: "), message  # names the file first
    assert err.value.file == str(path)
    return message


@pytest.mark.parametrize("data", [b"", b"\n\n  \r\n"])
def test_empty_file(tmp_path, data):
    message = read_error(write(tmp_path / "deals.csv", data))
    assert "the file is empty (expected a header row naming the columns)" in message


def test_binary_file_is_not_a_table(tmp_path):
    workbook = tmp_path / "book.xlsx"
    typed_frames()["deals"].to_excel(workbook, index=False)
    message = read_error(write(tmp_path / "deals.csv", workbook.read_bytes()))  # an Excel file saved as .csv
    assert "not a table: the file holds binary data (expected CSV text)" in message


def test_latin1_bytes_are_not_utf8(tmp_path):
    text = "partner_id,partner_name\n101,Acme\n102,Caf\u00e9 M\u00fcller\n"
    message = read_error(write(tmp_path / "partners.csv", text.encode("latin-1")))
    assert "not UTF-8 text (byte 0xe9 on line 3); re-export the file as UTF-8" in message


@pytest.mark.parametrize("text,line,fields", [
    ("a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n", "line 3", "saw 4"),
    ("a;b;c\n1;2;3\n4;5;6\n7;8;9;10;11\n", "line 4", "saw 5"),
])
def test_ragged_csv_row_with_too_many_fields(tmp_path, text, line, fields):
    message = read_error(write(tmp_path / "deals.csv", text))
    assert f"Expected 3 fields in {line}, {fields}" in message
    assert "rows must have as many fields as the header" in message


@pytest.mark.parametrize("delimiter", [",", ";", "|"])
def test_ragged_first_data_row_is_an_error_not_a_silent_shift(tmp_path, delimiter):
    """pandas would take the surplus leading field of row 1 as an index and shift every value."""
    text = "\n".join(delimiter.join(r) for r in (["a", "b", "c"], ["1", "2", "3", "4"], ["5", "6", "7"])) + "\n"
    message = read_error(write(tmp_path / "deals.csv", text))
    assert "the first data row (line 2) has 4 fields, the header 3" in message
    assert "rows must have as many fields as the header" in message


@pytest.mark.parametrize("name,header", [
    ("partners.csv", "partner_id,partner_name,partner_name,joined_at"),
    ("partners.csv", "partner_id;partner_name; partner_id;joined_at"),  # equal once blanks are stripped
])
def test_duplicate_column_names_in_csv(tmp_path, name, header):
    message = read_error(write(tmp_path / name, header + "\n" + header.replace("partner", "x") + "\n"))
    duplicated = "partner_name" if "partner_name,partner_name" in header else "partner_id"
    assert message.endswith(f"duplicate column names: {duplicated}")


def test_duplicate_column_names_in_excel(tmp_path):
    frame = pd.DataFrame([["D1", "won", "lost"]], columns=["deal_id", "stage", "x"])
    frame.columns = ["deal_id", "stage", "stage"]
    frame.to_excel(tmp_path / "deals.xlsx", index=False)
    assert read_error(tmp_path / "deals.xlsx").endswith("duplicate column names: stage")


@pytest.mark.parametrize("name,expected", [
    ("deals.parquet", "not a Parquet file"),
    ("deals.xlsx", "not a readable Excel workbook"),
    ("deals.json", "unsupported file type '.json'; expected one of .csv, .tsv, .txt, .parquet, .xlsx"),
])
def test_wrong_content_for_the_suffix(tmp_path, name, expected):
    assert expected in read_error(write(tmp_path / name, "deal_id,stage\nD1,won\n"))


# -- tables in a folder ------------------------------------------------------------------------

def test_two_files_for_one_table(tmp_path):
    write_variant(tmp_path, "comma")
    typed_frames()["deals"].to_parquet(tmp_path / "deals.parquet", index=False)
    with pytest.raises(InputError) as err:
        load_raw(tmp_path)
    assert err.value.file == str(tmp_path)
    assert "two files for table deals: deals.csv, deals.parquet; keep one" in str(err.value)


@pytest.mark.parametrize("missing", ["partners", "deals"])
def test_missing_required_table(tmp_path, missing):
    write_variant(tmp_path, "comma")
    (tmp_path / f"{missing}.csv").unlink()
    with pytest.raises(InputError) as err:
        load_and_validate(tmp_path)
    message = str(err.value)
    assert message.startswith(f"{tmp_path}: required table(s) {missing} not found")
    assert f"{missing}.csv, {missing}.parquet, {missing}.xlsx" in message  # says what it looked for


def test_missing_input_folder(tmp_path):
    with pytest.raises(InputError, match="input folder not found"):
        load_and_validate(tmp_path / "nowhere")


def test_required_column_missing_from_a_file_lists_the_columns_found(tmp_path):
    write_variant(tmp_path, "comma")
    rows = [r[:] for r in DEAL_ROWS]
    rows[0][6] = "Amount (EUR)"
    write(tmp_path / "deals.csv", csv_bytes(rows, ";"))
    report = load_and_validate(tmp_path).report
    assert not report.ok and len(report.issues) == 1
    issue = report.issues[0]
    assert (issue.table, issue.file, issue.column) == ("deals", "deals.csv", "amount")
    assert "required column amount (found: deal_id, attribution" in issue.expected and "Amount (EUR)" in issue.expected


# -- cells whose file format gives them a type -------------------------------------------------

def test_text_in_a_parquet_number_column_is_reported_with_row_and_value(tmp_path):
    frames = typed_frames()
    frames["partners"].to_parquet(tmp_path / "partners.parquet", index=False)
    deals = frames["deals"].assign(amount=["1200.5", "n/a", "50"])
    deals.to_parquet(tmp_path / "deals.parquet", index=False)
    report = load_and_validate(tmp_path).report
    assert [i.render() for i in report.issues] == [
        "deals.parquet, column 'amount': 1 row - expected a number like 1234.5\n    row 2 ('n/a')"]


def test_text_in_an_excel_date_column_is_reported_with_row_and_value(tmp_path):
    frames = typed_frames()
    frames["partners"].to_excel(tmp_path / "partners.xlsx", index=False)
    deals = frames["deals"].astype({"created_at": object})
    deals.loc[2, "created_at"] = "TBD"
    deals.to_excel(tmp_path / "deals.xlsx", index=False)
    report = load_and_validate(tmp_path).report
    assert len(report.issues) == 1, report.render()
    issue = report.issues[0]
    assert (issue.file, issue.column, issue.n_rows, issue.rows, issue.values) == (
        "deals.xlsx", "created_at", 1, (3,), ("TBD",))
    assert "an ISO date" in issue.expected


def test_unparseable_bool_is_reported(tmp_path):
    write_variant(tmp_path, "comma")
    write(tmp_path / "leads.csv", "lead_id,partner_id,direction,created_at,qualified\n"
                                  "L1,101,referred,2024-03-01,Yes\nL2,102,distributed,2024-03-02,perhaps\n"
                                  "L3,101,referred,2024-03-03,\n")
    data = load_and_validate(tmp_path)
    assert [(i.file, i.column, i.rows, i.values, i.expected) for i in data.report.issues] == [
        ("leads.csv", "qualified", (2,), ("perhaps",), "true or false")]
    lenient = load_and_validate(tmp_path, lenient=True)
    assert lenient.tables["leads"]["qualified"].tolist()[0] is True
    assert lenient.report.rows_kept["leads"] == 2 and lenient.report.rows_rejected["leads"] == 1


def test_numeric_excel_ids_match_text_ids_of_a_csv(tmp_path, reference):
    """partners.xlsx holds ids as numbers (101), deals.csv as text ("101"): the foreign key still holds."""
    typed_frames()["partners"].to_excel(tmp_path / "partners.xlsx", index=False)
    write(tmp_path / "deals.csv", csv_bytes(DEAL_ROWS))
    data = load_and_validate(tmp_path)
    assert data.report.ok, data.report.render()
    pd.testing.assert_frame_equal(data.tables["partners"], reference["partners"])


# -- hostile values and the raw folder -----------------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "../../etc/passwd"]


def test_hostile_partner_names_and_ids_are_plain_data_end_to_end(tmp_path, demo_raw_dir, monkeypatch):
    """Through load, validate and build, unchanged; no file is created outside the output folder."""
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw_dir, raw)
    partners = pd.read_csv(raw / "partners.csv", dtype=str, keep_default_na=False)
    deals = pd.read_csv(raw / "deals.csv", dtype=str, keep_default_na=False)
    old_ids = deals.loc[deals["partner_id"] != "", "partner_id"].value_counts().index[:2].tolist()
    rows = partners.index[partners["partner_id"].isin(old_ids)]
    new_ids = dict(zip(old_ids, HOSTILE[::-1]))  # the busiest partner gets the path as its id
    partners.loc[rows, "partner_name"] = [HOSTILE[i % 2] for i in range(len(rows))]
    for table in ("partners", "deals", "deal_partners", "deal_registrations", "leads", "customers", "activities",
                  "tickets", "surveys", "costs", "integration_events", "incidents", "agreements"):
        frame = partners if table == "partners" else deals if table == "deals" else \
            pd.read_csv(raw / f"{table}.csv", dtype=str, keep_default_na=False)
        if "partner_id" in frame.columns:
            frame["partner_id"] = frame["partner_id"].replace(new_ids)
        frame.to_csv(raw / f"{table}.csv", index=False)
    work = tmp_path / "a" / "b" / "cwd"  # ../../etc/passwd from here is still inside tmp_path
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    before_raw = tree_hash(raw)
    before_all = set(tree_hash(tmp_path))

    result = build(raw, tmp_path / "processed")

    assert tree_hash(raw) == before_raw
    created = set(tree_hash(tmp_path)) - before_all
    assert created and all(p.startswith("processed/") for p in created), sorted(created)
    assert not (tmp_path / "a" / "etc").exists() and not (tmp_path / "etc").exists()
    stored = pd.read_parquet(result.build_dir / "partners.parquet")
    assert sorted(stored.loc[stored["partner_name"].isin(HOSTILE), "partner_name"]) == sorted(
        partners.loc[rows, "partner_name"])
    assert set(HOSTILE) <= set(stored["partner_id"])
    stored_deals = pd.read_parquet(result.build_dir / "deals.parquet")
    assert (stored_deals["partner_id"] == HOSTILE[1]).sum() == (deals["partner_id"] == HOSTILE[1]).sum() > 0
    kpis = pd.read_parquet(result.build_dir / kpi_store_file("quarter"))
    assert set(HOSTILE) <= set(kpis["partner_id"].dropna())
    assert result.data.report.ok


def test_a_failed_load_leaves_the_raw_folder_untouched(tmp_path):
    raw = write_variant(tmp_path / "raw", "bom_crlf_semicolon")
    write(raw / "leads.csv", "lead_id,partner_id\nL1,101,extra,fields\nL2,102\n")
    before = tree_hash(raw)
    with pytest.raises((InputError, ValidationError)):
        build(raw, tmp_path / "processed")
    assert tree_hash(raw) == before
    assert not (current_build(tmp_path / "processed") / "build.json").exists()  # no build was made


# -- Parquet timestamps read straight to nanoseconds when they fit --------------------------------

def _timestamp_table(values, unit="ms", tz=None, extra=None):
    import pyarrow as pa
    columns = {"at": pa.array(values, pa.timestamp(unit, tz=tz))}
    columns.update(extra or {})
    return pa.table(columns)


@pytest.mark.parametrize("make, fits", [
    (lambda: _timestamp_table([0, 86_400_000, None]), True),
    (lambda: _timestamp_table([0, 86_400_000], unit="s"), True),
    (lambda: _timestamp_table([0, 1], unit="us", tz="Europe/Berlin"), True),
    (lambda: _timestamp_table([0, 1], unit="ns"), False),                    # nothing to convert
    (lambda: _timestamp_table([None, None]), False),                         # all missing
    (lambda: _timestamp_table([0, 10_000_000_000_000]), False),              # year 2286: outside
    (lambda: _timestamp_table([0, -9_300_000_000_000]), False),              # year 1675: outside
    (lambda: _timestamp_table([0], extra={"day": __import__("pyarrow").array([0], __import__("pyarrow").date32())}),
     False),                                                                 # a date column keeps pandas' way
])
def test_which_parquet_timestamps_are_read_as_nanoseconds(make, fits):
    from partner_analysis.ingest.readers import _timestamps_fit_nanoseconds
    assert _timestamps_fit_nanoseconds(make()) is fits


def test_parquet_timestamps_read_as_nanoseconds_validate_as_before(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from partner_analysis.ingest.readers import read_table_file
    frames = typed_frames()
    deals = frames["deals"].assign(closed_at=pd.to_datetime(["2024-04-01", "2024-02-01", None]))  # row 2 bad
    results = {}
    for unit in ("ms", "ns"):  # ms is converted by pyarrow while reading, ns (as before) by the contract
        folder = tmp_path / unit
        folder.mkdir()
        frames["partners"].to_parquet(folder / "partners.parquet", index=False)
        table = pa.Table.from_pandas(deals, preserve_index=False)
        for name in ("created_at", "closed_at"):
            table = table.set_column(table.schema.get_field_index(name), name,
                                     table.column(name).cast(pa.timestamp(unit)))
        pq.write_table(table, folder / "deals.parquet", **({"coerce_timestamps": "ms"} if unit == "ms" else {}))
        assert pq.read_schema(folder / "deals.parquet").field("closed_at").type == pa.timestamp(unit)
        assert str(read_table_file(folder / "deals.parquet")["closed_at"].dtype) == "datetime64[ns]"
        results[unit] = load_and_validate(folder, lenient=True)
    ms, ns = results["ms"], results["ns"]
    pd.testing.assert_frame_equal(ms.tables["deals"], ns.tables["deals"])
    assert str(ms.tables["deals"]["closed_at"].dtype) == "datetime64[ns]"
    assert ms.tables["deals"]["closed_at"].tolist()[0] == pd.Timestamp("2024-04-01")
    pd.testing.assert_frame_equal(ms.rejected["deals"], ns.rejected["deals"])
    assert ms.report.render() == ns.report.render()
    assert ms.rejected["deals"]["_row"].tolist() == [2]
    issue, = load_and_validate(tmp_path / "ms").report.issues  # strict: the same issue, file, columns, row
    assert (issue.file, issue.column, issue.rows, issue.expected) == (
        "deals.parquet", "created_at, closed_at", (2,), "closed_at on or after created_at")
    assert issue.values == ("created_at=2024-03-02 00:00:00, closed_at=2024-02-01 00:00:00",)


def test_parquet_category_columns_read_as_dictionaries_validate_as_text(tmp_path):
    """Enumerated columns of a Parquet file without a mapping come as categoricals of the file's
    dictionary; what validation keeps, rejects and reports is what it does on the same text."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from partner_analysis.ingest.validation import validate_tables
    frames = typed_frames()
    # case and blanks folded; a blank and a missing cell are missing (required: reported); "won!"
    # is not a stage; two row groups with different dictionaries
    deals = pd.DataFrame({
        "deal_id": ["D1", "D2", "D3", "D4", "D5", "D6"],
        "attribution": ["Sourced", " influenced ", "direct", "direct", "direct", "DIRECT"],
        "partner_id": [101.0, 102.0, None, None, None, None],
        "stage": ["Won", "lost", "open", "won!", "   ", None],
        "created_at": pd.to_datetime(["2024-03-01"] * 6),
        "closed_at": pd.to_datetime(["2024-04-01", "2024-04-02", None, "2024-04-03", None, None]),
        "amount": [1200.5, 800.0, 50.0, 10.0, 5.0, 1.0]})
    frames["partners"].to_parquet(tmp_path / "partners.parquet", index=False)
    pq.write_table(pa.Table.from_pandas(deals, preserve_index=False), tmp_path / "deals.parquet", row_group_size=3)
    assert isinstance(read_table_file(tmp_path / "deals.parquet", categories=("stage",))["stage"].dtype,
                      pd.CategoricalDtype)
    assert not isinstance(read_table_file(tmp_path / "deals.parquet")["stage"].dtype, pd.CategoricalDtype)
    got = load_and_validate(tmp_path, lenient=True)
    text = validate_tables({name: (f"{name}.parquet", read_table_file(tmp_path / f"{name}.parquet"))
                            for name in ("partners", "deals")}, lenient=True)
    pd.testing.assert_frame_equal(got.tables["deals"], text.tables["deals"])
    pd.testing.assert_frame_equal(got.rejected["deals"].astype(str), text.rejected["deals"].astype(str))
    assert got.report.render() == text.report.render()
    assert got.tables["deals"]["attribution"].tolist() == ["sourced", "influenced", "direct"]
    assert got.tables["deals"]["stage"].tolist() == ["won", "lost", "open"]
    assert got.rejected["deals"]["_row"].tolist() == [4, 5, 6]
    assert got.rejected["deals"]["_reason"].tolist() == [
        "stage: expected one of open, won, lost", "stage: expected a value (the column is required)",
        "stage: expected a value (the column is required)"]
    unknown, required = load_and_validate(tmp_path).report.issues
    assert (unknown.column, unknown.rows, unknown.values) == ("stage", (4,), ("won!",))
    assert (required.column, required.rows) == ("stage", (5, 6))
