"""Many cassettes as one set of frames: `load_many`, parallel decoding, the cache, Parquet export.

Files are decoded in batches by `decode_batch`, a pure function of their
paths that returns one Arrow table per frame, so any
`concurrent.futures.Executor` can run it: a process pool here, or a
dask.distributed cluster. One bad file becomes a row of `errors` and never
stops the rest.
"""

from __future__ import annotations

import contextlib
import glob
import multiprocessing
import os
import stat
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache, cached_property
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vizlib.cache import KEY, FrameCache
from vizlib.cassette import Cassette, folder_paths, load, names_under, unlisted_reason
from vizlib.collector import collector_paused
from vizlib.errors import CassetteError
from vizlib.frames.columns import FRAMES, Column
from vizlib.frames.extract import Row, chunk_columns
from vizlib.frames.table import (
    arrow_schema,
    columns_to_table,
    frame_rows,
    rows_to_table,
    table_to_frame,
)
from vizlib.limits import using as limits_in_force
from vizlib.pricing import PriceTable
from vizlib.threads import run_links

# fork on Linux: workers start at once with what this process imported (macOS forbids it
# once system frameworks run threads; elsewhere the platform's default starts them)
FORKED = sys.platform == "linux"
# A process pool pays off from this many files or bytes. Forked workers start at once: on
# two cores 390 files (5.6 MB) load in 0.46 to 0.54 s against 0.75 to 0.80 s in one
# process, and 195 files break even. Elsewhere each worker first imports pandas and pyarrow
# (about a second), so only large corpora gain.
PARALLEL_FILES = 400 if FORKED else 2000
PARALLEL_BYTES = (8 if FORKED else 32) * 2**20


def pooled(files: int, size: int) -> bool:
    """Whether `load_many`, given no executor, decodes `files` files of `size` bytes in a pool."""
    return files >= PARALLEL_FILES or size >= PARALLEL_BYTES


def worker_context() -> BaseContext:
    """How worker processes start: forked on Linux, else the platform's default way."""
    return multiprocessing.get_context("fork" if FORKED else None)


PROGRESS_FILES = 20
BATCH_BYTES = 2**20  # a batch's fixed costs pay off from about this much input (see `_run`)
FILE_BYTES = 1024  # what a file costs beyond its bytes, counted as this many more
ROW_FRAMES = tuple(frame for frame in FRAMES if frame != "chunks")  # `chunks`: by columns

ERRORS = (
    Column("file", "string[pyarrow]", "the file that could not be read (or read in full)"),
    Column("interaction", "Int64", "the interaction where reading failed, where known"),
    Column("event", "string[pyarrow]", "the event or line, where known"),
    Column("message", "string[pyarrow]", "what was expected and what was found"),
)


@dataclass(frozen=True, slots=True)
class Batch:
    """What decoding a batch of files gave: each frame's rows as one Arrow table, tagged by file.

    Every table has a `_key` column naming the file (by cache key) each row
    came from; `decoded` lists the keys read, `failures` the files that were not;
    `results` holds what `each` returned for each file read, by key.
    """

    tables: dict[str, pa.Table]
    decoded: list[str]
    failures: list[CassetteError]
    results: dict[str, Any] = field(default_factory=dict)


Each = Callable[[Cassette], Any]
# Called with a batch's decoded cassettes (by key) and its tables; returns results by key.
EachBatch = Callable[[Sequence[tuple[str, Cassette]], Mapping[str, pa.Table]], dict[str, Any]]


def decode_batch(
    items: Sequence[tuple[str, str, str]],
    prices: PriceTable | None = None,
    each: Each | None = None,
    each_batch: EachBatch | None = None,
) -> Batch:
    """Read and decode files, given as (path, name, key), into one Arrow table per frame.

    A pure function of the files: it runs in any worker of any executor.
    `each` (a picklable callable) is called with every decoded `Cassette`;
    `each_batch` once with them all, by key, and the batch's tables.
    """
    with collector_paused(), limits_in_force(None):  # the environment's limits, read once
        return _decode_batch(items, prices, each, each_batch)


