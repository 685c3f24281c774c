"""A small agent run recorded as a HAR archive, built the way a browser or Playwright writes one.

A coordinator (OpenAI Chat Completions, non-streamed) delegates a task to a
research sub-agent through a `research` tool call. The sub-agent searches
the web (a side request), its next request fails with HTTP 500 and is sent
again unchanged, and its answer goes back to the coordinator as the call's
result. The coordinator then calls `book`, whose arguments the client sends
back as a plain string, with a telemetry post in between; a last request
branches from the coordinator's second turn.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

CHAT = "https://api.openai.com/v1/chat/completions"
COORDINATOR = "You coordinate trip planning. Delegate research with the research tool."
RESEARCHER = "You are a research agent. Use web_search, then answer in one sentence."
TASK = "Find the weather in Lisbon in May."
ANSWER = "Lisbon in May is mostly sunny, around 22C."
START = datetime(2026, 3, 2, 9, 30, 0, tzinfo=UTC)

# What the run is, as the tests read it: (thread, parent, relation) per interaction.
EXPECTED_LINKS = [
    (0, None, "first"),  # the coordinator's opening request
    (1, 0, "subagent"),  # its first user message is the research call's `task`
    (1, 1, "side"),  # the web search between the sub-agent's call and its result
    (1, 1, "continues"),  # answers web_search's call id; the server fails it
    (1, 3, "retry"),  # the same messages again
    (0, 0, "continues"),  # answers the research call by id
    (0, 5, "side"),  # telemetry
    (0, 5, "continues"),  # answers the book call by id
    (2, 5, "branch"),  # extends the coordinator's second turn, which 7 already continues
]


def _tool(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": list(properties),
            },
        },
    }


COORDINATOR_TOOLS = [
    _tool("research", {"task": {"type": "string"}}),
    _tool("book", {"city": {"type": "string"}}),
]
RESEARCH_TOOLS = [_tool("web_search", {"query": {"type": "string"}})]


def _call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def _completion(
    number: int, *, text: str | None = None, calls: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-run{number}",
        "object": "chat.completion",
        "created": int(START.timestamp()) + number,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if calls else "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 100 + 40 * number,
            "completion_tokens": 20 + number,
            "total_tokens": 120 + 41 * number,
            "prompt_tokens_details": {"cached_tokens": 0},
        },
    }


def har_entry(
    number: int, url: str, request: dict[str, Any], status: int, response: dict[str, Any]
) -> dict[str, Any]:
    """One HAR entry: a JSON POST to `url` and its answer, the `number`-th of a run."""
    started = START + timedelta(seconds=2 * number, milliseconds=125 * number)
    return {
        "startedDateTime": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": 800.0 + 10 * number,
        "request": {
            "method": "POST",
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "content-type", "value": "application/json"}],
            "postData": {"mimeType": "application/json", "text": json.dumps(request)},
        },
        "response": {
            "status": status,
            "statusText": "OK" if status == 200 else "Internal Server Error",
            "headers": [{"name": "content-type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": json.dumps(response)},
        },
    }


def agent_run_har() -> str:
    """The run as HAR 1.2 text."""
    research = _call("call_research1", "research", json.dumps({"task": TASK}))
    search = _call("call_search1", "web_search", '{"query": "Lisbon weather May"}')
    book = _call("call_book1", "book", '{"city": "Lisbon"}')
    booked_back = _call("call_book1", "book", "Lisbon")  # the client's plain string
    main = [{"role": "system", "content": COORDINATOR}, {"role": "user", "content": "Plan Lisbon."}]
    sub = [{"role": "system", "content": RESEARCHER}, {"role": "user", "content": TASK}]
    sub_done = [
        *sub,
        {"role": "assistant", "content": None, "tool_calls": [search]},
        {"role": "tool", "tool_call_id": "call_search1", "content": "Sunny, 22C average."},
    ]
    main_2 = [
        *main,
        {"role": "assistant", "content": None, "tool_calls": [research]},
        {"role": "tool", "tool_call_id": "call_research1", "content": ANSWER},
    ]

    def chat(messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> dict[str, Any]:
        return {"model": "gpt-4o-mini", "messages": messages, "tools": tools}

    failed = {"error": {"message": "The server had an error", "type": "server_error"}}
    entries = [
        har_entry(0, CHAT, chat(main, COORDINATOR_TOOLS), 200, _completion(0, calls=[research])),
        har_entry(1, CHAT, chat(sub, RESEARCH_TOOLS), 200, _completion(1, calls=[search])),
        har_entry(
            2,
            "https://search.example.com/v1/search",
            {"query": "Lisbon weather May", "max_results": 3},
            200,
            {"results": [{"title": "Lisbon climate", "snippet": "Sunny, 22C average."}]},
        ),
        har_entry(3, CHAT, chat(sub_done, RESEARCH_TOOLS), 500, failed),
        har_entry(4, CHAT, chat(sub_done, RESEARCH_TOOLS), 200, _completion(4, text=ANSWER)),
        har_entry(5, CHAT, chat(main_2, COORDINATOR_TOOLS), 200, _completion(5, calls=[book])),
        har_entry(
            6,
            "https://telemetry.example.com/v1/events",
            {"event": "tool_call", "name": "book"},
            200,
            {"ok": True},
        ),
        har_entry(
            7,
            CHAT,
            chat(
                [
                    *main_2,
                    {"role": "assistant", "content": None, "tool_calls": [booked_back]},
                    {"role": "tool", "tool_call_id": "call_book1", "content": "Booked."},
                ],
                COORDINATOR_TOOLS,
            ),
            200,
            _completion(7, text="Booked Lisbon for May; expect sun."),
        ),
        har_entry(
            8,
            CHAT,
            chat([*main_2, {"role": "user", "content": "Make it June."}], COORDINATOR_TOOLS),
            200,
            _completion(8, text="June in Lisbon is warmer still."),
        ),
    ]
    archive = {"log": {"version": "1.2", "creator": {"name": "vizlib-tests"}, "entries": entries}}
    return json.dumps(archive, indent=1)
