"""go-vcr cassettes, versions 1 and 2 (`interactions[].request.url`, Go durations)."""

from __future__ import annotations

import math
import re
from typing import Any

from vizlib.readers._bodies import decode_body, normalise_headers
from vizlib.readers._common import field, mapping, status_code
from vizlib.readers.xai_samples import is_xai_samples
from vizlib.records import Exchange, HttpRequest, HttpResponse

_GO_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}


def is_govcr(data: Any) -> bool:
    """True for a go-vcr cassette: interactions whose requests name a `url`."""
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        return False
    if "http_interactions" in data:
        return False
    requests = [field(item, "request") for item in data["interactions"][:50]]
    if any("url" in r for r in requests):
        return True
    # no request names a url: a VCR.py (`uri`) or xAI recording, or entries too broken to tell,
    # which are read here, where each broken one is reported where it is
    return not any("uri" in r for r in requests) and not is_xai_samples(data)


def parse_go_duration(value: object) -> float:
    """Seconds in a Go `time.Duration` string such as `1m2.5s` or `721.622792ms`; NaN if none."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) / 1e9  # go-vcr v1 may store nanoseconds
    if not isinstance(value, str) or not value.strip():
        return math.nan
    text = value.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-")
    if text == "0":
        return 0.0
    total, end = 0.0, 0
    for match in _GO_DURATION_PART.finditer(text):
        if match.start() != end:
            return math.nan
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        end = match.end()
    return sign * total if end == len(text) and end else math.nan


def read_govcr(data: dict[str, Any], *, name: str) -> list[Exchange]:
    """Exchanges of a go-vcr cassette (every field optional)."""
    exchanges = []
    for index, raw in enumerate(data["interactions"]):
        item = mapping(raw, name=name, index=index)
        request = field(item, "request")
        response = field(item, "response")
        req_headers = normalise_headers(request.get("headers"))
        resp_headers = normalise_headers(response.get("headers"))
        exchanges.append(
            Exchange(
                index=index,
                request=HttpRequest(
                    method=str(request.get("method") or "GET"),
                    url=str(request.get("url") or ""),
                    headers=req_headers,
                    body=decode_body(request.get("body"), req_headers),
                ),
                response=HttpResponse(
                    status=status_code(response.get("code") or response.get("status")),
                    headers=resp_headers,
                    body=decode_body(response.get("body"), resp_headers),
                    duration_s=parse_go_duration(response.get("duration")),
                ),
            )
        )
    return exchanges
