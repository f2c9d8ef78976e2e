"""Known-answer tests for the revenue & pipeline KPIs, on deals tables small enough to add up by hand.

BASE (calendar fiscal year, as of 2024-06-30, so the quarters are 2024Q1 and 2024Q2):

    deal  attribution  partner  stage  created     closed      amount
    d1    sourced      p1       won    2024-01-05  2024-02-04     100   30-day cycle
    d2    sourced      p1       lost   2024-01-10  2024-03-10      50
    d3    influenced   p3       won    2024-01-15  2024-03-31     300   76 days; closed on Q1's last day
    d4    direct       -        won    2024-02-01  2024-03-01     600   29 days (2024 is a leap year)
    d5    sourced      p1       open   2024-03-15  -              200
    d6    influenced   p3       won    2024-02-20  2024-04-01     400   41 days; still open at the end of Q1
    d7    direct       -        open   2024-04-02  -               80
    d8    sourced      p3       lost   2024-04-10  2024-06-01     120

p1, p2 and p3 joined in 2023; p2 has no deals; p4 joins on 2024-05-15 (in the program in Q2 only).
"""
from __future__ import annotations

import pytest
from pytest import approx

from partner_analysis.config import Config

from .helpers import context, has_no_row, known_answer, row_of, rows_of, validated, value_of

DEAL_COLUMNS = ("deal_id", "attribution", "partner_id", "stage", "created_at", "closed_at", "amount")
BASE_DEALS = [
    ("d1", "sourced", "p1", "won", "2024-01-05", "2024-02-04", 100),
    ("d2", "sourced", "p1", "lost", "2024-01-10", "2024-03-10", 50),
    ("d3", "influenced", "p3", "won", "2024-01-15", "2024-03-31", 300),
    ("d4", "direct", None, "won", "2024-02-01", "2024-03-01", 600),
    ("d5", "sourced", "p1", "open", "2024-03-15", None, 200),
    ("d6", "influenced", "p3", "won", "2024-02-20", "2024-04-01", 400),
    ("d7", "direct", None, "open", "2024-04-02", None, 80),
    ("d8", "sourced", "p3", "lost", "2024-04-10", "2024-06-01", 120),
]
BASE_JOINED = {"p1": "2023-03-01", "p2": "2023-06-01", "p3": "2023-09-01", "p4": "2024-05-15"}


def tables(deals: list[tuple], joined: dict[str, str]) -> dict:
    """Validated partners (id -> joined_at) and deals (tuples in DEAL_COLUMNS order)."""
    partners = {"partner_id": list(joined), "partner_name": [p.upper() for p in joined],
                "partner_type": ["reseller"] * len(joined), "joined_at": list(joined.values())}
    return validated(partners=partners, deals={c: [d[i] for d in deals] for i, c in enumerate(DEAL_COLUMNS)})


@pytest.fixture(scope="module")
def base():
    return context(tables(BASE_DEALS, BASE_JOINED), as_of="2024-06-30")


@known_answer("sourced_revenue")
def test_sourced_revenue_zero_fills_in_program_partners(base):
    rows = rows_of("sourced_revenue", base)
    assert value_of(rows, "2024Q1") == approx(100)  # d1 won; d2 lost, d5 open
    assert value_of(rows, "2024Q1", "p1") == approx(100)
    assert value_of(rows, "2024Q1", "p2") == 0  # in the program, no deals
    assert value_of(rows, "2024Q1", "p3") == 0  # p3 only influenced in Q1
    assert has_no_row(rows, "2024Q1", "p4")  # not yet in the program
    assert value_of(rows, "2024Q2") == 0  # d8 lost
    assert value_of(rows, "2024Q2", "p4") == 0
    assert row_of(rows, "2024Q1", "p1")["n"] == 1


@known_answer("influenced_revenue")
def test_influenced_revenue(base):
    rows = rows_of("influenced_revenue", base)
    assert value_of(rows, "2024Q1") == approx(300)  # d3 closed 2024-03-31 is still Q1
    assert value_of(rows, "2024Q2") == approx(400)  # d6 closed 2024-04-01
    assert value_of(rows, "2024Q2", "p3") == approx(400)
    assert value_of(rows, "2024Q2", "p1") == 0


