"""Hugging Face text-generation-inference (`/generate`, `/generate_stream`).

Requests send `inputs` and `parameters`. A stream is SSE events of one
`token` each (`{id, text, special}`), the last one also carrying
`generated_text` and `details` (`finish_reason`, `generated_tokens`); a
plain response is `{generated_text, details}` (or a list of them). TGI
reports generated tokens only: input tokens stay unknown unless the
details list the prompt (`prefill`).
"""

from __future__ import annotations

from typing import Any

from vizlib.decoders._assembly import ResponseState
from vizlib.decoders._bodies import BodyEvent, JsonError, response_events
from vizlib.decoders.base import Decoder, as_dict, as_int, as_list, as_str, dumps, request_json
from vizlib.records import Chunk, Decoded, Exchange, HttpRequest, Message, Usage


def matches(request: HttpRequest) -> bool:
    """TGI's generate endpoints."""
    return request.url.split("?", 1)[0].rstrip("/").endswith(("/generate_stream", "/generate"))


class _State(ResponseState):
    def __init__(self, first_position: int) -> None:
        super().__init__(first_position)
        self.details: dict[str, Any] = {}
        self.done = False

    def read(self, seq: int, event: BodyEvent) -> Chunk:
        raw, line, name = event.data, event.line, event.event or ""
        if isinstance(event.value, JsonError):
            return Chunk(seq, name, "error", raw, line=line, error=str(event.value))
        value = as_dict(
            next(iter(as_list(event.value)), {}) if isinstance(event.value, list) else event.value
        )
        if value.get("error"):
            self.error = as_str(value.get("error")) or dumps(value.get("error"))
            return Chunk(seq, name or "error", "error", raw, line=line, error=self.error)
        if isinstance(value.get("details"), dict):
            self.details, self.done = as_dict(value["details"]), True
        token = as_dict(value.get("token"))
        if token:
            piece = "" if token.get("special") else as_str(token.get("text")) or ""
            self.text.append(piece)
            return Chunk(seq, name or "token", "text", raw, text=piece, line=line)
        if "generated_text" in value:  # a plain response
            text = as_str(value.get("generated_text")) or ""
            self.text.append(text)
            self.done = True
            return Chunk(seq, name or "generate", "text", raw, text=text, line=line)
        return Chunk(seq, name, "other", raw, line=line)

    def usage(self) -> Usage:
        generated = as_int(self.details.get("generated_tokens"))
        if generated is None:
            return Usage()
        prefill = self.details.get("prefill")
        prompt = len(prefill) if isinstance(prefill, list) and prefill else None
        return Usage(
            input_tokens=prompt,
            output_tokens=generated,
            total_tokens=None if prompt is None else prompt + generated,
            raw=dumps({k: v for k, v in self.details.items() if k != "tokens"}),
        )


def decode(exchange: Exchange) -> Decoded:
    """Read one TGI exchange."""
    body = request_json(exchange.request)
    prompt = as_str(body.get("inputs"))
    messages = (Message(0, "user", prompt, "request"),) if prompt else ()
    events = response_events(exchange.response)
    state = _State(len(messages))
    for seq, event in enumerate(events.events):
        state.chunks.append(state.read(seq, event))
    if exchange.response.status >= 400 and not state.error:
        state.error = f"HTTP {exchange.response.status}"
    reply = state.message()
    return Decoded(
        api="tgi",
        stream=events.streamed,
        model=as_str(body.get("model")),
        request_model=as_str(body.get("model")),
        finish_reason=as_str(state.details.get("finish_reason")),
        chunks=tuple(state.chunks),
        messages=messages + ((reply,) if reply else ()),
        usage=state.usage(),
        n_comments=events.n_comments,
        complete=state.done,
        error=state.error,
    )


DECODER = Decoder(api="tgi", matches=matches, decode=decode)