def _decode_batch(
    items: Sequence[tuple[str, str, str]],
    prices: PriceTable | None,
    each: Each | None,
    each_batch: EachBatch | None,
) -> Batch:
    rows: dict[str, list[Row]] = {frame: [] for frame in ROW_FRAMES}
    chunks: list[list[Any]] = [[] for _ in FRAMES["chunks"]]  # a column at a time
    counts: dict[str, list[int]] = {frame: [] for frame in FRAMES}
    decoded: list[str] = []
    failures: list[CassetteError] = []
    results: dict[str, Any] = {}
    cassettes: list[tuple[str, Cassette]] = []
    for path, name, key in items:
        try:
            cassette = load(Path(path), name=name, prices=prices)  # a path, whatever it reads like
            records = cassette.records
            links = run_links(records)  # the interactions and tool_calls frames both need them
            extracted = {
                frame: list(frame_rows(frame, name, records, prices=prices, links=links))
                for frame in ROW_FRAMES
            }
            columns = chunk_columns([(name, records)])
        except CassetteError as exc:
            failures.append(exc.located(file=name))
            continue
        except Exception as exc:  # a bug met on hostile input costs this file only
            failures.append(CassetteError(f"cannot read: {type(exc).__name__}: {exc}", file=name))
            continue
        decoded.append(key)
        if each is not None:
            results[key] = each(cassette)
        if each_batch is not None:
            cassettes.append((key, cassette))
        for frame, frame_rows_ in extracted.items():
            rows[frame] += frame_rows_
            counts[frame].append(len(frame_rows_))
        for gathered, column in zip(chunks, columns, strict=True):
            gathered.extend(column)
        counts["chunks"].append(len(columns[0]))
    tables = {}
    for frame, columns_ in FRAMES.items():
        if frame == "chunks":
            table = columns_to_table(columns_, chunks)
        else:
            table = rows_to_table(columns_, rows[frame])
        tagged: Any = np.repeat(np.array(decoded, dtype=object), counts[frame]) if decoded else []
        tables[frame] = table.append_column(KEY, pa.array(tagged, pa.string()))
    if each_batch is not None and cassettes:
        results.update(each_batch(cassettes, tables))
    return Batch(tables, decoded, failures, results)


def discover(source: Any, refused: list[CassetteError] | None = None) -> list[tuple[Path, str]]:
    """Files and their names: a directory (recursively), a glob pattern, or an iterable of paths.

    Files under a directory are named by their path relative to it; others by
    their file name (or their whole path, where two would share a name). A
    directory's links to files outside it, and its subfolders that cannot be
    read, are not listed: each is added to `refused` where it is given.
    """
    return [(Path(path), name) for path, name in _discover(source, refused)]


