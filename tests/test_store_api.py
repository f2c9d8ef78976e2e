"""The notebook API of KpiStore: short, discoverable, hard to misuse.

Expected values are read independently from the KPI table written by build (``store.kpis()``)
and the partners table, with plain pandas.
"""
from __future__ import annotations

import pandas as pd
import pytest

from partner_analysis.errors import NotInStore
from partner_analysis.kpis import REGISTRY
from partner_analysis.store import KpiStore
from partner_analysis.versions import current_build


@pytest.fixture(scope="module")
def store(demo_store_dir) -> KpiStore:
    return KpiStore(demo_store_dir)


@pytest.fixture(scope="module")
def raw_kpis(demo_store_dir) -> pd.DataFrame:
    return pd.read_parquet(current_build(demo_store_dir) / "kpis_quarter.parquet")


def _active_partner(store: KpiStore) -> str:
    """A partner with sourced revenue in the latest quarter (P00042 is not guaranteed to sell)."""
    rows = store.kpi("sourced_revenue", program=False, periods=store.latest_period())
    return rows.sort_values("value", ascending=False)["partner_id"].iloc[0]


def test_program_and_partner_rows_are_not_mixed_by_default(store, raw_kpis):
    program = store.kpi("win_rate")
    assert program["partner_id"].isna().all() and program["attribution"].eq("all").all()
    expected = raw_kpis[(raw_kpis["metric"] == "win_rate") & raw_kpis["partner_id"].isna()
                        & (raw_kpis["attribution"] == "all")]
    assert len(program) == len(expected) > 0
    every = store.kpi("win_rate", program=False)
    assert every["partner_id"].notna().all()
    assert every["partner_id"].nunique() == expected_partners(raw_kpis, "win_rate")
    one = store.kpi("win_rate", partner="P00042")
    assert set(one["partner_id"]) <= {"P00042"}


def expected_partners(raw_kpis: pd.DataFrame, metric: str) -> int:
    rows = raw_kpis[(raw_kpis["metric"] == metric) & (raw_kpis["attribution"] == "all")]
    return rows["partner_id"].dropna().nunique()


def test_unknown_partner_is_rejected_with_the_near_id(store):
    with pytest.raises(NotInStore, match=r"unknown partner 'P0042'; did you mean P00042"):
        store.kpi("win_rate", partner="P0042")
    with pytest.raises(NotInStore, match="unknown partner 'nobody'"):
        store.kpi("win_rate", partner=["P00001", "nobody"])


def test_unknown_metric_is_rejected_with_close_ids(store):
    with pytest.raises(NotInStore, match=r"unknown metric 'win_rat'; did you mean win_rate"):
        store.kpi("win_rat")
    with pytest.raises(KeyError):  # NotInStore is a KeyError
        store.kpi("no_such_metric")


@pytest.mark.parametrize("periods, message", [
    (("2024-Q1", "2024Q4"), r"'2024-Q1' is not a quarter label like 2025Q3"),
    ("2024q1", r"'2024q1' is not a quarter label like 2025Q3"),
    (("2019Q1", "2024Q4"), r"period '2019Q1' is not in this build: its quarters run from 20\d\dQ\d to 20\d\dQ\d"),
    (("2024Q4", "2024Q1"), r"comes after"),
    (("2024Q1",), r"one label or \(first, last\)"),
])
def test_period_labels_of_the_wrong_form_or_range_are_rejected(store, periods, message):
    with pytest.raises(ValueError, match=message):
        store.kpi("sourced_revenue", periods=periods)


def test_periods_last_and_one_period(store):
    all_periods = sorted(store.kpi("sourced_revenue")["period"].unique())  # the periods the deals cover
    assert all_periods[-1] == store.periods()[-1] and set(all_periods) <= set(store.periods())
    assert store.kpi("sourced_revenue", last=3)["period"].tolist() == all_periods[-3:]
    assert store.kpi("sourced_revenue", periods=all_periods[2])["period"].tolist() == [all_periods[2]]
    span = store.kpi("sourced_revenue", periods=(all_periods[1], all_periods[4]))
    assert span["period"].tolist() == all_periods[1:5]
    with pytest.raises(ValueError, match="periods or last"):
        store.kpi("sourced_revenue", periods=all_periods[0], last=2)
    month = store.kpi("sourced_revenue", freq="month", last=2)
    assert month["period"].str.fullmatch(r"\d{4}-\d{2}").all()


def test_attribution_views_are_checked_against_the_metric(store):
    with pytest.raises(ValueError, match="unknown attribution 'partners'"):
        store.kpi("win_rate", attribution="partners")
    with pytest.raises(ValueError, match="win_rate has no 'direct' view for partner rows; it has all, sourced, influenced"):
        store.kpi("win_rate", partner="P00042", attribution="direct")
    with pytest.raises(ValueError, match="no 'sourced' view"):
        store.kpi("sourced_revenue", attribution="sourced")
    with pytest.raises(ValueError, match="program-wide rows only"):
        store.kpi("active_partners", partner="P00042")
    with pytest.raises(ValueError, match="program=True"):
        store.kpi("win_rate", partner="P00042", program=True)
    assert store.kpi("win_rate", attribution="direct")["attribution"].eq("direct").all()


