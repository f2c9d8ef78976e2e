"""The YAML mapping: each feature gives a known answer; every mistake in it is a clear error."""
from __future__ import annotations

import textwrap
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from partner_analysis.ingest.prepare import load_and_validate, resolve_mapping
from partner_analysis.cli import app
from partner_analysis.errors import InputError
from partner_analysis.ingest.loading import load_raw
from partner_analysis.ingest.mapping import MappingError, load_mapping

AGENTS = """\
Agent,Office,Started
Ann Lee,West,03/01/2023
Bo Chen,East,15/02/2023
Cy Park,East,
"""
PIPELINE = """\
Opp,Agent,Stage,Opened,Closed,Value,Product,Account
O1,Ann Lee,Won,2023-03-01,2023-04-10,1000,GTXPro,Acme
O2,Bo Chen,Lost,2023-03-05,2023-05-01,0,MG Special,Globex
O3,Ann Lee,Engaging,2023-04-01,,,GTXPro,
O4,Cy Park,Prospecting,2023-04-02,,,MG Special,Initech
O5,Bo Chen,Won,2023-04-03,2023-06-30,2500,Unknown Box,Acme
"""
PRODUCTS = """\
product,price
GTX Pro,4821
MG Special,55
"""
EVENTS = """\
account,event_date,sector
Acme,2023-05-01,technolgy
Acme,2023-07-01,technolgy
Globex,2023-02-01,N/A
Initech,2023-06-15,retail
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def mapping_file(folder: Path, text: str, name: str = "map.yml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


PARTNERS_MAPPING = """\
  partners:
    file: agents.csv
    columns: {partner_id: Agent, partner_name: Agent, region: Office, joined_at: Started}
    constants: {partner_type: reseller}
    dates: {joined_at: "%d/%m/%Y"}
    fill: {joined_at: "2023-01-01"}
