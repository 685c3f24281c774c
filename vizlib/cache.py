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
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import feather

import vizlib
from vizlib.frames.columns import FRAMES
from vizlib.frames.table import arrow_schema
from vizlib.pricing import PriceTable

KEY = "_key"
FORMAT = "arrow1"  # how segments are stored; part of the cache's location
CORPORA_KEPT = 16
UNCOMPRESSED_BYTES = 16 * 2**20  # corpus entries up to this size are stored uncompressed


# The code whose output the cache holds: records, containers, wire formats, links, frames.
_BUILDERS = (
    "records.py",
    "readers",
    "decoders",
    "threads.py",
    "kinds.py",
    "conversation.py",
    "schema.py",
    "redact.py",
    "secrets",
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


def file_key(path: Path, name: str) -> str:
    """The cache key of a file: a hash of its name and its bytes, read in blocks."""
    digest = hashlib.blake2b(name.encode() + b"\0", digest_size=20)
    try:
        with path.open("rb") as handle:
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
        self.directory = (root or cache_root()) / name
        self._segment_keys: dict[Path, list[str]] = {}

    def keys(
        self, files: Mapping[str, Path], stats: Mapping[str, os.stat_result] | None = None
    ) -> dict[str, str]:
        """The key of each named file; files unchanged since last seen are not read again.

        A file counts as unchanged while its size, modification and change
        times (in nanoseconds) and inode are those recorded with its key, as
        git's index decides; anything else is read and hashed. `stats` holds
        the files' `os.stat` results where the caller has them already.
        """
        index_path = self.directory / "stat-index.json"
        try:
            index = json.loads(index_path.read_text())
        except (OSError, ValueError):
            index = {}
        out, changed = {}, False
        for name, path in files.items():
            try:
                info = stats[name] if stats and name in stats else path.stat()
            except OSError:
                out[name] = f"unreadable:{name}"
                continue
            stamp = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
            entry = f"{os.path.abspath(path)}\0{name}"
            known = index.get(entry)
            if known and known[:4] == stamp:
                out[name] = known[4]
                continue
            out[name] = file_key(path, name)
            index[entry] = [*stamp, out[name]]
            changed = True
        if changed:
            partial = index_path.with_name(f"{index_path.name}.{uuid.uuid4().hex}")
            try:  # the cache only saves time: a full disk or a read-only folder costs a re-read
                self.directory.mkdir(parents=True, exist_ok=True)
                partial.write_text(json.dumps(index))
                partial.replace(index_path)
            except OSError:
                partial.unlink(missing_ok=True)
        return out

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

    def read(self, frame: str, segments: Sequence[Path], keys: Sequence[str]) -> pa.Table:
        """Rows of `frame` for `keys` from `segments`, with their `_key` column."""
        value_set = pa.array(list(keys), pa.string())
        wanted = set(keys)
        parts = []
        for segment in segments:
            table = _read_frame(segment, frame)
            if not set(self._keys_of(segment)) <= wanted:
                table = table.filter(pc.is_in(table.column(KEY), value_set=value_set))
            parts.append(table)
        return pa.concat_tables(parts) if parts else pa.table({KEY: pa.array([], pa.string())})

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

    def write_corpus(self, key: str, tables: Mapping[str, pa.Table]) -> None:
        """Store assembled frames under `key`, keeping the `CORPORA_KEPT` most recently used."""
        corpora = self.directory / "corpora"
        partial = corpora / f"{key}.{uuid.uuid4().hex}.partial"
        partial.mkdir(parents=True)
        # small entries are read fastest as they are; large ones are worth decompressing
        size = sum(tables[frame].nbytes for frame in FRAMES)
        compression = "uncompressed" if size <= UNCOMPRESSED_BYTES else "lz4"
        try:
            for frame in FRAMES:
                feather.write_feather(
                    tables[frame], partial / f"{frame}.arrow", compression=compression
                )
            partial.rename(corpora / key)  # readers only ever see whole entries
        except OSError:  # another load stored the same entry first, or the disk is full
            shutil.rmtree(partial, ignore_errors=True)
        entries = [p for p in corpora.iterdir() if not p.name.endswith(".partial")]
        entries.sort(key=_modified, reverse=True)
        for stale in entries[CORPORA_KEPT:]:
            shutil.rmtree(stale, ignore_errors=True)


def _read_frame(folder: Path, frame: str) -> pa.Table:
    """One frame's table from a segment or a corpus entry."""
    return feather.read_table(folder / f"{frame}.arrow", memory_map=False, use_threads=False)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
