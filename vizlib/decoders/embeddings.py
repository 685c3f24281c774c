"""Embeddings, whoever serves them: model, inputs, vectors, dimensions and usage.

- OpenAI shape (`/embeddings`: OpenAI, Azure, OpenRouter, Mistral, Voyage,
  local servers): `data[].embedding`, `usage.prompt_tokens` / `total_tokens`.
- Gemini `:embedContent` / `:batchEmbedContents`: `embedding.values` /
  `embeddings[].values`; the model is in the URL.
- Vertex `:predict` on an embedding model: `predictions[].embeddings` with
  `statistics.token_count`.
- Cohere `/v1/embed`, `/v2/embed`: `embeddings` (a list, or by type), usage
  in `meta.billed_units`.
- Ollama `/api/embed` (`embeddings`, `prompt_eval_count`) and `/api/embeddings`.

Embeddings generate nothing: output tokens are 0 wherever input tokens are known.
"""

from __future__ import annotations

from typing import Any

from vizlib.decoders._calls import body_chunks, path_of, request_fields, url_model
from vizlib.decoders.base import Decoder, as_dict, as_int, as_list, as_str, dumps, with_total
from vizlib.records import CallFacts, Decoded, Exchange, HttpRequest, Usage


def matches(request: HttpRequest) -> bool:
    """Paths that ask for embeddings."""
    path = path_of(request.url)
    if path.endswith((":embedContent", ":batchEmbedContents")):
        return True
    if path.endswith(":predict"):
        return "embed" in (url_model(request.url) or "")
    return path.rstrip("/").endswith(("/embeddings", "/embed", "/api/embed"))


def _inputs(body: dict[str, Any]) -> int | None:
    for key in ("input", "texts", "inputs", "requests", "instances", "images"):
        value = body.get(key)
        if isinstance(value, list):
            return len(value)
        if isinstance(value, str):
            return 1
    return 1 if body.get("content") or body.get("prompt") else None


def _vectors(value: dict[str, Any]) -> list[Any]:
    data = value.get("data")
    if isinstance(data, list):
        return [as_dict(d).get("embedding") for d in data]
    embeddings = value.get("embeddings")
    if isinstance(embeddings, dict):  # Cohere v2: by embedding type
        return as_list(next(iter(embeddings.values()), None))
    if isinstance(embeddings, list):  # Gemini batch, Cohere v1, Ollama
        return [as_dict(e).get("values", e) for e in embeddings]
    if isinstance(value.get("embedding"), dict):  # Gemini single
        return [as_dict(value["embedding"]).get("values")]
    if isinstance(value.get("embedding"), list):  # Ollama legacy
        return [value["embedding"]]
    predictions = value.get("predictions")
    if isinstance(predictions, list):  # Vertex
        return [as_dict(as_dict(p).get("embeddings")).get("values") for p in predictions]
    return []


def _dimensions(vectors: list[Any]) -> int | None:
    first = vectors[0] if vectors else None
    return len(first) if isinstance(first, list) else None


def _usage(value: dict[str, Any]) -> Usage:
    usage = as_dict(value.get("usage"))
    billed = as_dict(as_dict(value.get("meta")).get("billed_units"))
    tokens = (
        as_int(usage.get("prompt_tokens"))
        or as_int(usage.get("input_tokens"))
        or as_int(usage.get("total_tokens"))
    )
    raw: dict[str, Any] = usage
    if tokens is None and billed:
        tokens, raw = as_int(billed.get("input_tokens")), as_dict(value.get("meta"))
    if tokens is None and "prompt_eval_count" in value:
        tokens = as_int(value.get("prompt_eval_count"))
        raw = {"prompt_eval_count": tokens}
    if tokens is None and isinstance(value.get("predictions"), list):
        counts = [
            as_int(
                as_dict(as_dict(as_dict(p).get("embeddings")).get("statistics")).get("token_count")
            )
            for p in value["predictions"]
        ]
        if counts and all(c is not None for c in counts):
            tokens = sum(c or 0 for c in counts)
            raw = {"token_count": tokens, "metadata": value.get("metadata")}
    metadata = as_dict(value.get("usageMetadata"))
    if tokens is None and metadata:
        tokens, raw = as_int(metadata.get("promptTokenCount")), metadata
    if tokens is None:
        return Usage()
    return with_total(
        Usage(
            input_tokens=tokens,
            output_tokens=0,
            total_tokens=as_int(usage.get("total_tokens")),
            raw=dumps(raw),
        )
    )


def decode(exchange: Exchange) -> Decoded:
    """Read one embeddings exchange."""
    body = request_fields(exchange.request)
    read = body_chunks(exchange, "embeddings")
    value = read.value
    vectors = _vectors(value) if not read.error else []
    request_model = as_str(body.get("model")) or url_model(exchange.request.url)
    if request_model is None:
        first = as_dict(next(iter(as_list(body.get("requests"))), {}))
        request_model = as_str(first.get("model"))
    model = as_str(value.get("model")) or request_model
    dimensions = (
        as_int(body.get("dimensions"))
        or as_int(body.get("output_dimension"))
        or as_int(body.get("outputDimensionality"))
    )
    return Decoded(
        api="embeddings",
        stream=False,
        model=model.removeprefix("models/") if model else None,
        request_model=request_model.removeprefix("models/") if request_model else None,
        response_id=as_str(value.get("id")),
        chunks=read.chunks,
        usage=_usage(value) if not read.error else Usage(),
        complete=read.complete,
        error=read.error,
        facts=CallFacts(
            n_inputs=_inputs(body),
            n_outputs=len(vectors) if vectors else None,
            dimensions=_dimensions(vectors) or dimensions,
        ),
    )


DECODER = Decoder(api="embeddings", matches=matches, decode=decode)
