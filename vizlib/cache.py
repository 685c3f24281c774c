"""A cache of decoded frames, keyed by each file's content (and name) and vizlib's version.

Entries live in segments: one Arrow IPC file (Feather, LZ4-compressed: read
back three times faster than Parquet) per frame holding the rows of
every file decoded together, with a `_key` column naming the file each row
came from. A warm load reads the segments that hold its keys and nothing
else. A load of a whole set of files also keeps its assembled frames as a
corpus entry, keyed by the ordered keys of its files, so loading the same
folder again reads five tables and assembles nothing; the most recently used
`CORPORA_KEPT` entries are kept. A changed file has a new key, so it is never
served stale; the price table's fingerprint is part of the location, since
estimated costs depend on it, and so is a fingerprint of the code that
builds frames (readers, decoders, frames), so a changed decoder never serves
frames an older one built.

The cache stays bounded (see `FrameCache.prune`, run after every load that
stores something): segments no known file can use any more are dropped, and
past `$VIZLIB_CACHE_MAX_MB` (default `MAX_BYTES`) the least recently used
segments and entries go, in this directory and in those older versions left.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import feather

import vizlib
from vizlib.frames.columns import FRAMES
from vizlib.frames.table import arrow_schema
from vizlib.limits import current as current_limits
from vizlib.pricing import PriceTable

KEY = "_key"
FORMAT = "arrow1"  # how segments are stored; part of the cache's location
CORPORA_KEPT = 16
UNCOMPRESSED_BYTES = 16 * 2**20  # corpus entries up to this size are stored uncompressed
MAX_BYTES = 2 * 2**30  # the whole cache's size, unless $VIZLIB_CACHE_MAX_MB says otherwise
STALE_PARTIAL_SECONDS = 24 * 3600  # a write unfinished this long was cut short: its parts go


# The code whose output the cache holds: records, containers, wire formats, links, frames.
_BUILDERS = (
    "cassette.py",
    "corpus.py",
    "limits.py",
    "records.py",
    "readers",
    "decoders",
    "threads.py",
    "kinds.py",
    "conversation.py",
    "schema.py",
    "metaschema.py",
    "redact.py",
    "secrets",
    "linear.py",
    "frames",
)


@cache
def code_fingerprint() -> str:
    """A hash of the source of every module that decodes cassettes into frames."""
    root = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=6)
    for name in _BUILDERS:
        place = root / name
        files = sorted(place.rglob("*.py")) if place.is_dir() else [place]
        for file in files:
            if file.is_file():
                digest.update(file.relative_to(root).as_posix().encode() + b"\0")
                digest.update(file.read_bytes())
    return digest.hexdigest()


def cache_root() -> Path:
    """`$VIZLIB_CACHE_DIR`, else the user's cache directory for vizlib."""
    configured = os.environ.get("VIZLIB_CACHE_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir  # noqa: PLC0415 - only where no directory is set

    return Path(user_cache_dir("vizlib"))


def max_bytes() -> int:
    """The cache's size budget: `$VIZLIB_CACHE_MAX_MB` megabytes, else `MAX_BYTES`."""
    configured = os.environ.get("VIZLIB_CACHE_MAX_MB", "").strip()
    try:
        return max(0, int(float(configured) * 2**20)) if configured else MAX_BYTES
    except ValueError:
        return MAX_BYTES


def file_key(path: str | os.PathLike[str], name: str) -> str:
    """The cache key of a file: a hash of its name and its bytes, read in blocks."""
    digest = hashlib.blake2b(name.encode() + b"\0", digest_size=20)
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError:
        return f"unreadable:{name}"  # never cached: decoding reports the error
    return digest.hexdigest()


class FrameCache:
    """Segments of cached frames under one directory for this vizlib version and price table."""

    def __init__(self, root: Path | None = None, prices: PriceTable | None = None) -> None:
        table = prices or PriceTable.default()
        name = f"frames-v{vizlib.__version__}-{FORMAT}-{code_fingerprint()}-{table.fingerprint}"
        self.root = root or cache_root()
        self.directory = self.root / name
        self._segment_keys: dict[Path, list[str]] = {}

    def keys(
        self,
        files: Mapping[str, str | os.PathLike[str]],
        stats: Mapping[str, os.stat_result] | None = None,
    ) -> dict[str, str]:
        """The key of each named file; files unchanged since last seen are not read again.

        A file counts as unchanged while its size, modification and change
        times (in nanoseconds) and inode are those recorded with its key, as
        git's index decides; anything else is read and hashed, except a file
        over the `file_bytes` limit, which decoding refuses. `stats` holds the
        files' `os.stat` results where the caller has them already.
        """
        index = self._index()
        limit = current_limits().file_bytes
        try:  # what `os.path.abspath` joins a relative path to, asked once
            here = os.getcwd()
        except OSError:  # the working directory was removed: absolute paths still name files
            here = ""
        out, changed = {}, False
        for name, path in files.items():
            try:
                info = stats[name] if stats and name in stats else os.stat(path)
            except OSError:
                out[name] = f"unreadable:{name}"
                continue
            if info.st_size > limit:  # refused when decoded: never read whole to be hashed
                out[name] = f"unreadable:{name}"
                continue
            stamp = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
            entry = f"{os.path.normpath(os.path.join(here, path))}\0{name}"
            known = index.get(entry)
            if known and known[:4] == stamp:
                out[name] = known[4]
                continue
            out[name] = file_key(path, name)
            index[entry] = [*stamp, out[name]]
            changed = True
        if changed:
            self._write_index(index)
        return out

    def _index(self) -> dict[str, list[Any]]:
        """The stat index: `path NUL name` to the file's size, times, inode and key."""
        try:
            data = (self.directory / "stat-index.json").read_bytes()
            index = orjson.loads(data)
            if isinstance(index, dict) and any(
                type(entry[3]) is float for entry in index.values() if len(entry) > 3
            ):  # an inode past 64 bits (some file systems), which orjson reads as a float
                index = json.loads(data)
        except (OSError, ValueError):
            return {}
        return index if isinstance(index, dict) else {}

    def _write_index(self, index: Mapping[str, list[Any]]) -> None:
        index_path = self.directory / "stat-index.json"
        partial = index_path.with_name(f"{index_path.name}.{uuid.uuid4().hex}")
        try:  # the cache only saves time: a full disk or a read-only folder costs a re-read
            self.directory.mkdir(parents=True, exist_ok=True)
            try:
                data = orjson.dumps(index)
            except TypeError:  # numbers past 64 bits (an inode on some file systems)
                data = json.dumps(index).encode()
            partial.write_bytes(data)
            partial.replace(index_path)
        except OSError:
            partial.unlink(missing_ok=True)

    def _keys_of(self, segment: Path) -> list[str]:
        if segment not in self._segment_keys:
            self._segment_keys[segment] = (segment / "keys.txt").read_text().split()
        return self._segment_keys[segment]

    def _segments(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.iterdir() if (p / "keys.txt").is_file())

    def lookup(self, keys: Sequence[str]) -> dict[str, Path]:
        """Which of `keys` are cached, and in which segment."""
        wanted = set(keys)
        found: dict[str, Path] = {}
        for segment in self._segments():
            for key in self._keys_of(segment):
                if key in wanted:
                    found.setdefault(key, segment)
        return found

    def read_frames(self, found: Mapping[str, Path]) -> dict[str, pa.Table]:
        """Every frame's rows for the keys `lookup` found, with their `_key` column.

        Raises OSError or `pa.ArrowInvalid` where a segment went missing or is
        damaged: the caller decodes those files instead.
        """
        segments = sorted(set(found.values()))
        value_set = pa.array(list(found), pa.string())
        # a segment that holds other files too has its rows filtered to these keys
        partial = {s for s in segments if not set(self._keys_of(s)) <= found.keys()}
        tables = {}
        for frame, columns in FRAMES.items():
            parts = []
            for segment in segments:
                part = _read_frame(segment, frame)
                if segment in partial:
                    part = part.filter(pc.is_in(part.column(KEY), value_set=value_set))
                parts.append(part)
            table = pa.concat_tables(parts)
            schema = arrow_schema(columns).append(pa.field(KEY, pa.string()))
            tables[frame] = table if table.schema.equals(schema) else table.cast(schema)
        for segment in segments:
            os.utime(segment)  # recently used: kept the longest
        return tables

    def write(self, tables: Mapping[str, pa.Table], keys: Sequence[str]) -> Path:
        """Store freshly decoded frames (with a `_key` column) of the files `keys` as a segment."""
        segment = self.directory / uuid.uuid4().hex
        partial = segment.with_name(segment.name + ".partial")
        partial.mkdir(parents=True)
        for frame in FRAMES:
            feather.write_feather(tables[frame], partial / f"{frame}.arrow", compression="lz4")
        (partial / "keys.txt").write_text("\n".join(keys) + "\n")
        partial.rename(segment)  # readers only ever see whole segments
        return segment

    def corpus_key(self, keys: Sequence[str]) -> str:
        """The key of a corpus entry: its files' keys, in order."""
        digest = hashlib.blake2b(digest_size=20)
        for key in keys:
            digest.update(key.encode() + b"\0")
        return digest.hexdigest()

    def read_corpus(self, key: str) -> dict[str, pa.Table] | None:
        """The assembled frames stored under `key`, or None where there are none (or unreadable)."""
        place = self.directory / "corpora" / key
        tables = {}
        try:
            for frame, columns in FRAMES.items():
                table = _read_frame(place, frame)
                if not table.schema.equals(arrow_schema(columns)):
                    raise pa.ArrowInvalid(f"{frame}: unexpected schema")
                tables[frame] = table
            os.utime(place)  # recently used: kept the longest
        except FileNotFoundError:
            return None
        except (OSError, pa.ArrowInvalid):  # damaged: this load stores it again
            shutil.rmtree(place, ignore_errors=True)
            return None
        return tables

    def write_corpus(self, key: str, tables: Mapping[str, pa.Table]) -> Path:
        """Store assembled frames under `key`, keeping the `CORPORA_KEPT` most recently used."""
        corpora = self.directory / "corpora"
        partial = corpora / f"{key}.{uuid.uuid4().hex}.partial"
        partial.mkdir(parents=True)
        # a small entry is read fastest as it is: uncompressed, one batch a frame (a warm load
        # converts each column as it is); a large one is worth decompressing, and keeps its
        # batches (joining them would copy the whole frame while it is written)
        small = sum(tables[frame].nbytes for frame in FRAMES) <= UNCOMPRESSED_BYTES
        try:
            for frame in FRAMES:
                table = tables[frame].combine_chunks() if small else tables[frame]
                feather.write_feather(
                    table,
                    partial / f"{frame}.arrow",
                    compression="uncompressed" if small else "lz4",
                    chunksize=max(1, table.num_rows) if small else None,
                )
            partial.rename(corpora / key)  # readers only ever see whole entries
        except OSError:  # another load stored the same entry first, or the disk is full
            shutil.rmtree(partial, ignore_errors=True)
        entries = [p for p in corpora.iterdir() if not p.name.endswith(".partial")]
        entries.sort(key=_modified, reverse=True)
        for stale in entries[CORPORA_KEPT:]:
            shutil.rmtree(stale, ignore_errors=True)
        return corpora / key

    def prune(self, keep: Sequence[Path] = ()) -> None:
        """Keep the cache bounded; `keep` lists segments and entries this load relies on.

        First, in this directory, stat-index entries of files that are gone
        are dropped, and so are segments none of whose keys a known file has
        any more (every file they held changed or went). Then, while the whole
        cache (this directory and those of other versions, code or price
        tables) is over `max_bytes()`, the least recently used segment or
        corpus entry goes; a directory left with neither goes too. Parts of
        writes cut short a day ago or more are removed on the way.
        """
        index = self._index()
        live = {e: known for e, known in index.items() if os.path.exists(e.partition("\0")[0])}
        if len(live) < len(index):
            self._write_index(live)
        reachable = {known[4] for known in live.values() if len(known) > 4}
        protected = {Path(p) for p in keep}
        for segment in self._segments():
            if segment not in protected and reachable.isdisjoint(self._keys_of(segment)):
                shutil.rmtree(segment, ignore_errors=True)
        self._within_budget(protected)

    def _within_budget(self, protected: set[Path]) -> None:
        budget = max_bytes()
        stores = [p for p in _children(self.root) if p.name.startswith("frames-")]
        entries: list[tuple[float, int, Path]] = []
        now = time.time()
        for store in stores:
            for place in [*_children(store), *_children(store / "corpora")]:
                if not place.is_dir() or place.name == "corpora":
                    continue
                used = _modified(place)
                if place.name.endswith(".partial"):
                    if now - used > STALE_PARTIAL_SECONDS:
                        shutil.rmtree(place, ignore_errors=True)
                    continue
                entries.append((used, _size(place), place))
        total = sum(size for _, size, _ in entries)
        for _, size, place in sorted(entries, key=lambda e: e[0]):
            if total <= budget:
                break
            if place in protected:
                continue
            shutil.rmtree(place, ignore_errors=True)
            total -= size
        for store in stores:  # another version's directory left with nothing to serve
            if (
                store != self.directory
                and not any(p.is_dir() and p.name != "corpora" for p in _children(store))
                and not _children(store / "corpora")
            ):
                shutil.rmtree(store, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class Store:
    """One directory of the cache: a vizlib version, code and price table's frames."""

    path: Path
    segments: int
    corpora: int
    size: int  # bytes


def stores(root: Path | None = None) -> list[Store]:
    """What the cache under `root` (by default `cache_root()`) holds, one `Store` per directory."""
    out = []
    for store in sorted(_children(root or cache_root())):
        if not store.name.startswith("frames-") or not store.is_dir():
            continue
        places = [p for p in _children(store) if p.is_dir() and p.name != "corpora"]
        entries = [p for p in _children(store / "corpora") if p.is_dir()]
        size = _size(store) + sum(_size(p) for p in [*places, *entries])
        whole = [p for p in [*places, *entries] if not p.name.endswith(".partial")]
        segments = sum(1 for p in whole if p.parent == store)
        out.append(Store(store, segments, len(whole) - segments, size))
    return out


def clear(root: Path | None = None) -> int:
    """Remove every directory of frames under `root` (nothing else there); the bytes freed."""
    freed = 0
    for store in stores(root):
        shutil.rmtree(store.path, ignore_errors=True)
        freed += store.size
    return freed


_ONE_THREAD = pa.ipc.IpcReadOptions(use_threads=False)


def _read_frame(folder: Path, frame: str) -> pa.Table:
    """One frame's table from a segment or a corpus entry (a Feather V2, Arrow IPC, file).

    The file is read whole, then its batches are read from memory: about twice as fast as
    `feather.read_table` for a corpus entry's small files, and nothing stays mapped.
    """
    data = pa.py_buffer((folder / f"{frame}.arrow").read_bytes())
    return pa.ipc.open_file(data, options=_ONE_THREAD).read_all()


def _children(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _size(folder: Path) -> int:
    """The bytes of the files directly in `folder`."""
    total = 0
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    return total


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