def test_results_are_copies(store):
    first = store.kpi("sourced_revenue")
    first["value"] = -1.0
    assert (store.kpi("sourced_revenue")["value"] >= 0).all()
    whole = store.kpis()
    whole.loc[:, "value"] = -1.0
    assert (store.kpis()["value"].dropna() != -1.0).any()
    deals = store.table("deals")
    deals["amount"] = -1.0
    assert (store.table("deals")["amount"] >= 0).all()


def test_unknown_table_names_what_the_build_has(store):
    with pytest.raises(NotInStore, match="unknown table 'deal'; did you mean deals.* This build has: partners, deals"):
        store.table("deal")


def test_ranking_orders_partners_best_first_with_names(store, raw_kpis):
    period = store.latest_period()
    ranked = store.ranking("sourced_revenue", period=period)
    names = store.partners().set_index("partner_id")["partner_name"]
    assert (ranked["partner_name"] == ranked["partner_id"].map(names)).all()
    expected = raw_kpis[(raw_kpis["metric"] == "sourced_revenue") & (raw_kpis["period"] == period)
                        & raw_kpis["partner_id"].notna()]
    assert ranked["value"].tolist() == sorted(expected["value"], reverse=True)
    assert ranked["rank"].iloc[0] == 1 and ranked["rank"].is_monotonic_increasing
    # lower is better for the sales cycle: the shortest first, partners without a value last
    cycle = store.ranking("sales_cycle_days", period=period)
    valued = cycle["value"].dropna()
    assert valued.is_monotonic_increasing and cycle["value"].isna().sum() == cycle["rank"].isna().sum()


def test_ranking_defaults_to_the_latest_period_with_values(store, raw_kpis):
    rows = raw_kpis[(raw_kpis["metric"] == "win_rate") & raw_kpis["partner_id"].notna() & raw_kpis["value"].notna()]
    assert store.ranking("win_rate")["period"].unique().tolist() == [rows["period"].max()]
    with pytest.raises(ValueError, match="program-wide rows only"):
        store.ranking("active_partners")


def test_wide_tables_by_partner_and_by_attribution(store, raw_kpis):
    wide = store.wide("sourced_revenue", last=4)
    assert list(wide.index) == store.periods()[-4:] and wide.columns.name == "partner"
    pid = _active_partner(store)
    assert wide.loc[store.latest_period(), pid] == store.kpi("sourced_revenue", partner=pid, last=1)["value"].iloc[0]
    views = store.wide("win_rate", by="attribution", last=2)
    assert list(views.columns) == list(REGISTRY["win_rate"].spec.attributions)
    direct = store.kpi("win_rate", attribution="direct", last=2).set_index("period")["value"]
    pd.testing.assert_series_equal(views["direct"], direct, check_names=False)
    counts = store.wide("win_rate", by="attribution", last=2, values="denominator")
    assert (counts >= 0).all().all()
    with pytest.raises(ValueError, match="by must be"):
        store.wide("win_rate", by="segment")


def test_series_is_zero_filled_over_the_partners_periods_in_the_program(store):
    partners = store.partners().set_index("partner_id")
    late = partners["joined_at"].idxmax()  # the latest joiner: its series starts at its join quarter
    series = store.series("sourced_revenue", partner=late)
    joined = partners.at[late, "joined_at"]
    assert series.index[0] == f"{joined.year}Q{(joined.month - 1) // 3 + 1}"
    assert series.index[-1] == store.latest_period()
    assert series.notna().all()  # zero in a quarter without won deals, never missing
    program = store.series("sourced_revenue")  # every period the deals cover (the build's start with the partners)
    assert list(program.index) == sorted(store.kpi("sourced_revenue")["period"].unique())
    assert program.index[-1] == store.latest_period()
    rate = store.series("win_rate", partner=late)  # a rate is missing where nothing closed
    closed = store.kpi("win_rate", partner=late)
    assert rate.notna().sum() == closed["value"].notna().sum()


def test_paths_resolve_from_notebooks_folder_and_project_variable(demo_store_dir, tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "data").mkdir()
    (project / "data" / "processed").symlink_to(demo_store_dir, target_is_directory=True)
    monkeypatch.chdir(project / "notebooks")
    assert KpiStore("data/processed").processed_dir == current_build((project / "data" / "processed").resolve())
    assert KpiStore().as_of == KpiStore(demo_store_dir).as_of
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("PARTNER_ANALYSIS_ROOT", str(project))
    assert KpiStore("data/processed").processed_dir == current_build((project / "data" / "processed").resolve())
