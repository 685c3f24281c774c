"""Cohere chat v2 (`/v2/chat`).

Streams are named SSE events: `message-start`, `content-start` /
`content-delta` / `content-end`, `tool-plan-delta`, `tool-call-start` /
`tool-call-delta` / `tool-call-end`, `citation-start`, and `message-end`
with the finish reason and usage (`tokens`, and the `billed_units`).
"""

from __future__ import annotations

from typing import Any

from vizlib.decoders._assembly import ToolCallAssembler, response_message
from vizlib.decoders._bodies import JsonError, response_events
from vizlib.decoders.base import (
    Decoder,
    as_dict,
    as_int,
    as_list,
    as_str,
    dumps,
    request_json,
    with_total,
)
from vizlib.decoders.openai_chat import declared_tools, read_messages
from vizlib.records import Chunk, Decoded, Exchange, HttpRequest, ToolCallRef, Usage


def matches(request: HttpRequest) -> bool:
    """Cohere's v2 chat endpoint."""
    return request.url.split("?", 1)[0].endswith("/v2/chat")


def read_usage(usage: dict[str, Any]) -> Usage:
    """Cohere usage: `tokens` are what the model processed; billed units are kept in raw."""
    tokens = as_dict(usage.get("tokens")) or as_dict(usage.get("billed_units"))
    return with_total(
        Usage(
            input_tokens=as_int(tokens.get("input_tokens")),
            output_tokens=as_int(tokens.get("output_tokens")),
            cached_tokens=as_int(usage.get("cached_tokens")),
            raw=dumps(usage),
        )
    )


def _message_parts(message: dict[str, Any]) -> tuple[str, list[ToolCallRef]]:
    text = "".join(as_str(as_dict(c).get("text")) or "" for c in as_list(message.get("content")))
    calls = [
        ToolCallRef(
            as_str(call.get("id")),
            as_str(as_dict(call.get("function")).get("name")) or "",
            as_str(as_dict(call.get("function")).get("arguments")) or "",
        )
        for call in map(as_dict, as_list(message.get("tool_calls")))
    ]
    return text, calls


def decode(exchange: Exchange) -> Decoded:
    """Read one Cohere v2 chat exchange."""
    body = request_json(exchange.request)
    messages = tuple(read_messages(body.get("messages")))
    events = response_events(exchange.response)
    tools = ToolCallAssembler()
    chunks: list[Chunk] = []
    text: list[str] = []
    plan: list[str] = []
    usage, finish, response_id, done = Usage(), None, None, False
    for seq, event in enumerate(events.events):
        raw, line, value = event.data, event.line, event.value
        if isinstance(value, JsonError):
            chunks.append(Chunk(seq, event.event or "", "error", raw, line=line, error=str(value)))
            continue
        value = as_dict(value)
        kind = as_str(value.get("type")) or event.event or ""
        delta = as_dict(as_dict(value.get("delta")).get("message"))
        index = as_int(value.get("index")) or 0
        if kind == "content-delta":
            piece = as_str(as_dict(delta.get("content")).get("text")) or ""
            text.append(piece)
            chunks.append(Chunk(seq, kind, "text", raw, text=piece, line=line))
        elif kind == "tool-plan-delta":
            piece = as_str(delta.get("tool_plan")) or ""
            plan.append(piece)
            chunks.append(Chunk(seq, kind, "reasoning", raw, text=piece, line=line))
        elif kind in ("tool-call-start", "tool-call-delta"):
            call = as_dict(delta.get("tool_calls"))
            function = as_dict(call.get("function"))
            fragment = as_str(function.get("arguments")) or ""
            call_id, name = tools.add(
                index,
                seq,
                call_id=as_str(call.get("id")),
                name=as_str(function.get("name")),
                delta=fragment,
            )
            chunks.append(
                Chunk(
                    seq,
                    kind,
                    "tool_call",
                    raw,
                    line=line,
                    tool_index=index,
                    tool_call_id=call_id,
                    tool_name=name or None,
                    args_delta=fragment,
                )
            )
        elif kind == "message-end":
            end = as_dict(value.get("delta"))
            finish, done = as_str(end.get("finish_reason")), True
            usage = read_usage(as_dict(end.get("usage")))
            chunks.append(Chunk(seq, kind, "usage", raw, line=line))
        elif "message" in value and "finish_reason" in value:  # a non-streamed response
            response_id, finish, done = (
                as_str(value.get("id")),
                as_str(value.get("finish_reason")),
                True,
            )
            usage = read_usage(as_dict(value.get("usage")))
            content, calls = _message_parts(as_dict(value.get("message")))
            text.append(content)
            plan.append(as_str(as_dict(value.get("message")).get("tool_plan")) or "")
            for position, ref in enumerate(calls):
                tools.add(position, seq, call_id=ref.id, name=ref.name, delta=ref.arguments)
            chunks.append(
                Chunk(seq, "chat", "tool_call" if calls else "text", raw, text=content, line=line)
            )
        else:
            response_id = response_id or as_str(value.get("id"))
            chunks.append(Chunk(seq, kind, "control", raw, line=line))
    reply = response_message(len(messages), text, plan, tools)
    response = (reply,) if reply else ()
    return Decoded(
        api="cohere",
        stream=events.streamed,
        model=as_str(body.get("model")),
        request_model=as_str(body.get("model")),
        response_id=response_id,
        finish_reason=finish,
        chunks=tuple(chunks),
        messages=messages + response,
        tool_calls=tools.calls(),
        usage=usage,
        tools=declared_tools(body.get("tools")),
        n_comments=events.n_comments,
        complete=done,
    )


DECODER = Decoder(api="cohere", matches=matches, decode=decode)
