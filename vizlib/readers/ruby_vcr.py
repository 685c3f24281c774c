"""Ruby VCR cassettes, YAML or JSON (`http_interactions`, `recorded_at`).

Bodies are `{encoding, string}` or `{encoding, base64_string}`; Ruby's YAML
writes binary strings with the `!binary` tag, which the loader decodes.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

from vizlib.readers._bodies import normalise_headers, stored_body
from vizlib.readers._common import field, mapping, status_code
from vizlib.records import Exchange, HttpRequest, HttpResponse


def is_ruby_vcr(data: Any) -> bool:
    """True for a Ruby VCR cassette."""
    return isinstance(data, dict) and isinstance(data.get("http_interactions"), list)


def read_ruby_vcr(data: dict[str, Any], *, name: str) -> list[Exchange]:
    """Exchanges of a Ruby VCR cassette."""
    return [
        _exchange(index, mapping(item, name=name, index=index))
        for index, item in enumerate(data["http_interactions"])
    ]


def _recorded_at(value: Any) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value)).isoformat()
    except (TypeError, ValueError):
        return str(value)


def _exchange(index: int, item: dict[str, Any]) -> Exchange:
    request = field(item, "request")
    response = field(item, "response")
    req_headers = normalise_headers(request.get("headers"))
    resp_headers = normalise_headers(response.get("headers"))
    return Exchange(
        index=index,
        request=HttpRequest(
            method=str(request.get("method") or "get").upper(),
            url=str(request.get("uri") or ""),
            headers=req_headers,
            body=stored_body(request.get("body"), req_headers),
        ),
        response=HttpResponse(
            status=status_code(response.get("status")),
            headers=resp_headers,
            body=stored_body(response.get("body"), resp_headers),
            started_at=_recorded_at(item.get("recorded_at")),
        ),
    )
