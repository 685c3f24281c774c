"""Rerank: Cohere `/v1/rerank` and `/v2/rerank`, Voyage, Jina and others of the same shape.

Requests send a `query` and `documents`; responses rank them in `results[]`
(`index`, `relevance_score`). Usage is Cohere's `meta.billed_units`
(`search_units`, kept in raw) or `usage.total_tokens`.
"""

from __future__ import annotations

from vizlib.decoders._calls import body_chunks, path_of, request_fields
from vizlib.decoders.base import Decoder, as_dict, as_int, as_list, as_str, dumps, with_total
from vizlib.records import CallFacts, Decoded, Exchange, HttpRequest, Usage


def matches(request: HttpRequest) -> bool:
    """Rerank endpoints."""
    return path_of(request.url).rstrip("/").endswith("/rerank")


def decode(exchange: Exchange) -> Decoded:
    """Read one rerank exchange."""
    body = request_fields(exchange.request)
    read = body_chunks(exchange, "rerank")
    value = read.value
    results = as_list(value.get("results")) or as_list(value.get("data"))
    usage = as_dict(value.get("usage"))
    meta = as_dict(value.get("meta"))
    tokens = as_int(usage.get("total_tokens")) or as_int(usage.get("prompt_tokens"))
    documents = body.get("documents")
    model = as_str(value.get("model")) or as_str(body.get("model"))
    return Decoded(
        api="rerank",
        stream=False,
        model=model,
        request_model=as_str(body.get("model")),
        response_id=as_str(value.get("id")),
        chunks=read.chunks,
        usage=(
            with_total(Usage(input_tokens=tokens, output_tokens=0, raw=dumps(usage)))
            if tokens is not None
            else Usage(raw=dumps(meta))
            if meta.get("billed_units")
            else Usage()
        ),
        complete=read.complete,
        error=read.error,
        facts=CallFacts(
            n_inputs=len(documents) if isinstance(documents, list) else None,
            n_outputs=len(results) if results else None,
        ),
    )


DECODER = Decoder(api="rerank", matches=matches, decode=decode)
