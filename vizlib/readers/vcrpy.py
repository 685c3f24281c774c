"""VCR.py cassettes, YAML or JSON (`interactions[].request.uri`, `status: {code, message}`).

Bodies may be strings, `{string: ...}` (text or `!!binary`, often gzip), or
already-parsed JSON under `parsed_body`, as pydantic-ai's serializer writes.
VCR.py records no timing.
"""

from __future__ import annotations

from typing import Any

from vizlib.readers._bodies import normalise_headers, stored_body
from vizlib.readers._common import field, mapping, status_code
from vizlib.records import Exchange, HttpRequest, HttpResponse


def is_vcrpy(data: Any) -> bool:
    """True for a VCR.py cassette: interactions whose requests name a `uri`."""
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        return False
    return any("uri" in field(item, "request") for item in data["interactions"][:50])


def read_vcrpy(data: dict[str, Any], *, name: str) -> list[Exchange]:
    """Exchanges of a VCR.py cassette."""
    return [
        _exchange(index, mapping(item, name=name, index=index))
        for index, item in enumerate(data["interactions"])
    ]


def _exchange(index: int, item: dict[str, Any]) -> Exchange:
    request = field(item, "request")
    response = field(item, "response")
    req_headers = normalise_headers(request.get("headers"))
    resp_headers = normalise_headers(response.get("headers"))
    return Exchange(
        index=index,
        request=HttpRequest(
            method=str(request.get("method") or "GET").upper(),
            url=str(request.get("uri") or ""),
            headers=req_headers,
            body=stored_body(request.get("body"), req_headers, request.get("parsed_body")),
        ),
        response=HttpResponse(
            status=status_code(response.get("status")),
            headers=resp_headers,
            body=stored_body(response.get("body"), resp_headers, response.get("parsed_body")),
        ),
    )
