"""Cassette containers: recorder file formats read into `Exchange` records.

Each module reads one container; `read_exchanges` detects which from the
content, never from the file name, within the bounds of `vizlib.limits`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vizlib.errors import CassetteError
from vizlib.limits import Limits, file_budget
from vizlib.readers._document import parse_document
from vizlib.readers.govcr import is_govcr, read_govcr
from vizlib.readers.har import is_har, read_har
from vizlib.readers.httprr import is_httprr, read_httprr
from vizlib.readers.ruby_vcr import is_ruby_vcr, read_ruby_vcr
from vizlib.readers.vcrpy import is_vcrpy, read_vcrpy
from vizlib.readers.xai_samples import is_xai_samples, read_xai_samples
from vizlib.records import Body, Exchange

__all__ = ["CONTAINERS", "Limits", "read_exchanges"]

_Reader = Callable[..., list[Exchange]]
CONTAINERS: list[tuple[str, Callable[[Any], bool], _Reader]] = [
    ("go-vcr", is_govcr, read_govcr),
    ("xai-sdk", is_xai_samples, read_xai_samples),  # before vcr.py: both hold `interactions`
    ("vcr.py", is_vcrpy, read_vcrpy),
    ("ruby-vcr", is_ruby_vcr, read_ruby_vcr),
    ("har", is_har, read_har),
]


def read_exchanges(content: str | bytes, *, name: str) -> tuple[str, list[Exchange]]:
    """Detect the container of a cassette's content and read its exchanges.

    Returns the container's name and the exchanges in file order. Content
    over a limit of `vizlib.limits.Limits` is refused with a `CassetteError`
    naming the limit.
    """
    with file_budget() as limits:
        try:
            container, exchanges = _read(content, name=name)
        except CassetteError as exc:
            raise exc.located(file=name) from exc
        if len(exchanges) > limits.interactions:
            raise limits.refusal("interactions", f"{len(exchanges):,} interactions", file=name)
        for exchange in exchanges:
            if not _events_at_most(exchange.response.body, limits.chunks):
                raise limits.refusal(
                    "chunks",
                    "the response has more stream events than the limit",
                    file=name,
                ).located(interaction=exchange.index)
    return container, exchanges


def _read(content: str | bytes, *, name: str) -> tuple[str, list[Exchange]]:
    raw = content.encode() if isinstance(content, str) else content
    if is_httprr(raw):
        return "httprr", read_httprr(raw, name=name)
    data = parse_document(content, name=name)
    for container, detect, read in CONTAINERS:
        if detect(data):
            return container, read(data, name=name)
    raise CassetteError(f"not a cassette: found {_describe(data)}", file=name)


def _events_at_most(body: Body, limit: int) -> bool:
    """Whether a body can hold no more than `limit` stream events, without parsing it.

    A text event ends at a blank line; a binary (AWS event stream) frame is
    at least 16 bytes and starts with its length.
    """
    if isinstance(body, str):
        if body.count("\n") + body.count("\r") < limit:
            return True
        if "\r" in body:
            body = body.replace("\r\n", "\n").replace("\r", "\n")
        return body.count("\n\n") < limit
    if len(body) // 16 <= limit:
        return True
    frames, offset = 0, 0
    while offset + 4 <= len(body):
        frames += 1
        if frames > limit:
            return False
        offset += max(16, int.from_bytes(body[offset : offset + 4], "big"))
    return True


def _describe(data: Any) -> str:
    if isinstance(data, dict):
        keys = ", ".join(sorted(map(str, data))[:6])
        return f"a mapping with keys {keys}" if keys else "an empty mapping"
    return f"a {type(data).__name__}" if data is not None else "an empty document"
