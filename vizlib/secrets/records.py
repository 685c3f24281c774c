"""Secrets in recorded exchanges, and interactions with every shown text masked.

`exchange_secrets` says where each secret of an exchange is (URL, a header,
a body, inside a base64 run of a body); `redact_interaction` gives the same
interaction with the URL, headers, bodies, events, messages and tool calls
masked, for `Cassette.redacted()`.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, replace

from vizlib.records import (
    Body,
    Chunk,
    Decoded,
    Exchange,
    Headers,
    Interaction,
    ToolCall,
    Usage,
)
from vizlib.secrets.mask import mask_fragments, redact_headers, redact_text, redact_url
from vizlib.secrets.placeholders import is_placeholder, strip_scheme
from vizlib.secrets.rules import ACCOUNT_HEADERS, SESSION_HEADERS, is_secret_header, shapes
from vizlib.secrets.scan import Secret, scan

BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])")
MAXBASE64_RUNS = 200
# Base64's alphabet as one letter, every other byte as a space: 40 of the letter in a row
# are where a run can be. The regex engine tries every position of a text; this finds the
# same texts four to ten times faster, so most texts (which hold no run) skip the search.
_BASE64_BYTES = (string.ascii_letters + string.digits + "+/").encode()
_AS_ONE_LETTER = bytes(65 if byte in _BASE64_BYTES else 32 for byte in range(256))
_SHORTEST_RUN = b"A" * 40


def base64_runs(text: str) -> Iterator[re.Match[str]]:
    """Runs of 40 or more base64 characters in `text` (at most `MAXBASE64_RUNS`)."""
    letters = text.encode("utf-8", "surrogatepass").translate(_AS_ONE_LETTER)
    if _SHORTEST_RUN not in letters:  # UTF-8 keeps ASCII as is and other bytes out of it
        return iter(())
    return itertools.islice(BASE64_RUN.finditer(text), MAXBASE64_RUNS)


@dataclass(frozen=True, slots=True)
class Found:
    """A secret in an exchange: where (`request header Authorization`, `response body`...)."""

    where: str
    rule: str
    value: str
    real: bool
    encoded: bool = False  # inside base64 or binary data: not written as such in the file

    @property
    def label(self) -> str:
        """What may be shown of it: rule, place, first 4 characters and length, never the value."""
        return f"{self.rule} in the {self.where}: {preview(self.value)}"


def preview(value: str) -> str:
    """What a report may say of a secret: its first 4 characters and its length."""
    shown = "".join(c if c.isprintable() else "?" for c in value[:4])
    return f"{shown}… ({len(value)} characters)"


def header_rule(name: str, value: str) -> str:
    """The rule a secret header's value is reported under."""
    lowered = name.lower()
    if lowered in ("cookie", "set-cookie"):
        return "secret/cookie"
    if lowered in SESSION_HEADERS:
        return "secret/session-id"
    if lowered in ACCOUNT_HEADERS:
        return "secret/account-id"
    bare = strip_scheme(value)
    for rule in shapes():
        if rule.values(bare):
            return rule.id
    head = value.strip().lower()
    if head.startswith("bearer"):
        return "secret/bearer"
    if head.startswith("basic"):
        return "secret/basic-auth"
    return "secret/api-key-header"


def _headers(side: str, headers: Headers) -> Iterator[Found]:
    for name, values in headers.items():
        for value in values:
            if is_secret_header(name):
                if value.strip():
                    secret = strip_scheme(value) if name.lower() != "set-cookie" else value
                    yield Found(
                        f"{side} header {name}",
                        header_rule(name, value),
                        secret,
                        not is_placeholder(value) and name.lower() not in ACCOUNT_HEADERS,
                    )
            else:
                for found in scan(value):
                    yield Found(f"{side} header {name}", found.rule, found.value, found.real)


def _text_of(body: Body) -> tuple[str, bool]:
    if isinstance(body, bytes):
        return body.decode("latin-1"), True
    return body, False


def _body(side: str, body: Body) -> Iterator[Found]:
    text, binary = _text_of(body)
    if not text:
        return
    for found in scan(text):
        yield Found(f"{side} body", found.rule, found.value, found.real, binary)
    for match in base64_runs(text):
        inner = _decoded_base64(match.group(0))
        if inner:
            for found in scan(inner):
                yield Found(f"{side} body (base64)", found.rule, found.value, found.real, True)


def _decoded_base64(run: str) -> str | None:
    try:
        data = base64.b64decode(run + "=" * (-len(run) % 4), validate=True)
        text = data.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return text if text.isprintable() or "\n" in text else None


def exchange_secrets(exchange: Exchange) -> list[Found]:
    """Every secret in an exchange, each once per place it is in."""
    request, response = exchange.request, exchange.response
    found = [Found("request URL", s.rule, s.value, s.real) for s in scan(request.url)]
    found += _headers("request", request.headers)
    found += _body("request", request.body)
    found += _headers("response", response.headers)
    found += _body("response", response.body)
    seen: set[tuple[str, str]] = set()
    out = []
    for item in found:
        if (item.where, item.value) not in seen:
            seen.add((item.where, item.value))
            out.append(item)
    return out


def _masked_body(body: Body) -> Body:
    return redact_text(body) if isinstance(body, str) else body


def _masked_chunk(chunk: Chunk, deltas: dict[tuple[int, int], str]) -> Chunk:
    delta = chunk.args_delta
    if delta is not None and chunk.tool_index is not None:
        delta = deltas.get((chunk.tool_index, chunk.seq), redact_text(delta))
    return chunk._replace(
        raw=redact_text(chunk.raw),
        text=redact_text(chunk.text),
        args_delta=delta,
        error=None if chunk.error is None else redact_text(chunk.error),
    )


def _masked_call(call: ToolCall) -> ToolCall:
    return replace(
        call, arguments=redact_text(call.arguments), fragments=mask_fragments(call.fragments)
    )


def _masked_decoded(decoded: Decoded) -> Decoded:
    calls = tuple(_masked_call(c) for c in decoded.tool_calls)
    deltas = {(c.tool_index, seq): delta for c in calls for seq, delta in c.fragments}
    return replace(
        decoded,
        chunks=tuple(_masked_chunk(c, deltas) for c in decoded.chunks),
        messages=tuple(
            replace(
                m,
                content=redact_text(m.content),
                reasoning=redact_text(m.reasoning),
                tool_calls=tuple(
                    replace(t, arguments=redact_text(t.arguments)) for t in m.tool_calls
                ),
            )
            for m in decoded.messages
        ),
        tool_calls=calls,
        error=None if decoded.error is None else redact_text(decoded.error),
        usage=_masked_usage(decoded.usage),
        results=tuple(replace(r, usage=_masked_usage(r.usage)) for r in decoded.results),
    )


def _masked_usage(usage: Usage) -> Usage:
    return replace(usage, raw=None if usage.raw is None else redact_text(usage.raw))


def redact_interaction(interaction: Interaction) -> Interaction:
    """The interaction with secrets masked in everything it shows, raw events included."""
    exchange = interaction.exchange
    request, response = exchange.request, exchange.response
    masked = replace(
        exchange,
        request=replace(
            request,
            url=redact_url(request.url),
            headers=redact_headers(request.headers),
            body=_masked_body(request.body),
        ),
        response=replace(
            response,
            headers=redact_headers(response.headers),
            body=_masked_body(response.body),
        ),
    )
    return Interaction(masked, _masked_decoded(interaction.decoded))


__all__ = ["Found", "Secret", "exchange_secrets", "header_rule", "redact_interaction"]
