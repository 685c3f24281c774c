"""Stored HTTP bodies to text where they are text: content encodings undone, shapes unified."""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from typing import Any

import brotli
import orjson

from vizlib.records import Body, Headers, header_value


def normalise_headers(raw: object) -> Headers:
    """Headers as `{name: [values]}` from the mapping or list shapes recorders write."""
    out: Headers = {}
    if isinstance(raw, list):  # HAR: [{"name": ..., "value": ...}]
        for item in raw:
            if isinstance(item, dict) and "name" in item:
                out.setdefault(str(item["name"]), []).append(str(item.get("value", "")))
        return out
    if not isinstance(raw, dict):
        return {}
    for key, value in raw.items():
        if isinstance(value, list):
            out[str(key)] = [str(v) for v in value]
        elif value is not None:
            out[str(key)] = [str(value)]
    return out


def decode_body(body: object, headers: Headers) -> Body:
    """The body as text where it decodes as UTF-8, else as bytes; gzip, deflate, br undone."""
    if body is None:
        return ""
    if isinstance(body, str):
        return body
    if isinstance(body, dict | list):  # already-parsed JSON, as some serializers store it
        return orjson.dumps(body, default=repr, option=orjson.OPT_NON_STR_KEYS).decode()
    if not isinstance(body, bytes | bytearray):
        return str(body)
    data = decompress(bytes(body), (header_value(headers, "Content-Encoding") or "").lower())
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def decompress(data: bytes, encoding: str) -> bytes:
    """Undo a content encoding; data that is not really encoded is returned as it is."""
    try:
        if data[:2] == b"\x1f\x8b":
            return gzip.decompress(data)
        if "br" in encoding:
            return bytes(brotli.decompress(data))
        if "deflate" in encoding:
            return zlib.decompress(data)
    except (OSError, EOFError, zlib.error, brotli.error):
        return data
    return data


def b64decode(text: str) -> bytes | None:
    """Bytes of a base64 text (line breaks allowed), or None where it is not base64."""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def stored_body(stored: Any, headers: Headers, parsed: Any = None) -> Body:
    """A body in the shapes VCR recorders store: a string, `{string: ...}`, `{base64_string: ...}`.

    `parsed` is a body a custom serializer stored already parsed (pydantic-ai's
    `parsed_body`); it is used where no string body was kept.
    """
    if isinstance(stored, dict):
        if "base64_string" in stored and isinstance(stored["base64_string"], str):
            raw = b64decode(stored["base64_string"])
            return decode_body(raw if raw is not None else stored["base64_string"], headers)
        stored = stored.get("string")
    if (stored is None or stored == "") and parsed is not None:
        return decode_body(parsed, headers)
    return decode_body(stored, headers)
