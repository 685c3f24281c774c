"""What the non-chat decoders share: request fields, models in URLs, bodies as chunks.

Request fields come from a JSON body or a multipart form; a response body
becomes chunks, HTTP errors becoming error chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from vizlib.decoders._bodies import JsonError
from vizlib.decoders._lines import line_events
from vizlib.decoders.base import as_dict, as_str, body_text, dumps, request_json
from vizlib.records import Chunk, ChunkKind, Exchange, HttpRequest

_MAX_FIELD = 4096
_URL_MODEL = re.compile(r"/(?:models|model|deployments)/([^/:]+)")
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_FIELD_NAME = re.compile(r'name="([^"]*)"', re.IGNORECASE)


def path_of(url: str) -> str:
    """The path of a URL, without query."""
    try:
        return urlsplit(url).path if "://" in url else url.split("?", 1)[0]
    except ValueError:  # not a URL (an unclosed IPv6 bracket...)
        return url.split("?", 1)[0]


def url_model(url: str) -> str | None:
    """A model named in the path (`models/<model>:embedContent`, Bedrock's `model/<id>`)."""
    found = _URL_MODEL.search(path_of(url))
    return unquote(found.group(1)) if found else None


def form_fields(request: HttpRequest) -> dict[str, str]:
    """The text fields of a multipart form body (file parts are skipped, values capped)."""
    content_type = request.header("Content-Type") or ""
    found = _BOUNDARY.search(content_type)
    if not found or not request.body:
        return {}
    body = request.body if isinstance(request.body, bytes) else request.body.encode()
    fields: dict[str, str] = {}
    for part in body.split(b"--" + found.group(1).encode()):
        head, sep, value = part.partition(b"\r\n\r\n")
        if not sep or b"filename=" in head:
            continue
        name = _FIELD_NAME.search(head.decode("utf-8", errors="replace"))
        if name:
            text = value[:_MAX_FIELD].decode("utf-8", errors="replace")
            fields[name.group(1)] = text.removesuffix("\r\n")
    return fields


def request_fields(request: HttpRequest) -> dict[str, Any]:
    """The request's parameters: its JSON object, else its multipart text fields."""
    return request_json(request) or dict(form_fields(request))


@dataclass(frozen=True, slots=True)
class BodyChunks:
    """A response body read as chunks, and what they hold.

    `values` holds each chunk's JSON object ({} where none), `value` the last
    one, `error` the error the body carried.
    """

    chunks: tuple[Chunk, ...]
    value: dict[str, Any]
    values: tuple[dict[str, Any], ...]
    streamed: bool
    complete: bool
    error: str | None
    n_comments: int = 0


def error_text(value: dict[str, Any], status: int) -> str:
    """The message of an error body, or `HTTP <status>`."""
    error = value.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or dumps(error))
    if error:
        return str(error)
    return as_str(value.get("message")) or f"HTTP {status}"


def body_chunks(exchange: Exchange, event: str, kind: ChunkKind = "other") -> BodyChunks:
    """One chunk per event of the body (the whole body where it is not a stream)."""
    events = line_events(exchange.response)
    status = exchange.response.status
    chunks: list[Chunk] = []
    values: list[dict[str, Any]] = []
    error = None
    for seq, item in enumerate(events.events):
        value = as_dict(item.value)
        values.append(value)
        if isinstance(item.value, JsonError):
            if events.streamed:
                chunks.append(
                    Chunk(
                        seq,
                        item.event or "",
                        "error",
                        item.data,
                        line=item.line,
                        error=str(item.value),
                    )
                )
                continue
            if status >= 400:  # an error page that is not JSON
                error = f"HTTP {status}"
                chunks.append(Chunk(seq, "error", "error", item.data, line=item.line, error=error))
            else:  # a binary or text payload (speech audio, plain-text transcript)
                chunks.append(Chunk(seq, event, kind, item.data, line=item.line))
            continue
        if status >= 400 or value.get("error"):
            error = error_text(value, status)
            chunks.append(Chunk(seq, "error", "error", item.data, line=item.line, error=error))
            continue
        name = item.event or as_str(value.get("type")) or as_str(value.get("object")) or event
        chunks.append(Chunk(seq, name, kind, item.data, line=item.line))
    return BodyChunks(
        tuple(chunks),
        next((v for v in reversed(values) if v), {}),
        tuple(values),
        events.streamed,
        events.terminated,
        error,
        events.n_comments,
    )


def plain_text(exchange: Exchange) -> str:
    """The response body as text."""
    return body_text(exchange.response.body)
