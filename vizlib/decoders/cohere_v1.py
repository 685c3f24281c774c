"""Cohere v1 chat and generate (`/v1/chat`, `/v1/generate` on api.cohere.com / .ai).

Streams are `application/stream+json`: one JSON event per line with an
`event_type` (`stream-start`, `text-generation`, `tool-calls-chunk`,
`tool-calls-generation`, `citation-generation`, `stream-end`); `/v1/generate`
streams `{text, is_finished}` lines. Usage is the final response's `meta`
(`tokens` processed, `billed_units` billed).
"""

from __future__ import annotations

from typing import Any

from vizlib.decoders._assembly import ResponseState
from vizlib.decoders._bodies import BodyEvent, JsonError
from vizlib.decoders._lines import line_events
from vizlib.decoders.base import Decoder, as_dict, as_int, as_list, as_str, dumps, request_json
from vizlib.decoders.cohere import read_usage
from vizlib.records import Chunk, Decoded, Exchange, HttpRequest, Message, Usage

_HOSTS = ("api.cohere.com", "api.cohere.ai")
_ROLES = {"USER": "user", "CHATBOT": "assistant", "SYSTEM": "system", "TOOL": "tool"}


def matches(request: HttpRequest) -> bool:
    """Cohere's v1 chat and generate endpoints."""
    path = request.url.split("?", 1)[0]
    return any(h in path for h in _HOSTS) and path.endswith(("/v1/chat", "/v1/generate"))


def read_messages(body: dict[str, Any]) -> list[Message]:
    """The preamble, the chat history and the new message (or a generate prompt)."""
    out: list[Message] = []
    if preamble := as_str(body.get("preamble")):
        out.append(Message(0, "system", preamble, "request"))
    for turn in map(as_dict, as_list(body.get("chat_history"))):
        role = as_str(turn.get("role")) or ""
        content = as_str(turn.get("message")) or dumps(turn.get("tool_results") or "")
        out.append(Message(len(out), _ROLES.get(role, role.lower()), content, "request"))
    for key in ("message", "prompt"):
        if text := as_str(body.get(key)):
            out.append(Message(len(out), "user", text, "request"))
    return out


class _State(ResponseState):
    def __init__(self, first_position: int) -> None:
        super().__init__(first_position)
        self.finish: str | None = None
        self.meta: dict[str, Any] | None = None
        self.done = False

    def read(self, seq: int, event: BodyEvent) -> Chunk:
        raw, line = event.data, event.line
        if isinstance(event.value, JsonError):
            return Chunk(seq, "", "error", raw, line=line, error=str(event.value))
        value = as_dict(event.value)
        kind = as_str(value.get("event_type")) or ""
        if kind == "text-generation" or (not kind and "is_finished" in value and "text" in value):
            piece = as_str(value.get("text")) or ""
            self.text.append(piece)
            return Chunk(seq, kind or "text", "text", raw, text=piece, line=line)
        if kind == "tool-calls-chunk":
            return self._fragment(seq, raw, line, as_dict(value.get("tool_call_delta")))
        if kind == "tool-calls-generation":
            for index, call in enumerate(map(as_dict, as_list(value.get("tool_calls")))):
                if index not in {c.tool_index for c in self.tools.calls()}:
                    self.tools.add(index, seq, name=as_str(call.get("name")))
                self.tools.set_arguments(index, dumps(call.get("parameters") or {}))
            return Chunk(seq, kind, "control", raw, line=line)
        if kind == "stream-start":
            self.response_id = as_str(value.get("generation_id"))
            return Chunk(seq, kind, "control", raw, line=line)
        if kind == "stream-end" or value.get("is_finished") is True:
            return self._end(seq, kind or "end", raw, line, value)
        if not kind and ("meta" in value or "generations" in value):  # a non-streamed response
            return self._whole(seq, raw, line, value)
        return Chunk(seq, kind, "other", raw, line=line)

    def _fragment(self, seq: int, raw: str, line: int | None, delta: dict[str, Any]) -> Chunk:
        index = as_int(delta.get("index")) or 0
        piece = as_str(delta.get("parameters")) or ""
        call_id, name = self.tools.add(index, seq, name=as_str(delta.get("name")), delta=piece)
        return Chunk(
            seq,
            "tool-calls-chunk",
            "tool_call",
            raw,
            line=line,
            tool_index=index,
            tool_call_id=call_id,
            tool_name=name or None,
            args_delta=piece,
        )

    def _end(self, seq: int, kind: str, raw: str, line: int | None, value: dict[str, Any]) -> Chunk:
        response = as_dict(value.get("response"))
        self.finish = as_str(value.get("finish_reason")) or as_str(response.get("finish_reason"))
        self.meta = as_dict(response.get("meta"))
        self.response_id = self.response_id or as_str(response.get("id"))
        self.done = True
        return Chunk(seq, kind, "usage", raw, line=line)

    def _whole(self, seq: int, raw: str, line: int | None, value: dict[str, Any]) -> Chunk:
        generations = [as_dict(g) for g in as_list(value.get("generations"))]
        text = as_str(value.get("text"))
        if text is None:
            text = "".join(as_str(g.get("text")) or "" for g in generations[:1])
        self.text.append(text)
        first = generations[0] if generations else {}
        self.finish = as_str(value.get("finish_reason")) or as_str(first.get("finish_reason"))
        self.meta = as_dict(value.get("meta"))
        self.response_id = as_str(value.get("generation_id")) or as_str(value.get("id"))
        for index, call in enumerate(map(as_dict, as_list(value.get("tool_calls")))):
            self.tools.add(
                index, seq, name=as_str(call.get("name")), delta=dumps(call.get("parameters") or {})
            )
        self.done = True
        return Chunk(
            seq, "chat" if "text" in value else "generate", "text", raw, text=text, line=line
        )


def decode(exchange: Exchange) -> Decoded:
    """Read one Cohere v1 exchange."""
    body = request_json(exchange.request)
    messages = tuple(read_messages(body))
    events = line_events(exchange.response)
    state = _State(len(messages))
    error = None
    for seq, event in enumerate(events.events):
        chunk = state.read(seq, event)
        if exchange.response.status >= 400 and chunk.kind != "error":
            error = (
                as_str(as_dict(event.value).get("message")) or f"HTTP {exchange.response.status}"
            )
            chunk = Chunk(seq, "error", "error", chunk.raw, line=chunk.line, error=error)
        state.chunks.append(chunk)
    reply = state.message()
    return Decoded(
        api="cohere-v1",
        stream=events.streamed,
        model=as_str(body.get("model")),
        request_model=as_str(body.get("model")),
        response_id=state.response_id,
        finish_reason=state.finish,
        chunks=tuple(state.chunks),
        messages=messages + ((reply,) if reply else ()),
        tool_calls=state.tools.calls(),
        usage=read_usage(state.meta) if state.meta else Usage(),
        n_comments=events.n_comments,
        complete=state.done,
        error=error,
    )


DECODER = Decoder(api="cohere-v1", matches=matches, decode=decode)
