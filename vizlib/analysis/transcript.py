"""A conversation laid out for reading: messages with their tool calls and the results they got."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vizlib.cassette import Cassette
from vizlib.redact import redact_text


@dataclass(frozen=True, slots=True)
class ToolUse:
    """A tool call shown inside the message that made it."""

    id: str | None
    name: str
    arguments: str
    result: str | None


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of the transcript."""

    position: int
    role: str
    source: str
    content: str
    reasoning: str
    tool_call_id: str | None
    tool_uses: tuple[ToolUse, ...]


def transcript(cassette: Cassette, interaction: int, *, redact: bool = False) -> list[Turn]:
    """The request's messages then the response's, tool calls joined to their results.

    `redact=True` masks secrets (API keys, bearer tokens) in every text shown.
    """
    shown = redact_text if redact else _same
    decoded = cassette.records[interaction].decoded
    results = {
        m.tool_call_id: m.content
        for record in cassette.records[interaction:]
        for m in record.decoded.messages
        if m.role == "tool" and m.tool_call_id
    }
    return [
        Turn(
            position=m.position,
            role=m.role,
            source=m.source,
            content=shown(m.content),
            reasoning=shown(m.reasoning),
            tool_call_id=m.tool_call_id,
            tool_uses=tuple(
                ToolUse(c.id, c.name, shown(c.arguments), _maybe(shown, results.get(c.id or "")))
                for c in m.tool_calls
            ),
        )
        for m in decoded.messages
    ]


def _same(text: str) -> str:
    return text


def _maybe(shown: Callable[[str], str], text: str | None) -> str | None:
    return None if text is None else shown(text)
