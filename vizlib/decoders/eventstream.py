"""The AWS binary event stream (`application/vnd.amazon.eventstream`), frame by frame.

A frame is a 12-byte prelude (total length, headers length, CRC32 of the
first 8 bytes), headers, a payload and a CRC32 of everything before it.
Both CRCs are checked: a frame that fails one is reported, never guessed at.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

PRELUDE = 12
MIN_FRAME = PRELUDE + 4
_FIXED = {0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16}


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame: its headers (string values only), payload, byte offset, and any error."""

    offset: int
    headers: dict[str, str] = field(default_factory=dict)
    payload: bytes = b""
    error: str | None = None


def _headers(data: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    at = 0
    while at < len(data):
        size = data[at]
        name = data[at + 1 : at + 1 + size].decode("utf-8", "replace")
        kind = data[at + 1 + size]
        at += 2 + size
        if kind in (6, 7):
            (length,) = struct.unpack_from(">H", data, at)
            value = data[at + 2 : at + 2 + length]
            if kind == 7:
                headers[name] = value.decode("utf-8", "replace")
            at += 2 + length
        elif kind in _FIXED:
            at += _FIXED[kind]
        else:
            raise ValueError(f"unknown header value type {kind}")
    return headers


def parse_frames(data: bytes) -> list[Frame]:
    """Every frame in `data`; where a prelude cannot be trusted, the rest is one error frame."""
    frames: list[Frame] = []
    at = 0
    while at < len(data):
        if len(data) - at < MIN_FRAME:
            frames.append(Frame(at, error=f"{len(data) - at} trailing bytes, shorter than a frame"))
            break
        total, headers_size, prelude_crc = struct.unpack_from(">III", data, at)
        if zlib.crc32(data[at : at + 8]) != prelude_crc:
            frames.append(
                Frame(at, error=f"prelude CRC mismatch at byte {at}; stream unreadable from here")
            )
            break
        if total < MIN_FRAME + headers_size or at + total > len(data):
            frames.append(
                Frame(at, error=f"frame at byte {at} claims {total} bytes; {len(data) - at} remain")
            )
            break
        frame = data[at : at + total]
        (message_crc,) = struct.unpack_from(">I", frame, total - 4)
        payload = frame[PRELUDE + headers_size : total - 4]
        try:
            headers = _headers(frame[PRELUDE : PRELUDE + headers_size])
        except (ValueError, IndexError, struct.error) as exc:
            frames.append(Frame(at, payload=payload, error=f"bad headers: {exc}"))
            at += total
            continue
        error = None
        if zlib.crc32(frame[:-4]) != message_crc:
            error = f"message CRC mismatch in frame at byte {at}"
        frames.append(Frame(at, headers, payload, error))
        at += total
    return frames


def encode_frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One frame with string headers: the inverse of `parse_frames`, for tests and samples."""
    head = b"".join(
        bytes([len(k.encode())])
        + k.encode()
        + b"\x07"
        + struct.pack(">H", len(v.encode()))
        + v.encode()
        for k, v in headers.items()
    )
    total = PRELUDE + len(head) + len(payload) + 4
    prelude = struct.pack(">II", total, len(head))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + head + payload
    return body + struct.pack(">I", zlib.crc32(body))
