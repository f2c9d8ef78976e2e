"""Your own metrics: declared in a cell (declarative or decorator), re-declared, computed on a build
with the catalog's rules, loaded from project files."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from partner_analysis import KpiStore, MetricReplaced, catalog, define_metric, load_metric_files, metric
from partner_analysis.errors import InputError
from partner_analysis.kpis import REGISTRY
from partner_analysis.kpis.blocks import closed_deals, ratio_of, summarise, won_deals
from partner_analysis.report.glossary import glossary_markdown
from tests.kpis.helpers import context, rows_of, validated, value_of

pytestmark = pytest.mark.usefixtures("restore_registry")
ROW_COLUMNS = ["period", "partner_id", "attribution", "value", "numerator", "denominator", "n"]


@pytest.fixture(scope="module")
def store(demo_store_dir) -> KpiStore:
    return KpiStore(demo_store_dir)


def same_rows(mine: pd.DataFrame, theirs: pd.DataFrame) -> None:
    """Two metrics' rows are identical but for the metric id."""
    key = ["period", "attribution", "partner_id"]
    a = mine[ROW_COLUMNS].sort_values(key, na_position="first").reset_index(drop=True)
    b = theirs[ROW_COLUMNS].sort_values(key, na_position="first").reset_index(drop=True)
    a["attribution"], b["attribution"] = a["attribution"].astype(str), b["attribution"].astype(str)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


@pytest.mark.parametrize("catalog_id, declaration", [
    ("sourced_revenue", dict(source="won_deals", where={"attribution": "sourced"}, measure="sum:amount")),
    ("win_rate", dict(source="closed_deals", measure="share", hit={"stage": "won"})),
    ("opportunities_created", dict(source="created_deals", measure="count")),
    ("avg_deal_size", dict(source="won_deals", measure="mean:amount")),
    ("sales_cycle_days", dict(source="won_deals", measure="median:cycle_days")),
    ("referred_leads", dict(source="leads", where={"direction": "referred"}, measure="count")),
    ("customers_acquired", dict(source="customers", measure="count")),
])
def test_declared_metrics_follow_the_catalogs_rules(store, catalog_id, declaration):
    """Re-declaring a catalog metric declaratively gives the catalog's rows exactly: the same grains,
    attribution views, zero-fill and numerator/denominator rules."""
    spec = define_metric(f"my_{catalog_id}", label=f"My {catalog_id}", **declaration)
    assert spec.origin == "user" and spec.attributions == REGISTRY[catalog_id].spec.attributions
    same_rows(store.compute(f"my_{catalog_id}"), store.kpis().query("metric == @catalog_id"))


def test_enterprise_sourced_revenue_known_answer():
    """Hand-made: enterprise sourced deals won in 2025Q1 are D1 (P1, 100) and D2 (P2, 40); D3 is SMB,
    D4 influenced, D5 direct, D6 lost: the program gets 140, P1 100, P2 40, and P2 0 in 2025Q2."""
    tables = validated(
        partners={"partner_id": ["P1", "P2"], "partner_name": ["One", "Two"], "partner_type": ["reseller"] * 2,
                  "joined_at": ["2024-01-01"] * 2},
        deals={"deal_id": ["D1", "D2", "D3", "D4", "D5", "D6", "D7"],
               "attribution": ["sourced", "sourced", "sourced", "influenced", "direct", "sourced", "sourced"],
               "partner_id": ["P1", "P2", "P1", "P2", None, "P1", "P1"],
               "stage": ["won", "won", "won", "won", "won", "lost", "won"],
               "created_at": ["2025-01-05"] * 6 + ["2025-04-02"],
               "closed_at": ["2025-02-01", "2025-03-31", "2025-02-01", "2025-02-01", "2025-02-01", "2025-02-01",
                             "2025-05-01"],
               "amount": ["100", "40", "1000", "1000", "1000", "1000", "7"],
               "segment": ["enterprise", "enterprise", "smb", "enterprise", "enterprise", "enterprise", "enterprise"]})
    define_metric("enterprise_sourced_revenue", label="Sourced revenue from enterprise accounts",
                  source="won_deals", where={"attribution": "sourced", "segment": "enterprise"}, measure="sum:amount")
    rows = rows_of("enterprise_sourced_revenue", context(tables, as_of="2025-06-30"))
    assert value_of(rows, "2025Q1") == 140.0
    assert value_of(rows, "2025Q1", "P1") == 100.0 and value_of(rows, "2025Q1", "P2") == 40.0
    assert value_of(rows, "2025Q2", "P2") == 0.0 and value_of(rows, "2025Q2", "P1") == 7.0


