"""The request and response of an interaction as readable text, secrets redacted."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from vizlib.cassette import Cassette
from vizlib.records import Body, Decoded, Headers
from vizlib.redact import redact_body, redact_headers, redact_stream, redact_url

MAX_BODY_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class RawExchange:
    """Request line, headers and bodies, pretty-printed where JSON, with secrets masked."""

    request_line: str
    request_headers: str
    request_body: str
    status: int
    response_headers: str
    response_body: str


def _headers(headers: Headers, *, redact: bool) -> str:
    shown = redact_headers(headers) if redact else headers
    return "\n".join(f"{k}: {v}" for k, values in shown.items() for v in values)


def _body(body: Body, *, redact: bool, decoded: Decoded | None = None) -> str:
    """A body as text; `decoded`: the response it is, where a secret may span its events."""
    if isinstance(body, bytes):
        text = f"<{len(body):,} bytes of binary data>"
    else:
        try:
            text = orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONDecodeError:
            text = body
    if redact:  # before the cut, so a key cut in two is still found whole
        as_recorded = decoded is not None and text is body  # not pretty-printed JSON
        text = redact_stream(text, decoded) if decoded and as_recorded else redact_body(text)
    if len(text) > MAX_BODY_CHARS:
        text = text[:MAX_BODY_CHARS] + f"\n… {len(text) - MAX_BODY_CHARS:,} more characters"
    return text


def raw_exchange(cassette: Cassette, interaction: int, *, redact: bool = True) -> RawExchange:
    """The interaction's exchange as text; `redact=False` only for one's own eyes."""
    record = cassette.records[interaction]
    request, response = record.exchange.request, record.exchange.response
    url = redact_url(request.url) if redact else request.url
    return RawExchange(
        request_line=f"{request.method} {url}",
        request_headers=_headers(request.headers, redact=redact),
        request_body=_body(request.body, redact=redact),
        status=response.status,
        response_headers=_headers(response.headers, redact=redact),
        response_body=_body(response.body, redact=redact, decoded=record.decoded),
    )
