"""Pure functions from records to rows (to columns, for `chunks`), in the order of `columns`."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from vizlib.conversation import call_links, parse_arguments
from vizlib.kinds import call_kind, side_kind
from vizlib.pricing import PriceTable
from vizlib.records import BatchResult, CallFacts, Chunk, Interaction, Usage
from vizlib.redact import redact_url
from vizlib.threads import Link, run_links

Row = tuple[Any, ...]
_VERSION = re.compile(r"^v\d+(?:alpha|beta)?\d*$")
_NAMED_BY_NEXT = frozenset(
    {"model", "models", "deployments", "projects", "locations", "publishers"}
)


def endpoint(url: str) -> str:
    """What a URL's path asks for, without versions and ids: `chat/completions`, `invoke`..."""
    path = urlsplit(url).path if "://" in url else url.split("?", 1)[0]
    segments = [s for s in path.split("/") if s]
    if segments and ":" in segments[-1]:
        return segments[-1].rsplit(":", 1)[1]
    kept: list[str] = []
    skip = False
    for segment in segments:
        if skip:
            skip = False
            continue
        if segment in _NAMED_BY_NEXT:
            skip = True
            continue
        looks_like_id = any(ch.isdigit() for ch in segment) and (
            len(segment) > 10 or "_" in segment
        )
        if not (_VERSION.match(segment) or segment in ("api", "openai") or looks_like_id):
            kept.append(segment)
    return "/".join(kept[-2:])


def interaction_rows(
    name: str, interactions: Sequence[Interaction], links: Sequence[Link] | None = None
) -> Iterator[Row]:
    """One row per interaction, with its place in the run (thread, parent, relation).

    `links` are the interactions' `run_links`, where the caller has them already.
    """
    links = run_links(interactions) if links is None else links
    for item, link in zip(interactions, links, strict=True):
        request, response, decoded = item.exchange.request, item.exchange.response, item.decoded
        side = side_kind(request) if decoded.api == "unknown" else None
        yield (
            name,
            item.index,
            decoded.api,
            side or call_kind(decoded.api, request),
            *_url_columns(request.url, side),
            request.method,
            decoded.model,
            decoded.request_model,
            decoded.provider,
            decoded.stream,
            response.status,
            response.duration_s,
            response.started_at,
            len(decoded.chunks),
            decoded.n_comments,
            len(decoded.tool_calls),
            decoded.finish_reason,
            decoded.complete,
            decoded.error,
            decoded.response_id,
            *_facts(decoded.facts),
            link.thread,
            link.parent,
            link.relation,
        )


def _url_columns(url: str, side: str | None) -> tuple[str, str]:
    """The URL redacted, and its endpoint (or the side request's kind)."""
    shown, asks = (_kept_url_parts if len(url) <= _CACHED_URL else _url_parts)(url)
    return shown, side or asks


def _url_parts(url: str) -> tuple[str, str]:
    return redact_url(url), endpoint(url)


_CACHED_URL = 2048  # characters of a URL whose columns are kept: a corpus repeats its URLs
_kept_url_parts = lru_cache(maxsize=1024)(_url_parts)


def _facts(facts: CallFacts) -> Row:
    audio = math.nan if facts.audio_s is None else facts.audio_s
    return (
        facts.n_inputs,
        facts.n_outputs,
        facts.dimensions,
        facts.image_size,
        audio,
        facts.characters,
        facts.counted_tokens,
        facts.status,
    )


# Where each of the `chunks` frame's columns after the cassette and interaction is in a `Chunk`.
_CHUNK_ORDER = tuple(
    Chunk._fields.index(name)
    for name in (
        "seq",
        "event",
        "kind",
        "text",
        "tool_index",
        "tool_call_id",
        "tool_name",
        "args_delta",
        "raw",
        "line",
        "error",
        "time_s",
    )
)


