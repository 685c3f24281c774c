"""Every frame carries exactly its declared columns, with the declared dtypes, even when empty."""

from __future__ import annotations

import pandas as pd
import pytest

import vizlib
from vizlib.frames import FRAMES, empty_frame


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
