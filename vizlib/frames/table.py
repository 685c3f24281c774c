"""Frames built column-wise: rows to Arrow tables, Arrow tables to DataFrames of declared dtypes.

Arrow is the interchange form: per-file tables are what parallel workers send
back, what the cache stores and what corpora concatenate, so a DataFrame is
built once per frame, however many files went into it. Parsed values
(`tool_calls.args`) travel as JSON text and are parsed when the frame is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa

from vizlib.frames.columns import FRAMES, STR, Column
from vizlib.frames.extract import EXTRACTORS, Row, chunk_columns, usage_rows
from vizlib.pricing import PriceTable
from vizlib.records import Interaction
from vizlib.threads import Link

_ARROW = {
    STR: pa.large_string(),  # what pandas' Arrow-backed strings hold: no cast to build them
    "category": pa.string(),
    "object": pa.string(),  # JSON text
    "int64": pa.int64(),
    "Int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "boolean": pa.bool_(),
    "datetime64[ns, UTC]": pa.timestamp("ns", tz="UTC"),
}


def arrow_schema(columns: Sequence[Column]) -> pa.Schema:
    """The Arrow schema of a frame."""
    return _schema(tuple(columns))


@lru_cache(maxsize=64)
def _schema(columns: tuple[Column, ...]) -> pa.Schema:
    return pa.schema([pa.field(c.name, _ARROW[c.dtype]) for c in columns])


def _arrow_values(values: Sequence[object], column: Column) -> pa.Array:
    if column.dtype == "object":
        return pa.array(
            [None if v is None else orjson.dumps(v).decode() for v in values], pa.string()
        )
    if column.dtype.startswith("datetime64"):
        times = pd.to_datetime(
            pd.Series(list(values), dtype=object), utc=True, errors="coerce", format="ISO8601"
        )
        return pa.array(times.astype("datetime64[ns, UTC]"), pa.timestamp("ns", tz="UTC"))
    try:
        return pa.array(values, _ARROW[column.dtype], from_pandas=True)
    except OverflowError:  # a count beyond int64 in a hostile or broken recording is NA
        return pa.array([_in_int64(v) for v in values], _ARROW[column.dtype], from_pandas=True)


_INT64 = range(-(2**63), 2**63)


def _in_int64(value: object) -> object:
    return None if isinstance(value, int) and value not in _INT64 else value


def rows_to_table(columns: Sequence[Column], rows: Iterable[Row]) -> pa.Table:
    """An Arrow table of `rows` (tuples in column order), built one column at a time."""
    materialised = list(rows)
    transposed = list(zip(*materialised, strict=True)) if materialised else [()] * len(columns)
    return columns_to_table(columns, transposed)


def columns_to_table(columns: Sequence[Column], values: Sequence[Sequence[object]]) -> pa.Table:
    """An Arrow table of one sequence of values per column, in column order."""
    arrays = [_arrow_values(v, column) for column, v in zip(columns, values, strict=True)]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(columns))


@lru_cache(maxsize=256)
def _categories(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    """The dtype of a categorical column (declared sets repeat: built once each)."""
    return pd.CategoricalDtype(pd.Index(categories, dtype="str"))


_FROM_ARROW: dict[str, Any] = {  # dtypes with `__from_arrow__`, which the stubs lack
    "Int64": pd.Int64Dtype(),
    "boolean": pd.BooleanDtype(),
    "datetime64[ns, UTC]": pd.DatetimeTZDtype("ns", "UTC"),
}


def _pandas_values(
    array: pa.ChunkedArray, column: Column
) -> pd.api.extensions.ExtensionArray | np.ndarray:
    dtype = column.dtype
    if dtype == STR:
        strings: pd.api.extensions.ExtensionArray = pd.arrays.ArrowStringArray(array)
        return strings
    if dtype == "category":
        encoded = array.combine_chunks().dictionary_encode() if len(array) else None
        if encoded is None:
            return pd.Categorical([], categories=column.categories)
        codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False))
        observed = encoded.dictionary.to_pylist()
        # declared categories in their order, else the values seen, sorted: the same for a
        # cassette however it was loaded
        categories = list(column.categories) if column.categories else sorted(observed)
        position = {name: i for i, name in enumerate(categories)}
        extra = [name for name in observed if name not in position]
        if extra:  # a value outside the declared set: keep it rather than lose the row's value
            categories += extra
            position.update({name: len(position) + i for i, name in enumerate(extra)})
        remap = np.array([position[name] for name in observed] + [-1], dtype=np.int64)
        codes = remap[codes]
        categorical: pd.Categorical = pd.Categorical.from_codes(
            codes, dtype=_categories(tuple(categories)), validate=False
        )
        return categorical
    if dtype == "object":
        out = np.empty(len(array), dtype=object)
        out[:] = [None if t is None else orjson.loads(t) for t in array.to_pylist()]
        return out
    if dtype in _FROM_ARROW:  # pandas' own conversion, straight from the Arrow buffers
        converted: pd.api.extensions.ExtensionArray = _FROM_ARROW[dtype].__from_arrow__(array)
        return converted
    return np.array(array.to_numpy(zero_copy_only=False), dtype=dtype)  # owned, writable


def table_to_frame(columns: Sequence[Column], table: pa.Table) -> pd.DataFrame:
    """The DataFrame of an Arrow table, with exactly the declared columns and dtypes."""
    return pd.DataFrame(
        {c.name: _pandas_values(table.column(c.name), c) for c in columns},
        index=pd.RangeIndex(table.num_rows),
        copy=False,  # every column was built for this frame (and may be written to)
    )


def frame_from_rows(columns: Sequence[Column], rows: Iterable[Row]) -> pd.DataFrame:
    """A DataFrame whose columns are exactly `columns`, built one column at a time."""
    return table_to_frame(columns, rows_to_table(columns, rows))


def empty_frame(frame: str) -> pd.DataFrame:
    """A frame with its declared columns and no rows."""
    return frame_from_rows(FRAMES[frame], ())


def frame_rows(
    frame: str,
    name: str,
    interactions: Sequence[Interaction],
    *,
    prices: PriceTable | None = None,
    links: Sequence[Link] | None = None,
) -> Iterable[Row]:
    """The rows of one frame of one cassette (`links`: its `run_links`, where known already).

    Every frame but `chunks`, which is built from columns (see `chunk_columns`).
    """
    if frame == "usage":
        return usage_rows(name, interactions, prices)
    if frame in ("interactions", "tool_calls"):
        return EXTRACTORS[frame](name, interactions, links)  # type: ignore[call-arg]
    return EXTRACTORS[frame](name, interactions)


def build_table(
    frame: str,
    name: str,
    interactions: Sequence[Interaction],
    *,
    prices: PriceTable | None = None,
) -> pa.Table:
    """One frame of one cassette as an Arrow table."""
    if frame == "chunks":
        return columns_to_table(FRAMES[frame], chunk_columns([(name, interactions)]))
    return rows_to_table(FRAMES[frame], frame_rows(frame, name, interactions, prices=prices))


def build_frame(
    frame: str,
    name: str,
    interactions: Sequence[Interaction],
    *,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """One of the five frames (`interactions`, `chunks`, ...) of one cassette."""
    return table_to_frame(FRAMES[frame], build_table(frame, name, interactions, prices=prices))
