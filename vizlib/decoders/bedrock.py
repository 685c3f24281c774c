"""Amazon Bedrock runtime: `invoke`, `invoke-with-response-stream`, `converse`, `converse-stream`.

Streams are AWS binary event streams (see `eventstream`). For `invoke`, the
payload is `{"bytes": base64}` wrapping the model's own events (Anthropic's
for Claude); for `converse-stream`, the payload is the event itself, named by
the `:event-type` header. For wrapped events, `raw` holds the decoded event.
Converse usage reports `inputTokens` without cache reads and writes: they
are added back in the normalised `input_tokens`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from vizlib.decoders import anthropic
from vizlib.decoders._assembly import ResponseState
from vizlib.decoders._bodies import BodyEvent, JsonError, response_events
from vizlib.decoders.base import (
    Decoder,
    as_dict,
    as_int,
    as_list,
    as_str,
    dumps,
    parse_json,
    request_json,
    with_total,
)
from vizlib.decoders.eventstream import Frame, parse_frames
from vizlib.records import Chunk, Decoded, Exchange, HttpRequest, Message, ToolCallRef, Usage

ACTIONS = ("invoke", "invoke-with-response-stream", "converse", "converse-stream")


def _path(request: HttpRequest) -> list[str]:
    return request.url.split("?", 1)[0].split("/")


def matches(request: HttpRequest) -> bool:
    """Bedrock runtime requests: `/model/{id}/{action}`."""
    parts = _path(request)
    return (
        "bedrock-runtime" in request.url
        and len(parts) > 2
        and parts[-1] in ACTIONS
        and (parts[-3] == "model")
    )


def _body_bytes(body: str | bytes) -> bytes:
    return body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body


def frame_events(body: str | bytes) -> tuple[BodyEvent, ...]:
    """Each event-stream frame as an event: its name, decoded data, and parsed JSON."""
    events = []
    for frame in parse_frames(_body_bytes(body)):
        events.append(_frame_event(frame))
    return tuple(events)


def _frame_event(frame: Frame) -> BodyEvent:
    name = frame.headers.get(":event-type") or frame.headers.get(":exception-type") or ""
    text = frame.payload.decode("utf-8", "replace")
    if frame.error:
        return BodyEvent(name, text, None, JsonError(frame.error))
    value, reason = parse_json(frame.payload) if frame.payload else ({}, None)
    if reason:
        return BodyEvent(name, text, None, JsonError(reason))
    if frame.headers.get(":message-type") == "exception":
        message = as_str(as_dict(value).get("message")) or text
        return BodyEvent(
            name, text, None, {"type": "error", "error": {"type": name, "message": message}}
        )
    wrapped = as_dict(value).get("bytes")
    if isinstance(wrapped, str):
        try:
            inner = base64.b64decode(wrapped, validate=True)
        except (binascii.Error, ValueError) as exc:
            return BodyEvent(name, text, None, JsonError(f"bytes payload is not base64: {exc}"))
        inner_value, inner_reason = parse_json(inner)
        inner_text = inner.decode("utf-8", "replace")
        # the wrapped event names itself by its `type`; the frame only says "chunk"
        return BodyEvent(
            None, inner_text, None, JsonError(inner_reason) if inner_reason else inner_value
        )
    return BodyEvent(name, text, None, value)


def decode(exchange: Exchange) -> Decoded:
    """Read one Bedrock runtime exchange."""
    parts = _path(exchange.request)
    action, model = parts[-1], unquote(parts[-2])
    body = request_json(exchange.request)
    streamed = action.endswith("stream")
    if streamed:
        events = frame_events(exchange.response.body)
    else:
        events = response_events(exchange.response).events
    if action.startswith("converse"):
        decoded = _decode_converse(body, events, streamed=streamed)
    elif "anthropic" in model or "messages" in body:
        decoded = anthropic.decode_events(body, events, streamed=streamed, api="bedrock")
    else:
        decoded = _decode_other_invoke(body, events, streamed=streamed)
    return _with_model(decoded, model)


def _with_model(decoded: Decoded, model: str) -> Decoded:
    return replace(decoded, model=decoded.model or model, request_model=model)


class _ConverseState(ResponseState):
    def __init__(self, first_position: int) -> None:
        super().__init__(first_position)
        self.stop_reason: str | None = None
        self.usage = Usage()
        self.stopped = False
        self._tool_of_block: dict[int, int] = {}

    def _tool(self, block: int) -> int:
        return self._tool_of_block.setdefault(block, len(self._tool_of_block))

    def read(self, seq: int, event: BodyEvent) -> Chunk:
        name, raw, value = event.event or "", event.data, event.value
        if isinstance(value, JsonError):
            return Chunk(seq, name, "error", raw, error=str(value))
        value = as_dict(value)
        if value.get("type") == "error" or "output" in value:
            if "output" in value:  # a whole, non-streamed converse response
                return self._read_response(seq, raw, value)
            self.error = str(as_dict(value.get("error")).get("message"))
            return Chunk(seq, name, "error", raw, error=self.error)
        block = as_int(value.get("contentBlockIndex")) or 0
        if name == "contentBlockStart":
            tool_use = as_dict(as_dict(value.get("start")).get("toolUse"))
            if tool_use:
                tool = self._tool(block)
                call_id, tool_name = self.tools.add(
                    tool,
                    seq,
                    call_id=as_str(tool_use.get("toolUseId")),
                    name=as_str(tool_use.get("name")),
                )
                return Chunk(
                    seq,
                    name,
                    "tool_call",
                    raw,
                    tool_index=tool,
                    tool_call_id=call_id,
                    tool_name=tool_name,
                    args_delta="",
                )
            return Chunk(seq, name, "control", raw)
        if name == "contentBlockDelta":
            delta = as_dict(value.get("delta"))
            if "text" in delta:
                text = as_str(delta.get("text")) or ""
                self.text.append(text)
                return Chunk(seq, name, "text", raw, text=text)
            if "toolUse" in delta:
                tool = self._tool(block)
                fragment = as_str(as_dict(delta["toolUse"]).get("input")) or ""
                call_id, tool_name = self.tools.add(tool, seq, delta=fragment)
                return Chunk(
                    seq,
                    name,
                    "tool_call",
                    raw,
                    tool_index=tool,
                    tool_call_id=call_id,
                    tool_name=tool_name or None,
                    args_delta=fragment,
                )
            if "reasoningContent" in delta:
                text = as_str(as_dict(delta["reasoningContent"]).get("text")) or ""
                self.reasoning.append(text)
                return Chunk(seq, name, "reasoning", raw, text=text)
            return Chunk(seq, name, "other", raw)
        if name == "messageStop":
            self.stop_reason = as_str(value.get("stopReason"))
            self.stopped = True
            return Chunk(seq, name, "control", raw)
        if name == "metadata":
            self.usage = read_usage(as_dict(value.get("usage")))
            return Chunk(seq, name, "usage", raw)
        if name in ("messageStart", "contentBlockStop"):
            return Chunk(seq, name, "control", raw)
        return Chunk(seq, name, "other", raw)

    def _read_response(self, seq: int, raw: str, value: dict[str, Any]) -> Chunk:
        self.stop_reason = as_str(value.get("stopReason"))
        self.usage = read_usage(as_dict(value.get("usage")))
        self.stopped = True
        message = as_dict(as_dict(value.get("output")).get("message"))
        text, reasoning, calls = _content(message.get("content"))
        self.text.append(text)
        self.reasoning.append(reasoning)
        for index, call in enumerate(calls):
            self.tools.add(index, seq, call_id=call.id, name=call.name, delta=call.arguments)
        if calls:
            return Chunk(
                seq,
                "ConverseResponse",
                "tool_call",
                raw,
                text=text,
                tool_index=0,
                tool_call_id=calls[0].id,
                tool_name=calls[0].name,
                args_delta=calls[0].arguments,
            )
        return Chunk(
            seq,
            "ConverseResponse",
            "text" if text or not reasoning else "reasoning",
            raw,
            text=text or reasoning,
        )


def _content(content: object) -> tuple[str, str, list[ToolCallRef]]:
    text, reasoning, calls = [], [], []
    for block in map(as_dict, as_list(content)):
        if isinstance(block.get("text"), str):
            text.append(block["text"])
        elif "toolUse" in block:
            use = as_dict(block["toolUse"])
            calls.append(
                ToolCallRef(
                    as_str(use.get("toolUseId")),
                    as_str(use.get("name")) or "",
                    dumps(use.get("input") if use.get("input") is not None else {}),
                )
            )
        elif "reasoningContent" in block:
            reasoning_text = as_dict(as_dict(block["reasoningContent"]).get("reasoningText"))
            reasoning.append(as_str(reasoning_text.get("text")) or "")
        elif block:
            text.append(f"[{next(iter(block))}]")
    return "\n".join(text), "".join(reasoning), calls


def read_usage(usage: dict[str, Any]) -> Usage:
    """Converse usage, normalised: cache reads and writes added to input tokens."""
    if not usage:
        return Usage()
    uncached = as_int(usage.get("inputTokens"))
    read = as_int(usage.get("cacheReadInputTokens"))
    written = as_int(usage.get("cacheWriteInputTokens"))
    return with_total(
        Usage(
            input_tokens=None if uncached is None else uncached + (read or 0) + (written or 0),
            reported_input_tokens=uncached,
            output_tokens=as_int(usage.get("outputTokens")),
            cached_tokens=read,
            cache_write_tokens=written,
            total_tokens=as_int(usage.get("totalTokens")),
            raw=dumps(usage),
        )
    )


def read_converse_messages(body: dict[str, Any]) -> list[Message]:
    """Converse request messages; `toolResult` blocks become `tool` rows."""
    out: list[Message] = []
    system = _content(body.get("system"))[0]
    if system:
        out.append(Message(0, "system", system, "request"))
    for message in map(as_dict, as_list(body.get("messages"))):
        blocks = list(map(as_dict, as_list(message.get("content"))))
        for block in blocks:
            result = block.get("toolResult")
            if isinstance(result, dict):
                parts = [as_dict(p) for p in as_list(result.get("content"))]
                content = "\n".join(
                    p["text"] if isinstance(p.get("text"), str) else dumps(p.get("json", p))
                    for p in parts
                )
                out.append(
                    Message(
                        len(out),
                        "tool",
                        content,
                        "request",
                        tool_call_id=as_str(result.get("toolUseId")),
                    )
                )
        others = [b for b in blocks if "toolResult" not in b]
        if others or not blocks:
            text, reasoning, calls = _content(others)
            out.append(
                Message(
                    len(out),
                    as_str(message.get("role")) or "",
                    text,
                    "request",
                    reasoning=reasoning,
                    tool_calls=tuple(calls),
                )
            )
    return out


def _declared(body: dict[str, Any]) -> dict[str, Any]:
    tools = as_list(as_dict(body.get("toolConfig")).get("tools"))
    return {
        name: as_dict(as_dict(spec.get("inputSchema")).get("json"))
        for spec in (as_dict(as_dict(t).get("toolSpec")) for t in tools)
        if (name := as_str(spec.get("name")))
    }


def _decode_converse(
    body: dict[str, Any], events: tuple[BodyEvent, ...], *, streamed: bool
) -> Decoded:
    messages = tuple(read_converse_messages(body))
    state = _ConverseState(len(messages))
    for seq, event in enumerate(events):
        state.chunks.append(state.read(seq, event))
    response = state.message()
    return Decoded(
        api="bedrock",
        stream=streamed,
        finish_reason=state.stop_reason,
        chunks=tuple(state.chunks),
        messages=messages + ((response,) if response else ()),
        tool_calls=state.tools.calls(),
        usage=state.usage,
        tools=_declared(body),
        complete=state.stopped or not streamed,
        error=state.error,
    )


def _decode_other_invoke(
    body: dict[str, Any], events: tuple[BodyEvent, ...], *, streamed: bool
) -> Decoded:
    """Invoke for non-Anthropic models (Titan, Llama, Nova...): text and token counts."""
    chunks, text = [], []
    usage, finish = Usage(), None
    for seq, event in enumerate(events):
        if isinstance(event.value, JsonError):
            chunks.append(
                Chunk(seq, event.event or "", "error", event.data, error=str(event.value))
            )
            continue
        value = as_dict(event.value)
        piece = (
            as_str(value.get("generation"))
            or as_str(value.get("outputText"))
            or "".join(
                as_str(as_dict(r).get("outputText")) or "" for r in as_list(value.get("results"))
            )
            or _content(as_dict(as_dict(value.get("output")).get("message")).get("content"))[0]
        )
        text.append(piece)
        finish = as_str(value.get("stop_reason") or value.get("completionReason")) or finish
        prompt = as_int(value.get("prompt_token_count") or value.get("inputTextTokenCount"))
        if prompt is not None or "usage" in value:
            usage = (
                read_usage(as_dict(value.get("usage")))
                if "usage" in value
                else with_total(
                    Usage(
                        input_tokens=prompt,
                        output_tokens=as_int(value.get("generation_token_count")),
                        raw=dumps(value),
                    )
                )
            )
        chunks.append(
            Chunk(seq, event.event or "", "text" if piece else "other", event.data, text=piece)
        )
    content = "".join(text)
    prompt_text = as_str(body.get("prompt")) or as_str(body.get("inputText"))
    messages: tuple[Message, ...] = (
        (Message(0, "user", prompt_text, "request"),)
        if prompt_text
        else tuple(read_converse_messages(body))
    )
    response = (Message(len(messages), "assistant", content, "response"),) if content else ()
    return Decoded(
        api="bedrock",
        stream=streamed,
        finish_reason=finish,
        chunks=tuple(chunks),
        messages=messages + response,
        usage=usage,
    )


DECODER = Decoder(api="bedrock", matches=matches, decode=decode)
