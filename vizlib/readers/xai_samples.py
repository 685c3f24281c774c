"""xAI SDK (gRPC) recordings, as pydantic-ai stores them.

Each interaction is one of:
- `request_sample` / `response_sample`: a unary chat call, the protobuf
  message as JSON (`json`) beside its wire bytes (`raw`);
- `request_stream` / `response_stream`: a streamed chat call, the response
  as its recorded chunks (`chunks_json`, `chunks_raw`);
- `collections_method`: a call to the Collections (document store) service
  (`method`, `request_json`, `response_json`).

There is no HTTP URL: exchanges are given the gRPC method's address
(`grpc://api.x.ai/xai_api.Chat/GetCompletion`, `.../GetCompletionChunk`,
`.../xai_api.Collections/<method>`) and status 200. A stream's chunks are
written one JSON line each, so every recorded chunk stays one event.
"""

from __future__ import annotations

from typing import Any

import orjson

from vizlib.readers._common import first_mapping, mapping
from vizlib.records import Exchange, HttpRequest, HttpResponse

URL = "grpc://api.x.ai/xai_api.Chat/GetCompletion"
STREAM_URL = "grpc://api.x.ai/xai_api.Chat/GetCompletionChunk"
COLLECTIONS_URL = "grpc://api.x.ai/xai_api.Collections/"
_KINDS = ("request_sample", "request_stream", "collections_method")
_JSON = {"Content-Type": ["application/json"]}
_NDJSON = {"Content-Type": ["application/x-ndjson"]}


def is_xai_samples(data: Any) -> bool:
    """True for interactions recorded as xAI SDK samples, streams or collections calls."""
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        return False
    first = first_mapping(data["interactions"])
    return first is not None and any(kind in first for kind in _KINDS)


def _dumps(value: Any) -> str:
    return orjson.dumps(value, default=repr, option=orjson.OPT_NON_STR_KEYS).decode()


def _json_text(sample: Any, key: str = "json") -> str:
    value = sample.get(key) if isinstance(sample, dict) else None
    return "" if value is None else _dumps(value)


def _exchange(index: int, item: dict[str, Any]) -> Exchange:
    if "collections_method" in item:
        call = item["collections_method"] if isinstance(item["collections_method"], dict) else {}
        method = str(call.get("method") or "unknown")
        return Exchange(
            index,
            HttpRequest(
                "POST", COLLECTIONS_URL + method, dict(_JSON), _json_text(call, "request_json")
            ),
            HttpResponse(200, dict(_JSON), _json_text(call, "response_json")),
        )
    if "request_stream" in item:
        stream = item.get("response_stream")
        chunks = stream.get("chunks_json") if isinstance(stream, dict) else None
        lines = [_dumps(chunk) for chunk in chunks] if isinstance(chunks, list) else []
        body = "".join(f"{line}\n" for line in lines)
        return Exchange(
            index,
            HttpRequest("POST", STREAM_URL, dict(_JSON), _json_text(item.get("request_stream"))),
            HttpResponse(200, dict(_NDJSON), body),
        )
    return Exchange(
        index,
        HttpRequest("POST", URL, dict(_JSON), _json_text(item.get("request_sample"))),
        HttpResponse(200, dict(_JSON), _json_text(item.get("response_sample"))),
    )


def read_xai_samples(data: dict[str, Any], *, name: str) -> list[Exchange]:
    """Exchanges of an xAI SDK recording, in file order whatever their kinds."""
    return [
        _exchange(index, mapping(raw, name=name, index=index))
        for index, raw in enumerate(data["interactions"])
    ]
