"""Anthropic Messages (`/v1/messages`, Vertex `:rawPredict` / `:streamRawPredict`).

Streams are named SSE events: `message_start`, then per content block
`content_block_start` / `content_block_delta` / `content_block_stop` (deltas
`text_delta`, `thinking_delta`, `signature_delta`, `input_json_delta`,
`citations_delta`), then `message_delta` (stop reason, output usage) and
`message_stop`; `ping` and `error` may come at any time. Usage reports
`input_tokens` without cache reads and writes: they are added back here so
`input_tokens` means the same for every provider.
"""

from __future__ import annotations

from typing import Any

from vizlib.decoders._assembly import ResponseState
from vizlib.decoders._bodies import BodyEvent, JsonError, response_events
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
from vizlib.records import Api, Chunk, Decoded, Exchange, HttpRequest, Message, ToolCallRef, Usage

TOOL_BLOCKS = ("tool_use", "server_tool_use", "mcp_tool_use")


def matches(request: HttpRequest) -> bool:
    """Messages requests: `/v1/messages`, or a Vertex publisher model's raw predict."""
    path = request.url.split("?", 1)[0]
    return path.endswith("/v1/messages") or (
        "/publishers/anthropic/" in path and path.endswith(("rawPredict", "streamRawPredict"))
    )


def decode(exchange: Exchange) -> Decoded:
    """Read one Messages exchange."""
    body = request_json(exchange.request)
    events = response_events(exchange.response)
    return decode_events(
        body, events.events, streamed=events.streamed, n_comments=events.n_comments
    )


def decode_events(
    body: dict[str, Any],
    events: tuple[BodyEvent, ...],
    *,
    streamed: bool,
    n_comments: int = 0,
    api: Api = "anthropic-messages",
) -> Decoded:
    """Decode Anthropic events (or one message body); shared with Bedrock, which wraps them."""
    messages = tuple(read_messages(body))
    state = MessageState(first_position=len(messages))
    for seq, event in enumerate(events):
        state.chunks.append(state.read(seq, event))
    response = state.message()
    return Decoded(
        api=api,
        stream=streamed,
        model=state.model or as_str(body.get("model")),
        request_model=as_str(body.get("model")),
        response_id=state.response_id,
        finish_reason=state.stop_reason,
        chunks=tuple(state.chunks),
        messages=messages + ((response,) if response else ()),
        tool_calls=state.tools.calls(),
        usage=state.usage(),
        tools=declared_tools(body.get("tools")),
        n_comments=n_comments,
        complete=state.stopped or not streamed,
        error=state.error,
    )


