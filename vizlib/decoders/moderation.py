"""Moderation: OpenAI-shaped `/moderations` (OpenAI, Azure), Mistral's `/chat/moderations`.

Responses list one `results[]` entry per input, each with `flagged` (OpenAI)
or `categories` (Mistral); whether any input was flagged becomes the
finish reason (`flagged` or `not flagged`).
"""

from __future__ import annotations

from vizlib.decoders._calls import body_chunks, path_of, request_fields
from vizlib.decoders.base import Decoder, as_dict, as_int, as_list, as_str, dumps, with_total
from vizlib.records import CallFacts, Decoded, Exchange, HttpRequest, Usage


def matches(request: HttpRequest) -> bool:
    """Moderation endpoints."""
    return path_of(request.url).rstrip("/").endswith("/moderations")


def decode(exchange: Exchange) -> Decoded:
    """Read one moderation exchange."""
    body = request_fields(exchange.request)
    read = body_chunks(exchange, "moderation")
    value = read.value
    results = [as_dict(r) for r in as_list(value.get("results"))]
    flags = [r.get("flagged") for r in results if isinstance(r.get("flagged"), bool)]
    given = body.get("input")
    usage = as_dict(value.get("usage"))
    model = as_str(value.get("model")) or as_str(body.get("model"))
    return Decoded(
        api="moderation",
        stream=False,
        model=model,
        request_model=as_str(body.get("model")),
        response_id=as_str(value.get("id")),
        finish_reason=("flagged" if any(flags) else "not flagged") if flags else None,
        chunks=read.chunks,
        usage=(
            with_total(
                Usage(
                    input_tokens=as_int(usage.get("prompt_tokens")),
                    output_tokens=as_int(usage.get("completion_tokens")) or 0,
                    raw=dumps(usage),
                )
            )
            if usage
            else Usage()
        ),
        complete=read.complete,
        error=read.error,
        facts=CallFacts(
            n_inputs=len(given) if isinstance(given, list) else 1 if given else None,
            n_outputs=len(results) if results else None,
        ),
    )


DECODER = Decoder(api="moderation", matches=matches, decode=decode)
