"""Every frame carries exactly its declared columns, with the declared dtypes, even when empty."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vizlib
from vizlib.frames import FRAMES, empty_frame
from vizlib.frames import table as frames_table
from vizlib.frames.columns import Column
from vizlib.frames.table import table_to_frame


def _check(frame: pd.DataFrame, name: str) -> None:
    declared = FRAMES[name]
    assert frame.columns.tolist() == [c.name for c in declared]
    for column in declared:
        assert str(frame[column.name].dtype) == str(pd.api.types.pandas_dtype(column.dtype)) or (
            column.dtype == "category" and isinstance(frame[column.name].dtype, pd.CategoricalDtype)
        ), column.name


@pytest.mark.parametrize("name", list(FRAMES))
def test_sample_frames_follow_the_contract(sample: vizlib.Cassette, name: str) -> None:
    _check(getattr(sample, name), name)


@pytest.mark.parametrize("name", list(FRAMES))
def test_empty_frames_follow_the_contract(name: str) -> None:
    _check(empty_frame(name), name)
    bare = vizlib.load("version: 2\ninteractions: []\n", name="empty.yaml")
    _check(getattr(bare, name), name)


def test_every_column_is_documented() -> None:
    for columns in FRAMES.values():
        assert all(len(c.doc) > 10 for c in columns)


_INTEGERS = st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), max_size=40)
_NAMES = st.lists(st.one_of(st.none(), st.sampled_from(["text", "tool_call", "odd", ""])))


def _chunked(values: list[object], kind: pa.DataType, cut: int, skip: int) -> pa.ChunkedArray:
    """`values` in a slice that starts inside its buffers, after a chunk of `cut` of them."""
    cut = min(cut, len(values))
    tail = pa.array([None] * skip + values[cut:], kind).slice(skip)
    chunks = [pa.array(values[:cut], kind), tail] if cut else [tail]
    return pa.chunked_array(chunks, kind)


@settings(max_examples=200, deadline=None)
@given(values=_INTEGERS, cut=st.integers(0, 40), skip=st.integers(0, 11))
def test_nullable_integers_are_pandas_own(values: list[int | None], cut: int, skip: int) -> None:
    array = _chunked(values, pa.int64(), cut, skip)
    column = Column("n", "Int64", "a nullable count")
    converted = table_to_frame([column], pa.table({"n": array}))["n"].array
    expected = pd.Int64Dtype().__from_arrow__(array)
    assert converted.equals(expected)
    if values:  # the frame owns its values: writing one leaves Arrow's memory alone
        converted[0] = 7
        assert array.to_pylist() == values


@settings(max_examples=200, deadline=None)
@given(values=_NAMES, cut=st.integers(0, 40), skip=st.integers(0, 11))
def test_categories_hold_every_value_in_the_declared_order(
    values: list[str | None], cut: int, skip: int
) -> None:
    array = _chunked(values, pa.string(), cut, skip)
    column = Column("kind", "category", "a chunk's kind", ("text", "tool_call"))
    converted = table_to_frame([column], pa.table({"kind": array}))["kind"]
    assert [None if pd.isna(v) else v for v in converted.tolist()] == values
    categories = list(converted.cat.categories)
    assert categories[:2] == ["text", "tool_call"]  # declared first, then any other value seen
    assert set(categories) == {"text", "tool_call"} | {v for v in values if v is not None}


@pytest.mark.parametrize("name", list(FRAMES))
def test_frames_are_alike_whichever_constructor_builds_them(
    sample: vizlib.Cassette, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = getattr(sample, name)
    monkeypatch.setattr(frames_table, "create_dataframe_from_blocks", None)  # as under pandas 2
    table = frames_table.build_table(name, sample.name, sample.records)
    pd.testing.assert_frame_equal(frames_table.table_to_frame(FRAMES[name], table), built)
