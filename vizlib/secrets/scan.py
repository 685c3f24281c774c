"""Find secrets in a text: value shapes, credential-named parameters and JSON fields, decoded.

`scan(text)` returns every secret as a span of `text` with the decoded value
and its rule id. Shapes are matched on the text as it is; parameters
(`?key=`, `refresh_token=` in a form body) are URL-decoded; JSON documents
(whole bodies, SSE `data:` lines, NDJSON lines, JSON nested in strings) are
parsed, so values behind escapes and credential-named fields are found, then
located in the text in every form they can take there (as is, JSON-escaped,
URL-encoded).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

import orjson

from vizlib import linear
from vizlib.secrets.placeholders import is_placeholder, looks_random
from vizlib.secrets.rules import (
    LONG,
    Rule,
    candidates,
    field_rule,
    is_secret_field,
    is_secret_header,
    is_secret_param,
    normalise_name,
    shapes,
)

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,60}\Z")  # a parameter's name, before its `=`
_VALUE = re.compile(r"[^&\s\"'<>\\#]{1,8192}")
_BEFORE_NAME = frozenset("?&;# \t\r\n\"'")  # what may stand before a parameter's name
_FIELD_HINT_WORDS = r"(?:key|token|secret|passw[a-z_]*|credentials?|pwd|auth|authorization)\\*\""
_FIELD_HINT = re.compile(_FIELD_HINT_WORDS + r"\s*:")
_LONG_FIELD_HINT = _FIELD_HINT_WORDS + linear.spaces() + "*:"  # the same, for RE2
_TOKEN_ESCAPE = re.compile(r"\\u00(?:3[0-9]|[46][1-9a-fA-F]|[57][0-9aA]|2[dDeE]|5[fF])")
MAX_ESCAPED_CHARS = 8192  # a value this long or shorter is found however it is escaped
MAX_WALK_DEPTH = 4  # JSON inside a JSON string inside... this many levels
MAX_JSON_CHARS = 16 * 2**20


@dataclass(frozen=True, slots=True)
class Secret:
    """A secret in a text: where it is, its decoded value, its rule.

    `real` is False for values that only stand in for a secret (placeholders,
    test values): outputs still mask them, `vizlib check` does not report them.
    """

    rule: str
    start: int
    end: int
    value: str
    real: bool = True


def _digit(value: str) -> bool:
    return any(c.isdigit() for c in value)


def _real(rule: str, value: str) -> bool:
    if is_placeholder(value):
        return False
    if rule in ("secret/bearer", "secret/basic-auth", "secret/openai-key"):
        return _digit(value)
    return True


def forms(value: str) -> set[str]:
    """The ways a decoded value can be written in a cassette: as is, JSON-escaped, URL-encoded."""
    json_form = orjson.dumps(value).decode()[1:-1]
    go_form = json_form.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    out = {value, json_form, json_form.replace("/", "\\/"), go_form, quote(value, safe="")}
    out.add(quote_plus(value))
    out.add(orjson.dumps(json_form).decode()[1:-1])  # JSON text inside a JSON string
    return {f for f in out if f}


def _locate(text: str, value: str, rule: str, real: bool) -> Iterator[Secret]:
    located = False
    for form in forms(value):
        at = text.find(form)
        while at >= 0:
            located = True
            yield Secret(rule, at, at + len(form), value, real)
            at = text.find(form, at + len(form))
    if not located and "\\u" in text and len(value) <= MAX_ESCAPED_CHARS:
        # written with escapes no serializer needs (`\u0073k-...`): any character may be one
        for match in _escaped_anyhow(value).finditer(text):
            yield Secret(rule, match.start(), match.end(), value, real)


def _escaped_anyhow(value: str) -> re.Pattern[str]:
    """The value's JSON form with each character written as it is or as a unicode escape."""
    return re.compile("".join(_character(c) for c in value))


def _character(c: str) -> str:
    units = c.encode("utf-16-be", "surrogatepass")  # beyond U+FFFF: two escapes
    escaped = "".join(
        "\\\\u" + "".join(f"[{h}{h.upper()}]" if h.isalpha() else h for h in f"{unit:04x}")
        for unit in (int.from_bytes(units[i : i + 2], "big") for i in range(0, len(units), 2))
    )
    try:
        written = orjson.dumps(c).decode()[1:-1]  # as is, or the escape JSON requires
    except orjson.JSONEncodeError:  # a lone surrogate: only its escape can be written
        return f"(?:{escaped})"
    return f"(?:{re.escape(written)}|{escaped})"


def _shapes(
    text: str, lowered: str | None = None, rules: list[Rule] | None = None
) -> Iterator[Secret]:
    lowered = text.lower() if lowered is None else lowered
    for rule in candidates(lowered) if rules is None else rules:
        for start, end in rule.values(text, lowered):
            value = text[start:end]
            yield Secret(rule.id, start, end, value, _real(rule.id, value))


def _named(name: str, value: str, rule_for: str | None = None) -> Secret:
    """A credential-named field or parameter's value as a secret, with its rule (no span yet)."""
    for shape in shapes():
        if shape.values(value):
            return Secret(shape.id, 0, 0, value, _real(shape.id, value))
    rule = rule_for or field_rule(name)
    real = not is_placeholder(value) and looks_random(value)
    return Secret(rule, 0, 0, value, real)


