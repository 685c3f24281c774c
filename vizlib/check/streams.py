"""Stream and tool-call findings from a corpus's frames: the same problems the dashboard counts.

One finding per interaction with an HTTP error or an error in its response,
per unreadable event, per stream that ended early, and per tool call whose
arguments are not JSON, do not match the schema or were sent back changed;
plus, outside the dashboard's count, model API hosts of unknown wire format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pandas as pd

from vizlib.check.findings import RULES, Finding, clean, fingerprint
from vizlib.redact import redact_text

MODEL_HOSTS = (
    "api.openai.com",
    "openai.azure.com",
    "api.anthropic.com",
    "generativelanguage.googleapis.com",
    "aiplatform.googleapis.com",
    "bedrock-runtime.",
    "openrouter.ai",
    "api.groq.com",
    "api.x.ai",
    "api.mistral.ai",
    "api.cohere.com",
    "api.cohere.ai",
    "api.together.xyz",
    "api.deepseek.com",
    "api.perplexity.ai",
    "api.fireworks.ai",
    "api.cerebras.ai",
    "router.huggingface.co",
)


_GENERATES = re.compile(r"chat|completions|messages|generate|responses|converse|invoke", re.I)


def _make(
    file: str, rule: str, message: str, interaction: int, *key: object
) -> tuple[str, str, str, int, str]:
    return file, rule, clean(message), interaction, fingerprint(rule, file, interaction, *key)


def _interactions(frame: pd.DataFrame) -> Iterator[tuple[str, str, str, int, str]]:
    rows = frame[["cassette", "interaction", "status", "error", "stream", "complete", "api", "url"]]
    for cassette, index, status, error, stream, complete, api, url in rows.itertuples(
        index=False, name=None
    ):
        has_error = error is not None and error is not pd.NA
        if status >= 400:
            text = f": {redact_text(error)}" if has_error else ""
            yield _make(cassette, "http/error-status", f"HTTP {status}{text}", index)
        elif has_error:
            yield _make(
                cassette, "stream/error-event", f"error in response: {redact_text(error)}", index
            )
        if stream and not complete:
            yield _make(
                cassette, "stream/ended-early", "stream ended without its end marker", index
            )
        if api == "unknown" and isinstance(url, str):
            parts = urlsplit(url)
            host = parts.hostname or ""
            if any(h in host for h in MODEL_HOSTS) and _GENERATES.search(parts.path):
                yield _make(
                    cassette,
                    "api/unknown-format",
                    f"{host}: wire format not recognised; its events are not decoded",
                    index,
                )


def _unreadable(
    interactions: pd.DataFrame, chunks: pd.DataFrame
) -> Iterator[tuple[str, str, str, int, str]]:
    bad = chunks.loc[chunks.kind == "error", ["cassette", "interaction", "seq", "line", "error"]]
    if bad.empty:
        return
    clean_ones = interactions.loc[interactions.error.isna(), ["cassette", "interaction"]]
    bad = bad.merge(clean_ones, on=["cassette", "interaction"])
    for cassette, index, seq, line, error in bad.itertuples(index=False, name=None):
        where = f"event {seq}" + ("" if line is pd.NA else f" (body line {line})")
        reason = "" if error is pd.NA or error is None else f": {redact_text(error)}"
        yield _make(cassette, "stream/unreadable-event", f"{where} unreadable{reason}", index, seq)


def _false(value: object) -> bool:
    return value is not None and value is not pd.NA and not bool(value)


def _calls(tool_calls: pd.DataFrame) -> Iterator[tuple[str, str, str, int, str]]:
    rows = tool_calls[
        ["cassette", "interaction", "tool_index", "name", "valid_json", "schema_valid", "roundtrip"]
    ]
    for cassette, index, tool, name, valid, schema, trip in rows.itertuples(index=False, name=None):
        label = f"tool call {tool} ({name})"
        if _false(valid):
            yield _make(
                cassette, "tool/arguments-not-json", f"{label}: arguments not JSON", index, tool
            )
        if _false(schema):
            yield _make(
                cassette,
                "tool/schema-mismatch",
                f"{label}: arguments do not match the declared schema",
                index,
                tool,
            )
        if _false(trip):
            yield _make(
                cassette,
                "tool/sent-back-changed",
                f"{label}: the next request sent it back changed",
                index,
                tool,
            )


def frame_findings(
    interactions: pd.DataFrame, chunks: pd.DataFrame, tool_calls: pd.DataFrame
) -> list[Finding]:
    """Stream and call findings of every cassette in the frames, severities as declared."""
    out = []
    for source in (
        _interactions(interactions),
        _unreadable(interactions, chunks),
        _calls(tool_calls),
    ):
        for file, rule, message, index, key in source:
            out.append(
                Finding(
                    file=file,
                    rule=rule,
                    severity=RULES[rule][0],
                    message=message,
                    interaction=int(index),
                    fingerprint=key,
                )
            )
    return out
