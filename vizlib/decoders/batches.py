"""Batch APIs (OpenAI, Anthropic, Mistral, xAI, Gemini): the lifecycle and the results files.

Lifecycle requests (create, retrieve, list, cancel) carry no usage of their
own: their state goes to `call_status`, their request count to `n_inputs`.
A downloaded results file (JSON Lines: Anthropic `.../results`, an OpenAI or
Mistral output file from `/files/{id}/content`, Gemini's `{key, response}`
lines) is one chunk per result, whose text is the result's answer; each
result's model and usage is kept (`Decoded.results`, one usage row each),
and the file's usage is their sum.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from vizlib.decoders import anthropic, gemini, generic, openai_chat, openai_responses
from vizlib.decoders._bodies import JsonError
from vizlib.decoders._calls import body_chunks, path_of, request_fields, url_model
from vizlib.decoders._lines import line_events
from vizlib.decoders.base import Decoder, as_dict, as_int, as_list, as_str, with_total
from vizlib.records import (
    BatchResult,
    CallFacts,
    Chunk,
    ChunkKind,
    Decoded,
    Exchange,
    HttpRequest,
    Message,
    Usage,
)


def _is_file_content(path: str) -> bool:
    """An OpenAI or Mistral file's `/content`, or a Gemini file's `:download`."""
    return "/files/" in path and path.endswith(("/content", ":download"))


def matches(request: HttpRequest) -> bool:
    """Batch lifecycle paths, and file downloads that may be batch results."""
    path = path_of(request.url).rstrip("/")
    return (
        "/batches" in path
        or "/batch/jobs" in path
        or path.endswith(":batchGenerateContent")
        or (_is_file_content(path) and request.method.upper() == "GET")
    )


def _result(value: dict[str, Any]) -> tuple[dict[str, Any], Usage, str, str | None] | None:
    """The body, usage, text and error of one result line; None if it is not a batch result."""
    if "custom_id" not in value and "key" not in value:
        return None
    if isinstance(value.get("result"), dict):  # Anthropic
        result = as_dict(value["result"])
        message = as_dict(result.get("message"))
        text = "".join(
            as_str(b.get("text")) or "" for b in map(as_dict, as_list(message.get("content")))
        )
        error = None if result.get("type") == "succeeded" else as_str(result.get("type"))
        return message, anthropic.read_usage(as_dict(message.get("usage"))), text, error
    response = as_dict(value.get("response"))
    body = as_dict(response.get("body")) or response
    failure = as_dict(value.get("error")) or as_dict(response.get("error"))
    failed = as_str(failure.get("message")) if failure else None
    if "usageMetadata" in body:  # Gemini
        candidate = as_dict(next(iter(as_list(body.get("candidates"))), {}))
        parts = map(as_dict, as_list(as_dict(candidate.get("content")).get("parts")))
        text = "".join(as_str(p.get("text")) or "" for p in parts)
        return body, gemini.read_usage(as_dict(body.get("usageMetadata"))), text, failed
    usage = as_dict(body.get("usage"))
    if "input_tokens" in usage:  # Responses
        read = openai_responses.read_usage(usage)
    else:
        read = openai_chat.read_usage(usage) if usage else Usage()
        if usage and "completion_tokens" not in usage:  # embeddings produce no tokens
            read = with_total(replace(read, output_tokens=0))
    choice = as_dict(next(iter(as_list(body.get("choices"))), {}))
    text = openai_chat.content_text(as_dict(choice.get("message")).get("content"))
    return body, read, text, failed


def _sum(usages: list[Usage]) -> Usage:
    counted = [u for u in usages if u.input_tokens is not None or u.output_tokens is not None]
    if not counted:
        return Usage()

    def total(name: str) -> int | None:
        known = [v for v in (getattr(u, name) for u in counted) if v is not None]
        return sum(known) if known else None

    return Usage(
        input_tokens=total("input_tokens"),
        output_tokens=total("output_tokens"),
        cached_tokens=total("cached_tokens"),
        cache_write_tokens=total("cache_write_tokens"),
        reasoning_tokens=total("reasoning_tokens"),
        total_tokens=total("total_tokens"),
        reported_input_tokens=total("reported_input_tokens"),
        reported_output_tokens=total("reported_output_tokens"),
    )


def _results(exchange: Exchange) -> Decoded | None:
    events = line_events(exchange.response)
    chunks: list[Chunk] = []
    messages: list[Message] = []
    results: list[BatchResult] = []
    for seq, event in enumerate(events.events):
        if isinstance(event.value, JsonError):
            chunks.append(
                Chunk(seq, "", "error", event.data, line=event.line, error=str(event.value))
            )
            continue
        value = as_dict(event.value)
        found = _result(value)
        if found is None:
            return None
        body, usage, text, error = found
        name = as_str(value.get("custom_id")) or as_str(value.get("key")) or ""
        model = as_str(body.get("model")) or as_str(body.get("modelVersion"))
        results.append(BatchResult(name, model, usage))
        if error:
            chunks.append(Chunk(seq, name, "error", event.data, line=event.line, error=error))
            continue
        kind: ChunkKind = "text" if text else "other"  # embeddings results carry no text
        chunks.append(Chunk(seq, name, kind, event.data, text=text, line=event.line))
        if text:
            messages.append(Message(len(messages), "assistant", text, "response", name=name))
    if not chunks:
        return None
    models = [r.model for r in results if r.model]
    return Decoded(
        api="batch",
        stream=False,
        model=models[0] if models else None,
        chunks=tuple(chunks),
        messages=tuple(messages),
        usage=_sum([r.usage for r in results]),
        complete=True,
        facts=CallFacts(n_outputs=len(chunks), status="results"),
        results=tuple(results),
    )


def _lifecycle(exchange: Exchange) -> Decoded:
    body = request_fields(exchange.request)
    read = body_chunks(exchange, "batch", "control")
    value = read.value
    requests = as_list(body.get("requests")) or as_list(
        as_dict(as_dict(body.get("batch")).get("input_config")).get("requests")
    )
    counts = as_dict(value.get("request_counts"))
    total = as_int(counts.get("total"))
    if total is None and counts:
        total = sum(as_int(v) or 0 for v in counts.values())
    first = as_dict(as_dict(requests[0]).get("params")) if requests else {}
    metadata = as_dict(value.get("metadata"))
    model = (
        as_str(value.get("model"))
        or as_str(first.get("model"))
        or as_str(body.get("model"))
        or url_model(exchange.request.url)
    )
    status = (
        as_str(value.get("processing_status"))
        or as_str(value.get("status"))
        or as_str(value.get("state"))
        or as_str(metadata.get("state"))
    )
    return Decoded(
        api="batch",
        stream=False,
        model=model,
        request_model=as_str(first.get("model")) or as_str(body.get("model")),
        response_id=as_str(value.get("id")) or as_str(value.get("name")),
        chunks=read.chunks,
        complete=read.complete,
        error=read.error,
        facts=CallFacts(n_inputs=len(requests) if requests else total, status=status),
    )


def decode(exchange: Exchange) -> Decoded:
    """Read one batch exchange: a results file, a lifecycle call, or a download that is neither."""
    path = path_of(exchange.request.url).rstrip("/")
    if exchange.response.status < 400 and (path.endswith("/results") or _is_file_content(path)):
        results = _results(exchange)
        if results is not None:
            return results
    if _is_file_content(path):
        return generic.decode(exchange)
    return _lifecycle(exchange)


DECODER = Decoder(api="batch", matches=matches, decode=decode)
