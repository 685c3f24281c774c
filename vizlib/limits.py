"""Resource limits on untrusted input: the one place they are set, read and enforced.

Every limit counts bytes (or chunks) and every refusal is a `CassetteError`
naming the limit and how to raise it. A limit is raised for one call with
`vizlib.load(path, limits=Limits(body_bytes=...))` or `with limits.using(...)`,
and for a whole process (worker processes of `load_many` included) with the
environment variable named beside each field.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields
from functools import lru_cache

from vizlib.errors import CassetteError

_MIB = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds that reading one cassette file stays within."""

    file_bytes: int = field(default=1024 * _MIB, metadata={"env": "VIZLIB_MAX_FILE_BYTES"})
    """Size of a cassette file; checked with stat before reading, and the read is bounded."""
    body_bytes: int = field(default=64 * _MIB, metadata={"env": "VIZLIB_MAX_BODY_BYTES"})
    """Size of one body once decoded (gzip, deflate, br, zstd and base64 undone)."""
    decoded_bytes: int = field(default=256 * _MIB, metadata={"env": "VIZLIB_MAX_DECODED_BYTES"})
    """Size of all the bodies of one file once decoded."""
    alias_bytes: int = field(default=32 * _MIB, metadata={"env": "VIZLIB_MAX_ALIAS_BYTES"})
    """Text reached through YAML aliases (each value counted at least 32 bytes)."""
    chunks: int = field(default=1_000_000, metadata={"env": "VIZLIB_MAX_CHUNKS"})
    """Stream events (chunks) in one file, its interactions together."""
    interactions: int = field(default=100_000, metadata={"env": "VIZLIB_MAX_INTERACTIONS"})
    """Request/response pairs in one file."""
    json_values: int = field(default=4_000_000, metadata={"env": "VIZLIB_MAX_JSON_VALUES"})
    """Values in one body's JSON, counted by its commas and brackets before it is parsed: a
    parsed value takes tens of bytes, so 64 MiB of `{},` would take gigabytes."""
    depth: int = field(default=64, metadata={"env": "VIZLIB_MAX_DEPTH"})
    """Nesting of the document's mappings and lists."""

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults, with each one set in the environment in its place."""
        return _from_env(tuple(os.environ.get(name) for name in _ENV_NAMES))

    def refusal(self, limit: str, found: str, *, file: str | None = None) -> CassetteError:
        """The error for input over `limit`: what was found, the limit, and how to raise it."""
        spec = next(s for s in fields(self) if s.name == limit)
        value = getattr(self, limit)
        return CassetteError(
            f"{found}; the limit is {value:,} ({limit}: raise it with "
            f"{spec.metadata['env']}=N or vizlib.Limits({limit}=N))",
            file=file,
        )

    def replace(self, **changes: int) -> Limits:
        """A copy with some limits changed."""
        return dataclasses.replace(self, **changes)


_ENV_NAMES = tuple(spec.metadata["env"] for spec in fields(Limits))


@lru_cache(maxsize=8)
def _from_env(texts: tuple[str | None, ...]) -> Limits:
    """The limits for these environment values (in `_ENV_NAMES` order): read once per set."""
    values: dict[str, int] = {}
    for spec, raw in zip(fields(Limits), texts, strict=True):
        text = (raw or "").replace("_", "").strip()
        if text.isdigit():
            values[spec.name] = int(text)
    return Limits(**values)


_ACTIVE: ContextVar[Limits | None] = ContextVar("vizlib_limits", default=None)
_BUDGET: ContextVar[_Budget | None] = ContextVar("vizlib_decoded_bytes", default=None)


@dataclass(slots=True)
class _Budget:
    limits: Limits
    spent: int = 0


def current() -> Limits:
    """The limits in force: those set by `using`, else the defaults and environment."""
    return _ACTIVE.get() or Limits.from_env()


@contextmanager
def using(limits: Limits | None) -> Iterator[Limits]:
    """Apply `limits` (None: those in force) to what is read inside the block."""
    active = limits or current()
    token = _ACTIVE.set(active)
    try:
        yield active
    finally:
        _ACTIVE.reset(token)


@contextmanager
def file_budget() -> Iterator[Limits]:
    """Count the decoded bytes of one file's bodies against `decoded_bytes` inside the block."""
    budget = _Budget(current())
    token = _BUDGET.set(budget)
    try:
        yield budget.limits
    finally:
        _BUDGET.reset(token)


