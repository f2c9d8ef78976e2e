"""Report file names are safe whatever a partner is called, and one per partner."""
from __future__ import annotations

import re

import pytest

from partner_analysis.report.naming import partner_file_name

SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


@pytest.mark.parametrize("partner_id, name, expected", [
    ("P00042", "Delta Solutions 38", "P00042-delta-solutions-38"),
    ("p1", "Acme & Co. (EMEA)", "p1-acme-co-emea"),
])
def test_plain_ids_and_names_read_as_they_are(partner_id, name, expected):
    assert partner_file_name(partner_id, name) == expected


@pytest.mark.parametrize("partner_id, name", [
    ("../../etc/passwd", "<script>alert(1)</script>"), ("Ünïcode", "Café Über"), ("", ""), ("a" * 300, "b" * 300),
    ("P/1", "x"), ("P 1", "x"), ("CON", "NUL"), (".hidden", "..."),
])
def test_hostile_ids_and_names_give_safe_short_distinct_names(partner_id, name):
    stem = partner_file_name(partner_id, name)
    assert SAFE.match(stem) and len(stem) <= 80
    assert stem != partner_file_name(partner_id + "x", name)


def test_device_names_windows_reserves_are_not_used():
    assert partner_file_name("CON").upper() != "CON" and partner_file_name("nul", "").upper() != "NUL"


def test_ids_that_differ_only_where_the_slug_loses_them_stay_apart():
    assert partner_file_name("P/1", "x") != partner_file_name("P 1", "x") != partner_file_name("P-1", "x")
