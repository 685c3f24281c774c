"""Server-sent events, parsed as the HTML standard says, keeping every event's data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, repeat


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
    events, n_comments, terminated = sse_events(body)
    return SseStream(tuple(SseEvent(*e) for e in events), n_comments, terminated)


RawEvent = tuple[str | None, str, int]


# The two shapes nearly every stream has throughout: blocks of one `data:` line (OpenAI Chat,
# Gemini), or of an `event:` line and a `data:` line (Anthropic, Responses). The optional
# space after each colon is a group of its own, so that the matches' lengths add up.
_DATA_BLOCKS = re.compile(r"data:( ?)([^\n]*)\n\n")
_NAMED_BLOCKS = re.compile(r"event:( ?)([^\n]*)\ndata:( ?)([^\n]*)\n\n")


def _uniform(body: str) -> list[RawEvent] | None:
    """The events of a body made only of blocks of one shape, found by one regex; else None.

    The matches' lengths add up to the body's only where they tile it, block
    after block with nothing between them: anything else (a comment, an `id:`
    line, a data line split in two, an unclosed last block) leaves the body to
    the general reader.
    """
    if not body.endswith("\n\n"):
        return None
    if body.startswith("data:"):
        found = _DATA_BLOCKS.findall(body)
        matched = len(found) * len("data:\n\n") + sum(map(len, chain.from_iterable(found)))
        if matched != len(body):
            return None
        _, datas = zip(*found, strict=True)
        return list(zip(repeat(None), datas, range(1, 2 * len(found), 2), strict=False))
    if body.startswith("event:"):
        found = _NAMED_BLOCKS.findall(body)
        matched = len(found) * len("event:\ndata:\n\n") + sum(map(len, chain.from_iterable(found)))
        if matched != len(body):
            return None
        _, names, _, datas = zip(*found, strict=True)
        return list(zip(names, datas, range(1, 3 * len(found), 3), strict=True))
    return None


def sse_events(body: str) -> tuple[list[RawEvent], int, bool]:
    """`parse_sse` as plain tuples `(event, data, line)`, with the comment count and `terminated`.

    A body of uniform blocks (see `_uniform`) is split by one regex. Otherwise
    blocks are what lies between blank lines, and every blank line ends the
    block before it, so each block is read on its own: a block that is one
    `data:` line, or an `event:` line and a `data:` line (nearly all of them),
    without a look at each line.
    """
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    uniform = _uniform(body)
    if uniform is not None:
        return uniform, 0, True
    events: list[RawEvent] = []
    n_comments = 0
    blocks = body.split("\n\n")
    last = len(blocks) - 1
    number = 1  # the line the block starts on
    append = events.append
    for at, block in enumerate(blocks):
        if at < last:  # the two shapes nearly every closed block has, read without a line loop
            if block.startswith("data:") and "\n" not in block:
                append((None, block[6:] if block[5:6] == " " else block[5:], number))
                number += 2
                continue
            if block.startswith("event:"):
                cut = block.find("\n")
                if cut > 0 and block.startswith("data:", cut + 1) and "\n" not in block[cut + 1 :]:
                    name = block[7:cut] if block[6:7] == " " else block[6:cut]
                    start = cut + (7 if block[cut + 6 : cut + 7] == " " else 6)
                    append((name, block[start:], number))
                    number += 3
                    continue
        lines = block.split("\n")
        size = len(lines) + 1  # and the blank line after it
        if at == last:
            if lines[-1] == "":
                lines.pop()  # the text's closing line break
        else:
            lines.append("")
        event, comments = _read_block(lines, number)
        n_comments += comments
        if event is not None:
            events.append(event)
            if at == last:  # a last block with an event was never closed by a blank line
                return events, n_comments, False
        number += size
    return events, n_comments, True


def _read_block(lines: list[str], number: int) -> tuple[RawEvent | None, int]:
    """The event of a block's lines (ending with a blank line where it was closed), if any."""
    n_comments = 0
    name: str | None = None
    data: list[str] = []
    start = 0
    open_block = False
    event: RawEvent | None = None
    for offset, line in enumerate(lines):
        if not line:
            if open_block:
                event = (name, "\n".join(data), start)
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
            open_block, start = True, number + offset
    if open_block:
        event = (name, "\n".join(data), start)
    return event, n_comments
