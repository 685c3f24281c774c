"""Semantic diff of two recordings: what changed in the requests, the responses and the numbers.

Interactions are paired by aligning their (api, endpoint) sequences, so an
added or removed call does not shift every pair after it. Cassettes in two
folders are paired by relative path.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import pandas as pd

from vizlib.cassette import Cassette
from vizlib.conversation import parse_arguments
from vizlib.frames.summary import per_interaction
from vizlib.records import Interaction, Message

CONVERSATION_KEYS = frozenset(
    {
        "messages",
        "input",
        "contents",
        "system",
        "instructions",
        "tools",
        "model",
        "systemInstruction",
        "prompt",
    }
)


TIMING = frozenset({"duration (s)"})  # re-recordings always differ in time: shown, not counted


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: where, the old and new values as text, and a short note."""

    where: str
    old: str
    new: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Number:
    """A number in both recordings, and its relative change (NaN where either is missing)."""

    name: str
    old: float
    new: float

    @property
    def relative(self) -> float:
        """(new - old) / old; NaN where undefined."""
        if math.isnan(self.old) or math.isnan(self.new) or self.old == 0:
            return math.nan
        return (self.new - self.old) / self.old

    @property
    def changed(self) -> bool:
        """Whether the two values differ (two missing values do not)."""
        both_missing = math.isnan(self.old) and math.isnan(self.new)
        return not both_missing and self.old != self.new


@dataclass(frozen=True, slots=True)
class InteractionDiff:
    """A pair of interactions (or one alone, where it was added or removed)."""

    old: int | None
    new: int | None
    label: str
    request: tuple[Change, ...] = ()
    response: tuple[Change, ...] = ()
    numbers: tuple[Number, ...] = ()

    @property
    def status(self) -> str:
        """`added`, `removed`, `changed` or `same`."""
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        moved = any(n.changed for n in self.numbers if n.name not in TIMING)
        return "changed" if self.request or self.response or moved else "same"


@dataclass(frozen=True, slots=True)
class CassetteDiff:
    """Two recordings of one cassette compared, with a one-line summary."""

    name: str
    status: str
    summary: str
    interactions: tuple[InteractionDiff, ...] = field(default_factory=tuple)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()


def _request_body(item: Interaction) -> dict[str, Any]:
    body = item.exchange.request.body
    try:
        value = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _message_key(message: Message) -> tuple[str, str, str]:
    calls = ";".join(f"{c.name}({_canonical_args(c.arguments)})" for c in message.tool_calls)
    return (message.role, message.content, calls)


def _canonical_args(arguments: str) -> str:
    parsed, valid = parse_arguments(arguments)
    return _text(parsed) if valid else arguments


def _messages(item: Interaction, source: str) -> list[Message]:
    return [m for m in item.decoded.messages if m.source == source]


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} chars)"


