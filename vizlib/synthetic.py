"""Synthetic cassettes for benchmarks and scale tests: realistic in shape, any size, reproducible.

Each cassette is a go-vcr recording of a tool-calling conversation, in the
OpenAI Chat Completions or the Anthropic Messages wire format: a streamed
first turn with text and parallel tool calls whose arguments arrive in
fragments, then a second turn that sends the results back and streams an
answer. Sizes are set by the number of stream events.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import yaml

WORDS = [
    "the",
    "weather",
    "model",
    "stream",
    "token",
    "tool",
    "call",
    "result",
    "answer",
    "city",
    "forecast",
    "rain",
    "sun",
    "wind",
    "travel",
    "plan",
    "check",
    "both",
    "request",
    "response",
    "latency",
    "cache",
    "prompt",
    "context",
    "reasoning",
    "because",
    "therefore",
    "however",
    "first",
    "then",
    "finally",
    "tomorrow",
    "today",
    "cloudy",
    "warm",
    "cold",
]


def _words(rng: random.Random, count: int) -> list[str]:
    return [(" " if i else "") + rng.choice(WORDS) for i in range(count)]


def _openai_turn(
    rng: random.Random, events: int, calls: int, turn: int
) -> tuple[str, list[dict[str, Any]]]:
    head = {"id": f"gen-{turn}", "model": "openai/gpt-4o-mini", "object": "chat.completion.chunk"}

    def chunk(delta: dict[str, Any], **extra: Any) -> str:
        return "data: " + json.dumps({**head, "choices": [{"index": 0, "delta": delta}], **extra})

    made = []
    fragments_each = max(1, (events // 2) // max(calls, 1)) if calls else 0
    text_events = max(1, events - 3 - calls * (fragments_each + 1))
    lines = [chunk({"role": "assistant", "content": ""})]
    lines += [chunk({"content": piece}) for piece in _words(rng, text_events)]
    for index in range(calls):
        arguments = json.dumps(
            {
                "city": rng.choice(WORDS),
                "days": rng.randint(1, 9),
                "note": " ".join(_words(rng, fragments_each)),
            }
        )
        size = max(1, -(-len(arguments) // fragments_each))
        parts = [arguments[i : i + size] for i in range(0, len(arguments), size)]
        call_id = f"call_{turn}_{index}"
        lines.append(
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call_id,
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": ""},
                        }
                    ]
                }
            )
        )
        lines += [
            chunk({"tool_calls": [{"index": index, "function": {"arguments": p}}]}) for p in parts
        ]
        made.append(
            {
                "id": call_id,
                "type": "function",
                "function": {"name": "get_weather", "arguments": arguments},
            }
        )
    usage = {
        "prompt_tokens": 100 + events,
        "completion_tokens": events,
        "total_tokens": 100 + 2 * events,
    }
    lines.append(chunk({}, usage=usage))
    lines.append("data: [DONE]")
    return "\n\n".join(lines) + "\n\n", made


def _anthropic_turn(
    rng: random.Random, events: int, calls: int, turn: int
) -> tuple[str, list[dict[str, Any]]]:
    def event(name: str, data: dict[str, Any]) -> str:
        return f"event: {name}\ndata: {json.dumps({'type': name, **data})}"

    fragments_each = max(1, (events // 2) // max(calls, 1)) if calls else 0
    text_events = max(1, events - 6 - calls * (fragments_each + 2))
    lines = [
        event(
            "message_start",
            {
                "message": {
                    "id": f"msg_{turn}",
                    "model": "claude-haiku-4-5",
                    "usage": {"input_tokens": 100 + events, "output_tokens": 1},
                }
            },
        ),
        event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}),
    ]
    lines += [
        event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": w}})
        for w in _words(rng, text_events)
    ]
    lines.append(event("content_block_stop", {"index": 0}))
    made = []
    for index in range(calls):
        block = index + 1
        arguments = json.dumps(
            {"city": rng.choice(WORDS), "note": " ".join(_words(rng, fragments_each))}
        )
        size = max(1, -(-len(arguments) // fragments_each))
        parts = [arguments[i : i + size] for i in range(0, len(arguments), size)]
        call_id = f"toolu_{turn}_{index}"
        lines.append(
            event(
                "content_block_start",
                {
                    "index": block,
                    "content_block": {
                        "type": "tool_use",
                        "id": call_id,
                        "name": "get_weather",
                        "input": {},
                    },
                },
            )
        )
        lines += [
            event(
                "content_block_delta",
                {"index": block, "delta": {"type": "input_json_delta", "partial_json": p}},
            )
            for p in parts
        ]
        lines.append(event("content_block_stop", {"index": block}))
        made.append(
            {
                "type": "tool_use",
                "id": call_id,
                "name": "get_weather",
                "input": json.loads(arguments),
            }
        )
    lines.append(
        event(
            "message_delta",
            {
                "delta": {"stop_reason": "tool_use" if calls else "end_turn"},
                "usage": {"output_tokens": events},
            },
        )
    )
    lines.append(event("message_stop", {}))
    return "\n\n".join(lines) + "\n\n", made


def synthetic_cassette(
    events: int = 200, *, seed: int = 0, wire: str = "openai", calls: int = 2
) -> str:
    """A go-vcr cassette of two streamed turns with about `events` stream events in all."""
    return _dump(_conversation(events, seed, wire, calls))


def long_cassette(interactions: int, *, events: int = 12, seed: int = 0) -> str:
    """A go-vcr cassette of `interactions` (rounded up to even): many two-turn conversations.

    As an agent's test suite records them into one file; wire formats alternate.
    """
    recorded = []
    for index in range(-(-interactions // 2)):
        wire = "anthropic" if index % 3 == 2 else "openai"
        recorded += _conversation(events, seed + index, wire, 1)
    return _dump(recorded)


def _dump(interactions: list[dict[str, Any]]) -> str:
    document = {"version": 2, "interactions": interactions}
    return yaml.safe_dump(document, sort_keys=False, width=10_000, allow_unicode=True)


def _conversation(events: int, seed: int, wire: str, calls: int) -> list[dict[str, Any]]:
    """The two interactions of a tool-calling conversation."""
    rng = random.Random(seed)
    first_events = max(8, events * 3 // 4)
    second_events = max(4, events - first_events)
    ask = {"role": "user", "content": "Weather for my trip?"}
    if wire == "anthropic":
        url, turn = "https://api.anthropic.com/v1/messages", _anthropic_turn
    else:
        url, turn = "https://openrouter.ai/api/v1/chat/completions", _openai_turn
    body0, made = turn(rng, first_events, calls, 0)
    body1, _ = turn(rng, second_events, 0, 1)
    follow: list[dict[str, Any]]
    if wire == "anthropic":
        results = [
            {"type": "tool_result", "tool_use_id": c["id"], "content": "sunny"} for c in made
        ]
        follow = [ask, {"role": "assistant", "content": made}, {"role": "user", "content": results}]
    else:
        follow = [
            ask,
            {"role": "assistant", "content": "", "tool_calls": made},
            *({"role": "tool", "tool_call_id": c["id"], "content": "sunny"} for c in made),
        ]

    def interaction(messages: list[dict[str, Any]], body: str, duration: str) -> dict[str, Any]:
        request = json.dumps({"model": "synthetic", "stream": True, "messages": messages})
        return {
            "request": {
                "url": url,
                "method": "POST",
                "body": request,
                "headers": {"Content-Type": ["application/json"]},
            },
            "response": {
                "code": 200,
                "status": "200 OK",
                "body": body,
                "duration": duration,
                "headers": {"Content-Type": ["text/event-stream"]},
            },
        }

    return [interaction([ask], body0, "1.2s"), interaction(follow, body1, "800ms")]


def write_corpus(
    directory: str | Path, *, files: int, events_per_file: int, seed: int = 0
) -> list[Path]:
    """Write `files` synthetic cassettes (alternating wire formats) and return their paths."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(files):
        wire = "anthropic" if index % 3 == 2 else "openai"
        path = target / f"{wire}-{index:05d}.yaml"
        path.write_text(
            synthetic_cassette(events_per_file, seed=seed + index, wire=wire, calls=1 + index % 3),
            encoding="utf-8",
        )
        paths.append(path)
    return paths
