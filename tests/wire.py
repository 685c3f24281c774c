"""Independent readings of raw bodies, to check the loader against the wire."""

from __future__ import annotations

import re

import yaml

_BLANK_LINE = re.compile(r"\r?\n\r?\n")


def count_sse_events(body: str) -> int:
    """Blocks of lines separated by blank lines that carry a `data:` or `event:` field."""
    return sum(
        1
        for block in _BLANK_LINE.split(body)
        if any(line.startswith(("data:", "event:")) for line in block.splitlines())
    )


def raw_govcr(path: object) -> dict:  # type: ignore[type-arg]
    """The cassette as plain YAML data, read with PyYAML's own safe loader."""
    with open(path, "rb") as handle:  # type: ignore[call-overload]
        return yaml.safe_load(handle)  # type: ignore[no-any-return]


def count_frames(data: bytes) -> int:
    """AWS event-stream frames, walked by their total-length prefix alone."""
    count, at = 0, 0
    while at + 4 <= len(data):
        at += int.from_bytes(data[at : at + 4], "big")
        count += 1
    return count


def count_lines(text: str) -> int:
    """Non-blank lines: the events of a newline-delimited JSON stream."""
    return sum(1 for line in text.splitlines() if line.strip())
