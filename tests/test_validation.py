"""The data contract rejects bad input with a clear issue, and lenient mode accounts for every row."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partner_analysis.ingest.contract import REQUIRED_TABLES, TABLES
from partner_analysis.ingest.validation import validate_tables


def partners(**overrides):
    base = {"partner_id": ["p1", "p2"], "partner_name": ["Acme", "Globex"],
            "partner_type": ["reseller", "referral"], "joined_at": ["2024-01-01", "2024-02-01"]}
    base.update(overrides)
    return pd.DataFrame(base)


def deals(**overrides):
    base = {"deal_id": ["d1", "d2", "d3"], "attribution": ["sourced", "influenced", "direct"],
            "partner_id": ["p1", "p2", None], "stage": ["won", "lost", "open"],
            "created_at": ["2024-03-01", "2024-03-02", "2024-03-03"],
            "closed_at": ["2024-04-01", "2024-04-02", None], "amount": ["100", "200.5", "50"]}
    base.update(overrides)
    return pd.DataFrame(base)


def run(lenient=False, **tables):
    return validate_tables({name: (f"{name}.csv", frame) for name, frame in tables.items()}, lenient=lenient)


def only_issue(result):
    assert len(result.report.issues) == 1, result.report.render()
    return result.report.issues[0]


def test_valid_input_is_typed():
    result = run(partners=partners(), deals=deals())
    assert result.report.ok, result.report.render()
    d = result.tables["deals"]
    assert d["amount"].tolist() == [100.0, 200.5, 50.0]
    assert str(d["created_at"].dtype).startswith("datetime64")
    assert d["deal_type"].tolist() == ["new", "new", "new"]  # contract default
    assert list(d["stage"].cat.categories) == ["open", "won", "lost"]


def test_missing_required_column_names_file_and_column():
    issue = only_issue(run(partners=partners().drop(columns="joined_at"), deals=deals()))
    assert (issue.file, issue.column) == ("partners.csv", "joined_at")
    assert "required column" in issue.expected and "partner_name" in issue.expected  # lists what was found


@pytest.mark.parametrize("column,bad,expected_words", [
    ("stage", "Closed Won", "one of open, won, lost"),
    ("amount", "12,5 EUR", "a number"),
    ("created_at", "31/02/2024", "an ISO date"),
    ("amount", "-10", ">= 0"),
])
def test_bad_cell_is_reported_with_row_and_value(column, bad, expected_words):
    frame = deals()
    frame.loc[1, column] = bad
    issue = only_issue(run(partners=partners(), deals=frame))
    assert issue.column == column and issue.rows == (2,) and issue.values == (bad,)
    assert expected_words in issue.expected


def test_case_and_blank_variants_of_allowed_values_are_accepted():
    result = run(partners=partners(partner_type=[" Reseller ", "REFERRAL"]), deals=deals())
    assert result.report.ok and result.tables["partners"]["partner_type"].tolist() == ["reseller", "referral"]


@pytest.mark.parametrize("categories", [["open", "won", "lost"], ["open", "won"], ["won", "Lost", "open", " "]])
def test_categorical_input_is_mapped_to_the_contract_values(categories):
    # as a Parquet file written from pandas gives them: codes into the file's own categories
    stage = pd.Categorical(["won", "open", None, "won"], categories=categories)
    result = run(partners=partners(), deals=deals(stage=stage[:3], closed_at=["2024-04-01", None, None]))
    issue = only_issue(result)  # the missing stage
    assert issue.expected == "a value (the column is required)" and issue.rows == (3,)
    out = run(lenient=True, partners=partners(), deals=deals(stage=stage[:3], closed_at=["2024-04-01", None, None]))
    assert list(out.tables["deals"]["stage"].cat.categories) == ["open", "won", "lost"]
    assert out.tables["deals"]["stage"].tolist() == ["won", "open"]


def test_categorical_input_with_values_outside_the_contract():
    stage = pd.Categorical(["won", "closed", "open"], categories=["open", "won", "closed"])
    issue = only_issue(run(partners=partners(), deals=deals(stage=stage, closed_at=["2024-04-01", None, None])))
    assert issue.expected == "one of open, won, lost" and issue.rows == (2,) and issue.values == ("closed",)


def test_duplicate_ids():
    issue = only_issue(run(partners=partners(partner_id=["p1", "p1"]), deals=deals(partner_id=["p1", "p1", None])))
    assert issue.column == "partner_id" and issue.n_rows == 2 and issue.rows == (1, 2)
    assert "unique" in issue.expected


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4], [4, 2, 0, 3, 1]], ids=["key order", "shuffled"])
def test_duplicate_composite_key_in_key_order_or_not(order):
    # (d1, p1) is listed twice; (d1, p2) and (d2, p1) share one part each and are not duplicates
    pairs = pd.DataFrame({"deal_id": ["d1", "d1", "d1", "d2", "d3"], "partner_id": ["p1", "p1", "p2", "p1", "p2"],
                          "role": "influenced"}).iloc[order].reset_index(drop=True)
    issue = only_issue(run(partners=partners(), deals=deals(), deal_partners=pairs))
    expected_rows = tuple(sorted(order.index(i) + 1 for i in (0, 1)))  # where rows 0 and 1 went
    assert issue.column == "deal_id, partner_id" and issue.rows == expected_rows


def test_missing_keys_repeat_like_any_other_value():
    result = run(partners=partners(), deals=deals(deal_id=[" ", "", "d3"]))
    by_expected = {i.expected: i.rows for i in result.report.issues}
    assert by_expected == {"unique values of deal_id": (1, 2), "a value (the column is required)": (1, 2)}


@settings(max_examples=80, derandomize=True, deadline=None, database=None)
@given(keys=st.lists(st.tuples(st.sampled_from(["a1", " a1", "a2", "a10", "b"]),
                               st.sampled_from(["2024-01-01", "2024-02-01", "2024-03-01"])), max_size=12),
       in_order=st.booleans())
def test_composite_key_duplicates_are_every_repeated_pair(keys, in_order):
    # reference: the pairs as validation reads them (ids stripped), repeated pairs found by pandas
    keys = sorted(keys) if in_order else keys
    revenue = pd.DataFrame(keys or None, columns=["account_id", "month"]).assign(mrr="1")
    customers = pd.DataFrame({"account_id": ["a1", "a2", "a10", "b"], "acquired_at": "2024-01-01",
                              "channel": "direct"})
    result = run(partners=partners(), deals=deals(), customers=customers, revenue=revenue)
    stripped = revenue.assign(account_id=revenue["account_id"].str.strip())
    repeated = np.flatnonzero(stripped.duplicated(["account_id", "month"], keep=False)) + 1
    issues = [i for i in result.report.issues if i.expected == "unique values of account_id, month"]
    assert [(i.n_rows, i.rows) for i in issues] == ([(len(repeated), tuple(repeated[:5]))] if len(repeated) else [])


def test_foreign_key_pointing_nowhere():
    issue = only_issue(run(partners=partners(), deals=deals(partner_id=["p1", "p9", None])))
    assert issue.column == "partner_id" and issue.rows == (2,) and "exists in partners" in issue.expected


def test_closed_before_created():
    issue = only_issue(run(partners=partners(), deals=deals(closed_at=["2024-02-01", "2024-04-02", None])))
    assert issue.rows == (1,) and "closed_at on or after created_at" in issue.expected


def test_direct_deal_with_partner_and_partner_deal_without():
    issue = only_issue(run(partners=partners(), deals=deals(partner_id=[None, "p2", "p1"])))
    assert issue.rows == (1, 3) and "none on direct deals" in issue.expected


def test_won_deal_without_close_date():
    issue = only_issue(run(partners=partners(), deals=deals(closed_at=[None, "2024-04-02", None])))
    assert issue.rows == (1,) and "closed_at on won and lost deals" in issue.expected


def test_whole_number_and_range_checks():
    surveys = pd.DataFrame({"response_id": ["r1", "r2", "r3"], "respondent": ["customer"] * 3,
                            "submitted_at": ["2024-01-01"] * 3, "nps_score": ["11", "7.5", "9"]})
    result = run(partners=partners(), deals=deals(), surveys=surveys)
    by_expected = {i.expected: i.rows for i in result.report.issues}
    assert by_expected == {"a whole number": (2,), "a value <= 10": (1,)}


def test_dates_outside_the_nanosecond_range_are_unparseable():
    # pandas datetimes span 1677-09-21 00:12:43.145224193 to 2262-04-11 23:47:16.854775807 (pd.Timestamp.min/max)
    text = deals(created_at=["0000-01-01", "2024-03-02", "2024-03-03"])
    issue = only_issue(run(partners=partners(), deals=text))
    assert (issue.column, issue.rows, issue.values) == ("created_at", (1,), ("0000-01-01",))
    # typed millisecond timestamps, as a Parquet file gives them: .145 ms is before the first
    # nanosecond date, .146 ms after it; the other two are the years 1500 and 2300
    ms = pd.Series(pd.array(["1677-09-21 00:12:43.145", "1677-09-21 00:12:43.146", "1500-01-01",
                             "2300-01-01", "2262-04-11 23:47:16.854"], dtype="datetime64[ms]"))
    frame = pd.DataFrame({"deal_id": [f"d{i}" for i in range(5)], "attribution": "direct", "stage": "open",
                          "created_at": ms, "amount": "1"})
    issue = only_issue(run(partners=partners(), deals=frame))
    assert (issue.column, issue.rows) == ("created_at", (1, 3, 4)) and "an ISO date" in issue.expected
    kept = run(lenient=True, partners=partners(), deals=frame).tables["deals"]["created_at"]
    assert kept.dtype == "datetime64[ns]" and kept.astype(str).tolist() == [
        "1677-09-21 00:12:43.146", "2262-04-11 23:47:16.854"]


def test_empty_table_is_valid_but_empty():
    empty = deals().iloc[0:0]
    result = run(partners=partners(), deals=empty)
    assert result.report.ok and len(result.tables["deals"]) == 0


def test_hostile_strings_are_plain_data():
    names = ["<script>alert(1)</script>", "../../etc/passwd"]
    result = run(partners=partners(partner_name=names, partner_id=names), deals=deals(partner_id=[names[0], names[1], None]))
    assert result.report.ok
    assert result.tables["partners"]["partner_name"].tolist() == names
    assert result.tables["deals"]["partner_id"].tolist()[:2] == names


def test_report_names_file_column_rows_and_expectation():
    frame = deals(amount=["-1", "-2", "x"])
    text = run(partners=partners(), deals=frame).report.render()
    assert "deals.csv, column 'amount': 2 rows - expected a value >= 0" in text
    assert "row 1 ('-1'), row 2 ('-2')" in text
    assert "deals.csv, column 'amount': 1 row - expected a number like 1234.5" in text


def test_lenient_sets_rows_aside_and_accounts_for_every_row():
    frame = deals(amount=["100", "-5", "oops"], partner_id=["p1", "p404", None])
    result = run(lenient=True, partners=partners(), deals=frame)
    report = result.report
    assert report.ok
    assert report.rows_in["deals"] == report.rows_kept["deals"] + report.rows_rejected["deals"] == 3
    assert report.rows_kept["deals"] == 1
    rejected = result.rejected["deals"]
    assert rejected["_row"].tolist() == [2, 3]
    assert "partner_id: expected a partner_id that exists in partners" in rejected["_reason"][0]
    assert "amount: expected a value >= 0" in rejected["_reason"][0]
    assert "amount: expected a number" in rejected["_reason"][1]
    assert rejected["amount"].tolist() == ["-5", "oops"]  # the raw value, as it was in the file


def test_lenient_cascades_to_children_of_rejected_parents():
    result = run(lenient=True, partners=partners(joined_at=["2024-01-01", "not a date"]), deals=deals())
    assert result.report.rows_rejected == {"partners": 1, "deals": 1}
    assert result.rejected["deals"]["deal_id"].tolist() == ["d2"]


def test_contract_declares_every_table_of_the_design():
    assert set(TABLES) == {"partners", "deals", "deal_partners", "deal_registrations", "leads", "customers",
                           "revenue", "subscriptions", "activities", "tickets", "surveys", "costs",
                           "integration_events", "incidents", "agreements"}
    assert REQUIRED_TABLES == ("partners", "deals")


def test_foreign_keys_into_a_large_sorted_parent_report_the_rows(monkeypatch):
    # 150 000 deals with ids of one width, in order: children are looked up by binary search
    from partner_analysis import membership
    searched = []
    sorted_member = membership._sorted_member
    monkeypatch.setattr(membership, "_sorted_member", lambda v, p: searched.append(sorted_member(v, p)) or searched[-1])
    n = 150_000
    ids = pd.Series([f"D{i:07d}" for i in range(n)], dtype="str")
    parent = pd.DataFrame({"deal_id": ids, "attribution": "direct", "partner_id": None, "stage": "open",
                           "created_at": "2024-03-01", "amount": "1"})
    child_ids = ids.iloc[::2].reset_index(drop=True).copy()
    child_ids.iloc[[3, 10]] = ["D9999999", "D000001X"]  # absent
    child_ids.iloc[5] = None
    links = pd.DataFrame({"deal_id": child_ids.iloc[:20], "partner_id": "p1", "role": "sourced"})
    result = run(partners=partners(), deals=parent, deal_partners=links)
    issues = [i for i in result.report.issues if "exists in deals" in i.expected]
    assert any(found is not None and len(found) == 20 for found in searched)
    assert [(i.file, i.rows, i.values, i.expected) for i in issues] == [
        ("deal_partners.csv", (4, 11), ("D9999999", "D000001X"), "a deal_id that exists in deals")]
    missing = [i for i in result.report.issues if "required" in i.expected]
    assert [(i.column, i.rows) for i in missing] == [("deal_id", (6,))]
