"""Small helpers shared by the container readers."""

from __future__ import annotations

from typing import Any

from vizlib.errors import CassetteError


def mapping(item: Any, *, name: str, index: int, what: str = "interaction") -> dict[str, Any]:
    """`item` if it is a mapping, else a CassetteError saying what was found."""
    if not isinstance(item, dict):
        raise CassetteError(
            f"expected a mapping with request and response, found {type(item).__name__}",
            file=name,
            interaction=index,
        )
    return item


def field(item: Any, key: str) -> dict[str, Any]:
    """`item[key]` where it is a mapping, else {}: a part that is missing or of the wrong type."""
    value = item.get(key) if isinstance(item, dict) else None
    return value if isinstance(value, dict) else {}


def first_mapping(items: list[Any]) -> dict[str, Any] | None:
    """The first mapping in a list of interactions (broken entries are reported by the reader)."""
    return next((item for item in items if isinstance(item, dict)), None)


def status_code(status: Any) -> int:
    """An HTTP status from `200`, `"200 OK"` or `{code: 200, message: OK}`."""
    if isinstance(status, dict):
        status = status.get("code")
    if isinstance(status, bool):
        return 0
    if isinstance(status, int):
        return status if 0 <= status < 1000 else 0
    head = str(status or "").split(" ", 1)[0]
    return int(head) if head.isascii() and head.isdigit() and len(head) <= 3 else 0
