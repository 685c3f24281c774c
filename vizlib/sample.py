"""A built-in sample cassette, generated: a realistic two-turn tool-calling conversation.

The cassette is what go-vcr would record from an OpenAI-compatible router:
turn 0 streams reasoning, text and two parallel tool calls whose argument
fragments arrive interleaved by index, then a usage chunk with a reported
cost; turn 1 sends the tool results back and streams the answer.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

SAMPLE_NAME = "sample_weather_tools.yaml"
MODEL = "openai/gpt-4o-mini"
URL = "https://openrouter.ai/api/v1/chat/completions"
SYSTEM = "You are a concise travel assistant. Use the tools to look up live data."
QUESTION = "Should I pack an umbrella for Paris or for Tokyo tomorrow?"
REASONING = "The user asks about two cities; I should call get_weather for both at once."
PREAMBLE = "Let me check the forecast for both cities."
ANSWER = (
    "Pack the umbrella for Tokyo: 80% chance of rain and 17°C. "
    "Paris looks dry, 21°C and sunny, so you can leave it at home there."
)
CITIES = (("call_paris_01", "Paris"), ("call_tokyo_02", "Tokyo"))
RESULTS = {
    "call_paris_01": '{"city": "Paris", "forecast": "sunny", "temp_c": 21, "rain_chance": 0.05}',
    "call_tokyo_02": '{"city": "Tokyo", "forecast": "rain", "temp_c": 17, "rain_chance": 0.8}',
}
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Tomorrow's forecast for a city",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "City name"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city"],
            },
        },
    }
]
_PIECE = re.compile(r"\s*\S+|\s+")


def _pieces(text: str) -> list[str]:
    """Split text the way tokenizers stream it: a word with its leading space."""
    return _PIECE.findall(text)


def _arg_fragments(arguments: str, size: int = 5) -> list[str]:
    return [arguments[i : i + size] for i in range(0, len(arguments), size)]


class _Stream:
    def __init__(self, response_id: str, provider: str) -> None:
        self.head = {
            "id": response_id,
            "provider": provider,
            "model": MODEL,
            "object": "chat.completion.chunk",
            "created": 1764000000,
        }
        self.events: list[str] = []

    def chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> None:
        choice = {"index": 0, "delta": {"role": "assistant", **delta}, "finish_reason": finish}
        payload = {**self.head, "choices": [choice], **extra}
        self.events.append("data: " + json.dumps(payload, ensure_ascii=False))

    def comment(self) -> None:
        self.events.append(": OPENROUTER PROCESSING")

    def body(self) -> str:
        return "\n\n".join([*self.events, "data: [DONE]"]) + "\n\n"


def _usage(
    prompt: int, completion: int, reasoning: int, cached: int, cost: float
) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cost": cost,
        "prompt_tokens_details": {"cached_tokens": cached},
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }


def _turn0_response() -> str:
    stream = _Stream("gen-1764000000-sampleturn0", "OpenAI")
    stream.comment()
    stream.chunk({"content": ""})
    for piece in _pieces(REASONING):
        stream.chunk({"content": None, "reasoning": piece})
    for piece in _pieces(PREAMBLE):
        stream.chunk({"content": piece})
    for index, (call_id, _city) in enumerate(CITIES):
        function = {"name": "get_weather", "arguments": ""}
        stream.chunk(
            {
                "tool_calls": [
                    {"index": index, "id": call_id, "type": "function", "function": function}
                ]
            }
        )
    fragments = [
        _arg_fragments(json.dumps({"city": city, "unit": "celsius"})) for _, city in CITIES
    ]
    for step in range(max(map(len, fragments))):
        for index, parts in enumerate(fragments):
            if step < len(parts):
                delta = {"index": index, "function": {"arguments": parts[step]}}
                stream.chunk({"tool_calls": [delta]})
    stream.chunk({"content": ""}, finish="tool_calls")
    stream.chunk({"content": ""}, usage=_usage(412, 96, 24, 0, 0.0001194))
    return stream.body()


def _turn1_response() -> str:
    stream = _Stream("gen-1764000003-sampleturn1", "Azure")
    stream.chunk({"content": ""})
    for piece in _pieces(ANSWER):
        stream.chunk({"content": piece})
    stream.chunk({"content": ""}, finish="stop")
    stream.chunk({"content": ""}, usage=_usage(571, 38, 0, 384, 0.00006848))
    return stream.body()


def _request(messages: list[dict[str, Any]]) -> str:
    body = {
        "model": MODEL,
        "messages": messages,
        "tools": TOOLS,
        "tool_choice": "auto",
        "parallel_tool_calls": True,
        "stream": True,
        "stream_options": {"include_usage": True},
        "usage": {"include": True},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _interaction(
    index: int, request_body: str, response_body: str, duration: str
) -> dict[str, Any]:
    return {
        "id": index,
        "request": {
            "proto": "HTTP/1.1",
            "proto_major": 1,
            "proto_minor": 1,
            "content_length": len(request_body.encode()),
            "host": "",
            "body": request_body,
            "headers": {
                "Accept": ["application/json"],
                "Authorization": ["Bearer sk-or-v1-0000000000000000000000000000000000000000sample"],
                "Content-Type": ["application/json"],
                "User-Agent": ["OpenAI/Go 2.3.0"],
            },
            "url": URL,
            "method": "POST",
        },
        "response": {
            "proto": "HTTP/2.0",
            "proto_major": 2,
            "proto_minor": 0,
            "content_length": -1,
            "body": response_body,
            "headers": {"Content-Type": ["text/event-stream"]},
            "status": "200 OK",
            "code": 200,
            "duration": duration,
        },
    }


def sample_cassette() -> str:
    """The YAML text of the built-in sample cassette (go-vcr version 2)."""
    first: list[dict[str, Any]] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": QUESTION},
    ]
    calls = [
        {
            "id": call_id,
            "type": "function",
            "function": {
                "name": "get_weather",
                "arguments": json.dumps({"city": city, "unit": "celsius"}),
            },
        }
        for call_id, city in CITIES
    ]
    second = [
        *first,
        {"role": "assistant", "content": PREAMBLE, "tool_calls": calls},
        *({"role": "tool", "tool_call_id": cid, "content": RESULTS[cid]} for cid, _ in CITIES),
    ]
    document = {
        "version": 2,
        "interactions": [
            _interaction(0, _request(first), _turn0_response(), "1.482113s"),
            _interaction(1, _request(second), _turn1_response(), "903.5417ms"),
        ],
    }
    return "---\n" + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=10_000)
