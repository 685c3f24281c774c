"""OpenAI Chat Completions, and the servers that speak it (OpenRouter, Groq, xAI, llama.cpp...).

Streams are `data:` events of `chat.completion.chunk` objects ending with
`[DONE]`; tool-call arguments arrive as fragments keyed by `index`; usage
arrives in a last chunk (or Groq's `x_groq.usage`); reasoning deltas are
`reasoning_content` or `reasoning` depending on the server.
"""

from __future__ import annotations

from typing import Any

from vizlib.decoders._assembly import ResponseState
from vizlib.decoders._bodies import response_events
from vizlib.decoders.base import (
    Decoder,
    as_dict,
    as_float,
    as_int,
    as_list,
    as_str,
    dumps,
    request_json,
    with_total,
)
from vizlib.records import Api, Chunk, Decoded, Exchange, HttpRequest, Message, ToolCallRef, Usage


def matches(request: HttpRequest) -> bool:
    """Chat Completions requests end their path in `/chat/completions`."""
    path = request.url.split("?", 1)[0]
    return path.endswith("/chat/completions")


def decode(exchange: Exchange) -> Decoded:
    """Read one Chat Completions exchange."""
    body = request_json(exchange.request)
    return decode_body(exchange, body, tuple(read_messages(body.get("messages"))), "openai-chat")


def decode_body(
    exchange: Exchange, body: dict[str, Any], request_messages: tuple[Message, ...], api: Api
) -> Decoded:
    """Decode a response in the Chat Completions chunk shape; shared with legacy completions."""
    stream = response_events(exchange.response)
    state = _State(first_position=len(request_messages))
    read, append = state.read_event, state.chunks.append
    for seq, (name, data, line, value) in enumerate(stream.events):
        append(read(seq, data, name, line, value))
    # what every chunk repeats: the last one that says it wins
    values = [event.value for event in reversed(stream.events)]
    state.model = _last_text(values, "model")
    state.provider = _last_text(values, "provider")
    state.response_id = _last_text(values, "id")
    response_message = state.message()
    return Decoded(
        api=api,
        stream=stream.streamed,
        model=state.model or as_str(body.get("model")),
        request_model=as_str(body.get("model")),
        provider=state.provider,
        response_id=state.response_id,
        finish_reason=state.finish_reason,
        chunks=tuple(state.chunks),
        messages=request_messages + ((response_message,) if response_message else ()),
        tool_calls=state.tools.calls(),
        usage=state.usage,
        tools=declared_tools(body.get("tools")),
        n_comments=stream.n_comments,
        complete=state.finished or not stream.streamed,
        error=state.error,
    )


def _last_text(values: list[Any], key: str) -> str | None:
    """The first non-empty text under `key` among JSON objects (given last event first)."""
    for value in values:
        if type(value) is dict:
            found = value.get(key)
            if type(found) is str and found:
                return found
    return None


class _State(ResponseState):
    """What a response has said so far, event by event."""

    def __init__(self, first_position: int) -> None:
        super().__init__(first_position)
        self.provider: str | None = None
        self.finish_reason: str | None = None
        self.usage = Usage()
        self.finished = False

    def read_event(
        self, seq: int, raw: str, name: str | None, line: int | None, value: Any
    ) -> Chunk:
        # Called once per stream event: wire values are type-checked inline (`type(x) is str`
        # as `as_str`, `type(x) is dict` as `as_dict`), helpers are called only where a
        # field is there to read, and chunks are built from positional fields: this is
        # what keeps a stream's decoding near the cost of parsing its JSON. The model, id
        # and provider every chunk repeats are read once per stream (`decode_body`).
        if type(value) is not dict:
            return self._odd_event(seq, raw, name, line, value)
        get = value.get
        if not name:
            kind = get("object")
            name = kind if type(kind) is str else ""
        event = name
        error = get("error")
        if error:
            self.error = _error_message(error)
            return Chunk(seq, event or "error", "error", raw, "", line=line, error=self.error)
        usage = get("usage")
        if not usage:
            groq = get("x_groq")
            usage = groq.get("usage") if type(groq) is dict else None
        if type(usage) is dict:
            self.usage = read_usage(usage)
        choices = get("choices")
        choice = choices[0] if type(choices) is list and choices else None
        if type(choice) is not dict:
            choice = {}
        finish_reason = choice.get("finish_reason")
        if type(finish_reason) is str and finish_reason:
            self.finish_reason, self.finished = finish_reason, True
        delta = choice.get("delta") or choice.get("message")
        if type(delta) is not dict:
            delta = {}
        content = delta.get("content")
        if type(content) is not str or not content:
            if content or "refusal" in delta or "text" in choice or "value" in value:
                content = _other_text(content, delta, choice, value)
            else:
                content = ""
        reasoning = _reasoning(delta)
        self.text.append(content)
        self.reasoning.append(reasoning)
        tool_deltas = delta.get("tool_calls")
        if type(tool_deltas) is list and tool_deltas:
            index, call_id, tool_name, args = self._read_tool_deltas(seq, tool_deltas)
            return Chunk(
                seq, event, "tool_call", raw, content, index, call_id, tool_name, args, line
            )
        if content:
            return Chunk(seq, event, "text", raw, content, None, None, None, None, line)
        if reasoning:
            return Chunk(seq, event, "reasoning", raw, reasoning, None, None, None, None, line)
        if type(usage) is dict:
            return Chunk(seq, event, "usage", raw, "", None, None, None, None, line)
        return Chunk(seq, event, "control", raw, "", None, None, None, None, line)

    def _odd_event(
        self, seq: int, raw: str, name: str | None, line: int | None, value: Any
    ) -> Chunk:
        """An event whose data is not a JSON object: `[DONE]`, invalid JSON, another value."""
        if raw.strip() == "[DONE]":
            self.finished = True
            return Chunk(seq, "[DONE]", "control", raw, line=line)
        if isinstance(value, BaseException):
            return Chunk(seq, name or "", "error", raw, line=line, error=str(value))
        reason = f"expected a JSON object, found {type(value).__name__}"
        return Chunk(seq, name or "", "error", raw, line=line, error=reason)

    def _read_tool_deltas(
        self, seq: int, deltas: list[Any]
    ) -> tuple[int | None, str | None, str | None, str | None]:
        """Record each tool-call delta; the first one's index, call id, name and arguments."""
        first: tuple[int | None, str | None, str | None, str | None] | None = None
        add = self.tools.add
        for position, raw_delta in enumerate(deltas):
            delta = raw_delta if type(raw_delta) is dict else {}
            function = delta.get("function")
            if type(function) is not dict:
                function = {}
            index = as_int(delta.get("index"))
            index = position if index is None else index
            args = function.get("arguments")
            args_text = args if type(args) is str else ("" if args is None else dumps(args))
            call_id, name = add(
                index, seq, as_str(delta.get("id")), as_str(function.get("name")), args_text
            )
            if first is None:
                first = (index, call_id, name or None, args_text)
        return first or (None, None, None, None)


