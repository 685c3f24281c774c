"""Redaction of secrets: auth headers, API keys, cookies, key-like query parameters.

The one place that decides what is secret; every frame, view and report
that shows cassette text passes it through here.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from vizlib.records import Headers

MASK = "[REDACTED]"

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
        "cookie",
        "set-cookie",
        "openai-organization",
        "openai-project",
        "x-amz-security-token",
        "x-amz-content-sha256",
        "anthropic-organization-id",
    }
)
_SECRET_PARAM = re.compile(r"(^|_)(key|token|secret|signature|sig|password|auth)$", re.IGNORECASE)
_KEY_SHAPES = re.compile(
    r"""
    \b(?:
        sk-(?:ant-|proj-|or-v1-)?[A-Za-z0-9_\-]{16,}   # OpenAI, Anthropic, OpenRouter
      | AIza[0-9A-Za-z_\-]{35}                         # Google
      | (?:AKIA|ASIA)[0-9A-Z]{16}                      # AWS access key ids
      | gsk_[A-Za-z0-9]{20,}                           # Groq
      | xai-[A-Za-z0-9]{20,}                           # xAI
      | hf_[A-Za-z0-9]{20,}                            # Hugging Face
      | r8_[A-Za-z0-9]{20,}                            # Replicate
    )
    | (?<=Bearer\ )[A-Za-z0-9._~+/\-]{8,}=*
    """,
    re.VERBOSE,
)


def is_secret_param(name: str) -> bool:
    """True for query parameters that carry credentials (`key`, `api_key`, `access_token`...)."""
    return bool(_SECRET_PARAM.search(name))


def redact_url(url: str) -> str:
    """The URL with secret query parameters and user info masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    return redact_text(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


def _redact_pair(pair: str) -> str:
    name, sep, _ = pair.partition("=")
    return f"{name}={MASK}" if sep and is_secret_param(unquote(name)) else pair


def redact_headers(headers: Headers) -> Headers:
    """Headers with every secret header's values masked."""
    return {
        name: [MASK] * len(values) if name.lower() in SECRET_HEADERS else values
        for name, values in headers.items()
    }


def redact_text(text: str) -> str:
    """Text with known API-key shapes and bearer tokens masked."""
    return _KEY_SHAPES.sub(MASK, text)