def test_decorator_metric_uses_the_building_blocks(store):
    @metric(id="big_win_rate", label="Win rate of deals over 50k", unit="ratio",
            definition="Share of closed deals over 50,000 that were won, by closed_at.", attributions=("all", "partner"))
    def big_win_rate(ctx):
        closed = closed_deals(ctx)
        return summarise(ctx, closed[closed["amount"] > 50_000], ratio_of("won"), attributions=("all", "partner"))

    deals = store.table("deals")
    closed = deals[deals["stage"].isin(["won", "lost"]) & (deals["amount"] > 50_000)]
    latest = store.latest_period()
    in_latest = closed[closed["closed_at"].dt.to_period("Q").astype(str) == latest]
    row = store.kpi("big_win_rate", periods=latest).iloc[0]
    assert row["denominator"] == len(in_latest)
    assert row["value"] == pytest.approx((in_latest["stage"] == "won").mean())
    assert REGISTRY["big_win_rate"].spec.aggregation == "ratio"


def test_declaring_again_replaces_with_a_note(store):
    define_metric("enterprise_wins", label="Enterprise wins", source="won_deals", where={"segment": "enterprise"})
    before = store.kpi("enterprise_wins")["value"].sum()
    with pytest.warns(MetricReplaced, match="'enterprise_wins' declared again"):
        define_metric("enterprise_wins", label="Enterprise wins", source="won_deals", where={"segment": "smb"})
    after = store.kpi("enterprise_wins")["value"].sum()
    deals = store.table("deals")
    won = deals[(deals["stage"] == "won") & (deals["closed_at"] <= store.as_of)]
    assert before == (won["segment"] == "enterprise").sum() and after == (won["segment"] == "smb").sum()
    listed = catalog().set_index("id")
    assert listed.at["enterprise_wins", "origin"] == "user" and listed.at["win_rate", "origin"] == "catalog"
    assert "Declared by**: you" in glossary_markdown()


def test_catalog_ids_cannot_be_taken_and_declarations_are_checked():
    with pytest.raises(ValueError, match="'win_rate' is a catalog metric"):
        define_metric("win_rate", label="x", source="closed_deals", measure="share", hit={"stage": "won"})
    with pytest.raises(ValueError, match="measure must be"):
        define_metric("x_sum", label="x", measure="sum")
    with pytest.raises(ValueError, match="hit= says which rows"):
        define_metric("x_share", label="x", measure="share")
    with pytest.raises(ValueError, match="unknown source 'opportunities'"):
        define_metric("x_count", label="x", source="opportunities")
    with pytest.raises(ValueError, match="say which unit"):
        define_metric("x_mean", label="x", measure="mean:sales_reps", source="partners")
    with pytest.raises(ValueError, match="lower-case letters"):
        define_metric("Big Deals", label="x")


def test_bad_filters_and_outputs_are_clear_errors(store):
    define_metric("by_colour", label="x", source="won_deals", where={"colour": "red"})
    with pytest.raises(KeyError, match="where= names column 'colour'"):
        store.compute("by_colour")

    @metric(id="not_rows", label="x", unit="count", definition="Returns the wrong thing.")
    def not_rows(ctx):
        return won_deals(ctx)[["deal_id"]]

    with pytest.raises(TypeError, match="must return KPI rows with columns period, partner_id, attribution, value"):
        store.compute("not_rows")


def test_metric_files_load_and_report_their_errors(tmp_path):
    good = tmp_path / "mine.py"
    good.write_text("from partner_analysis import define_metric\n"
                    "define_metric('smb_revenue', label='SMB revenue', source='won_deals',\n"
                    "              where={'segment': 'smb'}, measure='sum:amount')\n")
    assert load_metric_files([good]) == {"smb_revenue": good}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MetricReplaced)
        assert load_metric_files([good]) == {"smb_revenue": good}  # loading again replaces
    bad = tmp_path / "broken.py"
    bad.write_text("from partner_analysis import define_metric\n\nundefined_name + 1\n")
    with pytest.raises(InputError, match=r"broken.py: your metric file failed to run \(line 3\): NameError"):
        load_metric_files([bad])
    with pytest.raises(InputError, match="not found"):
        load_metric_files([tmp_path / "absent.py"])