def _request_changes(old: Interaction, new: Interaction) -> list[Change]:
    changes = []
    if old.decoded.request_model != new.decoded.request_model:
        changes.append(
            Change("model", str(old.decoded.request_model), str(new.decoded.request_model))
        )
    old_body, new_body = _request_body(old), _request_body(new)
    for key in sorted((old_body.keys() | new_body.keys()) - CONVERSATION_KEYS):
        if old_body.get(key) != new_body.get(key):
            changes.append(
                Change(
                    f"parameter {key}", _text(old_body.get(key, "—")), _text(new_body.get(key, "—"))
                )
            )
    if old.decoded.tools != new.decoded.tools:
        old_tools, new_tools = set(old.decoded.tools), set(new.decoded.tools)
        note = (
            ", ".join(
                [f"+{t}" for t in sorted(new_tools - old_tools)]
                + [f"-{t}" for t in sorted(old_tools - new_tools)]
            )
            or "schemas changed"
        )
        changes.append(
            Change("tools", ", ".join(sorted(old_tools)), ", ".join(sorted(new_tools)), note)
        )
    old_messages, new_messages = _messages(old, "request"), _messages(new, "request")
    matcher = difflib.SequenceMatcher(
        a=[_message_key(m) for m in old_messages],
        b=[_message_key(m) for m in new_messages],
        autojunk=False,
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = "\n".join(f"[{m.role}] {_short(m.content)}" for m in old_messages[i1:i2])
        after = "\n".join(f"[{m.role}] {_short(m.content)}" for m in new_messages[j1:j2])
        verb = {"insert": "added", "delete": "removed", "replace": "edited"}[tag]
        touched = old_messages[i1:i2] + new_messages[j1:j2]
        client = any(m.role != "assistant" for m in touched)
        where = f"messages {verb}" if client else f"earlier model output {verb}"
        changes.append(Change(where, before, after, f"positions {i1}-{i2} → {j1}-{j2}"))
    return changes


def _response_changes(old: Interaction, new: Interaction) -> list[Change]:
    changes = []
    old_reply, new_reply = _messages(old, "response"), _messages(new, "response")
    old_text = old_reply[0].content if old_reply else ""
    new_text = new_reply[0].content if new_reply else ""
    if old_text != new_text:
        changes.append(Change("text", _short(old_text), _short(new_text)))
    old_reasoning = old_reply[0].reasoning if old_reply else ""
    new_reasoning = new_reply[0].reasoning if new_reply else ""
    if old_reasoning != new_reasoning:
        changes.append(
            Change(
                "reasoning",
                _short(old_reasoning),
                _short(new_reasoning),
                f"{len(old_reasoning):,} → {len(new_reasoning):,} chars",
            )
        )
    old_calls = [(c.name, _canonical_args(c.arguments)) for c in old.decoded.tool_calls]
    new_calls = [(c.name, _canonical_args(c.arguments)) for c in new.decoded.tool_calls]
    if [n for n, _ in old_calls] != [n for n, _ in new_calls]:
        changes.append(
            Change(
                "tool calls",
                ", ".join(n for n, _ in old_calls),
                ", ".join(n for n, _ in new_calls),
                "different tools called",
            )
        )
    elif old_calls != new_calls:
        changes.append(
            Change(
                "tool call arguments",
                "\n".join(f"{n} {a}" for n, a in old_calls),
                "\n".join(f"{n} {a}" for n, a in new_calls),
            )
        )
    if old.decoded.finish_reason != new.decoded.finish_reason:
        changes.append(
            Change("finish reason", str(old.decoded.finish_reason), str(new.decoded.finish_reason))
        )
    if old.decoded.model != new.decoded.model:
        changes.append(
            Change("model that answered", str(old.decoded.model), str(new.decoded.model))
        )
    return changes


def _numbers(old: Cassette, new: Cassette, i: int, j: int) -> tuple[Number, ...]:
    def value(cassette: Cassette, index: int, frame: str, column: str) -> float:
        table = getattr(cassette, frame)
        raw = (per_interaction(table) if frame == "usage" else table)[column].iloc[index]
        return math.nan if pd.isna(raw) else float(raw)

    pairs = [
        ("chunks", "interactions", "n_chunks"),
        ("tool calls", "interactions", "n_tool_calls"),
        ("input tokens", "usage", "input_tokens"),
        ("cached tokens", "usage", "cached_tokens"),
        ("output tokens", "usage", "output_tokens"),
        ("reasoning tokens", "usage", "reasoning_tokens"),
        ("cost (USD)", "usage", "cost_usd"),
        ("duration (s)", "interactions", "duration_s"),
    ]
    return tuple(Number(name, value(old, i, f, c), value(new, j, f, c)) for name, f, c in pairs)


def _label(item: Interaction) -> str:
    request = item.exchange.request
    return f"{item.decoded.api} {request.method} {request.url.split('?', 1)[0]}"


def diff_cassettes(old: Cassette, new: Cassette, name: str | None = None) -> CassetteDiff:
    """Compare two recordings of a cassette, interaction by interaction."""
    keys_old = [(i.decoded.api, i.exchange.request.url.split("?", 1)[0]) for i in old.records]
    keys_new = [(i.decoded.api, i.exchange.request.url.split("?", 1)[0]) for i in new.records]
    pairs: list[InteractionDiff] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        a=keys_old, b=keys_new, autojunk=False
    ).get_opcodes():
        matched = min(i2 - i1, j2 - j1) if tag in ("equal", "replace") else 0
        for k in range(matched):
            a, b = old.records[i1 + k], new.records[j1 + k]
            pairs.append(
                InteractionDiff(
                    a.index,
                    b.index,
                    _label(b),
                    tuple(_request_changes(a, b)),
                    tuple(_response_changes(a, b)),
                    _numbers(old, new, a.index, b.index),
                )
            )
        pairs += [
            InteractionDiff(old.records[i].index, None, _label(old.records[i]))
            for i in range(i1 + matched, i2)
        ]
        pairs += [
            InteractionDiff(None, new.records[j].index, _label(new.records[j]))
            for j in range(j1 + matched, j2)
        ]
    pairs.sort(key=lambda d: (d.new if d.new is not None else d.old or 0, d.old is None))
    status = "same" if all(p.status == "same" for p in pairs) else "changed"
    return CassetteDiff(name or new.name, status, summarise(pairs), tuple(pairs))


