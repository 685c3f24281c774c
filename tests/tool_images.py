"""Recorded-looking runs whose tool sends back a screenshot: one HAR per wire format.

Each run is two calls: the model asks for the `screenshot` tool, then the
client sends its result, an inline PNG (beside a remote image URL that must
never become a thumbnail), and the model answers.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from typing import Any

from tests.agentrun import har_entry

REMOTE = "https://images.example.com/screen.png"
CALL_IDS = {"openai": "call_shot1", "anthropic": "toolu_shot1", "gemini": "gem_shot1"}


def png(width: int = 2, height: int = 2) -> str:
    """A small valid PNG, base64: a real image for the browser to decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x2a\x63\xeb" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    data += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return base64.b64encode(data).decode()


SCREEN = png()
DATA_URL = f"data:image/png;base64,{SCREEN}"
TOOL = {
    "name": "screenshot",
    "description": "Capture the screen.",
    "parameters": {"type": "object"},
}


def _entry(url: str, request: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    return har_entry(0, url, request, 200, response)


def _openai() -> list[dict[str, Any]]:
    url = "https://api.openai.com/v1/chat/completions"
    call = {
        "id": CALL_IDS["openai"],
        "type": "function",
        "function": {"name": "screenshot", "arguments": "{}"},
    }
    ask = [{"role": "user", "content": "What is on my screen?"}]
    tools = [{"type": "function", "function": TOOL}]
    result = {
        "role": "tool",
        "tool_call_id": CALL_IDS["openai"],
        "content": [
            {"type": "text", "text": "the screen"},
            {"type": "image_url", "image_url": {"url": DATA_URL}},
            {"type": "image_url", "image_url": {"url": REMOTE}},
        ],
    }

    def answer(message: dict[str, Any], finish: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-shot",
            "object": "chat.completion",
            "model": "gpt-4o",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 40, "completion_tokens": 9, "total_tokens": 49},
        }

    return [
        _entry(
            url,
            {"model": "gpt-4o", "messages": ask, "tools": tools},
            answer({"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"),
        ),
        _entry(
            url,
            {
                "model": "gpt-4o",
                "messages": [
                    *ask,
                    {"role": "assistant", "content": None, "tool_calls": [call]},
                    result,
                ],
                "tools": tools,
            },
            answer({"role": "assistant", "content": "A blue square."}, "stop"),
        ),
    ]


def _anthropic() -> list[dict[str, Any]]:
    url = "https://api.anthropic.com/v1/messages"
    use = {"type": "tool_use", "id": CALL_IDS["anthropic"], "name": "screenshot", "input": {}}
    ask = [{"role": "user", "content": "What is on my screen?"}]
    tools = [
        {
            "name": "screenshot",
            "description": "Capture the screen.",
            "input_schema": {"type": "object"},
        }
    ]
    result = {
        "type": "tool_result",
        "tool_use_id": CALL_IDS["anthropic"],
        "content": [
            {
                "type": "image",
                "source": {"type": "base64", "media_type": "image/png", "data": SCREEN},
            },
            {"type": "image", "source": {"type": "url", "url": REMOTE}},
        ],
    }

    def answer(content: list[dict[str, Any]], stop: str) -> dict[str, Any]:
        return {
            "id": "msg_shot",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-20250514",
            "content": content,
            "stop_reason": stop,
            "usage": {"input_tokens": 40, "output_tokens": 9},
        }

    model = "claude-sonnet-4-20250514"
    return [
        _entry(
            url,
            {"model": model, "max_tokens": 256, "messages": ask, "tools": tools},
            answer([use], "tool_use"),
        ),
        _entry(
            url,
            {
                "model": model,
                "max_tokens": 256,
                "messages": [
                    *ask,
                    {"role": "assistant", "content": [use]},
                    {"role": "user", "content": [result]},
                ],
                "tools": tools,
            },
            answer([{"type": "text", "text": "A blue square."}], "end_turn"),
        ),
    ]


def _gemini() -> list[dict[str, Any]]:
    url = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"
    call = {"functionCall": {"id": CALL_IDS["gemini"], "name": "screenshot", "args": {}}}
    ask = [{"role": "user", "parts": [{"text": "What is on my screen?"}]}]
    tools = [{"functionDeclarations": [TOOL]}]
    result = {
        "functionResponse": {
            "id": CALL_IDS["gemini"],
            "name": "screenshot",
            "response": {"shown": "the screen"},
            "parts": [
                {"inlineData": {"mimeType": "image/png", "data": SCREEN}},
                {"fileData": {"mimeType": "image/png", "fileUri": REMOTE}},
            ],
        }
    }

    def answer(parts: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP"}],
            "usageMetadata": {
                "promptTokenCount": 40,
                "candidatesTokenCount": 9,
                "totalTokenCount": 49,
            },
            "modelVersion": "gemini-2.5-flash",
        }

    return [
        _entry(url, {"contents": ask, "tools": tools}, answer([call])),
        _entry(
            url,
            {
                "contents": [
                    *ask,
                    {"role": "model", "parts": [call]},
                    {"role": "user", "parts": [result]},
                ],
                "tools": tools,
            },
            answer([{"text": "A blue square."}]),
        ),
    ]


RUNS = {"openai": _openai, "anthropic": _anthropic, "gemini": _gemini}


def screenshot_har(wire: str) -> str:
    """The two-call run in wire format `wire` (`openai`, `anthropic` or `gemini`) as HAR 1.2 text."""
    entries = RUNS[wire]()
    return json.dumps(
        {"log": {"version": "1.2", "creator": {"name": "vizlib-tests"}, "entries": entries}}
    )
