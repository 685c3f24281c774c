"""Findings of `vizlib check`: the rules, their default severities, and one finding's fields."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")

# Every rule: its default severity and what it means.
RULES: dict[str, tuple[Severity, str]] = {
    "secret/openai-key": ("error", "an OpenAI or OpenRouter API key"),
    "secret/anthropic-key": ("error", "an Anthropic API key"),
    "secret/google-api-key": ("error", "a Google API key"),
    "secret/aws": ("error", "an AWS access key id"),
    "secret/provider-key": ("error", "an API key of another provider (Groq, xAI, Hugging Face...)"),
    "secret/bearer": ("error", "a bearer token"),
    "secret/basic-auth": ("error", "basic credentials or user:password@ in a URL"),
    "secret/jwt": ("error", "a JSON Web Token"),
    "secret/oauth-token": ("error", "an OAuth token or client secret"),
    "secret/signed-url": ("error", "the signature or session token of a presigned URL"),
    "secret/private-key": ("error", "a PEM private key"),
    "secret/password": ("error", "a password field"),
    "secret/high-entropy": ("error", "a random-looking value in a credential-named field"),
    "secret/api-key-header": ("error", "a credential header (x-api-key, api-key...)"),
    "secret/cookie": ("warning", "a recorded cookie (a session credential)"),
    "secret/session-id": ("warning", "a session id header"),
    "http/error-status": ("warning", "an HTTP 4xx or 5xx answer recorded"),
    "stream/error-event": ("warning", "an error carried by the response or its stream"),
    "stream/unreadable-event": ("error", "a stream event that could not be read"),
    "stream/ended-early": ("error", "a stream that ended without its end marker"),
    "tool/arguments-not-json": ("warning", "tool-call arguments that are not JSON"),
    "tool/schema-mismatch": ("warning", "tool-call arguments that do not match the tool's schema"),
    "tool/sent-back-changed": ("warning", "a tool call the client sent back changed"),
    "api/unknown-format": ("info", "a model API host whose wire format vizlib does not know"),
    "file/unreadable": ("error", "a file that could not be read as a cassette"),
}
# The rules whose findings the dashboard's `problems` column counts.
PROBLEM_RULES = frozenset(
    {
        "http/error-status",
        "stream/error-event",
        "stream/unreadable-event",
        "stream/ended-early",
        "tool/arguments-not-json",
        "tool/schema-mismatch",
        "tool/sent-back-changed",
    }
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean(text: str, limit: int = 300) -> str:
    """Text from a cassette made safe to print: control characters replaced, length capped."""
    out = _CONTROL.sub("?", text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def fingerprint(*parts: object) -> str:
    """A stable short id of a finding, for allowlists (a hash: it reveals no secret)."""
    digest = hashlib.sha256("\0".join(str(p) for p in parts).encode("utf-8", "replace"))
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing `vizlib check` found: where, which rule, how bad, and a short message."""

    file: str
    rule: str
    severity: Severity
    message: str
    interaction: int | None = None
    line: int | None = None
    where: str | None = None
    fingerprint: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready fields (the names are stable)."""
        return asdict(self)


def severity_rank(severity: str) -> int:
    """0 for info, 1 for warning, 2 for error."""
    return SEVERITIES.index(severity)
