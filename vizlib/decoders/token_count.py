"""Token counting: Anthropic, Gemini, Bedrock and OpenAI Responses.

Paths: `messages/count_tokens`, `:countTokens`, `count-tokens`,
`responses/input_tokens`.

The count goes to `counted_tokens`, not to usage: counting consumes nothing
and none of these providers bills it.
"""

from __future__ import annotations

from vizlib.decoders._calls import body_chunks, path_of, request_fields, url_model
from vizlib.decoders.base import Decoder, as_int, as_str
from vizlib.records import CallFacts, Decoded, Exchange, HttpRequest


def matches(request: HttpRequest) -> bool:
    """Paths that count tokens."""
    path = path_of(request.url).rstrip("/")
    return path.endswith(
        ("/count_tokens", ":countTokens", "/count-tokens", "/responses/input_tokens")
    )


def decode(exchange: Exchange) -> Decoded:
    """Read one token-counting exchange."""
    body = request_fields(exchange.request)
    read = body_chunks(exchange, "count_tokens", "usage")
    value = read.value
    counted = (
        as_int(value.get("input_tokens"))
        or as_int(value.get("totalTokens"))
        or as_int(value.get("inputTokens"))
    )
    model = as_str(body.get("model")) or url_model(exchange.request.url)
    return Decoded(
        api="token-count",
        stream=False,
        model=model,
        request_model=model,
        chunks=read.chunks,
        complete=read.complete,
        error=read.error,
        facts=CallFacts(counted_tokens=None if read.error else counted),
    )


DECODER = Decoder(api="token-count", matches=matches, decode=decode)