def body_limits() -> Limits:
    """The limits in force for the body being decoded (those of its file's budget)."""
    budget = _BUDGET.get()
    return budget.limits if budget is not None else current()


def charge_body(size: int) -> None:
    """Account one decoded body of `size` bytes; refuse it over `body_bytes` or `decoded_bytes`."""
    budget = _BUDGET.get()
    limits = budget.limits if budget is not None else current()
    if size > limits.body_bytes:
        raise body_too_large(limits)
    if budget is None:
        return
    budget.spent += size
    if budget.spent > limits.decoded_bytes:
        raise limits.refusal(
            "decoded_bytes", "the bodies of the file decode to more bytes than the limit"
        )


def body_too_large(limits: Limits) -> CassetteError:
    """The refusal of a body that decodes to more than `body_bytes`."""
    return limits.refusal("body_bytes", "a body decodes to more bytes than the limit")


def read_bounded(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file no larger than `file_bytes`.

    A FIFO, device, socket or directory (or a link to one, such as
    `/dev/zero`) is refused before it is opened, the size is checked with
    stat before reading, and the read stops past the limit whatever the file
    grows to meanwhile. OSError as `open` raises it otherwise. Plain `os`
    calls, one per step: this runs once per file of a corpus.
    """
    limits = current()
    name = os.fspath(path)
    info = os.stat(name)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", name)
    if not stat.S_ISREG(info.st_mode):
        raise CassetteError(f"cannot read: not a regular file ({_kind(info.st_mode)})", file=name)
    if info.st_size > limits.file_bytes:
        raise limits.refusal("file_bytes", f"the file is {info.st_size:,} bytes", file=name)
    handle = os.open(name, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):  # replaced since the stat
            raise CassetteError("cannot read: not a regular file", file=name)
        pieces = []
        size = 0
        # up to one byte more than stat said, which tells a file that grew; then on to its end
        while piece := os.read(handle, info.st_size + 1 - size if size <= info.st_size else _MIB):
            pieces.append(piece)
            size += len(piece)
            if size > limits.file_bytes:
                raise limits.refusal("file_bytes", "the file grew past it while read", file=name)
    finally:
        os.close(handle)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def read_file(path: str | os.PathLike[str]) -> bytes:
    """`read_bounded`, with every failure one `CassetteError` naming the file."""
    name = os.fspath(path)
    try:
        return read_bounded(name)
    except FileNotFoundError as exc:
        raise CassetteError("no such file", file=name) from exc
    except IsADirectoryError as exc:
        raise CassetteError("is a directory, not a cassette file", file=name) from exc
    except OSError as exc:
        raise CassetteError(f"cannot read: {exc.strerror or exc}", file=name) from exc


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a file")


_FEWEST_CHARACTERS = 2  # per JSON value: a text shorter than twice the limit holds no more


def check_json_values(text: str | bytes) -> None:
    """Refuse a JSON text that may hold more values than `Limits.json_values`, before parsing.

    Counts commas and opening brackets (a superset: those inside strings count too).
    """
    limit = current().json_values
    if len(text) < _FEWEST_CHARACTERS * limit:
        return
    if isinstance(text, str):
        found = text.count(",") + text.count("{") + text.count("[")
    else:
        found = text.count(b",") + text.count(b"{") + text.count(b"[")
    if found > limit:
        raise current().refusal("json_values", f"a body's JSON holds {found:,} values or more")
