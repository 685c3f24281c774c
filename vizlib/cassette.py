"""`load`: a cassette file (or its text) to decoded records and tidy frames."""

from __future__ import annotations

import errno
import html
import os
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vizlib.collector import paused
from vizlib.conversation import CallLink, ToolResult, call_links
from vizlib.decoders import decode_exchange
from vizlib.errors import CassetteError
from vizlib.limits import Limits, read_file, using
from vizlib.limits import current as current_limits
from vizlib.pricing import PriceTable
from vizlib.readers import read_exchanges
from vizlib.records import Interaction
from vizlib.sample import SAMPLE_NAME, sample_cassette
from vizlib.secrets.records import redact_interaction
from vizlib.threads import Link, run_links

if TYPE_CHECKING:
    import pandas as pd

Source = str | bytes | os.PathLike[str]


@paused
def build_frame(frame: str, *args: Any, **kwargs: Any) -> pd.DataFrame:
    """`vizlib.frames.build_frame`, importing pandas on the first frame built, not with vizlib."""
    from vizlib.frames import build_frame as build  # noqa: PLC0415

    return build(frame, *args, **kwargs)


class Cassette:
    """One cassette: its decoded interactions, and the frames built from them on first use."""

    def __init__(
        self,
        name: str,
        container: str,
        interactions: tuple[Interaction, ...],
        path: Path | None,
        prices: PriceTable | None = None,
    ) -> None:
        self.name = name
        self.prices = prices
        self.container = container
        self.records = interactions
        self.path = path

    def __repr__(self) -> str:
        return (
            f"<Cassette {self.name!r}: {self.container}, {len(self.records)} interactions, "
            f"{sum(len(i.decoded.chunks) for i in self.records)} chunks>"
        )

    def __len__(self) -> int:
        return len(self.records)

    def _repr_html_(self) -> str:
        """A compact summary table for notebooks (pandas escapes every cell)."""
        from vizlib.frames.summary import interaction_summary  # noqa: PLC0415 - pandas on demand

        table = interaction_summary(self.interactions, self.usage, self.tool_calls)
        shown = table.drop(columns=["cassette"]).rename(
            columns={"n_chunks": "chunks", "n_tool_calls": "tool calls"}
        )
        title = html.escape(f"{self.name} · {self.container} · {len(self.records)} interactions")
        return f"<div><b>{title}</b>{shown.to_html(index=False, na_rep='', escape=True)}</div>"

    def redacted(self) -> Cassette:
        """A copy with secrets masked in every record, so every frame built from it is masked.

        The frames of the cassette itself hold what was recorded (`chunks.raw`
        exactly as recorded, unredacted); these hold the same rows with the
        masking every view and report applies.
        """
        records = tuple(redact_interaction(r) for r in self.records)
        return Cassette(self.name, self.container, records, self.path, self.prices)

    @cached_property
    def links(self) -> list[Link]:
        """Per interaction: its thread, parent and relation (see `vizlib.threads`)."""
        return run_links(self.records)

    @cached_property
    def call_links(self) -> list[list[CallLink]]:
        """Per interaction, per tool call: the request that sent it back, and its result."""
        return call_links(self.records, self.links)

    @cached_property
    def roundtrips(self) -> list[list[bool | None]]:
        """Per interaction, per tool call: whether the request that sent it back kept it."""
        return [[c.roundtrip for c in row] for row in self.call_links]

    @cached_property
    def tool_results(self) -> list[list[ToolResult | None]]:
        """Per interaction, per tool call: the result a later request sent for it."""
        return [[c.result for c in row] for row in self.call_links]

    @cached_property
    def interactions(self) -> pd.DataFrame:
        """One row per HTTP request/response pair."""
        return build_frame("interactions", self.name, self.records)

    @cached_property
    def chunks(self) -> pd.DataFrame:
        """One row per stream event; one row for a non-streamed body."""
        return build_frame("chunks", self.name, self.records)

    @cached_property
    def messages(self) -> pd.DataFrame:
        """The conversation: request messages and the response's output."""
        return build_frame("messages", self.name, self.records)

    @cached_property
    def tool_calls(self) -> pd.DataFrame:
        """One row per tool call the model made, assembled from its fragments."""
        return build_frame("tool_calls", self.name, self.records)

    @cached_property
    def usage(self) -> pd.DataFrame:
        """One row per interaction: tokens and cost."""
        return build_frame("usage", self.name, self.records, prices=self.prices)


def _looks_like_path(source: str) -> bool:
    return "\n" not in source and len(source) < 4096 and not source.lstrip().startswith("{")


def read_source(source: Source, name: str | None = None) -> tuple[str, bytes | str, Path | None]:
    """The name, content and path of what `load` was given; files are only ever read."""
    if isinstance(source, bytes | bytearray):
        return name or "<bytes>", bytes(source), None
    if isinstance(source, str) and not _looks_like_path(source):
        return name or "<text>", source, None
    path = Path(source)
    label = name or path.name
    return label, read_file(path), path