@known_answer("direct_revenue")
def test_direct_revenue_has_no_partner_rows(base):
    rows = rows_of("direct_revenue", base)
    assert value_of(rows, "2024Q1") == approx(600)  # d4
    assert value_of(rows, "2024Q2") == 0  # d7 still open
    assert rows["partner_id"].isna().all()


@known_answer("partner_revenue_share")
def test_partner_revenue_share(base):
    rows = rows_of("partner_revenue_share", base)
    # Q1 won: sourced 100 + influenced 300 + direct 600 = 1000 -> (100 + 300) / 1000
    q1 = row_of(rows, "2024Q1")
    assert (q1["value"], q1["numerator"], q1["denominator"]) == (approx(0.4), approx(400), approx(1000))
    # Per partner: its own sourced + influenced won revenue over the program's total.
    assert value_of(rows, "2024Q1", "p1") == approx(100 / 1000)
    assert row_of(rows, "2024Q1", "p3")["numerator"] == approx(300)
    assert row_of(rows, "2024Q1", "p3")["denominator"] == approx(1000)
    assert value_of(rows, "2024Q1", "p2") == 0
    # Q2 won: only d6 (influenced, p3) -> 400 / 400
    assert value_of(rows, "2024Q2") == approx(1.0)
    assert value_of(rows, "2024Q2", "p3") == approx(1.0)


@known_answer("pipeline_created")
def test_pipeline_created_by_attribution(base):
    rows = rows_of("pipeline_created", base)
    # Q1 created: d1..d6 whatever their stage -> 100 + 50 + 300 + 600 + 200 + 400
    assert value_of(rows, "2024Q1") == approx(1650)
    assert value_of(rows, "2024Q1", attribution="sourced") == approx(350)  # d1 + d2 + d5
    assert value_of(rows, "2024Q1", attribution="influenced") == approx(700)  # d3 + d6
    assert value_of(rows, "2024Q1", attribution="direct") == approx(600)  # d4
    assert value_of(rows, "2024Q1", attribution="partner") == approx(1050)  # 350 + 700
    assert value_of(rows, "2024Q1", "p1") == approx(350)
    assert value_of(rows, "2024Q1", "p3", "influenced") == approx(700)
    assert value_of(rows, "2024Q1", "p3", "sourced") == 0
    assert value_of(rows, "2024Q1", "p2") == 0
    # Q2 created: d7 direct 80, d8 sourced 120
    assert value_of(rows, "2024Q2") == approx(200)
    assert value_of(rows, "2024Q2", "p3", "sourced") == approx(120)


@known_answer("opportunities_created")
def test_opportunities_created(base):
    rows = rows_of("opportunities_created", base)
    assert value_of(rows, "2024Q1") == 6  # d1..d6
    assert value_of(rows, "2024Q1", attribution="sourced") == 3  # d1, d2, d5
    assert value_of(rows, "2024Q1", attribution="influenced") == 2  # d3, d6
    assert value_of(rows, "2024Q1", attribution="direct") == 1  # d4
    assert value_of(rows, "2024Q1", attribution="partner") == 5
    assert value_of(rows, "2024Q1", "p1") == 3
    assert value_of(rows, "2024Q1", "p2") == 0
    assert value_of(rows, "2024Q2") == 2  # d7, d8
    assert value_of(rows, "2024Q2", "p1", "sourced") == 0


@known_answer("open_pipeline_value")
def test_open_pipeline_value_is_a_snapshot_at_period_end(base):
    rows = rows_of("open_pipeline_value", base)
    # Open at the end of Q1: d5 (open) and d6 (closes 2024-04-01); d3 closed on 2024-03-31 is not.
    assert value_of(rows, "2024Q1") == approx(600)  # 200 + 400
    assert value_of(rows, "2024Q1", attribution="sourced") == approx(200)
    assert value_of(rows, "2024Q1", attribution="influenced") == approx(400)
    assert value_of(rows, "2024Q1", attribution="direct") == 0
    assert value_of(rows, "2024Q1", attribution="partner") == approx(600)
    assert value_of(rows, "2024Q1", "p3") == approx(400)
    # Open at the end of Q2: d5 still open and d7 (created in Q2); d8 lost in Q2.
    assert value_of(rows, "2024Q2") == approx(280)  # 200 + 80
    assert value_of(rows, "2024Q2", attribution="direct") == approx(80)
    assert value_of(rows, "2024Q2", "p1", "sourced") == approx(200)
    assert value_of(rows, "2024Q2", "p3") == 0


