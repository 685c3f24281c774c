"""HAR 1.2 archives (browser devtools, Playwright, Polly.js): `log.entries`.

HAR keeps measured times: `time` (ms) becomes `duration_s` and
`startedDateTime` the start. Bodies may be base64 (`encoding: base64`), and
Polly.js stores a gzip body as a JSON array of base64 chunks.
"""

from __future__ import annotations

import math
from typing import Any

import orjson

from vizlib.readers._bodies import b64decode, decode_body, normalise_headers
from vizlib.readers._common import field, mapping, status_code
from vizlib.records import Body, Exchange, Headers, HttpRequest, HttpResponse, header_value


def is_har(data: Any) -> bool:
    """True for a HAR archive."""
    return isinstance(data, dict) and isinstance(field(data, "log").get("entries"), list)


def read_har(data: dict[str, Any], *, name: str) -> list[Exchange]:
    """Exchanges of a HAR archive, in the order of the entries."""
    return [
        _exchange(index, mapping(item, name=name, index=index))
        for index, item in enumerate(data["log"]["entries"])
    ]


def _duration(entry: dict[str, Any]) -> float:
    time = entry.get("time")
    if isinstance(time, int | float) and not isinstance(time, bool) and time >= 0:
        return float(time) / 1000.0
    return math.nan


def _content(content: dict[str, Any], headers: Headers) -> Body:
    text = content.get("text")
    if not isinstance(text, str):
        return decode_body(text, headers)
    if content.get("encoding") == "base64":
        raw = b64decode(text)
        return decode_body(raw if raw is not None else text, headers)
    if text.startswith('["') and _is_gzipped(headers):
        chunks = orjson.loads(text)
        pieces = [b64decode(c) if isinstance(c, str) else None for c in chunks]
        if all(p is not None for p in pieces):
            return decode_body(b"".join(p for p in pieces if p is not None), headers)
    return text


def _is_gzipped(headers: Headers) -> bool:
    return "gzip" in (header_value(headers, "Content-Encoding") or "")


def _exchange(index: int, entry: dict[str, Any]) -> Exchange:
    request = field(entry, "request")
    response = field(entry, "response")
    req_headers = normalise_headers(request.get("headers"))
    resp_headers = normalise_headers(response.get("headers"))
    post = field(request, "postData")
    return Exchange(
        index=index,
        request=HttpRequest(
            method=str(request.get("method") or "GET").upper(),
            url=str(request.get("url") or ""),
            headers=req_headers,
            body=decode_body(post.get("text"), req_headers),
        ),
        response=HttpResponse(
            status=status_code(response.get("status")),
            headers=resp_headers,
            body=_content(field(response, "content"), resp_headers),
            duration_s=_duration(entry),
            started_at=entry.get("startedDateTime"),
        ),
    )