@paused
def decode_cassette(
    content: bytes | str,
    name: str,
    path: Path | None = None,
    prices: PriceTable | None = None,
) -> Cassette:
    """Read and decode a cassette's content: a pure function of its bytes."""
    try:
        container, exchanges = read_exchanges(content, name=name)
    except CassetteError:
        raise
    except Exception as exc:  # a shape no reader foresaw: still one clear error, never a crash
        raise CassetteError(
            f"unexpected structure: {type(exc).__name__}: {exc}", file=name
        ) from exc
    interactions = []
    limits = current_limits()
    events = 0  # in the whole file: each response was bounded alone before decoding
    for exchange in exchanges:
        try:
            decoded = decode_exchange(exchange)
        except CassetteError as exc:  # over a limit
            raise exc.located(file=name, interaction=exchange.index) from exc
        except Exception as exc:  # a decoder bug must not cost the user the rest of the file
            raise CassetteError(
                f"could not decode: {type(exc).__name__}: {exc}",
                file=name,
                interaction=exchange.index,
            ) from exc
        events += len(decoded.chunks)
        if events > limits.chunks:
            raise limits.refusal(
                "chunks", f"{events:,} stream events up to this interaction", file=name
            ).located(interaction=exchange.index)
        interactions.append(Interaction(exchange, decoded))
    return Cassette(name, container, tuple(interactions), path, prices)


def load(
    source: Source,
    *,
    name: str | None = None,
    prices: PriceTable | None = None,
    limits: Limits | None = None,
) -> Cassette:
    """Load a cassette from a path, or from the text or bytes of one.

    `prices` replaces the shipped price table used to estimate costs the
    provider did not report (see `PriceTable.from_csv`). `limits` replaces
    the resource limits in force (see `vizlib.Limits`).

    Raises `CassetteError` naming the file (and interaction, and event) for
    input that is not a readable cassette, or that passes a limit.
    """
    with using(limits):
        label, content, path = read_source(source, name)
        return decode_cassette(content, label, path, prices)


def load_sample() -> Cassette:
    """The built-in sample cassette: a two-turn conversation with parallel tool calls."""
    return decode_cassette(sample_cassette(), SAMPLE_NAME)


CASSETTE_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".har", ".httprr"})
_SUFFIXES = tuple(sorted(CASSETTE_SUFFIXES))  # as `str.endswith` takes them


def cassette_files(directory: Path, errors: list[OSError] | None = None) -> list[Path]:
    """Files under a directory that may be cassettes, by suffix, sorted; hidden ones skipped.

    As `os.walk` lists them (links to folders are not followed), from
    `os.scandir`'s entries alone. A link to a file outside the directory is
    not read: a folder from a pull request may hold one to `~/.aws/credentials`.
    Folders that cannot be listed, and such links, are added to `errors`
    where it is given.
    """
    return [Path(p) for p in _cassette_paths(os.fspath(directory), errors)]


def _cassette_paths(directory: str, errors: list[OSError] | None) -> list[str]:
    """`cassette_files` as sorted strings: what a folder's files are named by."""
    found: list[str] = []
    folders = [directory]
    inside = os.path.join(os.path.realpath(directory), "")
    while folders:
        try:
            with os.scandir(folders.pop()) as listing:
                entries = list(listing)
        except OSError as exc:
            if errors is not None:
                errors.append(exc)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if is_folder:
                if not entry.is_symlink():
                    folders.append(entry.path)
            elif entry.name.lower().endswith(_SUFFIXES):  # hidden names are left above
                if entry.is_symlink() and not os.path.realpath(entry.path).startswith(inside):
                    if errors is not None:
                        reason = "a link to a file outside the folder; not read"
                        errors.append(OSError(errno.EXDEV, reason, entry.path))
                    continue
                found.append(entry.path)
    found.sort()
    return found


def unlisted_reason(error: OSError) -> str:
    """Why a folder's file or subfolder was not read: a link out of the folder, or an error."""
    if error.errno == errno.EXDEV:
        return str(error.strerror)
    return f"cannot read folder: {error.strerror or error}"


def folder_files(
    directory: str | os.PathLike[str], errors: list[OSError] | None = None
) -> list[tuple[Path, str]]:
    """Cassette files under a folder, each named by its path relative to the folder.

    Folders that cannot be listed are added to `errors` where it is given.
    """
    return [(Path(p), name) for p, name in folder_paths(directory, errors)]


def folder_paths(
    directory: str | os.PathLike[str], errors: list[OSError] | None = None
) -> list[tuple[str, str]]:
    """`folder_files` with each path as text: what a load of the folder stats and reads."""
    paths = _cassette_paths(os.fspath(directory), errors)
    return list(zip(paths, names_under(directory, paths), strict=True))


def names_under(directory: str | os.PathLike[str], paths: Sequence[str]) -> list[str]:
    """Paths found under `directory`, each named by its place there, `/` between folders."""
    prefix = len(os.path.join(os.fspath(directory), ""))
    return [path[prefix:].replace(os.sep, "/") for path in paths]


def named_cassettes(x: Any) -> dict[str, Cassette]:
    """Cassettes by name: a folder's by relative path, a file's by its name."""
    return {c.name: c for c in collect(x)}


def collect(x: Any) -> list[Cassette]:
    """Cassettes from a path (a file, or a directory searched recursively), or several."""
    if isinstance(x, Cassette):
        return [x]
    if hasattr(x, "names") and hasattr(x, "cassette"):  # a Corpus: its cassettes, loaded in full
        return [x.cassette(name) for name in x.names]
    if isinstance(x, str | os.PathLike):
        path = Path(x)
        if path.is_dir():
            return [load(p, name=name) for p, name in folder_files(path)]
        return [load(path)]
    if isinstance(x, Iterable):
        return [c for item in x for c in collect(item)]
    raise TypeError(f"expected a path, a Cassette or several of them, not {type(x).__name__}")
