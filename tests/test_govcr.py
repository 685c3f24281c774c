"""go-vcr containers: versions 1 and 2, Go durations, binary and gzip bodies, missing fields."""

from __future__ import annotations

import base64
import gzip
import math

import pytest

import vizlib
from vizlib.readers.govcr import parse_go_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1.1381205s", 1.1381205),
        ("721.622792ms", 0.721622792),
        ("1m2.5s", 62.5),
        ("1h0m1s", 3601.0),
        ("250µs", 0.00025),
        ("250us", 0.00025),
        ("15ns", 15e-9),
        ("0s", 0.0),
        ("0", 0.0),
    ],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds, rel=1e-12)


@pytest.mark.parametrize("text", ["", "fast", "1.5", "s1", None, "1s2"])
def test_unparseable_durations_are_nan(text: str | None) -> None:
    assert math.isnan(parse_go_duration(text))


V1 = """\
---
version: 1
interactions:
- request:
    body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}'
    form: {}
    headers:
      Content-Type:
      - application/json
    url: https://api.openai.com/v1/chat/completions
    method: POST
  response:
    body: '{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10}}'
    headers:
      Content-Type:
      - application/json
    status: 200 OK
    code: 200
    duration: ""
"""


def test_version_1_non_streamed() -> None:
    c = vizlib.load(V1, name="v1.yaml")
    ia = c.interactions.iloc[0]
    assert (ia.api, ia.model, ia.request_model) == (
        "openai-chat",
        "gpt-4o-mini-2024-07-18",
        "gpt-4o-mini",
    )
    assert not ia.stream
    assert math.isnan(ia.duration_s)
    assert ia.n_chunks == 1
    assert c.chunks.kind.tolist() == ["text"]
    assert c.chunks.event.tolist() == ["chat.completion"]
    assert c.messages.content.tolist() == ["Hi", "Hello!"]
    assert c.usage.input_tokens.tolist() == [8]
    # no cost reported: estimated from the shipped table, 8 x $0.15/M in + 2 x $0.60/M out
    assert c.usage.cost_usd.iloc[0] == pytest.approx(8 * 0.15e-6 + 2 * 0.60e-6)
    assert c.usage.cost_source.tolist() == ["estimated"]
    assert c.usage.price_source.iloc[0] == "https://openai.com/api/pricing (as of 2025-08-07)"


def test_binary_gzip_body() -> None:
    body = gzip.compress(
        b'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: [DONE]\n\n'
    )
    text = f"""\
version: 2
interactions:
  - request:
      url: https://api.example.com/v1/chat/completions
      method: POST
      body: '{{"model":"m","stream":true,"messages":[]}}'
    response:
      headers:
        Content-Encoding: [gzip]
        Content-Type: [text/event-stream]
      body: !!binary {base64.b64encode(body).decode()}
      code: 200
      duration: 12ms
"""
    c = vizlib.load(text, name="gz.yaml")
    assert c.chunks.text.tolist() == ["ok", ""]
    assert c.chunks.kind.tolist() == ["text", "control"]
    assert c.interactions.duration_s.tolist() == [0.012]


def test_every_field_optional() -> None:
    c = vizlib.load("version: 2\ninteractions:\n  - request: {url: ''}\n", name="bare.yaml")
    row = c.interactions.iloc[0]
    assert (row.api, row.method, row.status, row.n_chunks) == ("unknown", "GET", 0, 0)
    assert len(c.usage) == 1
