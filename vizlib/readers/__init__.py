"""Cassette containers: recorder file formats read into `Exchange` records.

Each module reads one container; `read_exchanges` detects which from the
content, never from the file name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vizlib.errors import CassetteError
from vizlib.readers._document import parse_document
from vizlib.readers.govcr import is_govcr, read_govcr
from vizlib.records import Exchange

__all__ = ["read_exchanges"]

_Reader = Callable[..., list[Exchange]]
_CONTAINERS: list[tuple[str, Callable[[Any], bool], _Reader]] = [
    ("go-vcr", is_govcr, read_govcr),
]


def read_exchanges(content: str | bytes, *, name: str) -> tuple[str, list[Exchange]]:
    """Detect the container of a cassette's content and read its exchanges.

    Returns the container's name and the exchanges in file order.
    """
    data = parse_document(content, name=name)
    for container, detect, read in _CONTAINERS:
        if detect(data):
            return container, read(data, name=name)
    raise CassetteError(f"not a cassette: found {_describe(data)}", file=name)


def _describe(data: Any) -> str:
    if isinstance(data, dict):
        keys = ", ".join(sorted(map(str, data))[:6])
        return f"a mapping with keys {keys or 'none'}" if keys else "an empty mapping"
    return f"a {type(data).__name__}" if data is not None else "an empty document"
