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
from functools import lru_cache

import orjson

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
from vizlib.secrets.mask import (
    MASK,
    mask_fragments,
    mask_spans,
    redact_headers,
    redact_text,
    redact_url,
)
from vizlib.secrets.placeholders import is_placeholder, strip_scheme
from vizlib.secrets.rules import (
    ACCOUNT_HEADERS,
    SESSION_HEADERS,
    added,
    is_secret_header,
    shapes,
)
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


def redact_body(text: str) -> str:
    """`redact_text` of a body, and each base64 run in it that decodes to a secret masked whole.

    The runs are those `exchange_secrets` decodes, so a secret `vizlib check`
    reports inside one (a `data:` URL of a `.env` file, say) is masked too.
    """
    masked = redact_text(text)
    spans = [
        Secret("base64", run.start(), run.end(), run.group(0))
        for run in base64_runs(masked)
        if _holds_secret(run.group(0), added())
    ]
    return mask_spans(masked, spans)


@lru_cache(maxsize=256)  # a body is shown more than once (its panel, its download)
def _holds_secret(run: str, patterns: tuple[str, ...]) -> bool:
    """Whether a base64 run decodes to text with a secret, with these added patterns."""
    inner = _decoded_base64(run)
    return bool(inner and scan(inner))


def _masked_body(body: Body) -> Body:
    return redact_body(body) if isinstance(body, str) else body


# A stream's deltas joined are where a secret spread over several events is found: these
# kinds' texts are joined per kind, tool-call arguments per call.
_STREAMED_KINDS = ("text", "reasoning")


def _streamed_masks(decoded: Decoded) -> dict[int, list[tuple[str, str]]]:
    """Per chunk (by seq), its deltas that hold part of a secret spread over several events.

    Each streamed text (a kind's deltas, a call's arguments) is masked as a
    whole, as `mask_fragments` does; a chunk's delta is listed, with what it
    becomes, where that masks characters that masking the delta alone leaves.
    """
    lanes = [
        tuple((c.seq, c.text) for c in decoded.chunks if c.kind == kind) for kind in _STREAMED_KINDS
    ]
    lanes += [call.fragments for call in decoded.tool_calls]
    pieces: dict[int, list[tuple[str, str]]] = {}
    for lane in lanes:
        if len(lane) < 2:
            continue
        for (seq, delta), (_, masked) in zip(lane, mask_fragments(lane), strict=True):
            if masked != delta and masked != redact_text(delta):
                pieces.setdefault(seq, []).append((delta, masked))
    return pieces


def _without_pieces(raw: str, pieces: list[tuple[str, str]]) -> str:
    """An event's text with each delta (a whole JSON string in it) replaced by its masked form.

    A delta is replaced where JSON writes it once in the event; otherwise the
    whole event is masked, since which one holds the secret cannot be told.
    """
    for delta, masked in pieces:
        quoted = orjson.dumps(delta).decode()
        if raw.count(quoted) != 1:
            return MASK
        raw = raw.replace(quoted, orjson.dumps(masked).decode())
    return raw


def _masked_chunk(
    chunk: Chunk,
    deltas: dict[tuple[int, int], str],
    pieces: dict[int, list[tuple[str, str]]],
) -> Chunk:
    delta = chunk.args_delta
    if delta is not None and chunk.tool_index is not None:
        delta = deltas.get((chunk.tool_index, chunk.seq), redact_text(delta))
    raw, text = redact_text(chunk.raw), redact_text(chunk.text)
    spread = pieces.get(chunk.seq)
    if spread:
        raw = _without_pieces(raw, spread)
        text = next((masked for piece, masked in spread if piece == chunk.text), text)
    return chunk._replace(
        raw=raw,
        text=text,
        args_delta=delta,
        error=None if chunk.error is None else redact_text(chunk.error),
    )


def redact_stream(body: str, decoded: Decoded) -> str:
    """`redact_body` of a response's body, where a secret spread over its events is masked too.

    Each event holding part of one is found in order, as recorded, and masked
    as its chunk is in `redact_interaction`; where one is not written whole
    in the body (data over several lines), the body is rebuilt from the
    masked events. A body that is no stream is `redact_body`'s alone.
    """
    return _stream_body(body, decoded, _streamed_masks(decoded) if decoded.stream else {})


def _stream_body(body: str, decoded: Decoded, pieces: dict[int, list[tuple[str, str]]]) -> str:
    if not pieces:
        return redact_body(body)
    parts, at = [], 0
    for chunk in decoded.chunks:
        spread = pieces.get(chunk.seq)
        if not spread:
            continue
        found = body.find(chunk.raw, at)
        if found < 0:
            return "".join(
                f"data: {_without_pieces(redact_text(c.raw), pieces.get(c.seq, []))}\n\n"
                for c in decoded.chunks
            )
        parts += [redact_body(body[at:found]), _without_pieces(redact_text(chunk.raw), spread)]
        at = found + len(chunk.raw)
    parts.append(redact_body(body[at:]))
    return "".join(parts)


def _masked_call(call: ToolCall) -> ToolCall:
    return replace(
        call, arguments=redact_text(call.arguments), fragments=mask_fragments(call.fragments)
    )


def _masked_decoded(decoded: Decoded, pieces: dict[int, list[tuple[str, str]]]) -> Decoded:
    calls = tuple(_masked_call(c) for c in decoded.tool_calls)
    deltas = {(c.tool_index, seq): delta for c in calls for seq, delta in c.fragments}
    return replace(
        decoded,
        chunks=tuple(_masked_chunk(c, deltas, pieces) for c in decoded.chunks),
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
    decoded = interaction.decoded
    pieces = _streamed_masks(decoded) if decoded.stream else {}  # for the body and its chunks
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
            body=_stream_body(response.body, decoded, pieces)
            if isinstance(response.body, str)
            else response.body,
        ),
    )
    return Interaction(masked, _masked_decoded(decoded, pieces))


__all__ = [
    "Found",
    "Secret",
    "exchange_secrets",
    "header_rule",
    "redact_body",
    "redact_interaction",
    "redact_stream",
]
