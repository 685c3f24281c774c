"""Links between interactions: tool calls sent back, and the results they got.

Pure functions over decoded records, shared by every wire format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from vizlib.records import Interaction, ToolCall, ToolCallRef


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What a later request sent as the result of a tool call, and which request it was."""

    content: str
    interaction: int


def parse_arguments(arguments: str) -> tuple[Any, bool]:
    """The parsed arguments and whether they were valid JSON (empty counts as `{}`)."""
    if not arguments.strip():
        return {}, True
    try:
        return orjson.loads(arguments), True
    except orjson.JSONDecodeError:
        return None, False


def _same_call(call: ToolCall, sent: ToolCallRef) -> bool:
    if call.name != sent.name:
        return False
    if call.arguments == sent.arguments:
        return True
    made, made_ok = parse_arguments(call.arguments)
    back, back_ok = parse_arguments(sent.arguments)
    return made_ok and back_ok and made == back


def _sent_back(interaction: Interaction | None) -> tuple[list[ToolCallRef], list[ToolCallRef]]:
    """Every tool call a request carries, and those of its last message that carries any."""
    if interaction is None:
        return [], []
    carrying = [
        m.tool_calls for m in interaction.decoded.messages if m.source == "request" and m.tool_calls
    ]
    return [ref for calls in carrying for ref in calls], list(carrying[-1]) if carrying else []


def roundtrips(interactions: Sequence[Interaction]) -> list[list[bool | None]]:
    """Say, for each interaction's tool calls, whether the next request sent that call back.

    True where the next request carries this call with the same name and
    arguments (compared as parsed JSON). Calls are found by id, else (no id,
    or an id the client rewrote) by position in the request's last message
    with tool calls. False where it
    carries tool calls but not this one; None where there is no next request,
    or it carries no tool calls.
    """
    out: list[list[bool | None]] = []
    for position, interaction in enumerate(interactions):
        calls = interaction.decoded.tool_calls
        following = interactions[position + 1] if position + 1 < len(interactions) else None
        sent, last_turn = _sent_back(following)
        if not sent:
            out.append([None] * len(calls))
            continue
        row: list[bool | None] = []
        for index, call in enumerate(calls):
            candidates = [ref for ref in sent if call.id and ref.id == call.id]
            if not candidates and index < len(last_turn):
                candidates = [last_turn[index]]  # no id, or the client rewrote it
            row.append(any(_same_call(call, ref) for ref in candidates))
        out.append(row)
    return out


def _last_turn_results(interaction: Interaction | None) -> list[ToolResult]:
    """Tool results a request sends after its last message with tool calls."""
    if interaction is None:
        return []
    messages = [m for m in interaction.decoded.messages if m.source == "request"]
    last_calls = max((i for i, m in enumerate(messages) if m.tool_calls), default=-1)
    return [
        ToolResult(m.content, interaction.index)
        for m in messages[last_calls + 1 :]
        if m.role == "tool"
    ]


def tool_results(interactions: Sequence[Interaction]) -> list[list[ToolResult | None]]:
    """For each interaction's tool calls, the result a later request sent for it.

    Found by tool call id in any later request; calls without an id (Gemini,
    Ollama) take the results the next request sends after its last tool calls,
    in order.
    """
    by_id: dict[str, ToolResult] = {}
    for interaction in interactions:
        for message in interaction.decoded.messages:
            if message.source == "request" and message.role == "tool" and message.tool_call_id:
                by_id.setdefault(
                    message.tool_call_id, ToolResult(message.content, interaction.index)
                )
    out: list[list[ToolResult | None]] = []
    for position, interaction in enumerate(interactions):
        following = interactions[position + 1] if position + 1 < len(interactions) else None
        in_order = _last_turn_results(following)
        row: list[ToolResult | None] = []
        for index, call in enumerate(interaction.decoded.tool_calls):
            found = by_id.get(call.id) if call.id else None
            if found is None or found.interaction <= interaction.index:
                found = in_order[index] if not call.id and index < len(in_order) else found
            row.append(found if found is None or found.interaction > interaction.index else None)
        out.append(row)
    return out
