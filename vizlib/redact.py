"""Redaction of secrets for display: the functions every frame, view and report calls.

The engine lives in `vizlib.secrets`; this module keeps the names callers
use. What is masked: see the README's "Redaction" section.
"""

from __future__ import annotations

from vizlib.secrets import (
    MASK,
    SECRET_HEADERS,
    is_secret_header,
    is_secret_param,
    mask_fragments,
    redact_headers,
    redact_parts,
    redact_quoting,
    redact_text,
    redact_url,
)
from vizlib.secrets.records import redact_body, redact_stream


def shown_name(name: str, *, redact: bool) -> str:
    """A file or cassette name as an output shows it: secrets masked where `redact`."""
    return redact_text(name) if redact else name


__all__ = [
    "MASK",
    "SECRET_HEADERS",
    "is_secret_header",
    "is_secret_param",
    "mask_fragments",
    "redact_body",
    "redact_headers",
    "redact_parts",
    "redact_quoting",
    "redact_stream",
    "redact_text",
    "redact_url",
    "shown_name",
]