def _other_text(
    content: object, delta: dict[str, Any], choice: dict[str, Any], value: dict[str, Any]
) -> str:
    """An event's text where `delta.content` is not a plain string: parts, refusal, legacy."""
    return (
        content_text(content)
        or as_str(delta.get("refusal"))
        or as_str(choice.get("text"))  # legacy completions
        or as_str(value.get("value"))  # Writer's completions stream
        or ""
    )


def _reasoning(delta: dict[str, Any]) -> str:
    value = delta.get("reasoning_content")
    if type(value) is str and value:
        return value
    value = delta.get("reasoning")
    return value if type(value) is str and value else ""


def _error_message(error: object) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or dumps(error))
    return str(error)


def read_usage(usage: dict[str, Any]) -> Usage:
    """Usage in OpenAI's shape: prompt tokens include cached ones, completion includes reasoning."""
    prompt_details = as_dict(usage.get("prompt_tokens_details"))
    completion_details = as_dict(usage.get("completion_tokens_details"))
    cost = as_float(usage.get("cost"))
    return with_total(
        Usage(
            input_tokens=as_int(usage.get("prompt_tokens")),
            output_tokens=as_int(usage.get("completion_tokens")),
            cached_tokens=as_int(prompt_details.get("cached_tokens")),
            cache_write_tokens=as_int(prompt_details.get("cache_write_tokens")),
            reasoning_tokens=as_int(completion_details.get("reasoning_tokens")),
            total_tokens=as_int(usage.get("total_tokens")),
            cost_usd=cost if cost is not None else float("nan"),
            cost_source="reported" if cost is not None else None,
            raw=dumps(usage),
        )
    )


def content_text(content: object) -> str:
    """Text of a message's content: a string, or the text parts of a parts list."""
    if isinstance(content, str):
        return content
    pieces = []
    for part in as_list(content):
        if isinstance(part, str):
            pieces.append(part)
            continue
        fields = as_dict(part)
        kind = as_str(fields.get("type")) or ""
        text = fields.get("text")
        if isinstance(text, str):
            pieces.append(text)
        elif kind:
            pieces.append(f"[{kind}]")
    return "\n".join(pieces)


def read_messages(messages: object) -> list[Message]:
    """Request messages in Chat Completions shape."""
    out = []
    for position, raw in enumerate(as_list(messages)):
        message = as_dict(raw)
        calls = tuple(
            ToolCallRef(
                id=as_str(call.get("id")),
                name=as_str(as_dict(call.get("function")).get("name")) or "",
                arguments=_arguments_text(as_dict(call.get("function")).get("arguments")),
            )
            for call in map(as_dict, as_list(message.get("tool_calls")))
        )
        out.append(
            Message(
                position=position,
                role=as_str(message.get("role")) or "",
                content=content_text(message.get("content")),
                source="request",
                tool_call_id=as_str(message.get("tool_call_id")),
                name=as_str(message.get("name")),
                reasoning=_reasoning(message),
                tool_calls=calls,
            )
        )
    return out


def _arguments_text(arguments: object) -> str:
    if isinstance(arguments, str):
        return arguments
    return "" if arguments is None else dumps(arguments)


def declared_tools(tools: object) -> dict[str, Any]:
    """The JSON schema of each function tool a request declares, by name."""
    declared = {}
    for tool in map(as_dict, as_list(tools)):
        function = as_dict(tool.get("function")) or tool
        name = as_str(function.get("name"))
        if name:
            declared[name] = function.get("parameters") or function.get("input_schema") or {}
    return declared


DECODER = Decoder(api="openai-chat", matches=matches, decode=decode)
