"""Frames built column-wise: rows to Arrow tables, Arrow tables to DataFrames of declared dtypes.

Arrow is the interchange form: per-file tables are what parallel workers send
back, what the cache stores and what corpora concatenate, so a DataFrame is
built once per frame, however many files went into it. Parsed values
(`tool_calls.args`) travel as JSON text and are parsed when the frame is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
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


@lru_cache(maxsize=64)
def _categories(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    """The dtype of a column's declared categories (the sets repeat: built once each)."""
    return _dtype(list(categories))


def _dtype(categories: list[str]) -> pd.CategoricalDtype:
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
        encoded = _one_chunk(array).dictionary_encode() if len(array) else None
        if encoded is None:
            return pd.Categorical([], categories=column.categories)
        codes = _integers(encoded.indices, np.int32, missing=-1)
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
        declared = column.categories and not extra  # the same set for any data: built once
        kept = _categories(tuple(categories)) if declared else _dtype(categories)
        categorical: pd.Categorical = pd.Categorical.from_codes(codes, dtype=kept, validate=False)
        return categorical
    if dtype == "object":
        out = np.empty(len(array), dtype=object)
        out[:] = [None if t is None else orjson.loads(t) for t in array.to_pylist()]
        return out
    if dtype == "Int64":
        values = _one_chunk(array)
        return pd.arrays.IntegerArray(_integers(values, np.int64), _nulls(values))
    if dtype in _FROM_ARROW:  # pandas' own conversion, straight from the Arrow buffers
        converted: pd.api.extensions.ExtensionArray = _FROM_ARROW[dtype].__from_arrow__(array)
        return converted
    return np.array(array.to_numpy(zero_copy_only=False), dtype=dtype)  # owned, writable


def _one_chunk(array: pa.ChunkedArray) -> pa.Array:
    return array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()


def _integers(
    array: pa.Array, dtype: type[np.integer[Any]], missing: int | None = None
) -> np.ndarray:
    """An integer array's values as a new NumPy array (from its buffers).

    Where a value is null, the array holds `missing`, or what Arrow's buffer holds.
    """
    start = array.offset
    values = np.frombuffer(array.buffers()[1], dtype=dtype, count=start + len(array))[start:]
    if missing is None or not array.null_count:
        return values.copy()  # owned, writable: not a view of Arrow's memory
    return np.where(_nulls(array), dtype(missing), values)


def _nulls(array: pa.Array) -> np.ndarray:
    """Where an array is null, as booleans (from its validity bitmap)."""
    if not array.null_count:
        return np.zeros(len(array), dtype=bool)
    start = array.offset
    bits = np.frombuffer(array.buffers()[0], dtype=np.uint8)
    valid = np.unpackbits(bits, count=start + len(array), bitorder="little")[start:]
    nulls: np.ndarray = valid == 0
    return nulls


def _blocks_constructor() -> Callable[..., pd.DataFrame] | None:
    """The constructor of a frame from its columns as they are, unchecked (pandas 3), or None."""
    try:
        internals = importlib.import_module("pandas.api.internals")
    except ImportError:  # pragma: no cover - pandas 2
        return None
    return getattr(internals, "create_dataframe_from_blocks", None)


create_dataframe_from_blocks = _blocks_constructor()


def table_to_frame(columns: Sequence[Column], table: pa.Table) -> pd.DataFrame:
    """The DataFrame of an Arrow table, with exactly the declared columns and dtypes."""
    values = [_pandas_values(table.column(c.name), c) for c in columns]
    index = pd.RangeIndex(table.num_rows)
    if create_dataframe_from_blocks is None:
        return pd.DataFrame(
            dict(zip([c.name for c in columns], values, strict=True)),
            index=index,
            copy=False,  # every column was built for this frame (and may be written to)
        )
    # one block per column, each built for this frame (and free to be written to)
    blocks = [
        (value.reshape(1, -1) if isinstance(value, np.ndarray) else value, np.array([at]))
        for at, value in enumerate(values)
    ]
    return create_dataframe_from_blocks(blocks, index, pd.Index([c.name for c in columns]))


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
