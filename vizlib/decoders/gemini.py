"""Google Gemini (Generative Language and Vertex): `:generateContent`, `:streamGenerateContent`.

Each response (or SSE event, with `alt=sse`; or array element, without it)
holds `candidates[].content.parts`: `text`, `thought: true` text, and
`functionCall` parts whose arguments arrive whole. `usageMetadata` counts
`candidatesTokenCount` without `thoughtsTokenCount`; the normalised
`output_tokens` adds them. `cachedContentTokenCount` is part of the prompt.
"""

from __future__ import annotations

import re
from typing import Any

from vizlib.decoders._assembly import ResponseState
from vizlib.decoders._bodies import BodyEvent, BodyEvents, JsonError, response_events
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
from vizlib.records import Chunk, Decoded, Exchange, HttpRequest, Message, ToolCallRef, Usage

_MODEL_IN_PATH = re.compile(r"/models/([^/:?]+):")


def matches(request: HttpRequest) -> bool:
    """Requests to a model's `:generateContent` or `:streamGenerateContent`."""
    path = request.url.split("?", 1)[0]
    return path.endswith((":generateContent", ":streamGenerateContent")) and (
        "/publishers/anthropic/" not in path
    )


def _events(exchange: Exchange) -> BodyEvents:
    """SSE events; or, for a stream sent as one JSON array, one event per element."""
    events = response_events(exchange.response)
    if events.streamed or len(events.events) != 1:
        return events
    value = events.events[0].value
    if not isinstance(value, list):
        return events
    elements = tuple(BodyEvent(None, dumps(item), None, item) for item in value)
    return BodyEvents(elements, streamed=True)


def decode(exchange: Exchange) -> Decoded:
    """Read one Gemini exchange."""
    body = request_json(exchange.request)
    match = _MODEL_IN_PATH.search(exchange.request.url)
    request_model = match.group(1) if match else as_str(body.get("model"))
    messages = tuple(read_contents(body))
    events = _events(exchange)
    state = _State(len(messages))
    for seq, event in enumerate(events.events):
        state.chunks.append(state.read(seq, event))
    response = state.message()
    return Decoded(
        api="gemini",
        stream=events.streamed,
        model=state.model or request_model,
        request_model=request_model,
        response_id=state.response_id,
        finish_reason=state.finish_reason,
        chunks=tuple(state.chunks),
        messages=messages + ((response,) if response else ()),
        tool_calls=state.tools.calls(),
        usage=state.usage,
        tools=declared_tools(body.get("tools")),
        n_comments=events.n_comments,
        complete=state.finish_reason is not None or not events.streamed,
        error=state.error,
    )


class _State(ResponseState):
    def __init__(self, first_position: int) -> None:
        super().__init__(first_position)
        self.finish_reason: str | None = None
        self.usage = Usage()

    def read(self, seq: int, event: BodyEvent) -> Chunk:
        raw, line, value = event.data, event.line, event.value
        name = event.event or "GenerateContentResponse"
        if isinstance(value, JsonError):
            return Chunk(seq, name, "error", raw, line=line, error=str(value))
        if not isinstance(value, dict):
            reason = f"expected a JSON object, found {type(value).__name__}"
            return Chunk(seq, name, "error", raw, line=line, error=reason)
        if value.get("error"):
            error = as_dict(value["error"])
            self.error = str(error.get("message") or dumps(value["error"]))
            return Chunk(seq, "error", "error", raw, line=line, error=self.error)
        self.model = as_str(value.get("modelVersion")) or self.model
        self.response_id = as_str(value.get("responseId")) or self.response_id
        if isinstance(value.get("usageMetadata"), dict):
            self.usage = read_usage(value["usageMetadata"])
        candidates = as_list(value.get("candidates"))
        candidate = as_dict(candidates[0]) if candidates else {}
        self.finish_reason = as_str(candidate.get("finishReason")) or self.finish_reason
        text: list[str] = []
        reasoning: list[str] = []
        first_call: dict[str, Any] = {}
        for part in map(as_dict, as_list(as_dict(candidate.get("content")).get("parts"))):
            call = part.get("functionCall")
            if isinstance(call, dict):
                index = len(self.tools.calls())
                arguments = dumps(call.get("args") if call.get("args") is not None else {})
                call_id, tool_name = self.tools.add(
                    index,
                    seq,
                    call_id=as_str(call.get("id")),
                    name=as_str(call.get("name")),
                    delta=arguments,
                )
                first_call = first_call or {
                    "tool_index": index,
                    "tool_call_id": call_id,
                    "tool_name": tool_name,
                    "args_delta": arguments,
                }
            elif isinstance(part.get("text"), str):
                (reasoning if part.get("thought") else text).append(part["text"])
        self.text += text
        self.reasoning += reasoning
        if first_call:
            return Chunk(seq, name, "tool_call", raw, text="".join(text), line=line, **first_call)
        if text:
            return Chunk(seq, name, "text", raw, text="".join(text), line=line)
        if reasoning:
            return Chunk(seq, name, "reasoning", raw, text="".join(reasoning), line=line)
        if "usageMetadata" in value:
            return Chunk(seq, name, "usage", raw, line=line)
        return Chunk(seq, name, "control", raw, line=line)


