"""Assemble tool calls from the fragments a stream delivers them in."""

from __future__ import annotations

from dataclasses import dataclass, field

from vizlib.records import Chunk, Message, ToolCall, ToolCallRef


@dataclass(slots=True)
class _Partial:
    id: str | None = None
    name: str = ""
    parts: list[str] = field(default_factory=list)
    fragments: list[tuple[int, str]] = field(default_factory=list)


class ToolCallAssembler:
    """Collects argument fragments per tool index, in arrival order."""

    def __init__(self) -> None:
        self._calls: dict[int, _Partial] = {}

    def add(
        self,
        index: int,
        seq: int,
        call_id: str | None = None,
        name: str | None = None,
        delta: str = "",
    ) -> tuple[str | None, str]:
        """Record one fragment; return the call's id and name as known so far."""
        call = self._calls.get(index)
        if call is None:
            call = self._calls[index] = _Partial()
        if call_id and not call.id:
            call.id = call_id
        if name and not call.name:
            call.name = name
        call.parts.append(delta)
        call.fragments.append((seq, delta))
        return call.id, call.name

    def set_arguments(self, index: int, arguments: str) -> None:
        """Replace a call's arguments with the final text a `done` event carries."""
        call = self._calls.setdefault(index, _Partial())
        call.parts = [arguments]

    def calls(self) -> tuple[ToolCall, ...]:
        """The assembled calls, ordered by tool index."""
        return tuple(
            ToolCall(
                tool_index=index,
                id=call.id,
                name=call.name,
                arguments="".join(call.parts),
                fragments=tuple(call.fragments),
            )
            for index, call in sorted(self._calls.items())
        )


def response_message(
    position: int, text: list[str], reasoning: list[str], tools: ToolCallAssembler
) -> Message | None:
    """The assistant message a response assembled, or None where it said nothing at all."""
    content, thought = "".join(text), "".join(reasoning)
    calls = tuple(ToolCallRef(c.id, c.name, c.arguments) for c in tools.calls())
    if not (content or thought or calls):
        return None
    return Message(position, "assistant", content, "response", reasoning=thought, tool_calls=calls)


class ResponseState:
    """What a response has said so far: its chunks, text, reasoning, tool calls and origin.

    Each wire format's decoder extends it with what that format adds.
    """

    def __init__(self, first_position: int) -> None:
        self.first_position = first_position
        self.chunks: list[Chunk] = []
        self.tools = ToolCallAssembler()
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.model: str | None = None
        self.response_id: str | None = None
        self.error: str | None = None

    def message(self) -> Message | None:
        """The assistant message the response assembled."""
        return response_message(self.first_position, self.text, self.reasoning, self.tools)
