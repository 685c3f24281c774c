"""A conversation laid out for reading: messages with their tool calls and the results they got."""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

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
    last = _last_results(cassette)

    def result(call_id: str | None) -> str | None:
        found = last.get(call_id or "")
        return None if found is None or found[0] < interaction else shown(found[1])

    return [
        Turn(
            position=m.position,
            role=m.role,
            source=m.source,
            content=shown(m.content),
            reasoning=shown(m.reasoning),
            tool_call_id=m.tool_call_id,
            tool_uses=tuple(
                ToolUse(c.id, c.name, shown(c.arguments), result(c.id)) for c in m.tool_calls
            ),
        )
        for m in decoded.messages
    ]


Results = dict[str, tuple[int, str]]
# per cassette: its records when the results were found, and the results
_LAST_RESULTS: WeakKeyDictionary[Cassette, tuple[object, Results]] = WeakKeyDictionary()


def _last_results(cassette: Cassette) -> Results:
    """Each tool call's result as the last request sending it has it, and that request's index.

    The last request from an interaction on that sends a result is the last of all, if it
    comes at or after that interaction: one pass per cassette serves every interaction (and
    is made again if its records are replaced).
    """
    known = _LAST_RESULTS.get(cassette)
    if known is not None and known[0] is cassette.records:
        return known[1]
    found = {
        m.tool_call_id: (index, m.content)
        for index, record in enumerate(cassette.records)
        for m in record.decoded.messages
        if m.role == "tool" and m.tool_call_id
    }
    _LAST_RESULTS[cassette] = (cassette.records, found)
    return found


def _same(text: str) -> str:
    return text
