"""Turn by turn: what each request adds to the one before, and where their shared prefix ends.

Prompt caches match a request's prefix (tools, system prompt, then messages);
where a request stops repeating the one before, the cache can only have hit
up to there, which the cached-token count beside it shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from vizlib.cassette import Cassette
from vizlib.records import Interaction, Message


@dataclass(frozen=True, slots=True)
class RequestGrowth:
    """How one request relates to the one before it in the cassette."""

    interaction: int
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


def request_growth(cassette: Cassette) -> list[RequestGrowth]:
    """Each request against the one before: messages, shared prefix, additions, and cache use."""
    usage = cassette.usage.set_index("interaction")
    out = []
    previous: Interaction | None = None
    for item in cassette.records:
        messages = _requests(item)
        if previous is None:
            shared, diverged = 0, "first request"
        elif previous.decoded.tools != item.decoded.tools:
            shared, diverged = 0, "tools changed"
        else:
            before = _requests(previous)
            shared = 0
            while shared < min(len(before), len(messages)) and _key(before[shared]) == _key(
                messages[shared]
            ):
                shared += 1
            if shared == len(before):
                diverged = "extends the previous request"
            else:
                changed = before[shared]
                diverged = f"message {shared} ({changed.role}) differs"
        out.append(
            RequestGrowth(
                interaction=item.index,
                messages=len(messages),
                shared_prefix=shared,
                added=len(messages) - shared,
                diverged=diverged,
                input_tokens=_number(usage.input_tokens.get(item.index)),
                cached_tokens=_number(usage.cached_tokens.get(item.index)),
            )
        )
        previous = item
    return out
