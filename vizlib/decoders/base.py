"""The decoder interface, and helpers every wire format shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import orjson

from vizlib.limits import check_json_values
from vizlib.records import Api, Body, Decoded, Exchange, HttpRequest, Usage


@dataclass(frozen=True, slots=True)
class Decoder:
    """One wire format: which requests it claims, and how it reads an exchange.

    `decode` never raises on bad data: what it cannot read becomes a chunk of
    kind `error`, or `Decoded.error`.
    """

    api: Api
    matches: Callable[[HttpRequest], bool]
    decode: Callable[[Exchange], Decoded]


def body_text(body: Body) -> str:
    """A body as text; bytes that are not UTF-8 are decoded with replacement marks."""
    return body if isinstance(body, str) else body.decode("utf-8", errors="replace")


def parse_json(text: str | bytes) -> tuple[Any, str | None]:
    """Parse JSON once: `(value, None)`, or `(None, reason)` if it is not JSON.

    JSON of more values than `Limits.json_values` is refused (`CassetteError`).
    """
    check_json_values(text)
    try:
        return orjson.loads(text), None
    except orjson.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc}"


def request_json(request: HttpRequest) -> dict[str, Any]:
    """The request body as a JSON object, or {} where it is not one."""
    if not request.body:
        return {}
    value, _ = parse_json(request.body)
    return value if isinstance(value, dict) else {}


_INT64 = range(-(2**63), 2**63)


def as_int(value: object) -> int | None:
    """An integer count or index from a wire value, or None.

    None beyond 64 bits too: no count or index is that large, and frames,
    JSON and prices hold 64-bit integers.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value in _INT64 else None
    if isinstance(value, float) and value.is_integer() and -(2.0**63) <= value < 2.0**63:
        return int(value)
    return None


def as_float(value: object) -> float | None:
    """A number from a wire value, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def as_str(value: object) -> str | None:
    """A string from a wire value, or None."""
    return value if isinstance(value, str) else None


def as_dict(value: object) -> dict[str, Any]:
    """A mapping from a wire value, or {}."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    """A list from a wire value, or []."""
    return value if isinstance(value, list) else []


def dumps(value: object) -> str:
    """Compact JSON text of a value."""
    return orjson.dumps(value, default=repr, option=orjson.OPT_NON_STR_KEYS).decode()


def with_total(usage: Usage) -> Usage:
    """Fill what the provider left implicit.

    `total_tokens` becomes input plus output where none was reported, and the
    reported counts default to the normalised ones (for providers whose own
    counts already mean the same).
    """
    total = usage.total_tokens
    if total is None and usage.input_tokens is not None:
        total = usage.input_tokens + (usage.output_tokens or 0)
    return replace(
        usage,
        total_tokens=total,
        reported_input_tokens=(
            usage.reported_input_tokens
            if usage.reported_input_tokens is not None
            else usage.input_tokens
        ),
        reported_output_tokens=(
            usage.reported_output_tokens
            if usage.reported_output_tokens is not None
            else usage.output_tokens
        ),
    )
