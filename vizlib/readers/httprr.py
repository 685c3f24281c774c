"""httprr traces (Go): a `httprr trace v1` line, then length-prefixed raw HTTP exchanges.

Each exchange is a line `<request bytes> <response bytes>`, the raw HTTP/1.1
request, then the raw response (chunked transfer encoding is undone here).
"""

from __future__ import annotations

from vizlib.errors import CassetteError
from vizlib.readers._bodies import decode_body
from vizlib.readers._common import status_code
from vizlib.records import Exchange, Headers, HttpRequest, HttpResponse, header_value

MAGIC = b"httprr trace v1\n"


def is_httprr(content: bytes) -> bool:
    """True for content that starts like an httprr trace."""
    return content.startswith(MAGIC)


def read_httprr(content: bytes, *, name: str) -> list[Exchange]:
    """Exchanges of an httprr trace."""
    exchanges: list[Exchange] = []
    at = len(MAGIC)
    while at < len(content):
        index = len(exchanges)
        end = content.find(b"\n", at)
        sizes = content[at:end].split() if end >= 0 else []
        if len(sizes) != 2 or not all(s.isdigit() for s in sizes):
            found = content[at : at + 40].decode("utf-8", "replace")
            raise CassetteError(
                f"expected a '<request bytes> <response bytes>' line, found {found!r}",
                file=name,
                interaction=index,
            )
        req_size, resp_size = int(sizes[0]), int(sizes[1])
        start = end + 1
        request = content[start : start + req_size]
        response = content[start + req_size : start + req_size + resp_size]
        if len(request) + len(response) < req_size + resp_size:
            raise CassetteError(
                f"trace ends early: expected {req_size + resp_size} bytes, found "
                f"{len(request) + len(response)}",
                file=name,
                interaction=index,
            )
        exchanges.append(_exchange(index, request, response))
        at = start + req_size + resp_size
    return exchanges


def _split_message(raw: bytes) -> tuple[str, Headers, bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers: Headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers.setdefault(key.strip(), []).append(value.strip())
    return lines[0], headers, body


def _dechunk(body: bytes) -> bytes:
    out, at = bytearray(), 0
    while at < len(body):
        end = body.find(b"\r\n", at)
        if end < 0:
            break
        size_text = body[at:end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return body  # not chunked after all: keep what was recorded
        if size == 0:
            break
        out += body[end + 2 : end + 2 + size]
        at = end + 2 + size + 2
    return bytes(out)


def _exchange(index: int, request: bytes, response: bytes) -> Exchange:
    request_line, req_headers, req_body = _split_message(request)
    status_line, resp_headers, resp_body = _split_message(response)
    method, _, rest = request_line.partition(" ")
    url = rest.rsplit(" ", 1)[0]
    if "chunked" in (header_value(resp_headers, "Transfer-Encoding") or ""):
        resp_body = _dechunk(resp_body)
    return Exchange(
        index=index,
        request=HttpRequest(method, url, req_headers, decode_body(req_body, req_headers)),
        response=HttpResponse(
            status=status_code(status_line.partition(" ")[2]),
            headers=resp_headers,
            body=decode_body(resp_body, resp_headers),
        ),
    )