def read_usage(usage: dict[str, Any]) -> Usage:
    """Gemini usage, normalised: thoughts are added to the output tokens."""
    candidates = as_int(usage.get("candidatesTokenCount"))
    thoughts = as_int(usage.get("thoughtsTokenCount"))
    output = (
        None if candidates is None and thoughts is None else (candidates or 0) + (thoughts or 0)
    )
    return with_total(
        Usage(
            input_tokens=as_int(usage.get("promptTokenCount")),
            output_tokens=output,
            reported_output_tokens=candidates,
            cached_tokens=as_int(usage.get("cachedContentTokenCount")),
            reasoning_tokens=thoughts,
            total_tokens=as_int(usage.get("totalTokenCount")),
            raw=dumps(usage),
        )
    )


def _parts_text(parts: list[dict[str, Any]]) -> tuple[str, str]:
    text: list[str] = []
    thoughts: list[str] = []
    for part in parts:
        if isinstance(part.get("text"), str):
            (thoughts if part.get("thought") else text).append(part["text"])
        elif not ({"functionCall", "functionResponse"} & part.keys()):
            kinds = [k for k in part if k not in ("thoughtSignature", "thought")]
            text.append(f"[{kinds[0]}]" if kinds else "")
    return "\n".join(t for t in text if t), "".join(thoughts)


def read_contents(body: dict[str, Any]) -> list[Message]:
    """Request contents as messages; `functionResponse` parts become `tool` rows."""
    out: list[Message] = []
    system = as_dict(body.get("systemInstruction") or body.get("system_instruction"))
    if system:
        out.append(
            Message(
                0,
                "system",
                _parts_text(list(map(as_dict, as_list(system.get("parts")))))[0],
                "request",
            )
        )
    for content in map(as_dict, as_list(body.get("contents"))):
        parts = list(map(as_dict, as_list(content.get("parts"))))
        role = (
            "assistant" if content.get("role") == "model" else as_str(content.get("role")) or "user"
        )
        for part in parts:
            result = part.get("functionResponse")
            if isinstance(result, dict):
                response = result.get("response")
                out.append(
                    Message(
                        len(out),
                        "tool",
                        response if isinstance(response, str) else dumps(response),
                        "request",
                        tool_call_id=as_str(result.get("id")),
                        name=as_str(result.get("name")),
                    )
                )
        calls = tuple(
            ToolCallRef(
                as_str(call.get("id")),
                as_str(call.get("name")) or "",
                dumps(call.get("args") if call.get("args") is not None else {}),
            )
            for call in (as_dict(p.get("functionCall")) for p in parts if "functionCall" in p)
        )
        text, thoughts = _parts_text(parts)
        if text or thoughts or calls or not parts:
            out.append(
                Message(len(out), role, text, "request", reasoning=thoughts, tool_calls=calls)
            )
    return out


def openapi_to_json_schema(schema: Any) -> Any:
    """Gemini's OpenAPI-style schema (`type: OBJECT`) as JSON Schema (`type: object`)."""
    if isinstance(schema, dict):
        out = {
            key: openapi_to_json_schema(value) for key, value in schema.items() if key != "nullable"
        }
        if isinstance(out.get("type"), str):
            out["type"] = out["type"].lower()
            if schema.get("nullable") is True:
                out["type"] = [out["type"], "null"]
        return out
    if isinstance(schema, list):
        return [openapi_to_json_schema(item) for item in schema]
    return schema


def declared_tools(tools: object) -> dict[str, Any]:
    """The JSON schema of each function a request declares, by name."""
    declared = {}
    for tool in map(as_dict, as_list(tools)):
        functions = tool.get("functionDeclarations") or tool.get("function_declarations")
        for function in map(as_dict, as_list(functions)):
            name = as_str(function.get("name"))
            if not name:
                continue
            if "parametersJsonSchema" in function:
                declared[name] = as_dict(function["parametersJsonSchema"])
            else:
                declared[name] = as_dict(openapi_to_json_schema(function.get("parameters")))
    return declared


DECODER = Decoder(api="gemini", matches=matches, decode=decode)
