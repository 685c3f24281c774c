"""OpenAI Assistants (`/v1/assistants`, `/v1/threads`, `.../messages`, `.../runs`, `.../steps`).

A streamed run is named SSE events: `thread.message.delta` carries text
(`delta.content[].text.value`), `thread.run.step.delta` carries tool-call
fragments (`function.arguments`, or a code interpreter's `input`), and
`thread.run.completed` the run's usage. Objects read back (a run polled
until done, a thread's messages, an assistant) are one chunk each; a run's
usage, model and status are read from it.
"""

from __future__ import annotations

from typing import Any

from vizlib.decoders._assembly import ResponseState
from vizlib.decoders._bodies import BodyEvent, JsonError, response_events
from vizlib.decoders.base import Decoder, as_dict, as_int, as_list, as_str, request_json
from vizlib.decoders.openai_chat import read_usage
from vizlib.records import CallFacts, Chunk, Decoded, Exchange, HttpRequest, Message, Usage


def matches(request: HttpRequest) -> bool:
    """Assistants API paths (on OpenAI or Azure)."""
    path = request.url.split("?", 1)[0]
    return "/threads" in path or "/assistants" in path


def _text(content: object) -> str:
    parts = []
    for part in map(as_dict, as_list(content)):
        text = part.get("text")
        parts.append(as_str(as_dict(text).get("value")) or as_str(text) or "")
    return "".join(parts)


def read_messages(body: dict[str, Any]) -> list[Message]:
    """Instructions, and the messages a request adds to a thread."""
    out: list[Message] = []
    for key in ("instructions", "additional_instructions"):
        if text := as_str(body.get(key)):
            out.append(Message(len(out), "developer", text, "request"))
    thread = as_dict(body.get("thread"))
    given = as_list(thread.get("messages")) or as_list(body.get("additional_messages"))
    if "content" in body and "role" in body:
        given = [body]
    for message in map(as_dict, given):
        content = message.get("content")
        text = content if isinstance(content, str) else _text(content)
        out.append(Message(len(out), as_str(message.get("role")) or "user", text, "request"))
    return out


class _State(ResponseState):
    def __init__(self, first_position: int) -> None:
        super().__init__(first_position)
        self.usage = Usage()
        self.status: str | None = None
        self.run_done = False

    def read(self, seq: int, event: BodyEvent) -> Chunk:
        raw, line, name = event.data, event.line, event.event or ""
        if event.value is None and raw.strip() == "[DONE]":
            return Chunk(seq, name or "done", "control", raw, line=line)
        if isinstance(event.value, JsonError):
            return Chunk(seq, name, "error", raw, line=line, error=str(event.value))
        value = as_dict(event.value)
        kind = as_str(value.get("object")) or ""
        name = name or kind
        if kind == "thread.message.delta":
            piece = _text(as_dict(value.get("delta")).get("content"))
            self.text.append(piece)
            return Chunk(seq, name, "text", raw, text=piece, line=line)
        if kind == "thread.run.step.delta":
            details = as_dict(as_dict(value.get("delta")).get("step_details"))
            calls = [as_dict(c) for c in as_list(details.get("tool_calls"))]
            if calls:
                return self._fragment(seq, name, raw, line, calls[0])
        if kind == "thread.run":
            return self._run(seq, name, raw, line, value)
        if kind == "thread.message" and value.get("status") == "completed" and not self.text:
            self.text.append(_text(value.get("content")))  # a message read back whole
        if kind == "list":
            self._listed(value)
        if value.get("error") or name == "error":
            self.error = as_str(as_dict(value.get("error")).get("message")) or name
            return Chunk(seq, name, "error", raw, line=line, error=self.error)
        return Chunk(seq, name, "control", raw, line=line)

    def _fragment(
        self, seq: int, name: str, raw: str, line: int | None, call: dict[str, Any]
    ) -> Chunk:
        index = as_int(call.get("index")) or 0
        kind = as_str(call.get("type")) or "function"
        function = as_dict(call.get(kind))
        piece = as_str(function.get("arguments")) or as_str(function.get("input")) or ""
        tool_name = as_str(function.get("name")) or (kind if kind != "function" else None)
        call_id, known = self.tools.add(
            index, seq, call_id=as_str(call.get("id")), name=tool_name, delta=piece
        )
        return Chunk(
            seq,
            name,
            "tool_call",
            raw,
            line=line,
            tool_index=index,
            tool_call_id=call_id,
            tool_name=known or None,
            args_delta=piece,
        )

    def _run(self, seq: int, name: str, raw: str, line: int | None, run: dict[str, Any]) -> Chunk:
        self.model = as_str(run.get("model")) or self.model
        self.response_id = as_str(run.get("id"))
        self.status = as_str(run.get("status"))
        if self.status in ("completed", "failed", "cancelled", "expired", "incomplete"):
            self.run_done = True
        action = as_dict(as_dict(run.get("required_action")).get("submit_tool_outputs"))
        for index, call in enumerate(map(as_dict, as_list(action.get("tool_calls")))):
            function = as_dict(call.get("function"))
            self.tools.add(
                index,
                seq,
                call_id=as_str(call.get("id")),
                name=as_str(function.get("name")),
                delta=as_str(function.get("arguments")) or "",
            )
        if isinstance(run.get("usage"), dict):
            self.usage = read_usage(as_dict(run["usage"]))
            return Chunk(seq, name, "usage", raw, line=line)
        if error := as_dict(run.get("last_error")):
            self.error = as_str(error.get("message"))
        return Chunk(seq, name, "control", raw, line=line)

    def _listed(self, value: dict[str, Any]) -> None:
        for item in map(as_dict, as_list(value.get("data"))):
            if item.get("object") == "thread.message" and item.get("role") == "assistant":
                self.text.append(_text(item.get("content")))


def decode(exchange: Exchange) -> Decoded:
    """Read one Assistants exchange."""
    body = request_json(exchange.request)
    messages = tuple(read_messages(body))
    events = response_events(exchange.response)
    state = _State(len(messages))
    for seq, event in enumerate(events.events):
        state.chunks.append(state.read(seq, event))
    if exchange.response.status >= 400 and not state.error:
        state.error = f"HTTP {exchange.response.status}"
    first = as_dict(events.events[0].value) if events.events else {}
    if state.model is None and first.get("object") == "assistant":
        state.model = as_str(first.get("model"))
    reply = state.message()
    return Decoded(
        api="openai-assistants",
        stream=events.streamed,
        model=state.model or as_str(body.get("model")),
        request_model=as_str(body.get("model")),
        response_id=state.response_id or as_str(first.get("id")),
        finish_reason=state.status,
        chunks=tuple(state.chunks),
        messages=messages + ((reply,) if reply else ()),
        tool_calls=state.tools.calls(),
        usage=state.usage,
        n_comments=events.n_comments,
        complete=state.run_done or not events.streamed,
        error=state.error,
        facts=CallFacts(status=state.status),
    )


DECODER = Decoder(api="openai-assistants", matches=matches, decode=decode)
