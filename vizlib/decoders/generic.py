"""Exchanges no wire-format decoder claims: one row per body event (SSE event or NDJSON line)."""

from __future__ import annotations

from vizlib.decoders._bodies import JsonError
from vizlib.decoders._lines import line_events
from vizlib.decoders.base import as_dict, as_str, dumps, request_json
from vizlib.records import Chunk, Decoded, Exchange


def decode(exchange: Exchange) -> Decoded:
    """Keep every event of the body as a chunk of kind `other` (or `error`)."""
    events = line_events(exchange.response)
    chunks = []
    error = None
    for seq, event in enumerate(events.events):
        value = event.value
        if isinstance(value, JsonError) and events.streamed:
            chunks.append(
                Chunk(
                    seq, event.event or "", "error", event.data, line=event.line, error=str(value)
                )
            )
            continue
        body = as_dict(value)
        if exchange.response.status >= 400 or body.get("error"):
            error = _error_text(body.get("error"), exchange.response.status)
            chunks.append(
                Chunk(
                    seq, event.event or "error", "error", event.data, line=event.line, error=error
                )
            )
            continue
        name = event.event or as_str(body.get("type")) or as_str(body.get("object")) or ""
        chunks.append(Chunk(seq, name, "other", event.data, line=event.line))
    return Decoded(
        api="unknown",
        stream=events.streamed,
        model=as_str(request_json(exchange.request).get("model")),
        chunks=tuple(chunks),
        n_comments=events.n_comments,
        complete=events.terminated,
        error=error,
    )


def _error_text(error: object, status: int) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or dumps(error))
    if error:
        return str(error)
    return f"HTTP {status}"
