"""Writer chat (`POST /v1/chat` on api.writer.com): the Chat Completions shape under its own path.

Responses and stream chunks are `chat.completion` / `chat.completion.chunk`
objects with Writer's extra fields (`graph_data`, `llm_data`,
`translation_data`...), kept in each chunk's raw text.
"""

from __future__ import annotations

from vizlib.decoders.base import Decoder, request_json
from vizlib.decoders.openai_chat import decode_body, read_messages
from vizlib.records import Decoded, Exchange, HttpRequest


def matches(request: HttpRequest) -> bool:
    """Writer's chat endpoint."""
    path = request.url.split("?", 1)[0]
    return "api.writer.com" in path and path.endswith("/v1/chat")


def decode(exchange: Exchange) -> Decoded:
    """Read one Writer chat exchange."""
    body = request_json(exchange.request)
    return decode_body(exchange, body, tuple(read_messages(body.get("messages"))), "writer")


DECODER = Decoder(api="writer", matches=matches, decode=decode)
