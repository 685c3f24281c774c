"""Newline-delimited JSON bodies (NDJSON, JSON Lines, `application/stream+json`): one event a line.

Cohere v1 streams, Ollama's `/api/pull` progress, batch results files and
gRPC streams as the xAI reader writes them all carry one JSON value per
line. Any other body is split as `response_events` splits it.
"""

from __future__ import annotations

from vizlib.decoders._bodies import BodyEvent, BodyEvents, JsonError, response_events
from vizlib.decoders.base import body_text, parse_json
from vizlib.records import HttpResponse

_NDJSON_TYPES = ("ndjson", "stream+json", "jsonl", "json-seq", "jsonlines")


def ndjson_events(text: str) -> tuple[BodyEvent, ...]:
    """One event per non-empty line (1-based line numbers), each parsed once."""
    events = []
    for number, line in enumerate(text.split("\n"), start=1):
        data = line.rstrip("\r")
        if not data.strip():
            continue
        value, reason = parse_json(data)
        events.append(BodyEvent(None, data, number, JsonError(reason) if reason else value))
    return tuple(events)


def looks_like_ndjson(text: str, content_type: str | None) -> bool:
    """True for a body of JSON values one per line: by its content type, or by its first lines."""
    if content_type and any(t in content_type.lower() for t in _NDJSON_TYPES):
        return True
    lines = _first_lines(text, 2)
    if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
        return False
    value, reason = parse_json(lines[0])
    return reason is None and isinstance(value, dict)


def _first_lines(text: str, count: int) -> list[str]:
    lines: list[str] = []
    start = 0
    while len(lines) < count and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text[start:end].strip():
            lines.append(text[start:end])
        start = end + 1
    return lines


def line_events(response: HttpResponse) -> BodyEvents:
    """The events of a body: one per line for NDJSON, else SSE events or the whole body."""
    text = body_text(response.body)
    if looks_like_ndjson(text, response.header("Content-Type")):
        return BodyEvents(ndjson_events(text), streamed=True)
    return response_events(response)
