"""Masking: texts, URLs, headers and streamed fragments with every secret `scan` finds replaced."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from vizlib.records import Headers
from vizlib.secrets.rules import is_secret_header, is_secret_param
from vizlib.secrets.scan import Secret, holds_nothing, scan

MASK = "[REDACTED]"


def mask_spans(text: str, secrets: Sequence[Secret]) -> str:
    """The text with each span (non-overlapping, in order) replaced by the mask."""
    if not secrets:
        return text
    parts, at = [], 0
    for secret in secrets:
        parts += [text[at : secret.start], MASK]
        at = secret.end
    parts.append(text[at:])
    return "".join(parts)


def redact_text(text: str) -> str:
    """Text with every secret masked: key shapes, tokens, credential fields and parameters."""
    return mask_spans(text, scan(text))


def redact_quoting(text: str, source: str) -> str:
    """`redact_text` of a message that may quote `source`, with `source`'s secrets masked too.

    A check's message (a schema validator's, say) quotes a value without the
    field name or shape that marks it secret in `source`; each secret found
    there is masked wherever the message holds it: as written, decoded, or as
    Python writes it (`repr`).
    """
    masked = redact_text(text)
    for secret in scan(source):
        for form in {source[secret.start : secret.end], secret.value, repr(secret.value)[1:-1]}:
            if form:
                masked = masked.replace(form, MASK)
    return masked


def redact_parts(parts: Sequence[str]) -> list[str]:
    """`redact_text` of each part; none is scanned where the parts joined hold nothing to find.

    For many short texts cut from one (a stream's deltas): see `holds_nothing`.
    """
    if holds_nothing("".join(parts)):
        return list(parts)
    return [redact_text(part) for part in parts]


def redact_url(url: str) -> str:
    """The URL with user info, credential parameters and key shapes masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    netloc = parts.netloc
    if "@" in netloc:
        # no brackets here: `[...]@host` would read as an IPv6 host to URL parsers
        netloc = f"{MASK.strip('[]')}@{netloc.rsplit('@', 1)[1]}"
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    return redact_text(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


def _redact_pair(pair: str) -> str:
    name, sep, value = pair.partition("=")
    return f"{name}={MASK}" if sep and value and is_secret_param(name) else pair


def redact_headers(headers: Headers) -> Headers:
    """Headers with secret headers' values masked whole, and secrets in the others masked."""
    return {
        name: [MASK] * len(values) if is_secret_header(name) else [redact_text(v) for v in values]
        for name, values in headers.items()
    }


def mask_fragments(fragments: Sequence[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """Streamed fragments masked to match their assembly, so no prefix of them shows a secret.

    Secrets are found in the fragments joined; each fragment loses the
    characters that fall in a secret, and the first fragment that touches one
    carries the mask.
    """
    joined = "".join(delta for _, delta in fragments)
    secrets = scan(joined)
    if not secrets:
        return tuple(fragments)
    out: list[tuple[int, str]] = []
    at = 0
    index = 0
    for seq, delta in fragments:
        end = at + len(delta)
        pieces: list[str] = []
        position = at
        while index < len(secrets) and secrets[index].start < end:
            secret = secrets[index]
            if secret.start > position:
                pieces.append(joined[position : secret.start])
            if secret.start >= at:
                pieces.append(MASK)
            position = max(position, min(secret.end, end))
            if secret.end > end:
                break
            index += 1
        if position < end:
            pieces.append(joined[position:end])
        out.append((seq, "".join(pieces)))
        at = end
    return tuple(out)