def _param_name(text: str, equals: int) -> str | None:
    """The parameter name that ends at an `=`, if it starts where a parameter can."""
    window = max(0, equals - 61)
    match = _NAME.search(text, window, equals)
    if match is None:
        return None
    name, start = match.group(0), match.start()
    if name.startswith("u0026") and text[start - 1 : start] == "\\":  # after a JSON `\u0026`
        return name[5:] or None
    if start == 0 or text[start - 1] in _BEFORE_NAME:
        return name
    return None


def _params(text: str) -> Iterator[Secret]:
    equals = text.find("=")
    while equals >= 0:
        name = _param_name(text, equals)
        value = _VALUE.match(text, equals + 1) if name and is_secret_param(name) else None
        if name is not None and value is not None:
            found = _named(name, unquote_plus(value.group(0)))
            yield Secret(found.rule, value.start(), value.end(), found.value, found.real)
        equals = text.find("=", equals + 1)


# A multipart form's field: its part's headers (one names it), a blank line, then its value.
# `name=` holds a `=`, so a text with one never passes for one that holds nothing.
_FORM_FIELD = re.compile(
    r'(?i:content-disposition:[ \t]*form-data;[^\r\n]*?\bname=")([^"\r\n]{1,60})"[^\r\n]*'
    r"(?:\r?\n[^\r\n]+){0,20}?\r?\n\r?\n([^\r\n]{1,8192})"
)


def _form_fields(text: str, lowered: str) -> Iterator[Secret]:
    """Values of credential-named fields of a multipart form (`name="api_key"`)."""
    if "form-data" not in lowered:
        return
    for match in _FORM_FIELD.finditer(text):
        if is_secret_param(match.group(1)):
            found = _named(match.group(1), match.group(2))
            yield Secret(found.rule, match.start(2), match.end(2), found.value, found.real)


def _documents(text: str) -> Iterator[Any]:
    """JSON documents in a text: the whole of it, or one per line (SSE `data:`, NDJSON)."""
    if len(text) > MAX_JSON_CHARS:
        return
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            yield orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
        else:
            return
    for line in text.splitlines():
        body = line[5:].lstrip() if line.startswith("data:") else line.lstrip()
        if body[:1] in ("{", "["):
            try:
                yield orjson.loads(body)
            except orjson.JSONDecodeError:
                continue


HEADER = "header:"  # before a field's name in a `headers` object: a header's name
_HEADER_RULE = "secret/api-key-header"