class MessageState(ResponseState):
    """What a Messages response has said so far, event by event."""

    def __init__(self, first_position: int) -> None:
        super().__init__(first_position)
        self.stop_reason: str | None = None
        self.stopped = False
        self.raw_usage: dict[str, Any] = {}
        self._tool_of_block: dict[int, int] = {}

    def read(self, seq: int, event: BodyEvent) -> Chunk:
        """One event as a chunk, updating the state."""
        given, raw, line, value = event
        if type(value) is not dict:
            if isinstance(value, JsonError):
                return Chunk(seq, given or "", "error", raw, line=line, error=str(value))
            reason = f"expected a JSON object, found {type(value).__name__}"
            return Chunk(seq, given or "", "error", raw, line=line, error=reason)
        kind = value.get("type")
        if type(kind) is not str or not kind:
            kind = given or ""
        name = given or kind
        if kind == "content_block_delta":  # nearly every event of a stream: looked at first
            return self._block_delta(seq, name, raw, line, value)
        if kind == "message":  # a whole, non-streamed response
            return self._read_message(seq, name, raw, line, value)
        if kind == "message_start":
            message = as_dict(value.get("message"))
            self.model = as_str(message.get("model")) or self.model
            self.response_id = as_str(message.get("id")) or self.response_id
            self.raw_usage.update(as_dict(message.get("usage")))
            return Chunk(seq, name, "control", raw, line=line)
        if kind == "content_block_start":
            return self._block_start(seq, name, raw, line, value)
        if kind == "message_delta":
            delta = as_dict(value.get("delta"))
            self.stop_reason = as_str(delta.get("stop_reason")) or self.stop_reason
            usage = as_dict(value.get("usage"))
            self.raw_usage.update({k: v for k, v in usage.items() if v is not None})
            return Chunk(seq, name, "usage" if usage else "control", raw, line=line)
        if kind == "message_stop":
            self.stopped = True
            return Chunk(seq, name, "control", raw, line=line)
        if kind == "error":
            self.error = _error_text(value.get("error"))
            return Chunk(seq, name, "error", raw, line=line, error=self.error)
        if kind in ("content_block_stop", "ping"):
            return Chunk(seq, name, "control", raw, line=line)
        return Chunk(seq, name, "other", raw, line=line)

    def _tool_index(self, block: int) -> int:
        return self._tool_of_block.setdefault(block, len(self._tool_of_block))

    def _block_start(
        self, seq: int, name: str, raw: str, line: int | None, value: dict[str, Any]
    ) -> Chunk:
        block = as_dict(value.get("content_block"))
        block_type = as_str(block.get("type")) or ""
        index = as_int(value.get("index")) or 0
        if block_type in TOOL_BLOCKS:
            tool = self._tool_index(index)
            initial = block.get("input")
            delta = dumps(initial) if initial not in (None, {}) else ""
            call_id, tool_name = self.tools.add(
                tool,
                seq,
                call_id=as_str(block.get("id")),
                name=as_str(block.get("name")),
                delta=delta,
            )
            return Chunk(
                seq,
                name,
                "tool_call",
                raw,
                line=line,
                tool_index=tool,
                tool_call_id=call_id,
                tool_name=tool_name,
                args_delta=delta,
            )
        if block_type == "text":
            text = as_str(block.get("text")) or ""
            self.text.append(text)
            return Chunk(seq, name, "text", raw, text=text, line=line)
        if block_type in ("thinking", "redacted_thinking"):
            text = as_str(block.get("thinking")) or ""
            self.reasoning.append(text)
            return Chunk(seq, name, "reasoning", raw, text=text, line=line)
        return Chunk(seq, name, "other", raw, line=line)

    def _block_delta(
        self, seq: int, name: str, raw: str, line: int | None, value: dict[str, Any]
    ) -> Chunk:
        delta = value.get("delta")
        if type(delta) is not dict:
            delta = {}
        delta_type = delta.get("type")
        if delta_type == "text_delta":
            text = delta.get("text")
            if type(text) is not str:
                text = ""
            self.text.append(text)
            return Chunk(seq, name, "text", raw, text, None, None, None, None, line)
        if delta_type == "thinking_delta":
            text = as_str(delta.get("thinking")) or ""
            self.reasoning.append(text)
            return Chunk(seq, name, "reasoning", raw, text=text, line=line)
        if delta_type == "signature_delta":
            return Chunk(seq, name, "reasoning", raw, line=line)
        if delta_type == "input_json_delta":
            block = value.get("index")
            block = block if type(block) is int else (as_int(block) or 0)
            tool = self._tool_index(block)
            fragment = delta.get("partial_json")
            if type(fragment) is not str:
                fragment = ""
            call_id, tool_name = self.tools.add(tool, seq, None, None, fragment)
            return Chunk(
                seq, name, "tool_call", raw, "", tool, call_id, tool_name or None, fragment, line
            )
        return Chunk(seq, name, "other", raw, line=line)

    def _read_message(
        self, seq: int, name: str, raw: str, line: int | None, value: dict[str, Any]
    ) -> Chunk:
        self.model = as_str(value.get("model"))
        self.response_id = as_str(value.get("id"))
        self.stop_reason = as_str(value.get("stop_reason"))
        self.raw_usage = as_dict(value.get("usage"))
        self.stopped = True
        first: dict[str, Any] = {}
        for index, block in enumerate(map(as_dict, as_list(value.get("content")))):
            block_type = block.get("type")
            if block_type == "text":
                self.text.append(as_str(block.get("text")) or "")
            elif block_type in ("thinking", "redacted_thinking"):
                self.reasoning.append(as_str(block.get("thinking")) or "")
            elif block_type in TOOL_BLOCKS:
                tool = self._tool_index(index)
                arguments = dumps(block.get("input") if block.get("input") is not None else {})
                call_id, tool_name = self.tools.add(
                    tool,
                    seq,
                    call_id=as_str(block.get("id")),
                    name=as_str(block.get("name")),
                    delta=arguments,
                )
                first = first or {
                    "tool_index": tool,
                    "tool_call_id": call_id,
                    "tool_name": tool_name,
                    "args_delta": arguments,
                }
        text = "".join(self.text)
        if first:
            return Chunk(seq, name, "tool_call", raw, text=text, line=line, **first)
        if text or not self.reasoning:
            return Chunk(seq, name, "text", raw, text=text, line=line)
        return Chunk(seq, name, "reasoning", raw, text="".join(self.reasoning), line=line)

    def usage(self) -> Usage:
        """Usage normalised: cache reads and writes added to input tokens."""
        return read_usage(self.raw_usage)


