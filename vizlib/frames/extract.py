"""Pure functions from records to rows, one per frame, in the column order of `columns`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from vizlib.conversation import call_links, parse_arguments
from vizlib.pricing import PriceTable
from vizlib.records import Interaction
from vizlib.redact import redact_url
from vizlib.schema import check_schema
from vizlib.threads import run_links

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


def interaction_rows(name: str, interactions: Sequence[Interaction]) -> Iterator[Row]:
    """One row per interaction, with its place in the run (thread, parent, relation)."""
    for item, link in zip(interactions, run_links(interactions), strict=True):
        request, response, decoded = item.exchange.request, item.exchange.response, item.decoded
        yield (
            name,
            item.index,
            decoded.api,
            redact_url(request.url),
            endpoint(request.url),
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
            link.thread,
            link.parent,
            link.relation,
        )


def chunk_rows(name: str, interactions: Sequence[Interaction]) -> Iterator[Row]:
    """One row per stream event."""
    for item in interactions:
        index = item.index
        for c in item.decoded.chunks:
            yield (
                name,
                index,
                c.seq,
                c.event,
                c.kind,
                c.text,
                c.tool_index,
                c.tool_call_id,
                c.tool_name,
                c.args_delta,
                c.raw,
                c.line,
                c.error,
                c.time_s,
            )


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


def tool_call_rows(name: str, interactions: Sequence[Interaction]) -> Iterator[Row]:
    """One row per tool call, with its round trip and result."""
    for item, row in zip(interactions, call_links(interactions), strict=True):
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
    return check_schema(args, schema).valid if valid else False


def usage_rows(
    name: str, interactions: Sequence[Interaction], prices: PriceTable | None = None
) -> Iterator[Row]:
    """One row per interaction, NA where the response reported no usage.

    Costs the provider did not report are estimated from `prices` (the shipped
    table by default), and say so in `cost_source` and `price_source`.
    """
    table = prices or PriceTable.default()
    for item in interactions:
        u = item.decoded.usage
        cost, cost_source, price_source = u.cost_usd, u.cost_source, u.price_source
        if cost_source is None:
            cost, price_source = table.estimate(item.decoded.model, u)
            cost_source = "estimated" if price_source else None
        yield (
            name,
            item.index,
            item.decoded.model,
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
        )


EXTRACTORS = {
    "interactions": interaction_rows,
    "chunks": chunk_rows,
    "messages": message_rows,
    "tool_calls": tool_call_rows,
    "usage": usage_rows,
}