def _walk(node: Any, depth: int = 0) -> Iterator[tuple[str | None, str]]:
    """Every string in a JSON value, with the name of the field holding it.

    The fields of an object named like `headers` (`extra_headers`, an MCP
    tool's `headers`) are HTTP headers: their names come with `HEADER` before.
    """
    stack: list[tuple[str | None, Any, int]] = [(None, node, depth)]
    while stack:
        name, item, level = stack.pop()
        if isinstance(item, dict):
            inside = HEADER if name is not None and name.lower().endswith("headers") else ""
            stack.extend((inside + str(k), v, level) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((name, v, level) for v in item)
        elif isinstance(item, str):
            yield name, item
            head = item.lstrip()[:1]
            if head in ("{", "[") and level < MAX_WALK_DEPTH:
                with contextlib.suppress(orjson.JSONDecodeError):
                    stack.append((name, orjson.loads(item), level + 1))


_BARE_NAMES = frozenset({"token", "key"})
# A field named as an HTTP extension header is written (`X-Custom-Key`), wherever it is.
_EXTENSION_HEADER = re.compile(r"(?i:x-[a-z0-9]+(?:-[a-z0-9]+)+)\Z")
_BARE_LENGTH = 20  # a logprob's `token` or a setting's `key` is seldom this long and random


def _masked_field(name: str, value: str) -> bool:
    """Whether a field's value is a secret: a credential-named field's, or a bare `token`'s.

    A bare `token` or `key` (a logprob's token, a setting's key) counts where
    its value is written as a generated credential is: long, random, letters
    and two digits or more, no space. A field named as an HTTP extension header
    (`X-Custom-Key`) counts as that header would.
    """
    if name.startswith(HEADER):
        return is_secret_header(name.removeprefix(HEADER))
    if is_secret_field(name):
        return True
    if _EXTENSION_HEADER.match(name):  # `X-Custom-Key` in a client's settings: a header
        return is_secret_header(name)
    return (
        normalise_name(name) in _BARE_NAMES
        and len(value) >= _BARE_LENGTH
        and not any(c.isspace() for c in value)
        and sum(c.isdigit() for c in value) >= 2
        and any(c.isalpha() for c in value)
        and looks_random(value)
    )


def _fields(text: str, fields: Iterable[tuple[str, str]], seen: set[str]) -> Iterator[Secret]:
    """Where `text` holds each credential field's value among `fields`, each value once."""
    for name, value in fields:
        if value and value not in seen and _masked_field(name, value):
            found = _named(name, value, _HEADER_RULE if name.startswith(HEADER) else None)
            seen.add(value)
            yield from _locate(text, value, found.rule, found.real)


def _structured(text: str, lowered: str | None = None) -> Iterator[Secret]:
    # escapes that can hide a shape inside it (`\\u0061`, `\\/`); others are seen through
    escaped = "\\u" in text or "\\/" in text
    # a letter, digit, `-`, `.` or `_` escaped: a shape may hide behind it in any value
    hiding = escaped and _TOKEN_ESCAPE.search(text) is not None
    if not (escaped or _field_hint(text.lower() if lowered is None else lowered)):
        return
    seen: set[str] = set()
    yield from _fields(text, _quoted_pairs(text), seen)
    for document in _documents(text):
        for name, value in _walk(document):
            if value in seen:
                continue
            if name is not None and value and _masked_field(name, value):
                yield from _fields(text, [(name, value)], seen)
                continue
            if '"' in value and ":" in value and _field_hint(value.lower()):  # JSON in a string
                yield from _fields(text, _quoted_pairs(value), seen)
            if escaped and len(value) >= 8:
                for secret in _shapes(value) if hiding or not _plain(value) else ():
                    part = secret.value
                    if part not in seen:
                        seen.add(part)
                        yield from _locate(text, part, secret.rule, secret.real)
                for secret in _params(value):
                    if secret.value not in seen:
                        seen.add(secret.value)
                        yield from _locate(text, secret.value, secret.rule, secret.real)


# A `"name": "value"` pair wherever it is written: in prose, a fenced block, a file's text
# after a header line, JSON cut short; the name as a credential field's may be.
_QUOTED_PAIR = re.compile(
    r'"([A-Za-z0-9_.\- ]{1,60})"[ \t]*:[ \t\r\n]*"((?:[^"\\\r\n]|\\.){1,8192})"'
)


def _quoted_pairs(text: str) -> Iterator[tuple[str, str]]:
    """Each `"name": "string"` pair in a text that need not be JSON, the string decoded."""
    for match in _QUOTED_PAIR.finditer(text):
        with contextlib.suppress(orjson.JSONDecodeError):
            value = orjson.loads(f'"{match.group(2)}"')
            if value:
                yield match.group(1), value


def _plain(value: str) -> bool:
    """True where a string is written the same in JSON (nothing a shape could hide behind)."""
    return value.isascii() and value.isprintable() and '"' not in value and "\\" not in value


_REMEMBERED: ContextVar[dict[str, list[Secret]] | None] = ContextVar("remembered", default=None)


@contextlib.contextmanager
def remembering() -> Iterator[None]:
    """Within the block, `scan` finds each text's secrets once and gives the same answer again.

    For work that shows one text in several places (a report section's
    panels); the rules must not change inside the block.
    """
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def scan(text: str) -> list[Secret]:
    """Every secret in `text`, as non-overlapping spans, in order; placeholders marked not real."""
    memo = _REMEMBERED.get()
    if memo is None:
        return _scan(text)
    found = memo.get(text)
    if found is None:
        found = memo[text] = _scan(text)
    return list(found)


def _scan(text: str) -> list[Secret]:
    lowered = text.lower()
    rules = candidates(lowered)
    if _nothing_to_find(text, lowered, rules):
        return []  # what the three finders would each find: nothing (most texts are this)
    return _merge(
        [
            *_shapes(text, lowered, rules),
            *_params(text),
            *_form_fields(text, lowered),
            *_structured(text, lowered),
        ]
    )


def _nothing_to_find(text: str, lowered: str, rules: list[Rule]) -> bool:
    return (
        not rules  # no shape's needle
        and "=" not in text  # no parameter
        and "\\u" not in text  # nothing escaped, and no credential-named field
        and "\\/" not in text
        and not _field_hint(lowered)
    )


def _field_hint(lowered: str) -> bool:
    """Whether a credential-named JSON field may be in a text, given its lowercase."""
    if len(lowered) < LONG:
        return _FIELD_HINT.search(lowered) is not None
    return linear.found(_LONG_FIELD_HINT, lowered)


def holds_nothing(text: str) -> bool:
    """True where `scan` finds nothing in `text` nor in any part of it, known without scanning.

    Each test (a shape's needle, a `=`, an escape, a credential-named field)
    looks for something a part would hold only where the whole holds it too,
    so a text that passes none has no part that passes one. A shape added with
    `add_pattern` has no needle: while there is one, this is False.
    """
    lowered = text.lower()
    return _nothing_to_find(text, lowered, candidates(lowered))


def _merge(found: list[Secret]) -> list[Secret]:
    """Non-overlapping spans in order; where spans overlap, the widest wins, real before not."""
    found.sort(key=lambda s: (s.start, -(s.end - s.start), not s.real))
    out: list[Secret] = []
    for secret in found:
        if out and secret.start < out[-1].end:
            last = out[-1]
            if secret.end > last.end:
                out[-1] = Secret(
                    last.rule, last.start, secret.end, last.value, last.real or secret.real
                )
            continue
        out.append(secret)
    return out
