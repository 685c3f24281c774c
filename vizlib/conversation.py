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


def roundtrips(interactions: Sequence[Interaction]) -> list[list[bool | None]]:
    """Say, for each interaction's tool calls, whether the next request sent that call back.

    True where the next request carries a call with the same id, name and
    arguments (compared as parsed JSON); False where it carries tool calls but
    not this one; None where there is no next request, or it carries none.
    """
    out: list[list[bool | None]] = []
    for position, interaction in enumerate(interactions):
        calls = interaction.decoded.tool_calls
        following = interactions[position + 1] if position + 1 < len(interactions) else None
        sent = [
            ref
            for message in (following.decoded.messages if following else ())
            if message.source == "request"
            for ref in message.tool_calls
        ]
        if not sent:
            out.append([None] * len(calls))
            continue
        by_id = {ref.id: ref for ref in sent if ref.id}
        row: list[bool | None] = []
        for index, call in enumerate(calls):
            ref = by_id.get(call.id) if call.id else (sent[index] if index < len(sent) else None)
            row.append(ref is not None and _same_call(call, ref))
        out.append(row)
    return out


def tool_results(interactions: Sequence[Interaction]) -> dict[str, ToolResult]:
    """The first result a later request sent for each tool call id."""
    results: dict[str, ToolResult] = {}
    for interaction in interactions:
        for message in interaction.decoded.messages:
            if message.source == "request" and message.role == "tool" and message.tool_call_id:
                results.setdefault(
                    message.tool_call_id, ToolResult(message.content, interaction.index)
                )
    return results
