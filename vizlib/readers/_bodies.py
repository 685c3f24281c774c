"""Turn stored HTTP bodies into text where they are text, undoing content encodings."""

from __future__ import annotations

import base64
import gzip
import zlib

from vizlib.records import Body, Headers


def normalise_headers(raw: object) -> Headers:
    """Headers as `{name: [values]}` from the mapping shapes recorders write."""
    if not isinstance(raw, dict):
        return {}
    out: Headers = {}
    for key, value in raw.items():
        if isinstance(value, list):
            out[str(key)] = [str(v) for v in value]
        elif value is not None:
            out[str(key)] = [str(value)]
    return out


def decode_body(body: object, headers: Headers) -> Body:
    """The body as text where it decodes as UTF-8, else as bytes; gzip and deflate undone."""
    if body is None:
        return ""
    if isinstance(body, str):
        return body
    if not isinstance(body, bytes | bytearray):
        return str(body)
    data = _decompress(bytes(body), _content_encoding(headers).lower())
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def _decompress(data: bytes, encoding: str) -> bytes:
    try:
        if data[:2] == b"\x1f\x8b":
            return gzip.decompress(data)
        if "deflate" in encoding:
            return zlib.decompress(data)
    except (OSError, EOFError, zlib.error):
        return data
    return data


def base64_body(text: str) -> bytes:
    """Bytes of a base64 text, tolerant of line breaks."""
    return base64.b64decode("".join(text.split()))


def _content_encoding(headers: Headers) -> str:
    for key, values in headers.items():
        if key.lower() == "content-encoding" and values:
            return values[0]
    return ""