def _discover(source: Any, refused: list[CassetteError] | None = None) -> list[tuple[str, str]]:
    """`discover`, each path as text: what a load stats and reads."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            links: list[OSError] = []
            found = folder_paths(path, errors=links)
            if refused is not None:
                names = names_under(path, [str(error.filename) for error in links])
                refused += [
                    CassetteError(unlisted_reason(error), file=name or ".")
                    for error, name in zip(links, names, strict=True)
                ]
            return found
        text = os.fspath(source)
        if glob.has_magic(text):
            return _named(
                sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
            )
        return [(os.fspath(path), path.name)]
    if isinstance(source, Iterable):
        return _named([p if isinstance(p, Path) else Path(p) for p in source])
    raise TypeError(f"expected a directory, a glob or paths, not {type(source).__name__}")


def _named(paths: Sequence[Path]) -> list[tuple[str, str]]:
    counts = Counter(p.name for p in paths)
    return [(os.fspath(p), p.as_posix() if counts[p.name] > 1 else p.name) for p in paths]


class Corpus:
    """Frames of many cassettes, concatenated in file order, plus the `errors` of those not read.

    `results` holds what `load_many`'s `each` returned, by cassette name, for
    the files decoded by this load (not those read from the cache).
    """

    def __init__(
        self,
        tables: dict[str, pa.Table],
        errors: pd.DataFrame,
        names: Sequence[str],
        paths: Mapping[str, str | os.PathLike[str]],
        results: dict[str, Any] | None = None,
    ) -> None:
        self._tables = tables
        self.errors = errors
        self.names = list(names)
        self._paths = paths
        self.results = results or {}

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return (
            f"<Corpus: {len(self.names)} cassettes, {self._tables['interactions'].num_rows} "
            f"interactions, {self._tables['chunks'].num_rows} chunks, {len(self.errors)} errors>"
        )

    def _frame(self, frame: str) -> pd.DataFrame:
        with collector_paused():
            return table_to_frame(FRAMES[frame], self._tables[frame])

    @cached_property
    def interactions(self) -> pd.DataFrame:
        """One row per HTTP request/response pair, every cassette."""
        return self._frame("interactions")

    @cached_property
    def chunks(self) -> pd.DataFrame:
        """One row per stream event, every cassette."""
        return self._frame("chunks")

    @cached_property
    def messages(self) -> pd.DataFrame:
        """Every conversation's messages."""
        return self._frame("messages")

    @cached_property
    def tool_calls(self) -> pd.DataFrame:
        """Every tool call, assembled from its fragments."""
        return self._frame("tool_calls")

    @cached_property
    def usage(self) -> pd.DataFrame:
        """One row per interaction: tokens and cost."""
        return self._frame("usage")

    def cassette(self, name: str) -> Cassette:
        """One cassette of the corpus, loaded in full (for the notebook view or a report)."""
        return load(Path(self._paths[name]), name=name)  # a path, whatever it reads like

    def path(self, name: str) -> Path:
        """The file a cassette of the corpus was read from."""
        return Path(self._paths[name])

    def to_parquet(self, directory: str | os.PathLike[str]) -> Path:
        """Write each frame (and `errors`) as `<frame>.parquet`, for DuckDB, Polars or Spark."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        for frame in FRAMES:  # the Arrow tables: parsed values (`args`) stay JSON text
            pq.write_table(self._tables[frame], target / f"{frame}.parquet")
        errors = pa.Table.from_pandas(
            self.errors, schema=arrow_schema(ERRORS), preserve_index=False
        )
        pq.write_table(errors, target / "errors.parquet")
        return target


def read_parquet(directory: str | os.PathLike[str], frame: str) -> pd.DataFrame:
    """A frame written by `Corpus.to_parquet`, with its declared dtypes."""
    columns = ERRORS if frame == "errors" else FRAMES[frame]
    table = pq.read_table(Path(directory) / f"{frame}.parquet")
    return table_to_frame(
        columns, table.select([c.name for c in columns]).cast(arrow_schema(columns))
    )


def _error_rows(failures: Sequence[CassetteError]) -> pd.DataFrame:
    """The `errors` frame: file, interaction, event, message."""
    if not failures:  # most loads: a copy of the empty frame, built once
        return _no_errors().copy()
    return table_to_frame(
        ERRORS,
        pa.table(
            {
                "file": [e.file for e in failures],
                "interaction": [e.interaction for e in failures],
                "event": [None if e.event is None else str(e.event) for e in failures],
                "message": [e.reason for e in failures],
            },
            schema=arrow_schema(ERRORS),
        ),
    )


@cache
def _no_errors() -> pd.DataFrame:
    return table_to_frame(ERRORS, arrow_schema(ERRORS).empty_table())


class _Quiet:
    """Stands in for a progress bar that is not shown."""

    disable = True

    def update(self, _: int) -> None:
        """Do nothing."""

    def close(self) -> None:
        """Do nothing."""


def _progress(enabled: bool | None, total: int) -> Any:
    if not (total >= PROGRESS_FILES if enabled is None else enabled):
        return _Quiet()
    from tqdm.auto import tqdm  # noqa: PLC0415 - notebook-aware, chosen at run time

    return tqdm(total=total, desc="reading cassettes", unit="file")


def load_many(
    source: Any,
    *,
    executor: Executor | None = None,
    progress: bool | None = None,
    cache: bool = True,
    prices: PriceTable | None = None,
    each: Each | None = None,
    each_batch: EachBatch | None = None,
) -> Corpus:
    """Load many cassettes into one set of frames.

    `source` is a directory (searched recursively), a glob, or an iterable of
    paths. Files are decoded in batches by `executor` (any
    `concurrent.futures.Executor`, such as a dask.distributed client's; by
    default a process pool sized to the machine when the work is large enough
    to gain, else this process). With `cache`, decoded frames are kept as
    LZ4 Arrow files (see `vizlib.cache`), so a second load of the same files
    reads only those. `progress` shows a progress bar (by default from 20 files on).
    `each`, a picklable callable, is called with each `Cassette` decoded (in
    the process that decodes it); what it returns is in the corpus's `results`.
    `each_batch`, also picklable, is called once per batch of files decoded
    together, with their `(key, Cassette)` pairs and the batch's Arrow tables
    (each with a `_key` column), for work that needs a cassette's rows of the
    frames; it returns results by key, which join `results` too.
    """
    with collector_paused():
        return _load_many(
            source,
            executor=executor,
            progress=progress,
            cache=cache,
            prices=prices,
            each=each,
            each_batch=each_batch,
        )


def _load_many(
    source: Any,
    *,
    executor: Executor | None,
    progress: bool | None,
    cache: bool,
    prices: PriceTable | None,
    each: Each | None,
    each_batch: EachBatch | None,
) -> Corpus:
    refused: list[CassetteError] = []  # links out of the folder
    files = _discover(source, refused)
    stats = {name: info for path, name in files if (info := _stat(path)) is not None}
    readable = {
        name: path for path, name in files if name in stats and stat.S_ISREG(stats[name].st_mode)
    }
    store = FrameCache(prices=prices) if cache else None
    keys = store.keys(readable, stats) if store else {name: name for name in readable}
    failures = refused + [_unreadable(path, name) for path, name in files if name not in readable]
    paths = {name: path for path, name in files}
    listed = [name for _, name in files if name in readable]
    entry = None
    if store and not any(keys[n].startswith("unreadable:") for n in listed):
        entry = store.corpus_key([keys[n] for n in listed])
        whole = store.read_corpus(entry)
        if whole is not None:  # these very files were loaded before, every one decoded
            return Corpus(whole, _error_rows(failures), listed, paths)
    cached = store.lookup(list(keys.values())) if store else {}
    held = _read_cached(store, cached) if store and cached else {}
    if held is None:  # a segment went missing or is damaged: decode its files again
        cached, held = {}, {}
    todo = [(readable[n], n, keys[n]) for _, n in files if n in readable and keys[n] not in cached]
    bar = _progress(progress, len(files))
    bar.update(len(files) - len(todo))
    batches: list[pa.Table] = []
    fresh: set[str] = set()
    results: dict[str, Any] = {}
    hooks = (each, each_batch)
    sizes = [stats[name].st_size for _, name, _ in todo]
    for batch, size in _run(todo, sizes, executor, prices, hooks, show_progress=not bar.disable):
        failures += batch.failures
        fresh.update(batch.decoded)
        results.update(batch.results)
        batches.append(batch.tables)
        bar.update(size)
    bar.close()
    stored: list[Path] = []
    if store and fresh:  # one segment per load, in file order: a warm load reads it straight
        # the cache only saves time: what cannot be kept (a full disk) is decoded again next time
        with contextlib.suppress(OSError):
            stored.append(
                store.write(
                    {f: pa.concat_tables([b[f] for b in batches]) for f in FRAMES}, sorted(fresh)
                )
            )
    order = [
        name for _, name in files if name in keys and (keys[name] in fresh or keys[name] in cached)
    ]
    tables = _assemble([keys[n] for n in order], batches, held)
    if store and entry and order == listed:  # every file decoded: the next load reads this
        with contextlib.suppress(OSError):
            stored.append(store.write_corpus(entry, tables))
    if store and stored:  # the cache grew: keep it bounded
        with contextlib.suppress(OSError):
            store.prune(keep=[*stored, *cached.values()])
    kept = {name: results[keys[name]] for name in order if keys[name] in results}
    return Corpus(tables, _error_rows(failures), order, paths, kept)


def _read_cached(store: FrameCache, cached: dict[str, Path]) -> dict[str, pa.Table] | None:
    """Each frame's cached rows, or None where a segment cannot be read any more."""
    try:
        return store.read_frames(cached)
    except (OSError, pa.ArrowInvalid):
        return None


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _unreadable(path: str, name: str) -> CassetteError:
    if not os.path.exists(path):
        return CassetteError("no such file", file=name)
    return CassetteError("cannot read: not a regular file", file=name)


