"""Stored HTTP bodies to text where they are text: content encodings undone, shapes unified.

Decoding is bounded: every body is counted against `Limits.body_bytes` and
its file's `Limits.decoded_bytes`, and decompression streams and stops past
the limit, so a small compressed body cannot grow without end.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any

import brotli
import orjson

from vizlib.limits import body_limits, body_too_large, charge_body
from vizlib.records import Body, Headers, header_value

_STEP = 1 << 20  # decompressed bytes produced per step


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
        charge_body(len(body))
        return body
    if isinstance(body, dict | list):  # already-parsed JSON, as some serializers store it
        text = orjson.dumps(body, default=repr, option=orjson.OPT_NON_STR_KEYS).decode()
        charge_body(len(text))
        return text
    if not isinstance(body, bytes | bytearray):
        return str(body)
    data = decompress(bytes(body), (header_value(headers, "Content-Encoding") or "").lower())
    charge_body(len(data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def decompress(data: bytes, encoding: str) -> bytes:
    """Undo a content encoding; data that is not really encoded is returned as it is.

    Raises `CassetteError` where the output would pass `Limits.body_bytes`.
    """
    cap = body_limits().body_bytes
    try:
        if data[:2] == b"\x1f\x8b":
            return _inflate(data, zlib.MAX_WBITS | 16, cap)
        if "br" in encoding:
            return _unbrotli(data, cap)
        if "deflate" in encoding:
            return _inflate(data, zlib.MAX_WBITS, cap)
        if "zstd" in encoding:
            return _unzstd(data, cap)
    except (OSError, EOFError, zlib.error, brotli.error):
        return data
    return data


def _inflate(data: bytes, wbits: int, cap: int) -> bytes:
    """Gzip (every member) or zlib data inflated step by step, refused past `cap` bytes."""
    out: list[bytes] = []
    size = 0
    inflater = zlib.decompressobj(wbits)
    pending = data
    while True:
        piece = inflater.decompress(pending, min(_STEP, cap - size + 1))
        size += len(piece)
        if size > cap:
            raise body_too_large(body_limits())
        out.append(piece)
        if inflater.eof:
            rest = inflater.unused_data
            if wbits & 16 and rest[:2] == b"\x1f\x8b":  # another gzip member follows
                inflater, pending = zlib.decompressobj(wbits), rest
                continue
            return b"".join(out)
        pending = inflater.unconsumed_tail
        if not pending and not piece:
            raise EOFError("compressed data ends early")


def _unbrotli(data: bytes, cap: int) -> bytes:
    """Brotli data decompressed step by step, refused past `cap` bytes."""
    out: list[bytes] = []
    size = 0
    decompressor = brotli.Decompressor()
    pending = data
    while True:
        piece = bytes(decompressor.process(pending, output_buffer_limit=_STEP))
        pending = b""
        size += len(piece)
        if size > cap:
            raise body_too_large(body_limits())
        out.append(piece)
        if decompressor.is_finished():
            return b"".join(out)
        if not piece and decompressor.can_accept_more_data():
            raise EOFError("compressed data ends early")


def _unzstd(data: bytes, cap: int) -> bytes:
    """Zstandard data decompressed step by step, refused past `cap` bytes."""
    import zstandard  # noqa: PLC0415 - loaded for the rare zstd body

    out: list[bytes] = []
    size = 0
    try:
        with zstandard.ZstdDecompressor().stream_reader(data) as reader:
            while piece := reader.read(_STEP):
                size += len(piece)
                if size > cap:
                    raise body_too_large(body_limits())
                out.append(piece)
    except zstandard.ZstdError:
        return data
    return b"".join(out)


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
