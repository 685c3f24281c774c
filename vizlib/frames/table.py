"""DataFrames built column-wise from rows, with the declared dtypes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from vizlib.frames.columns import FRAMES, Column
from vizlib.frames.extract import EXTRACTORS, Row, usage_rows
from vizlib.pricing import PriceTable
from vizlib.records import Interaction


def _array(
    values: Sequence[object], column: Column
) -> pd.api.extensions.ExtensionArray | np.ndarray:
    if column.dtype == "object":
        out = np.empty(len(values), dtype=object)
        out[:] = list(values)
        return out
    if column.dtype.startswith("datetime64"):
        times = pd.to_datetime(pd.Series(list(values), dtype=object), utc=True, errors="coerce")
        utc: pd.api.extensions.ExtensionArray = times.astype(pd.DatetimeTZDtype("ns", "UTC")).array
        return utc
    if column.dtype == "category":
        return pd.Categorical(list(values), categories=column.categories)
    array: pd.api.extensions.ExtensionArray = pd.array(values, dtype=column.dtype)  # type: ignore[call-overload]
    return array


def frame_from_rows(columns: Sequence[Column], rows: Iterable[Row]) -> pd.DataFrame:
    """A DataFrame whose columns are exactly `columns`, built one column at a time."""
    materialised = list(rows)
    transposed = list(zip(*materialised, strict=True)) if materialised else [()] * len(columns)
    return pd.DataFrame(
        {
            column.name: _array(values, column)
            for column, values in zip(columns, transposed, strict=True)
        }
    )


def empty_frame(frame: str) -> pd.DataFrame:
    """A frame with its declared columns and no rows."""
    return frame_from_rows(FRAMES[frame], ())


def build_frame(
    frame: str,
    name: str,
    interactions: Sequence[Interaction],
    *,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """One of the five frames (`interactions`, `chunks`, ...) of one cassette."""
    if frame == "usage":
        return frame_from_rows(FRAMES[frame], usage_rows(name, interactions, prices))
    return frame_from_rows(FRAMES[frame], EXTRACTORS[frame](name, interactions))
