"""xAI's gRPC chat API (`xai_api.Chat/GetCompletion`), from its JSON form.

Roles are enum names (`ROLE_USER`), content is a list of `{text}` parts,
responses hold `outputs[].message`; usage counts `prompt_tokens` (cached ones
included, as `cached_prompt_text_tokens`) and `completion_tokens`.
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
    """The gRPC address the xAI recording reader gives unary chat calls."""
    return request.url == "grpc://api.x.ai/xai_api.Chat/GetCompletion"


def _role(role: object) -> str:
    return (as_str(role) or "").removeprefix("ROLE_").lower()


def _calls(message: dict[str, Any]) -> tuple[ToolCallRef, ...]:
    return tuple(
        ToolCallRef(
            as_str(call.get("id")),
            as_str(as_dict(call.get("function")).get("name")) or "",
            as_str(as_dict(call.get("function")).get("arguments")) or "",
        )
        for call in map(as_dict, as_list(message.get("tool_calls")))
    )


def read_messages(body: dict[str, Any]) -> list[Message]:
    """Request messages with their enum roles made plain."""
    return [
        Message(
            position,
            _role(message.get("role")),
            content_text(message.get("content")),
            "request",
            tool_call_id=as_str(message.get("tool_call_id")),
            reasoning=as_str(message.get("reasoning_content")) or "",
            tool_calls=_calls(message),
        )
        for position, message in enumerate(map(as_dict, as_list(body.get("messages"))))
    ]


def read_usage(usage: dict[str, Any]) -> Usage:
    """Usage of xAI: prompt tokens include cached ones; completion excludes reasoning."""
    completion = as_int(usage.get("completion_tokens"))
    reasoning = as_int(usage.get("reasoning_tokens"))
    output = None if completion is None else completion + (reasoning or 0)
    return with_total(
        Usage(
            input_tokens=as_int(usage.get("prompt_tokens")),
            output_tokens=output,
            reported_output_tokens=completion,
            cached_tokens=as_int(usage.get("cached_prompt_text_tokens")),
            reasoning_tokens=reasoning,
            total_tokens=as_int(usage.get("total_tokens")),
            raw=dumps(usage),
        )
    )


def decode(exchange: Exchange) -> Decoded:
    """Read one recorded GetCompletion call."""
    body = request_json(exchange.request)
    messages = tuple(read_messages(body))
    events = response_events(exchange.response)
    tools = ToolCallAssembler()
    chunks, text, reasoning = [], "", ""
    usage, finish, model, response_id = Usage(), None, None, None
    for seq, event in enumerate(events.events):
        if isinstance(event.value, JsonError):
            chunks.append(Chunk(seq, "", "error", event.data, error=str(event.value)))
            continue
        value = as_dict(event.value)
        outputs = [as_dict(o) for o in as_list(value.get("outputs"))]
        said = [as_dict(o.get("message")) for o in outputs]
        said = [m for m in said if _role(m.get("role")) != "tool"]  # server-side tool results
        text = "".join(content_text(m.get("content")) for m in said)
        reasoning = "".join(as_str(m.get("reasoning_content")) or "" for m in said)
        finish = next(
            (as_str(o.get("finish_reason")) for o in reversed(outputs) if o.get("finish_reason")),
            None,
        )
        model, response_id = as_str(value.get("model")), as_str(value.get("id"))
        usage = read_usage(as_dict(value.get("usage")))
        calls = tuple(call for message in said for call in _calls(message))
        for index, ref in enumerate(calls):
            tools.add(index, seq, call_id=ref.id, name=ref.name, delta=ref.arguments)
        kind: ChunkKind = (
            "tool_call" if calls else "text" if text else "reasoning" if reasoning else "other"
        )
        first = calls[0] if calls else None
        chunks.append(
            Chunk(
                seq,
                "GetChatCompletionResponse",
                kind,
                event.data,
                text=text or reasoning,
                tool_index=0 if first else None,
                tool_call_id=first.id if first else None,
                tool_name=first.name if first else None,
                args_delta=first.arguments if first else None,
            )
        )
    reply = response_message(len(messages), [text], [reasoning], tools)
    response = (reply,) if reply else ()
    return Decoded(
        api="xai",
        stream=False,
        model=model or as_str(body.get("model")),
        request_model=as_str(body.get("model")),
        response_id=response_id,
        finish_reason=finish,
        chunks=tuple(chunks),
        messages=messages + response,
        tool_calls=tools.calls(),
        usage=usage,
        tools={},
        complete=True,
    )


DECODER = Decoder(api="xai", matches=matches, decode=decode)
