"""Known-answer marks are checked by running: a test marked for a metric must compute it."""
from __future__ import annotations

import pytest

from tests.kpis import helpers


@pytest.fixture(autouse=True)
def known_answers_are_computed(request):
    helpers.COMPUTED.clear()
    yield
    marked = {metric for mark in request.node.iter_markers("known_answer") for metric in mark.args}
    missing = marked - helpers.COMPUTED
    assert not missing, f"marked as the known-answer test of {sorted(missing)}, but never computes it with rows_of"
