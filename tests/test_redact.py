"""Secrets never reach a frame: URLs, headers and key-shaped text are masked."""

from __future__ import annotations

import pytest

import vizlib
from tests.hostile import Call, build, chat_request, chat_response
from vizlib.redact import MASK, redact_headers, redact_text, redact_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://generativelanguage.googleapis.com/v1beta/models/g:generateContent?key=AIzaSecret&alt=sse",
            f"https://generativelanguage.googleapis.com/v1beta/models/g:generateContent?key={MASK}&alt=sse",
        ),
        (
            "https://x/y?api_key=1&access_token=2&q=3",
            f"https://x/y?api_key={MASK}&access_token={MASK}&q=3",
        ),
        ("https://user:pw@host/p", "https://REDACTED@host/p"),
        (
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude%3A0/invoke",
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude%3A0/invoke",
        ),
    ],
)
def test_urls(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_headers() -> None:
    headers = {
        "Authorization": ["Bearer sk-abc"],
        "X-Api-Key": ["k"],
        "api_key": ["a"],  # named with `_`
        "Authentication": ["b"],
        "Accept": ["*/*"],
    }
    assert redact_headers(headers) == {
        "Authorization": [MASK],
        "X-Api-Key": [MASK],
        "api_key": [MASK],
        "Authentication": [MASK],
        "Accept": ["*/*"],
    }


@pytest.mark.parametrize(
    "secret",
    [
        "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
        "sk-ant-api03-abcdefghijklmnopqrstuvwxyz",
        "sk-or-v1-0123456789abcdef0123456789abcdef",
        "AIzaSyA1234567890abcdefghijklmnopqrstuv",
        "AKIAIOSFODNN7EXAMPLE",
        "gsk_abcdefghijklmnopqrstuvwxyz",
    ],
)
def test_key_shapes_in_text(secret: str) -> None:
    text = f'{{"api_key": "{secret}", "note": "hello"}}'
    out = redact_text(text)
    assert secret not in out
    assert MASK in out
    assert '"note": "hello"' in out


def test_bearer_tokens_in_text() -> None:
    assert redact_text("Authorization: Bearer abc.def-ghi_123") == f"Authorization: Bearer {MASK}"


@pytest.mark.parametrize("padding", [0, 5000])
def test_urls_in_the_interactions_frame(padding: int) -> None:
    """Short URLs (whose columns are kept for the next interaction) and long ones alike."""
    url = f"https://api.example.com/v1/chat/completions?api_key=sk-secret&pad={'p' * padding}"
    text = build("go-vcr", [Call(chat_request(), chat_response(), url=url)] * 2)
    frame = vizlib.load(text).interactions
    assert frame.url.tolist() == [url.replace("sk-secret", MASK)] * 2
    assert frame.endpoint.tolist() == ["chat/completions"] * 2
