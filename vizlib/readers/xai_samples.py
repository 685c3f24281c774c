"""xAI SDK (gRPC) recordings, as pydantic-ai stores them: `request_sample` / `response_sample`.

Each interaction keeps the protobuf message as JSON (`json`) beside its wire
bytes (`raw`). There is no HTTP URL: exchanges are given the gRPC method's
address, `grpc://api.x.ai/xai_api.Chat/GetCompletion`, and status 200.
"""

from __future__ import annotations

from typing import Any

import orjson

from vizlib.readers._common import first_mapping, mapping
from vizlib.records import Exchange, HttpRequest, HttpResponse

URL = "grpc://api.x.ai/xai_api.Chat/GetCompletion"
_JSON = {"Content-Type": ["application/json"]}


def is_xai_samples(data: Any) -> bool:
    """True for interactions recorded as request and response samples."""
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        return False
    first = first_mapping(data["interactions"])
    return first is not None and "request_sample" in first


def _json_text(sample: Any) -> str:
    value = sample.get("json") if isinstance(sample, dict) else None
    if value is None:
        return ""
    return orjson.dumps(value, default=repr, option=orjson.OPT_NON_STR_KEYS).decode()


def read_xai_samples(data: dict[str, Any], *, name: str) -> list[Exchange]:
    """Exchanges of an xAI SDK recording."""
    exchanges = []
    for index, raw in enumerate(data["interactions"]):
        item = mapping(raw, name=name, index=index)
        exchanges.append(
            Exchange(
                index,
                HttpRequest("POST", URL, dict(_JSON), _json_text(item.get("request_sample"))),
                HttpResponse(200, dict(_JSON), _json_text(item.get("response_sample"))),
            )
        )
    return exchanges