def _batches(
    items: Sequence[tuple[str, str, str]], parts: int, sizes: Sequence[int]
) -> list[list[tuple[str, str, str]]]:
    """`items` in at most `parts` runs, in order, of about equal `sizes` (bytes) each."""
    weights = [size + FILE_BYTES for size in sizes]
    share = sum(weights) / parts
    out: list[list[tuple[str, str, str]]] = []
    current: list[tuple[str, str, str]] = []
    filled = 0
    for item, weight in zip(items, weights, strict=True):
        current.append(item)
        filled += weight
        if filled >= share * (len(out) + 1) and len(out) < parts - 1:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _run(
    items: Sequence[tuple[str, str, str]],
    sizes: Sequence[int],
    executor: Executor | None,
    prices: PriceTable | None,
    hooks: tuple[Each | None, EachBatch | None],
    *,
    show_progress: bool,
) -> Iterable[tuple[Batch, int]]:
    """Decode `items` (of `sizes` bytes) in batches, yielding each with its number of files.

    Batches hold runs of files of about equal size. An executor gets two to
    four per worker: enough to even out the workers' loads, and no more than
    one per `BATCH_BYTES` beyond two each, since each batch has fixed costs
    (its tables; a report's rows of them).
    """
    if not items:
        return
    if executor is None and pooled(len(items), sum(sizes)):
        with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=worker_context()) as pool:
            yield from _run(items, sizes, pool, prices, hooks, show_progress=show_progress)
        return
    if executor is None:
        parts = 20 if show_progress else 1
    else:
        workers = max(1, getattr(executor, "_max_workers", 0) or os.cpu_count() or 1)
        parts = max(min(workers * 4, sum(sizes) // BATCH_BYTES), workers * 2)
    batches = _batches(items, min(parts, len(items)), sizes)
    if executor is None:
        for batch in batches:
            yield decode_batch(batch, prices, *hooks), len(batch)
        return
    futures = [
        (executor.submit(decode_batch, batch, prices, *hooks), len(batch)) for batch in batches
    ]
    for future, size in futures:
        yield future.result(), size


def _assemble(
    order: Sequence[str],
    batches: Sequence[dict[str, pa.Table]],
    held: dict[str, pa.Table],
) -> dict[str, pa.Table]:
    """Each frame's rows for the files in `order` (by key), fresh and cached, in file order."""
    rank = pa.array(list(order), pa.string())
    out = {}
    for frame, columns in FRAMES.items():
        parts = [batch[frame] for batch in batches]
        if frame in held:
            parts.append(held[frame])
        if not parts:
            out[frame] = arrow_schema(columns).empty_table()
            continue
        table = pa.concat_tables(parts)
        present = pc.unique(table.column(KEY)).to_pylist()
        seen = set(present)
        if present != [k for k in order if k in seen]:
            ranks = pc.index_in(table.column(KEY), value_set=rank)
            table = table.append_column("_rank", ranks).sort_by([("_rank", "ascending")])
            table = table.drop_columns(["_rank"])
        out[frame] = table.drop_columns([KEY])
    return out


def names_many(x: Any) -> bool:
    """Whether `x` names many files: a folder, a glob, or a list of paths (or is a `Corpus`)."""
    if isinstance(x, Corpus):
        return True
    if isinstance(x, str | os.PathLike):
        text = os.fspath(x)
        try:
            return Path(text).is_dir() or (glob.has_magic(text) and not Path(text).exists())
        except (OSError, ValueError):  # the text of a cassette, not a path
            return False
    return isinstance(x, list | tuple) and all(isinstance(i, str | os.PathLike) for i in x)


def as_corpus(x: Any, errors: Literal["show", "raise"] = "show") -> Corpus:
    """`x` (files, a folder, a glob, a `Corpus`) as a `Corpus`, loaded by `load_many`.

    With `errors="raise"` the first file that could not be read raises
    `CassetteError`; with `"show"` such files are the corpus's `errors` rows.
    """
    corpus = x if isinstance(x, Corpus) else load_many(x)
    if errors == "raise" and len(corpus.errors):
        first = corpus.errors.iloc[0]
        raise CassetteError(
            str(first.message),
            file=str(first.file),
            interaction=None if pd.isna(first.interaction) else int(first.interaction),
            event=None if pd.isna(first.event) else str(first.event),
        )
    return corpus
