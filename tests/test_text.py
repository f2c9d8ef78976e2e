"""Text cells: blanks stripped and empty strings missing, the same whether the edge check skips the
strip or not."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partner_analysis.ingest.text import as_text

#: Blanks of every kind Python and Arrow strip (ASCII, \x1c-\x1f separators, NEL, no-break, em and
#: ideographic spaces), characters of 2 to 4 bytes, and plain letters.
ALPHABET = ["a", "Z", "1", "-", " ", "\t", "\n", "\r", "\x0b", "\x1c", "\x1f", "\x7f", "\x85", "\u00a0",
            "\u2003", "\u3000", "\u200b", "é", "€", "😀"]


def arrow_text(chunks: list[list[str | None]], string_type: pa.DataType, skip: int) -> pd.Series:
    """A text column as a reader gives it: Arrow chunks, the first one a slice (offset not 0)."""
    arrays = [pa.array(chunk, string_type) for chunk in chunks]
    arrays[0] = arrays[0].slice(min(skip, len(arrays[0])))
    return pa.table({"x": pa.chunked_array(arrays, string_type)}).to_pandas()["x"]


def stripped(values: pd.Series) -> pd.Series:
    out = values.astype("str").str.strip()
    return out.mask(out == "")


def test_blanks_stripped_and_empty_strings_missing():
    values = arrow_text([[" a", "b\u00a0", "", None, "c", "\u3000"]], pa.large_string(), 0)
    out = as_text(values)
    assert out.isna().tolist() == [False, False, True, True, False, True]
    assert out.dropna().tolist() == ["a", "b", "c"]


@pytest.mark.parametrize("chunks", [[["P001", "P002", None], ["P003"]],  # printable ASCII only
                                    [["P001", "Müller", None], ["x y"]]])  # inner blank, beyond ASCII
def test_clean_text_is_returned_as_it_is(chunks):
    values = arrow_text(chunks, pa.large_string(), 1)
    assert as_text(values) is values


def test_a_sliced_chunk_is_checked_at_its_own_values():
    # the slice skips "a": its values are "b", " c" and the blank must be stripped
    assert as_text(arrow_text([["a", "b", " c"]], pa.large_string(), 1)).tolist() == ["b", "c"]
    assert as_text(arrow_text([[" a", "b", "c"]], pa.string(), 1)).tolist() == ["b", "c"]


def test_float_ids_become_whole_numbers():
    assert as_text(pd.Series([123.0, np.nan, 1.5])).tolist() == ["123", np.nan, "1.5"]


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(chunks=st.lists(st.lists(st.one_of(st.none(), st.lists(st.sampled_from(ALPHABET), max_size=4).map("".join)),
                                max_size=6), min_size=1, max_size=3),
       string_type=st.sampled_from([pa.string(), pa.large_string()]), skip=st.integers(0, 3))
def test_same_as_stripping_every_value(chunks, string_type, skip):
    values = arrow_text(chunks, string_type, skip)
    pd.testing.assert_series_equal(as_text(values), stripped(values))
