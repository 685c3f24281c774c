"""A response body as a sequence of events: SSE events, or the whole body as one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vizlib.decoders.base import body_text, parse_json
from vizlib.decoders.sse import looks_like_sse, parse_sse
from vizlib.records import HttpResponse


class JsonError(ValueError):
    """Why an event's data is not JSON; stands in for the value that could not be parsed."""


@dataclass(frozen=True, slots=True)
class BodyEvent:
    """One event: its name, data as recorded, first line, and the parsed JSON (or a JsonError)."""

    event: str | None
    data: str
    line: int | None
    value: Any


@dataclass(frozen=True, slots=True)
class BodyEvents:
    """The events of one response body."""

    events: tuple[BodyEvent, ...]
    streamed: bool
    n_comments: int = 0
    terminated: bool = True


def _value(data: str) -> Any:
    if data.strip() == "[DONE]":
        return None
    value, reason = parse_json(data)
    return JsonError(reason) if reason else value


def response_events(response: HttpResponse) -> BodyEvents:
    """Split a response body into events, parsing each one's JSON exactly once."""
    text = body_text(response.body)
    if looks_like_sse(text, response.header("Content-Type")):
        stream = parse_sse(text)
        events = tuple(BodyEvent(e.event, e.data, e.line, _value(e.data)) for e in stream.events)
        return BodyEvents(events, True, stream.n_comments, stream.terminated)
    if not text.strip():
        return BodyEvents((), streamed=False)
    return BodyEvents((BodyEvent(None, text, 1, _value(text)),), streamed=False)