@known_answer("open_pipeline_value")
def test_open_pipeline_of_the_current_quarter_is_taken_at_the_as_of_date(base):
    rows = rows_of("open_pipeline_value", context(base.tables, as_of="2024-05-31"))
    # On 2024-05-31: d5, d7 open and d8 (lost only on 2024-06-01, after the as-of date) -> 200 + 80 + 120
    assert value_of(rows, "2024Q2") == approx(400)
    assert value_of(rows, "2024Q2", "p3", "sourced") == approx(120)


@known_answer("open_opportunities")
def test_open_opportunities(base):
    rows = rows_of("open_opportunities", base)
    assert value_of(rows, "2024Q1") == 2  # d5, d6
    assert value_of(rows, "2024Q1", attribution="influenced") == 1  # d6
    assert value_of(rows, "2024Q1", "p1") == 1  # d5
    assert value_of(rows, "2024Q1", "p2") == 0
    assert value_of(rows, "2024Q2") == 2  # d5, d7
    assert value_of(rows, "2024Q2", attribution="partner") == 1  # d5


@known_answer("pipeline_growth")
def test_pipeline_growth(base):
    rows = rows_of("pipeline_growth", base)
    assert has_no_row(rows, "2024Q1")  # no previous period in the grid
    q2 = row_of(rows, "2024Q2")  # created 1650 in Q1, 200 in Q2
    assert (q2["value"], q2["numerator"], q2["denominator"]) == (approx(-1450 / 1650), approx(-1450), approx(1650))
    assert value_of(rows, "2024Q2", attribution="sourced") == approx((120 - 350) / 350)
    assert value_of(rows, "2024Q2", attribution="influenced") == approx(-1.0)  # 700 -> 0
    assert value_of(rows, "2024Q2", attribution="direct") == approx((80 - 600) / 600)
    assert value_of(rows, "2024Q2", "p1") == approx(-1.0)  # 350 -> 0
    assert has_no_row(rows, "2024Q2", "p2")  # 0 -> 0: previous is 0


@known_answer("pipeline_growth")
def test_pipeline_growth_is_missing_after_a_period_with_no_pipeline():
    deals = [("a", "sourced", "p1", "open", "2024-01-10", None, 100),
             ("b", "sourced", "p1", "open", "2024-07-10", None, 300)]
    rows = rows_of("pipeline_growth", context(tables(deals, {"p1": "2023-01-01"}), as_of="2024-09-30"))
    assert value_of(rows, "2024Q2") == approx(-1.0)  # 100 -> 0
    assert has_no_row(rows, "2024Q3")  # 0 -> 300: no growth rate from 0
    assert has_no_row(rows, "2024Q3", "p1")


@known_answer("win_rate")
def test_win_rate(base):
    rows = rows_of("win_rate", base)
    # Q1 closed: d1 won, d2 lost, d3 won, d4 won -> 3 / 4; open d5, d6 do not count.
    q1 = row_of(rows, "2024Q1")
    assert (q1["value"], q1["numerator"], q1["denominator"], q1["n"]) == (approx(0.75), 3, 4, 4)
    assert value_of(rows, "2024Q1", attribution="sourced") == approx(0.5)  # d1 / (d1, d2)
    assert value_of(rows, "2024Q1", attribution="influenced") == approx(1.0)  # d3
    assert value_of(rows, "2024Q1", attribution="direct") == approx(1.0)  # d4
    assert value_of(rows, "2024Q1", attribution="partner") == approx(2 / 3)  # d1, d3 of d1, d2, d3
    assert value_of(rows, "2024Q1", "p1") == approx(0.5)
    assert value_of(rows, "2024Q1", "p1", "sourced") == approx(0.5)
    assert has_no_row(rows, "2024Q1", "p2")  # no deals: no rate, not 0
    assert value_of(rows, "2024Q2") == approx(0.5)  # d6 won, d8 lost
    assert has_no_row(rows, "2024Q2", "p1")  # p1 closed nothing in Q2