def _total(pairs: Sequence[InteractionDiff], name: str) -> tuple[float, float]:
    numbers = [n for p in pairs for n in p.numbers if n.name == name]
    old = sum(n.old for n in numbers if not math.isnan(n.old))
    new = sum(n.new for n in numbers if not math.isnan(n.new))
    return old, new


def _made_calls(pair: InteractionDiff) -> bool:
    return any(n.name == "tool calls" and (n.old or n.new) for n in pair.numbers)


def summarise(pairs: Sequence[InteractionDiff]) -> str:
    """One line: is it the same conversation, what changed in the calls, and by how much."""
    if not pairs:
        return "no interactions on either side"
    parts = []
    added = sum(p.status == "added" for p in pairs)
    removed = sum(p.status == "removed" for p in pairs)
    conversation = all(not any(c.where.startswith("messages") for c in p.request) for p in pairs)
    parts.append(
        "same conversation" if conversation and not (added or removed) else "conversation changed"
    )
    if added or removed:
        parts.append(f"{added} interaction{'s' if added != 1 else ''} added, {removed} removed")
    models = {(c.old, c.new) for p in pairs for c in p.request if c.where == "model"}
    parts += [f"model {old} → {new}" for old, new in sorted(models)]
    changes = [c.where for p in pairs for c in p.response]
    if "tool calls" in changes:
        parts.append("different tools called")
    elif "tool call arguments" in changes:
        parts.append("tool call arguments changed")
    elif any(p.old is not None and p.new is not None and _made_calls(p) for p in pairs):
        parts.append("tool calls unchanged")
    old_chunks, new_chunks = _total(pairs, "chunks")
    if old_chunks != new_chunks:
        parts.append(f"{old_chunks:,.0f} → {new_chunks:,.0f} chunks")
    old, new = _total(pairs, "output tokens")
    if old and new != old:
        change = (new - old) / old
        parts.append(f"{abs(change):.0%} {'more' if change > 0 else 'fewer'} output tokens")
    return ", ".join(parts)


def _count(cassette: Cassette) -> str:
    return f"{len(cassette)} interaction{'s' if len(cassette) != 1 else ''}"


def diff_many(
    old: dict[str, Cassette], new: dict[str, Cassette], *, redact: bool = True
) -> list[CassetteDiff]:
    """Compare cassettes paired by name (relative path); unpaired ones are added or removed.

    Two single recordings are compared whatever their names. With `redact`
    (the default) the recordings are compared as every view shows them, with
    secrets masked, so no change quotes one: a secret that changed and
    nothing else leaves the pair the same.
    """
    if redact:
        old = {name: cassette.redacted() for name, cassette in old.items()}
        new = {name: cassette.redacted() for name, cassette in new.items()}
    if len(old) == 1 and len(new) == 1:
        old = {next(iter(new)): next(iter(old.values()))}
    out = []
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            out.append(CassetteDiff(name, "removed", f"removed ({_count(old[name])})"))
        elif name not in old:
            out.append(CassetteDiff(name, "added", f"added ({_count(new[name])})"))
        else:
            out.append(diff_cassettes(old[name], new[name], name))
    return out
