"""Turn by turn: what each request adds to its parent, and where their shared prefix ends.

Prompt caches match a request's prefix (tools, system prompt, then messages);
where a request stops repeating the one it continues, the cache can only have
hit up to there, which the cached-token count beside it shows. A request is
compared with its parent in the run (`vizlib.threads`), not with whatever
request happened to come before it in the file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vizlib.cassette import Cassette
from vizlib.frames.summary import per_interaction
from vizlib.records import Interaction, Message


@dataclass(frozen=True, slots=True)
class RequestGrowth:
    """How one request relates to its parent in the run."""

    interaction: int
    thread: int
    parent: int | None
    relation: str
    messages: int
    shared_prefix: int
    added: int
    diverged: str
    input_tokens: float
    cached_tokens: float

    @property
    def cached_share(self) -> float:
        """Cached tokens as a share of input tokens (NaN where unknown)."""
        if math.isnan(self.input_tokens) or math.isnan(self.cached_tokens) or not self.input_tokens:
            return math.nan
        return self.cached_tokens / self.input_tokens


def _key(message: Message) -> tuple[str, str, tuple[tuple[str, str], ...], str | None]:
    calls = tuple((c.name, c.arguments) for c in message.tool_calls)
    return (message.role, message.content, calls, message.tool_call_id)


def _requests(item: Interaction) -> list[Message]:
    return [m for m in item.decoded.messages if m.source == "request"]


def _number(value: object) -> float:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    return float(value)  # type: ignore[arg-type]


def _relation_text(item: Interaction, parent: int | None, relation: str) -> str | None:
    """What the relation alone says, where no comparison of messages follows."""
    if relation == "side":
        return "side request (no conversation)"
    if relation == "poll":
        return f"polls the response of #{parent}"
    if parent is None:
        return "first request"
    if relation == "subagent":
        return f"sub-agent: a new conversation for a tool call of #{parent}"
    return None


def request_growth(
    cassette: Cassette, usage: Sequence[Mapping[str, Any]] | None = None
) -> list[RequestGrowth]:
    """Each request against its parent: messages, shared prefix, additions, and cache use.

    `usage` holds the cassette's `usage` rows as mappings where the caller has them.
    """
    rows = per_interaction(cassette.usage).to_dict(orient="records") if usage is None else usage
    tokens = {int(u["interaction"]): u for u in rows}
    out = []
    for item, link in zip(cassette.records, cassette.links, strict=True):
        messages = _requests(item)
        diverged = _relation_text(item, link.parent, link.relation)
        shared = 0
        if diverged is None and link.parent is not None:
            parent = cassette.records[link.parent]
            before = _requests(parent)
            while shared < min(len(before), len(messages)) and _key(before[shared]) == _key(
                messages[shared]
            ):
                shared += 1
            if parent.decoded.tools != item.decoded.tools:
                shared, diverged = 0, f"tools changed since #{link.parent}"
            elif link.relation == "retry":
                diverged = f"retries #{link.parent}"
            elif shared == len(before) and link.relation == "branch":
                diverged = f"branches from #{link.parent}, which another request continues"
            elif shared == len(before):
                diverged = (
                    "extends the previous request"
                    if link.parent == item.index - 1
                    else f"extends #{link.parent}"
                )
            else:
                changed = before[shared]
                diverged = f"message {shared} ({changed.role}) of #{link.parent} differs"
                if link.parent == item.index - 1:
                    diverged = f"message {shared} ({changed.role}) differs"
        out.append(
            RequestGrowth(
                interaction=item.index,
                thread=link.thread,
                parent=link.parent,
                relation=link.relation,
                messages=len(messages),
                shared_prefix=shared,
                added=len(messages) - shared,
                diverged=diverged or "",
                input_tokens=_number(tokens.get(item.index, {}).get("input_tokens")),
                cached_tokens=_number(tokens.get(item.index, {}).get("cached_tokens")),
            )
        )
    return out