def read_usage(usage: dict[str, Any]) -> Usage:
    """Anthropic usage, normalised: `input_tokens` here includes cache reads and writes."""
    if not usage:
        return Usage()
    uncached = as_int(usage.get("input_tokens"))
    read = as_int(usage.get("cache_read_input_tokens"))
    written = as_int(usage.get("cache_creation_input_tokens"))
    total_input = None if uncached is None else uncached + (read or 0) + (written or 0)
    return with_total(
        Usage(
            input_tokens=total_input,
            reported_input_tokens=uncached,
            output_tokens=as_int(usage.get("output_tokens")),
            cached_tokens=read,
            cache_write_tokens=written,
            raw=dumps(usage),
        )
    )


def _error_text(error: object) -> str:
    if isinstance(error, dict):
        return f"{error.get('type', 'error')}: {error.get('message', '')}".strip()
    return str(error)


def block_text(content: object) -> str:
    """Text of a content field: a string, or the text of its blocks ([type] for others)."""
    if isinstance(content, str):
        return content
    pieces = []
    for block in map(as_dict, as_list(content)):
        kind = as_str(block.get("type")) or ""
        if isinstance(block.get("text"), str):
            pieces.append(block["text"])
        elif kind not in ("tool_use", "tool_result", "thinking", "redacted_thinking"):
            pieces.append(f"[{kind}]")
    return "\n".join(pieces)


def read_messages(body: dict[str, Any]) -> list[Message]:
    """Request messages: the system prompt, then each message; tool results become `tool` rows."""
    out: list[Message] = []
    system = body.get("system")
    if system:
        out.append(Message(0, "system", block_text(system), "request"))
    for raw in as_list(body.get("messages")):
        message = as_dict(raw)
        role = as_str(message.get("role")) or ""
        content = message.get("content")
        blocks = [as_dict(b) for b in as_list(content)]
        for block in blocks:
            if block.get("type") in ("tool_result", "web_search_tool_result", "mcp_tool_result"):
                out.append(
                    Message(
                        len(out),
                        "tool",
                        block_text(block.get("content")),
                        "request",
                        tool_call_id=as_str(block.get("tool_use_id")),
                    )
                )
        calls = tuple(
            ToolCallRef(
                as_str(b.get("id")),
                as_str(b.get("name")) or "",
                dumps(b.get("input") if b.get("input") is not None else {}),
            )
            for b in blocks
            if b.get("type") in TOOL_BLOCKS
        )
        text = (
            block_text([b for b in blocks if b.get("type") != "tool_result"])
            if blocks
            else (content if isinstance(content, str) else "")
        )
        reasoning = "".join(as_str(b.get("thinking")) or "" for b in blocks)
        only_results = blocks and all(b.get("type") == "tool_result" for b in blocks)
        if not only_results:
            out.append(
                Message(len(out), role, text, "request", reasoning=reasoning, tool_calls=calls)
            )
    return out


def declared_tools(tools: object) -> dict[str, Any]:
    """The input schema of each tool a request declares, by name (server tools: {})."""
    return {
        name: as_dict(tool.get("input_schema"))
        for tool in map(as_dict, as_list(tools))
        if (name := as_str(tool.get("name")))
    }


DECODER = Decoder(api="anthropic-messages", matches=matches, decode=decode)
