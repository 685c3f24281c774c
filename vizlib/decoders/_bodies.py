"""A response body as a sequence of events: SSE events, or the whole body as one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

import orjson

from vizlib.decoders.base import body_text
from vizlib.decoders.sse import looks_like_sse, sse_events
from vizlib.limits import check_json_values
from vizlib.records import HttpResponse


class JsonError(ValueError):
    """Why an event's data is not JSON; stands in for the value that could not be parsed."""


class BodyEvent(NamedTuple):
    """One event: its name, data as recorded, first line, and the parsed JSON (or a JsonError).

    A named tuple: one is made per stream event, and a tuple is the cheapest record to make.
    """

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
    try:
        return _loads(data)
    except _JSONDecodeError as exc:
        if data.strip() == "[DONE]":
            return None
        return JsonError(f"invalid JSON: {exc}")


_loads = orjson.loads
_JSONDecodeError = orjson.JSONDecodeError
_new_event = partial(tuple.__new__, BodyEvent)


def _values(datas: tuple[str, ...]) -> list[Any]:
    """Each event's parsed JSON: mapped in C where all of it parses (a `[DONE]` last aside)."""
    done = bool(datas) and datas[-1] == "[DONE]"
    try:
        values = list(map(_loads, datas[:-1] if done else datas))
    except _JSONDecodeError:
        return [_value(data) for data in datas]
    if done:
        values.append(None)
    return values


def response_events(response: HttpResponse) -> BodyEvents:
    """Split a response body into events, parsing each one's JSON exactly once."""
    text = body_text(response.body)
    check_json_values(text)  # its events together, or the whole body
    if looks_like_sse(text, response.header("Content-Type")):
        found, n_comments, terminated = sse_events(text)
        if not found:
            return BodyEvents((), True, n_comments, terminated)
        names, datas, lines = zip(*found, strict=True)
        events = tuple(map(_new_event, zip(names, datas, lines, _values(datas), strict=True)))
        return BodyEvents(events, True, n_comments, terminated)
    if not text.strip():
        return BodyEvents((), streamed=False)
    return BodyEvents((BodyEvent(None, text, 1, _value(text)),), streamed=False)