@known_answer("win_rate", "partner_revenue_share")
def test_win_rate_is_missing_in_a_quarter_without_closed_deals():
    deals = [("a", "sourced", "p1", "won", "2024-01-10", "2024-02-10", 100),
             ("b", "sourced", "p1", "open", "2024-04-10", None, 300)]
    ctx = context(tables(deals, {"p1": "2023-01-01"}), as_of="2024-06-30")
    rows = rows_of("win_rate", ctx)
    assert value_of(rows, "2024Q1") == approx(1.0)
    assert has_no_row(rows, "2024Q2")  # b is open: nothing closed, so no rate (not 0)
    assert has_no_row(rows, "2024Q2", "p1")
    assert has_no_row(rows_of("partner_revenue_share", ctx), "2024Q2")  # nothing won: no share either


@known_answer("avg_deal_size")
def test_avg_deal_size(base):
    rows = rows_of("avg_deal_size", base)
    # Q1 won: 100 + 300 + 600 over 3 deals; lost and open deals do not count.
    q1 = row_of(rows, "2024Q1")
    assert (q1["value"], q1["numerator"], q1["denominator"], q1["n"]) == (approx(1000 / 3), approx(1000), 3, 3)
    assert value_of(rows, "2024Q1", attribution="sourced") == approx(100)
    assert value_of(rows, "2024Q1", attribution="influenced") == approx(300)
    assert value_of(rows, "2024Q1", attribution="direct") == approx(600)
    assert value_of(rows, "2024Q1", attribution="partner") == approx(200)  # (100 + 300) / 2
    assert value_of(rows, "2024Q1", "p3", "influenced") == approx(300)
    assert has_no_row(rows, "2024Q1", "p2")
    assert value_of(rows, "2024Q2", "p3") == approx(400)  # d6


@known_answer("sales_cycle_days")
def test_sales_cycle_days(base):
    rows = rows_of("sales_cycle_days", base)
    # Q1 won cycles: d1 30, d3 76, d4 29 days -> median 30; lost d2 does not count.
    q1 = row_of(rows, "2024Q1")
    assert (q1["value"], q1["n"]) == (approx(30), 3)
    assert value_of(rows, "2024Q1", attribution="sourced") == approx(30)
    assert value_of(rows, "2024Q1", attribution="influenced") == approx(76)
    assert value_of(rows, "2024Q1", attribution="direct") == approx(29)
    assert value_of(rows, "2024Q1", attribution="partner") == approx(53)  # median(30, 76)
    assert value_of(rows, "2024Q1", "p1") == approx(30)
    assert has_no_row(rows, "2024Q1", "p2")
    assert value_of(rows, "2024Q2", "p3", "influenced") == approx(41)  # d6: 2024-02-20 -> 2024-04-01


@known_answer("sourced_revenue", "win_rate", "pipeline_created")
def test_fiscal_year_starting_in_july_splits_at_june_30():
    # FY2025 runs Jul 2024 - Jun 2025 (named by the year it ends in): 2024-06-30 is 2024Q4, 2024-07-01 is 2025Q1.
    deals = [("a", "sourced", "p1", "won", "2024-05-01", "2024-06-30", 100),
             ("b", "sourced", "p1", "won", "2024-06-15", "2024-07-01", 250),
             ("c", "sourced", "p1", "lost", "2024-06-20", "2024-07-02", 40)]
    fiscal = tables(deals, {"p1": "2023-01-01"})
    ctx = context(fiscal, as_of="2024-09-30", config=Config(fiscal_year_start_month=7))
    revenue = rows_of("sourced_revenue", ctx)
    assert value_of(revenue, "2024Q4") == approx(100)
    assert value_of(revenue, "2025Q1") == approx(250)
    assert value_of(revenue, "2025Q1", "p1") == approx(250)
    wins = rows_of("win_rate", ctx)
    assert value_of(wins, "2024Q4") == approx(1.0)  # a won
    assert value_of(wins, "2025Q1") == approx(0.5)  # b won, c lost
    created = rows_of("pipeline_created", ctx)
    assert value_of(created, "2024Q4") == approx(390)  # all three created Apr-Jun 2024
    # Months stay calendar months whatever the fiscal start.
    monthly = rows_of("sourced_revenue", context(fiscal, freq="month", as_of="2024-09-30",
                                                 config=Config(fiscal_year_start_month=7)))
    assert value_of(monthly, "2024-06") == approx(100)
    assert value_of(monthly, "2024-07") == approx(250)
