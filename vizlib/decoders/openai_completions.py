"""Legacy OpenAI Completions (`/v1/completions`, as vLLM and Writer still serve it).

Responses carry `choices[].text` (Writer streams `{"value": ...}`); otherwise
they share the Chat Completions chunk shape, and its decoder.
"""

from __future__ import annotations

from vizlib.decoders.base import Decoder, as_list, request_json
from vizlib.decoders.openai_chat import decode_body
from vizlib.records import Decoded, Exchange, HttpRequest, Message


def matches(request: HttpRequest) -> bool:
    """Requests whose path ends in `/completions` but not `/chat/completions`."""
    path = request.url.split("?", 1)[0]
    return path.endswith("/completions") and not path.endswith("/chat/completions")


def decode(exchange: Exchange) -> Decoded:
    """Read one Completions exchange: the prompt is the one request message."""
    body = request_json(exchange.request)
    prompt = body.get("prompt")
    prompts = [p for p in as_list(prompt) if isinstance(p, str)] or (
        [prompt] if isinstance(prompt, str) else []
    )
    messages = tuple(Message(i, "user", text, "request") for i, text in enumerate(prompts))
    return decode_body(exchange, body, messages, "openai-completions")


DECODER = Decoder(api="openai-completions", matches=matches, decode=decode)
