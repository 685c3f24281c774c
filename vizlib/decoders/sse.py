"""Server-sent events, parsed as the HTML standard says, keeping every event's data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SseEvent:
    """One dispatched event: its `event:` name (None if unnamed), data and first line (1-based)."""

    event: str | None
    data: str
    line: int


@dataclass(frozen=True, slots=True)
class SseStream:
    """The events of a body, the count of comment lines, and whether the last event was closed."""

    events: tuple[SseEvent, ...]
    n_comments: int
    terminated: bool


def looks_like_sse(body: str, content_type: str | None) -> bool:
    """True if a response body is an event stream."""
    if content_type and "text/event-stream" in content_type:
        return True
    head = body[:256].lstrip()
    return head.startswith(("data:", "event:", ": ", "id:"))


def _lines(body: str) -> list[str]:
    # Only CR, LF and CRLF end lines: str.splitlines would also split inside JSON
    # strings on U+2028 and friends.
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    return body.split("\n")


def parse_sse(body: str) -> SseStream:
    """Split an event-stream body into events.

    A block of lines ends at a blank line. Every block with a `data:` or
    `event:` field is one event; comment lines (`: ...`) are counted, not
    dispatched. A last block without its closing blank line is kept, and
    `terminated` says it was cut.
    """
    events: list[SseEvent] = []
    n_comments = 0
    name: str | None = None
    data: list[str] = []
    start = 0
    open_block = False
    lines = _lines(body)
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if not line:
            if open_block:
                events.append(SseEvent(name, "\n".join(data), start))
            name, data, open_block = None, [], False
            continue
        if line[0] == ":":
            n_comments += 1
            continue
        field, sep, value = line.partition(":")
        if sep and value[:1] == " ":
            value = value[1:]
        if field == "data":
            data.append(value)
        elif field == "event":
            name = value
        elif field not in ("id", "retry"):
            continue
        if not open_block:
            open_block, start = True, number
    if open_block:
        events.append(SseEvent(name, "\n".join(data), start))
    return SseStream(tuple(events), n_comments, terminated=not open_block)
