"""Ollama's native API (`/api/chat`, `/api/generate`): newline-delimited JSON streams.

Every line is one event; the last has `done: true`, the `done_reason` and the
counts (`prompt_eval_count` in, `eval_count` out). Each line carries its own
`created_at` time, so Ollama streams have real per-chunk times. Tool calls
arrive whole, with arguments as an object.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vizlib.decoders._assembly import ToolCallAssembler, response_message
from vizlib.decoders._bodies import JsonError
from vizlib.decoders._lines import ndjson_events
from vizlib.decoders.base import (
    Decoder,
    as_dict,
    as_int,
    as_list,
    as_str,
    body_text,
    dumps,
    request_json,
    with_total,
)
from vizlib.decoders.openai_chat import content_text
from vizlib.records import (
    Chunk,
    ChunkKind,
    Decoded,
    Exchange,
    HttpRequest,
    Message,
    ToolCallRef,
    Usage,
)


def matches(request: HttpRequest) -> bool:
    """Ollama's `/api/chat` and `/api/generate`."""
    return request.url.split("?", 1)[0].endswith(("/api/chat", "/api/generate"))


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:  # Ollama writes nanoseconds; datetime keeps microseconds
        head, dot, rest = value.rstrip("Z").partition(".")
        return datetime.fromisoformat(f"{head}.{rest[:6].ljust(6, '0')}" if dot else head)
    except ValueError:
        return None


def decode(exchange: Exchange) -> Decoded:
    """Read one Ollama exchange."""
    body = request_json(exchange.request)
    messages = tuple(read_messages(body))
    events = ndjson_events(body_text(exchange.response.body))
    tools = ToolCallAssembler()
    chunks: list[Chunk] = []
    text: list[str] = []
    reasoning: list[str] = []
    usage, finish, model, done, start = Usage(), None, None, False, None
    for seq, event in enumerate(events):
        if isinstance(event.value, JsonError):
            chunks.append(
                Chunk(seq, "", "error", event.data, line=event.line, error=str(event.value))
            )
            continue
        value = as_dict(event.value)
        at = _time(value.get("created_at"))
        start = start or at
        elapsed = (at - start).total_seconds() if at and start else None
        model = as_str(value.get("model")) or model
        message = as_dict(value.get("message"))
        piece = as_str(message.get("content")) or as_str(value.get("response")) or ""
        thought = as_str(message.get("thinking")) or as_str(value.get("thinking")) or ""
        text.append(piece)
        reasoning.append(thought)
        name = "done" if value.get("done") else "message"
        first: dict[str, Any] = {}
        for call in map(as_dict, as_list(message.get("tool_calls"))):
            function = as_dict(call.get("function"))
            index = len(tools.calls())
            arguments = function.get("arguments")
            args_text = arguments if isinstance(arguments, str) else dumps(arguments or {})
            call_id, tool_name = tools.add(
                index,
                seq,
                call_id=as_str(call.get("id")),
                name=as_str(function.get("name")),
                delta=args_text,
            )
            first = first or {
                "tool_index": index,
                "tool_call_id": call_id,
                "tool_name": tool_name,
                "args_delta": args_text,
            }
        if value.get("error"):
            chunks.append(
                Chunk(
                    seq,
                    "error",
                    "error",
                    event.data,
                    line=event.line,
                    error=str(value["error"]),
                    time_s=elapsed,
                )
            )
            continue
        if value.get("done"):
            done = True
            finish = as_str(value.get("done_reason"))
            usage = with_total(
                Usage(
                    input_tokens=as_int(value.get("prompt_eval_count")),
                    output_tokens=as_int(value.get("eval_count")),
                    raw=dumps(
                        {k: v for k, v in value.items() if k.endswith(("count", "duration"))}
                    ),
                )
            )
        kind: ChunkKind = (
            "tool_call"
            if first
            else "text"
            if piece
            else "reasoning"
            if thought
            else ("usage" if value.get("done") else "control")
        )
        chunks.append(
            Chunk(
                seq,
                name,
                kind,
                event.data,
                text=piece or thought,
                line=event.line,
                time_s=elapsed,
                **first,
            )
        )
    reply = response_message(len(messages), text, reasoning, tools)
    response = (reply,) if reply else ()
    return Decoded(
        api="ollama",
        stream=body.get("stream", True) is not False,
        model=model or as_str(body.get("model")),
        request_model=as_str(body.get("model")),
        finish_reason=finish,
        chunks=tuple(chunks),
        messages=messages + response,
        tool_calls=tools.calls(),
        usage=usage,
        tools=_declared(body.get("tools")),
        complete=done,
    )


def read_messages(body: dict[str, Any]) -> list[Message]:
    """Request messages (`/api/chat`) or the prompt and system (`/api/generate`)."""
    out: list[Message] = []
    if isinstance(body.get("system"), str):
        out.append(Message(0, "system", body["system"], "request"))
    if isinstance(body.get("prompt"), str):
        out.append(Message(len(out), "user", body["prompt"], "request"))
    for message in map(as_dict, as_list(body.get("messages"))):
        calls = tuple(
            ToolCallRef(
                as_str(call.get("id")),
                as_str(as_dict(call.get("function")).get("name")) or "",
                _args(as_dict(call.get("function")).get("arguments")),
            )
            for call in map(as_dict, as_list(message.get("tool_calls")))
        )
        out.append(
            Message(
                len(out),
                as_str(message.get("role")) or "",
                content_text(message.get("content")),
                "request",
                tool_call_id=as_str(message.get("tool_call_id")),
                name=as_str(message.get("tool_name") or message.get("name")),
                reasoning=as_str(message.get("thinking")) or "",
                tool_calls=calls,
            )
        )
    return out


def _args(arguments: object) -> str:
    return arguments if isinstance(arguments, str) else dumps(arguments or {})


def _declared(tools: object) -> dict[str, Any]:
    return {
        name: as_dict(function.get("parameters"))
        for function in (as_dict(as_dict(t).get("function")) for t in as_list(tools))
        if (name := as_str(function.get("name")))
    }


DECODER = Decoder(api="ollama", matches=matches, decode=decode)
