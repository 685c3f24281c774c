"""Links between interactions: tool calls sent back, and the results they got.

Pure functions over decoded records, shared by every wire format. A call's
echo (the request that sends it back) is found by its id in any later
request, whatever came between; where the call has no id, or the client made
up its own, by position in the next request of the same thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from vizlib.records import Interaction, ToolCall, ToolCallRef
from vizlib.secrets import redact_text
from vizlib.threads import Link, request_messages, run_links


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


@dataclass(frozen=True, slots=True)
class CallLink:
    """What became of one tool call: the request that sent it back, and its result.

    `roundtrip` is None where no later request sent the call back, else
    whether it came back unchanged; `change` says how it changed.
    """

    echo: int | None
    roundtrip: bool | None
    change: str | None
    result: ToolResult | None


def same_call(call: ToolCall, sent: ToolCallRef) -> bool:
    """Whether a call came back with its name, and arguments equal as parsed JSON."""
    if call.name != sent.name:
        return False
    if call.arguments == sent.arguments:
        return True
    made, made_ok = parse_arguments(call.arguments)
    back, back_ok = parse_arguments(sent.arguments)
    return made_ok and back_ok and made == back


def describe_change(call: ToolCall, sent: ToolCallRef) -> str | None:
    """How the client changed a call it sent back, in a few words; None where it did not."""
    if same_call(call, sent):
        return None
    if call.name != sent.name:
        return f"sent back as {sent.name!r}"
    made, made_ok = parse_arguments(call.arguments)
    back, back_ok = parse_arguments(sent.arguments)
    if made_ok and isinstance(made, dict) and not (back_ok and isinstance(back, dict)):
        # masked before it is cut: a key cut short no longer has the shape that finds it
        masked = redact_text(sent.arguments)
        shown = masked if len(masked) <= 40 else masked[:39] + "…"
        return f"sent back as a plain string ({shown!r}) instead of its JSON arguments"
    if not made_ok and back_ok:
        return "arguments that were not JSON sent back re-encoded"
    return "sent back with other arguments"


def _refs(messages: Sequence[object]) -> list[ToolCallRef]:
    return [ref for m in messages for ref in getattr(m, "tool_calls", ())]


class _Index:
    """Where each call id is sent back and answered, request by request, in file order."""

    def __init__(self, interactions: Sequence[Interaction]) -> None:
        self.sent: dict[str, list[tuple[int, list[ToolCallRef]]]] = {}
        self.answers: dict[str, list[tuple[int, str]]] = {}
        for item in interactions:
            carried: dict[str, list[ToolCallRef]] = {}
            for message in request_messages(item):
                for ref in message.tool_calls:
                    if ref.id:
                        carried.setdefault(ref.id, []).append(ref)
                if message.role == "tool" and message.tool_call_id:
                    found = self.answers.setdefault(message.tool_call_id, [])
                    if not found or found[-1][0] != item.index:
                        found.append((item.index, message.content))
            for call_id, refs in carried.items():
                self.sent.setdefault(call_id, []).append((item.index, refs))

    @staticmethod
    def _after(entries: list[tuple[int, Any]], index: int) -> tuple[int, Any] | None:
        """The first entry after interaction `index` (entries are in file order)."""
        low, high = 0, len(entries)
        while low < high:
            middle = (low + high) // 2
            if entries[middle][0] <= index:
                low = middle + 1
            else:
                high = middle
        return entries[low] if low < len(entries) else None

    def echo(self, call_id: str, index: int) -> tuple[int, list[ToolCallRef]] | None:
        return self._after(self.sent.get(call_id, []), index)

    def answer(self, call_id: str, index: int, prefer: int | None) -> ToolResult | None:
        entries = self.answers.get(call_id, [])
        if prefer is not None:
            found = self._after(entries, prefer - 1)
            if found and found[0] == prefer:
                return ToolResult(found[1], found[0])
        found = self._after(entries, index)
        return ToolResult(found[1], found[0]) if found else None


def _next_in_thread(links: Sequence[Link]) -> dict[int, int]:
    """Each interaction's first follower that continues its conversation (else branches it)."""
    out: dict[int, int] = {}
    for relation in ("continues", "branch"):
        for position, link in enumerate(links):
            if link.relation == relation and link.parent is not None:
                out.setdefault(link.parent, position)
    return out


Turn = tuple[list[ToolCallRef], list[ToolResult]]


def _new_turn(before: Interaction, after: Interaction) -> Turn:
    """The tool calls a request sends back past what `before` sent, and the results after them."""
    earlier, later = request_messages(before), request_messages(after)
    extends = len(later) >= len(earlier) and later[: len(earlier)] == earlier
    if extends:
        tail = later[len(earlier) :]
    else:
        last_calls = max((i for i, m in enumerate(later) if m.tool_calls), default=len(later))
        tail = later[last_calls:]
    last_calls = max((i for i, m in enumerate(tail) if m.tool_calls), default=-1)
    results = [
        ToolResult(m.content, after.index) for m in tail[last_calls + 1 :] if m.role == "tool"
    ]
    return _refs(tail), results


def call_links(
    interactions: Sequence[Interaction], links: Sequence[Link] | None = None
) -> list[list[CallLink]]:
    """For each interaction's tool calls: the echo, the round trip and the result.

    A call is looked for by id in every later request; the first that carries
    it is the echo, and the result it carries for that id is the result. A
    call without an id, or whose id no later request carries, is matched by
    position among the calls the next request of the same thread sends back.
    """
    links = run_links(interactions) if links is None else links
    index = _Index(interactions)
    follower = _next_in_thread(links)
    out: list[list[CallLink]] = []
    for item in interactions:
        row: list[CallLink] = []
        turn: Turn | None = None
        child = follower.get(item.index)
        for position, call in enumerate(item.decoded.tool_calls):
            echo = index.echo(call.id, item.index) if call.id else None
            where: int | None = None
            candidates: list[ToolCallRef] = []
            by_position: ToolResult | None = None
            if echo is not None:
                where, candidates = echo
            elif child is not None:
                if turn is None:
                    turn = _new_turn(item, interactions[child])
                refs, results = turn
                if position < len(refs):
                    where, candidates = child, [refs[position]]
                if position < len(results):
                    by_position = results[position]
            roundtrip = any(same_call(call, ref) for ref in candidates) if candidates else None
            change = describe_change(call, candidates[-1]) if roundtrip is False else None
            result = index.answer(call.id, item.index, where) if call.id else None
            if result is None and where is not None and where == child:
                result = by_position  # no id, or one the client rewrote: by position
            row.append(CallLink(where, roundtrip, change, result))
        out.append(row)
    return out


def roundtrips(interactions: Sequence[Interaction]) -> list[list[bool | None]]:
    """For each interaction's tool calls, whether the request that sent it back kept it unchanged.

    None where no later request sent the call back.
    """
    return [[c.roundtrip for c in row] for row in call_links(interactions)]


def tool_results(interactions: Sequence[Interaction]) -> list[list[ToolResult | None]]:
    """For each interaction's tool calls, the result a later request sent for it."""
    return [[c.result for c in row] for row in call_links(interactions)]
