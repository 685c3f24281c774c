"""Audio: transcriptions, translations and speech, OpenAI-shaped (OpenAI, Azure, Groq...).

Paths: `/audio/transcriptions`, `/audio/translations`, `/audio/speech`.

Transcription requests are multipart forms (model, file); responses are
JSON (`text`, `duration`, `usage` in tokens or seconds), plain text, or an
SSE stream of `transcript.text.delta` events. Speech returns audio bytes:
its size in characters is the request's `input`.
"""

from __future__ import annotations

from typing import Any

from vizlib.decoders._calls import BodyChunks, body_chunks, path_of, plain_text, request_fields
from vizlib.decoders.base import Decoder, as_dict, as_float, as_int, as_str, dumps, with_total
from vizlib.records import CallFacts, Chunk, Decoded, Exchange, HttpRequest, Message, Usage


def matches(request: HttpRequest) -> bool:
    """Audio endpoints."""
    path = path_of(request.url).rstrip("/")
    return path.endswith(("/audio/transcriptions", "/audio/translations", "/audio/speech"))


def _usage(usage: dict[str, Any]) -> Usage:
    if as_str(usage.get("type")) == "duration" or not usage:
        return Usage(raw=dumps(usage)) if usage else Usage()
    return with_total(
        Usage(
            input_tokens=as_int(usage.get("input_tokens")),
            output_tokens=as_int(usage.get("output_tokens")),
            total_tokens=as_int(usage.get("total_tokens")),
            raw=dumps(usage),
        )
    )


def _transcript(exchange: Exchange, read: BodyChunks) -> tuple[tuple[Chunk, ...], str]:
    """Chunks with their text filled: deltas for a stream, the whole text otherwise."""
    chunks, text = [], []
    for chunk, value in zip(read.chunks, read.values, strict=True):
        if chunk.kind == "error":
            chunks.append(chunk)
            continue
        piece = as_str(value.get("delta")) if read.streamed else as_str(value.get("text"))
        if not read.streamed and not value:  # a plain-text transcript
            piece = plain_text(exchange)
        if piece is None:
            chunks.append(chunk)
            continue
        text.append(piece)
        chunks.append(Chunk(chunk.seq, chunk.event, "text", chunk.raw, text=piece, line=chunk.line))
    return tuple(chunks), "".join(text)


def decode(exchange: Exchange) -> Decoded:
    """Read one audio exchange."""
    body = request_fields(exchange.request)
    speech = path_of(exchange.request.url).rstrip("/").endswith("/audio/speech")
    read = body_chunks(exchange, "speech" if speech else "transcription")
    model = as_str(body.get("model"))
    chunks, text = (read.chunks, "") if speech or read.error else _transcript(exchange, read)
    usage_value = as_dict(read.value.get("usage"))
    duration = as_float(read.value.get("duration")) or as_float(usage_value.get("seconds"))
    spoken = as_str(body.get("input"))
    reply = (Message(0, "assistant", text, "response"),) if text else ()
    return Decoded(
        api="audio",
        stream=read.streamed,
        model=model,
        request_model=model,
        chunks=chunks,
        messages=reply,
        usage=_usage(usage_value) if not read.error else Usage(),
        complete=read.complete,
        error=read.error,
        facts=CallFacts(
            n_inputs=1,
            audio_s=duration,
            characters=len(spoken) if speech and spoken is not None else None,
        ),
    )


DECODER = Decoder(api="audio", matches=matches, decode=decode)
