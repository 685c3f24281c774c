"""xAI's streamed gRPC chat (`xai_api.Chat/GetCompletionChunk`), one recorded chunk a line.

Each chunk is `{chunk: {id, model, outputs[], usage}}`; an output has an
`index` and a `delta` (`role`, `content`, `reasoning_content`, whole
`tool_calls`) and, last, a `finish_reason`. Outputs with `ROLE_TOOL` are
the results of server-side tools (MCP, search): kept as chunks of kind
`other`, not as the model's text. Usage is cumulative: the last chunk's counts.
"""

from __future__ import annotations

from typing import Any

from vizlib.decoders._assembly import ResponseState
from vizlib.decoders._bodies import BodyEvent, JsonError
from vizlib.decoders._lines import line_events
from vizlib.decoders.base import Decoder, as_dict, as_list, as_str, request_json
from vizlib.decoders.openai_chat import content_text
from vizlib.decoders.xai import read_messages, read_usage
from vizlib.readers.xai_samples import STREAM_URL
from vizlib.records import Chunk, ChunkKind, Decoded, Exchange, HttpRequest, Usage


def matches(request: HttpRequest) -> bool:
    """The address the xAI recording reader gives streamed chat calls."""
    return request.url == STREAM_URL


class _State(ResponseState):
    def __init__(self, first_position: int) -> None:
        super().__init__(first_position)
        self.usage = Usage()
        self.finish: str | None = None
        self.call_ids: dict[str, int] = {}

    def read(self, seq: int, event: BodyEvent) -> Chunk:
        raw, line = event.data, event.line
        if isinstance(event.value, JsonError):
            return Chunk(seq, "", "error", raw, line=line, error=str(event.value))
        chunk = as_dict(as_dict(event.value).get("chunk"))
        self.model = as_str(chunk.get("model")) or self.model
        self.response_id = as_str(chunk.get("id")) or self.response_id
        if usage := as_dict(chunk.get("usage")):
            self.usage = read_usage(usage)
        kind: ChunkKind = "other"
        text = ""
        call: dict[str, Any] = {}
        for output in map(as_dict, as_list(chunk.get("outputs"))):
            delta = as_dict(output.get("delta"))
            self.finish = as_str(output.get("finish_reason")) or self.finish
            if (as_str(delta.get("role")) or "") == "ROLE_TOOL":
                continue
            if piece := as_str(delta.get("reasoning_content")):
                self.reasoning.append(piece)
                kind, text = "reasoning", text + piece
            if piece := content_text(delta.get("content")):
                self.text.append(piece)
                kind, text = "text", text + piece
            for found in map(as_dict, as_list(delta.get("tool_calls"))):
                call = call or self._call(seq, found)
                kind = "tool_call"
        if call:
            return Chunk(seq, "chunk", kind, raw, text=text, line=line, **call)
        if kind == "other" and self.finish and chunk.get("usage"):
            kind = "usage"
        return Chunk(seq, "chunk", kind, raw, text=text, line=line)

    def _call(self, seq: int, call: dict[str, Any]) -> dict[str, Any]:
        call_id = as_str(call.get("id"))
        index = self.call_ids.setdefault(call_id or f"#{len(self.call_ids)}", len(self.call_ids))
        function = as_dict(call.get("function"))
        arguments = as_str(function.get("arguments")) or ""
        found_id, name = self.tools.add(
            index, seq, call_id=call_id, name=as_str(function.get("name")), delta=arguments
        )
        return {
            "tool_index": index,
            "tool_call_id": found_id,
            "tool_name": name or None,
            "args_delta": arguments,
        }


def decode(exchange: Exchange) -> Decoded:
    """Read one recorded GetCompletionChunk stream."""
    body = request_json(exchange.request)
    messages = tuple(read_messages(body))
    events = line_events(exchange.response)
    state = _State(len(messages))
    for seq, event in enumerate(events.events):
        state.chunks.append(state.read(seq, event))
    reply = state.message()
    return Decoded(
        api="xai",
        stream=True,
        model=state.model or as_str(body.get("model")),
        request_model=as_str(body.get("model")),
        response_id=state.response_id,
        finish_reason=state.finish,
        chunks=tuple(state.chunks),
        messages=messages + ((reply,) if reply else ()),
        tool_calls=state.tools.calls(),
        usage=state.usage,
        complete=state.finish is not None,
    )


DECODER = Decoder(api="xai", matches=matches, decode=decode)
