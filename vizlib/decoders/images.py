"""Image generation and edits, OpenAI-shaped (OpenAI, Azure, xAI...) and Vertex Imagen.

Paths: `/images/generations`, `/images/edits`, `/images/variations`, an
Imagen model's `:predict`.

Requests are JSON or multipart forms (model, prompt, n, size); responses
list `data[]` images (or Imagen's `predictions[]`); `gpt-image-*` models
report token usage (`input_tokens`, `output_tokens`).
"""

from __future__ import annotations

from vizlib.decoders._calls import body_chunks, path_of, request_fields, url_model
from vizlib.decoders.base import Decoder, as_dict, as_int, as_list, as_str, dumps, with_total
from vizlib.records import CallFacts, Decoded, Exchange, HttpRequest, Usage


def matches(request: HttpRequest) -> bool:
    """Image endpoints, and Imagen models' predict."""
    path = path_of(request.url).rstrip("/")
    if path.endswith(":predict"):
        return "imagen" in (url_model(request.url) or "")
    return path.endswith(("/images/generations", "/images/edits", "/images/variations"))


def decode(exchange: Exchange) -> Decoded:
    """Read one image exchange."""
    body = request_fields(exchange.request)
    read = body_chunks(exchange, "images")
    value = read.value
    images = as_list(value.get("data")) or as_list(value.get("predictions"))
    usage = as_dict(value.get("usage"))
    model = as_str(body.get("model")) or url_model(exchange.request.url)
    params = as_dict(body.get("parameters"))
    asked = as_int(body.get("n")) or as_int(params.get("sampleCount"))
    if asked is None and isinstance(body.get("n"), str) and str(body["n"]).isdigit():
        asked = int(str(body["n"]))
    return Decoded(
        api="images",
        stream=read.streamed,
        model=model,
        request_model=model,
        chunks=read.chunks,
        usage=(
            with_total(
                Usage(
                    input_tokens=as_int(usage.get("input_tokens")),
                    output_tokens=as_int(usage.get("output_tokens")),
                    total_tokens=as_int(usage.get("total_tokens")),
                    raw=dumps(usage),
                )
            )
            if usage
            else Usage()
        ),
        complete=read.complete,
        error=read.error,
        facts=CallFacts(
            n_inputs=asked,
            n_outputs=len(images) if images else None,
            image_size=as_str(value.get("size")) or as_str(body.get("size")),
        ),
    )


DECODER = Decoder(api="images", matches=matches, decode=decode)