def chunk_columns(cassettes: Iterable[tuple[str, Sequence[Interaction]]]) -> list[Sequence[Any]]:
    """The `chunks` frame's columns, in order, for cassettes given as (name, interactions).

    Built a column at a time, with no row ever made: there may be millions of
    chunks, and a row per chunk (then transposed) costs several times as much.
    Chunks are tuples, so all their fields become columns in one `zip`.
    """
    names: list[str] = []
    indexes: list[int] = []
    chunks: list[Chunk] = []
    for name, interactions in cassettes:
        for item in interactions:
            found = item.decoded.chunks
            names += [name] * len(found)
            indexes += [item.index] * len(found)
            chunks += found
    if not chunks:
        return [names, indexes, *([] for _ in _CHUNK_ORDER)]
    fields = list(zip(*chunks, strict=True))
    return [names, indexes, *(fields[at] for at in _CHUNK_ORDER)]


def message_rows(name: str, interactions: Sequence[Interaction]) -> Iterator[Row]:
    """One row per message, request messages first, then the response's."""
    for item in interactions:
        for m in item.decoded.messages:
            yield (
                name,
                item.index,
                m.position,
                m.role,
                m.content,
                m.source,
                m.tool_call_id,
                m.name,
                m.reasoning,
                len(m.tool_calls),
            )


def tool_call_rows(
    name: str, interactions: Sequence[Interaction], links: Sequence[Link] | None = None
) -> Iterator[Row]:
    """One row per tool call, with its round trip and result (`links` as `interaction_rows`)."""
    for item, row in zip(interactions, call_links(interactions, links), strict=True):
        for call, link in zip(item.decoded.tool_calls, row, strict=True):
            result = link.result
            args, valid = parse_arguments(call.arguments)
            yield (
                name,
                item.index,
                call.tool_index,
                call.id,
                call.name,
                call.arguments,
                args,
                valid,
                call.n_fragments,
                link.roundtrip,
                _schema_valid(args, valid, item.decoded.tools.get(call.name)),
                result.content if result else None,
                result.interaction if result else None,
            )


def _schema_valid(args: Any, valid: bool, schema: dict[str, Any] | None) -> bool | None:
    if not schema:
        return None
    if not valid:
        return False
    from vizlib.schema import check_schema  # noqa: PLC0415 - jsonschema loads on first use

    return check_schema(args, schema).valid


def usage_rows(
    name: str, interactions: Sequence[Interaction], prices: PriceTable | None = None
) -> Iterator[Row]:
    """One row per interaction (NA where no usage was reported), or per batch result.

    A downloaded batch results file has one row per result instead, with its
    `custom_id`, priced at batch rates.

    Costs the provider did not report are estimated from `prices` (the shipped
    table by default), and say so in `cost_source` and `price_source`.
    """
    table = prices or PriceTable.default()
    counted: set[str] = set()
    for item in interactions:
        kind = call_kind(item.decoded.api, item.exchange.request)
        parts = item.decoded.results or (BatchResult("", item.decoded.model, _once(item, counted)),)
        batch = bool(item.decoded.results)
        for part in parts:
            u = part.usage
            cost, cost_source, price_source = u.cost_usd, u.cost_source, u.price_source
            if cost_source is None:
                cost, price_source = table.estimate(part.model, u, batch=batch)
                cost_source = "estimated" if price_source else None
            yield (
                name,
                item.index,
                part.model,
                kind,
                u.input_tokens,
                u.output_tokens,
                u.cached_tokens,
                u.cache_write_tokens,
                u.reasoning_tokens,
                u.total_tokens,
                cost,
                cost_source,
                price_source,
                u.reported_input_tokens,
                u.reported_output_tokens,
                u.raw,
                batch,
                part.custom_id if batch else None,
            )


def _once(item: Interaction, counted: set[str]) -> Usage:
    """The usage of an interaction, counted once per response id.

    A GET that reads back an object whose usage the cassette already counted
    (a polled background response, an Assistants run) counts none.
    """
    decoded, usage = item.decoded, item.decoded.usage
    if usage.input_tokens is None and usage.output_tokens is None:
        return usage
    key = decoded.response_id
    if key and item.exchange.request.method.upper() == "GET" and key in counted:
        return Usage()
    if key:
        counted.add(key)
    return usage


EXTRACTORS = {
    "interactions": interaction_rows,
    "messages": message_rows,
    "tool_calls": tool_call_rows,
    "usage": usage_rows,
}