"""


@pytest.fixture
def raw(tmp_path) -> Path:
    return write(tmp_path / "raw", {"agents.csv": AGENTS, "pipeline.csv": PIPELINE, "products.csv": PRODUCTS,
                                    "events.csv": EVENTS})


def load(raw: Path, tables_yaml: str, top: str = "") -> dict:
    path = mapping_file(raw.parent, top + "tables:\n" + tables_yaml)
    return {name: src.frame for name, src in load_raw(raw, load_mapping(path)).items()}


def deals_yaml(*parts: str) -> str:
    body = "".join(textwrap.dedent(part) for part in parts)
    return PARTNERS_MAPPING + "  deals:\n    file: pipeline.csv\n" + textwrap.indent(body, "    ")


BASE_DEALS = """\
columns: {deal_id: Opp, partner_id: Agent, stage: Stage, created_at: Opened, closed_at: Closed, amount: Value}
values: {stage: {Won: won, Lost: lost, Engaging: open, Prospecting: open}}
constants: {attribution: sourced}
"""


# -- features, each with a known answer -------------------------------------------------------

def test_columns_are_renamed_sources_dropped_and_others_kept(raw):
    partners = load(raw, PARTNERS_MAPPING, top="required_tables: [partners]\n")["partners"]
    assert partners["partner_id"].tolist() == ["Ann Lee", "Bo Chen", "Cy Park"]
    assert partners["partner_name"].tolist() == partners["partner_id"].tolist()  # one source, two columns
    assert partners["region"].tolist() == ["West", "East", "East"]
    assert not {"Agent", "Office", "Started"} & set(partners.columns)
    deals = load(raw, deals_yaml(BASE_DEALS))["deals"]
    assert {"Product", "Account"} <= set(deals.columns)  # columns the mapping does not mention pass through
    assert deals["deal_id"].tolist() == ["O1", "O2", "O3", "O4", "O5"]


def test_swapped_column_names_are_renamed_from_the_original_file(tmp_path):
    raw = write(tmp_path / "raw", {"partners.csv": "partner_name,partner_id,partner_type,joined_at\n"
                                                   "P1,Acme,reseller,2023-01-01\n"})
    frame = load(raw, "  partners:\n    columns: {partner_id: partner_name, partner_name: partner_id}\n",
                 top="required_tables: [partners]\n")["partners"]
    assert frame[["partner_id", "partner_name"]].values.tolist() == [["P1", "Acme"]]


def test_values_are_mapped_and_unlisted_values_pass_through(raw):
    deals = load(raw, deals_yaml("""\
        columns: {deal_id: Opp, partner_id: Agent, stage: Stage}
        values: {stage: {Won: won, Lost: lost, Engaging: open}}
    """))["deals"]
    assert deals["stage"].tolist() == ["won", "lost", "open", "Prospecting", "won"]


def test_value_default_applies_to_unlisted_values_but_not_to_empty_cells(raw):
    deals = load(raw, deals_yaml("""\
        columns: {deal_id: Opp, stage: Stage, account_id: Account}
        values:
          stage: {Won: won, Lost: lost, _default: open}
          account_id: {Acme: A-1, _default: other}
    """))["deals"]
    assert deals["stage"].tolist() == ["won", "lost", "open", "open", "won"]
    assert deals["account_id"].fillna("(empty)").tolist() == ["A-1", "other", "(empty)", "other", "A-1"]


def test_values_mapped_to_null_become_missing(raw):
    deals = load(raw, deals_yaml("""\
        columns: {deal_id: Opp, amount: Value, account_id: Account}
        values:
          amount: {"0": null}
          account_id: {Acme: Acme, _default: null}
    """))["deals"]
    assert deals["amount"].isna().tolist() == [False, True, True, True, False]
    assert deals["amount"].tolist()[0] == "1000"
    assert deals["account_id"].isna().tolist() == [False, True, True, True, False]


def test_constants_set_every_row(raw):
    deals = load(raw, deals_yaml("columns: {deal_id: Opp}\n",
                                 "constants: {attribution: sourced, deal_type: renewal, region: 7}\n"))["deals"]
    assert set(deals["attribution"]) == {"sourced"} and set(deals["deal_type"]) == {"renewal"}
    assert deals["region"].tolist() == [7] * 5


def test_dates_are_parsed_with_the_stated_format_and_empty_cells_stay_empty(raw):
    partners = load(raw, PARTNERS_MAPPING.replace('    fill: {joined_at: "2023-01-01"}\n', ""),
                    top="required_tables: [partners]\n")["partners"]
    assert partners["joined_at"].tolist()[:2] == [pd.Timestamp("2023-01-03"), pd.Timestamp("2023-02-15")]
    assert pd.isna(partners["joined_at"].iloc[2])


def test_dates_with_times(tmp_path):
    raw = write(tmp_path / "raw", {"t.csv": "id,opened,closed\nT1,2023-07-27,2023-07-28 3:00\n"
                                            "T2,2023-07-28,2023-07-29 14:45\nT3,2023-07-29,\n"})
    frame = load(raw, """\
      tickets:
        file: t.csv
        columns: {ticket_id: id, opened_at: opened, resolved_at: closed}
        constants: {category: customer}
        dates: {resolved_at: "%Y-%m-%d %H:%M"}
    """, top="required_tables: [tickets]\n")["tickets"]
    assert frame["resolved_at"].tolist()[:2] == [pd.Timestamp("2023-07-28 03:00"), pd.Timestamp("2023-07-29 14:45")]
    assert pd.isna(frame["resolved_at"].iloc[2])


def test_lookup_fills_missing_values_only_and_applies_match(raw):
    deals = load(raw, deals_yaml("""\
        columns: {deal_id: Opp, amount: Value}
        values: {amount: {"0": null}}
        lookups:
          amount: {file: products.csv, by: Product, key: product, value: price, match: {GTXPro: GTX Pro}}
    """))["deals"]
    # O1 and O5 keep their own value (O5's product is not in products.csv); O2's 0 was cleared, then looked up
    assert deals["amount"].tolist() == ["1000", "55", "4821", "55", "2500"]


def test_lookup_without_match_leaves_unmatched_keys_empty(raw):
    deals = load(raw, deals_yaml("""\
        columns: {deal_id: Opp}
        lookups:
          list_price: {file: products.csv, by: Product, key: product, value: price}
    """))["deals"]
    assert deals["list_price"].tolist()[1] == "55" and deals["list_price"].tolist()[3] == "55"
    assert deals["list_price"].isna().tolist() == [True, False, True, False, True]  # GTXPro, Unknown Box


@pytest.mark.parametrize("aggregate,acme", [("first", "2023-05-01"), ("last", "2023-07-01"),
                                            ("min", "2023-05-01"), ("max", "2023-07-01")])
def test_lookup_aggregate_picks_one_value_per_repeated_key(raw, aggregate, acme):
    deals = load(raw, deals_yaml(f"""\
        columns: {{deal_id: Opp, account_id: Account}}
        lookups:
          last_event: {{file: events.csv, by: account_id, key: account, value: event_date, aggregate: {aggregate}}}
    """))["deals"]
    assert deals["last_event"].tolist()[0] == acme and deals["last_event"].tolist()[4] == acme
    assert deals["last_event"].tolist()[1] == "2023-02-01" and deals["last_event"].tolist()[3] == "2023-06-15"
    assert pd.isna(deals["last_event"].iloc[2])  # no account


def test_lookup_values_map_the_found_values_including_to_null(raw):
    deals = load(raw, deals_yaml("""\
        columns: {deal_id: Opp, account_id: Account}
        lookups:
          segment: {file: events.csv, by: account_id, key: account, value: sector,
                    values: {technolgy: technology, "N/A": null}}
    """))["deals"]
    assert deals["segment"].tolist()[0] == "technology" and deals["segment"].tolist()[3] == "retail"
    assert deals["segment"].isna().tolist() == [False, True, True, False, False]


def test_fill_and_clear_when(raw):
    deals = load(raw, deals_yaml("""\
        columns: {deal_id: Opp, partner_id: Agent, closed_at: Closed, amount: Value}
        fill: {closed_at: "2023-12-31", product: none}
        clear_when: {amount: {Stage: [Lost, Prospecting]}, partner_id: {deal_id: O5}}
    """))["deals"]
    assert deals["closed_at"].tolist() == ["2023-04-10", "2023-05-01", "2023-12-31", "2023-12-31", "2023-06-30"]
    assert deals["product"].tolist() == ["none"] * 5  # a fill of a column the file does not have sets it
    assert deals["amount"].isna().tolist() == [False, True, True, True, False]
    assert deals["partner_id"].isna().tolist() == [False, False, False, False, True]


def test_excel_sheet_is_chosen_by_name(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    with pd.ExcelWriter(raw / "export.xlsx", engine="openpyxl") as book:
        pd.DataFrame({"x": [1]}).to_excel(book, sheet_name="Notes", index=False)
        pd.DataFrame({"Agent": ["Ann"], "Since": pd.to_datetime(["2023-01-03"])}).to_excel(
            book, sheet_name="Agents", index=False)
    frame = load(raw, """\
      partners:
        file: export.xlsx
        sheet: Agents
        columns: {partner_id: Agent, partner_name: Agent, joined_at: Since}
        constants: {partner_type: referral}
    """, top="required_tables: [partners]\n")["partners"]
    assert frame["partner_id"].tolist() == ["Ann"] and frame["joined_at"].tolist() == [pd.Timestamp("2023-01-03")]


def test_required_tables_replaces_partners_and_deals(tmp_path):
    raw = write(tmp_path / "raw", {"accounts.csv": "id,since,src\nA1,2024-01-05,partner\nA2,2024-02-01,ads\n"})
    tables = "tables:\n  customers:\n    file: accounts.csv\n    columns: {account_id: id, acquired_at: since, " \
             "channel: src}\n    values: {channel: {partner: partner, _default: direct}}\n"
    data = load_and_validate(raw, mapping_file(tmp_path, "required_tables: [customers]\n" + tables))
    assert data.report.ok, data.report.render()
    assert set(data.tables) == {"customers"}
    assert data.tables["customers"]["channel"].tolist() == ["partner", "direct"]
    with pytest.raises(InputError, match=r"required table\(s\) partners, deals not found"):
        load_and_validate(raw, mapping_file(tmp_path, tables, "default.yml"))
    (raw / "accounts.csv").unlink()
    assert load_raw(raw, load_mapping(mapping_file(tmp_path, "required_tables: []\n"))) == {}
    with pytest.raises(InputError, match=r"required table\(s\) customers not found"):
        load_raw(raw, load_mapping(mapping_file(tmp_path, "required_tables: [customers]\n")))


def test_mapping_in_the_raw_folder_is_used_by_default(raw):
    mapping_file(raw, "tables:\n" + deals_yaml(BASE_DEALS, "dates: {created_at: '%Y-%m-%d', closed_at: '%Y-%m-%d'}\n",
                                                "fill: {amount: 0}\n"), "mapping.yml")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a number filled into a text column is fine (and stays fine in pandas 4)
        data = load_and_validate(raw)
    assert data.report.ok, data.report.render()
    assert resolve_mapping(raw, None).source == raw / "mapping.yml"
    deals = data.tables["deals"]
    assert deals["stage"].tolist() == ["won", "lost", "open", "open", "won"]
    assert deals["amount"].tolist() == [1000.0, 0.0, 0.0, 0.0, 2500.0]
    partners = data.tables["partners"]
    assert partners["joined_at"].tolist() == [pd.Timestamp("2023-01-03"), pd.Timestamp("2023-02-15"),
                                              pd.Timestamp("2023-01-01")]
    assert partners["partner_type"].tolist() == ["reseller"] * 3


# -- mistakes in the mapping ----------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("tabels: {}\n", "unknown key(s) ['tabels'] in the mapping"),
    ("tables:\n  deals:\n    column: {deal_id: Opp}\n", "unknown key(s) ['column'] in tables.deals; allowed: "),
    ("tables:\n  deals:\n    lookups:\n      amount: {file: p.csv, by: a, key: b, value: c, default: 0}\n",
     "unknown key(s) ['default'] in tables.deals.lookups.amount"),
    ("tables:\n  deals:\n    lookups:\n      amount: {file: p.csv, key: b, value: c}\n",
     "tables.deals.lookups.amount needs by"),
    ("tables:\n  deals:\n    lookups:\n      amount: {file: p.csv, by: a, key: b, value: c, aggregate: sum}\n",
     "tables.deals.lookups.amount.aggregate must be one of ['first', 'last', 'max', 'min']"),
    ("tables:\n  opportunities: {file: x.csv}\n", "unknown table 'opportunities'; tables are partners, deals"),
    ("required_tables: [partners, accounts]\n", "required_tables names unknown table(s) ['accounts']"),
    ("tables:\n  deals:\n    columns: [deal_id, Opp]\n", "tables.deals.columns must be a mapping of name: value"),
    ("tables: {deals: {columns: {a: b}\n", "not a valid YAML mapping"),
    ("- a\n- b\n", "a mapping file holds `tables:`"),
])
def test_mapping_file_mistakes(tmp_path, text, expected):
    path = mapping_file(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_mapping(path)
    assert str(err.value).startswith(f"{path}: ") and expected in str(err.value)


def test_mapping_file_not_found(tmp_path):
    with pytest.raises(InputError, match="mapping file not found"):
        load_and_validate(tmp_path, tmp_path / "nope.yml")


def test_mapped_file_not_there(raw):
    with pytest.raises(InputError) as err:
        load(raw, "  deals:\n    file: opportunities.csv\n")
    assert "the mapping names 'opportunities.csv' for table deals, but it is not there" in str(err.value)


@pytest.mark.parametrize("body,file,message", [
    ("columns: {deal_id: OppID, stage: Stage}", "pipeline.csv",
     "the mapping names column(s) OppID that the file does not have; its columns are: Opp, Agent, Stage"),
    ("columns: {deal_id: Opp}\nvalues: {stage: {Won: won}}", "pipeline.csv",
     "values.stage names column(s) stage that the file does not have"),
    ("columns: {deal_id: Opp}\ndates: {created_at: '%Y-%m-%d'}", "pipeline.csv",
     "dates.created_at names column(s) created_at"),
    ("columns: {deal_id: Opp}\nlookups: {amount: {file: products.csv, by: Product, key: sku, value: price}}",
     "products.csv", "the lookup for 'amount' names column(s) sku that the file does not have; its columns are: "
                     "product, price"),
    ("columns: {deal_id: Opp}\nlookups: {amount: {file: products.csv, by: Item, key: product, value: price}}",
     "pipeline.csv", "the lookup for 'amount' (by) names column(s) Item"),
    ("columns: {deal_id: Opp}\nclear_when: {amount: {Phase: Lost}}", "pipeline.csv",
     "clear_when.amount names column(s) Phase"),
])
def test_source_column_missing_names_file_and_column(raw, body, file, message):
    with pytest.raises(InputError) as err:
        load(raw, deals_yaml(body + "\n"))
    assert str(err.value).startswith(f"{raw / file}: ") and message in str(err.value)


def test_lookup_file_not_there(raw):
    with pytest.raises(InputError, match="lookup for 'amount' names 'prices.csv', which is not there"):
        load(raw, deals_yaml("columns: {deal_id: Opp}\n"
                             "lookups: {amount: {file: prices.csv, by: Product, key: product, value: price}}\n"))


def test_dates_not_in_the_format_name_file_column_and_rows(raw):
    with pytest.raises(MappingError) as err:
        load(raw, deals_yaml(BASE_DEALS, "dates: {created_at: '%d/%m/%Y', closed_at: '%Y-%m-%d'}\n"))
    issues = err.value.issues
    assert len(issues) == 1  # closed_at matches its format; empty cells are not errors
    issue = issues[0]
    assert (issue.table, issue.file, issue.column, issue.n_rows) == ("deals", "pipeline.csv", "created_at", 5)
    assert issue.rows == (1, 2, 3, 4, 5) and issue.values[0] == "2023-03-01"
    assert issue.expected == "a date in the format '%d/%m/%Y' (mapping)"


def test_dates_not_in_the_format_are_reported_by_validate(raw):
    agents = AGENTS.replace("15/02/2023", "2023-02-15").replace("Cy Park,East,", "Cy Park,East,31/02/2023")
    (raw / "agents.csv").write_text(agents, encoding="utf-8")
    path = mapping_file(raw.parent, "tables:\n" + deals_yaml(BASE_DEALS))
    result = CliRunner().invoke(app, ["validate", "--raw", str(raw), "--mapping", str(path)])
    assert result.exit_code == 1
    assert "agents.csv, column 'joined_at': 2 rows - expected a date in the format '%d/%m/%Y' (mapping)" in result.output
    assert "row 2 ('2023-02-15'), row 3 ('31/02/2023')" in result.output


def test_yes_and_no_in_a_mapping_stay_text(tmp_path):
    """YAML 1.1 would read Yes/No/On/Off as booleans and the value map would never match."""
    from partner_analysis.ingest.mapping import load_mapping

    path = tmp_path / "mapping.yml"
    path.write_text("tables:\n  deals:\n    values:\n      stage: {Yes: won, No: lost, On: open}\n", encoding="utf-8")
    assert load_mapping(path).tables["deals"].values["stage"] == {"Yes": "won", "No": "lost", "On": "open"}
