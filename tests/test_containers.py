"""Cassette containers: exact values on a real file of each, and small written ones for their quirks."""

from __future__ import annotations

import base64
import gzip
import json
import math
from pathlib import Path

import brotli
import pytest
import yaml

import vizlib
from tests.shared import SHARED, require_shared

CHAT = "https://api.openai.com/v1/chat/completions"
SSE_OK = 'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: [DONE]\n\n'
REQUEST = json.dumps(
    {"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
)


def real(relative: str) -> vizlib.Cassette:
    require_shared()
    return vizlib.load(SHARED / relative)


# Real files, one per container -------------------------------------------------------------


def test_vcrpy_with_parsed_bodies() -> None:
    c = real(
        "pydantic-ai/tests__models__cassettes__test_ollama__test_ollama_local_native_output_uses_json_schema.yaml"
    )
    assert c.container == "vcr.py"
    ia = c.interactions.iloc[0]
    assert (ia.api, ia.url, ia.status, ia.model) == (
        "openai-chat",
        "http://localhost:11434/v1/chat/completions",
        200,
        "qwen3:0.6b",
    )
    assert math.isnan(ia.duration_s)  # VCR.py records no timing
    reply = c.messages.query("source == 'response'").iloc[0]
    assert reply.content == '{ "city": "Paris", "country": "France" }'
    assert reply.reasoning.startswith("Okay, the user is asking for the capital of France.")
    assert c.messages.query("source == 'request'").content.tolist() == [
        "What is the capital of France?"
    ]
    assert c.usage[["input_tokens", "output_tokens", "total_tokens"]].values.tolist() == [
        [136, 15, 151]
    ]


def test_vcrpy_gzip_binary_bodies() -> None:
    c = real(
        "mirascope/python__tests__e2e__output__cassettes__test_call_with_tools__google_gemini_2_5_flash__async.yaml"
    )
    assert c.container == "vcr.py"
    assert c.interactions.api.tolist() == ["gemini", "gemini"]
    assert c.tool_calls.args.tolist() == [{"password": "mellon"}, {"password": "radiance"}]
    assert c.tool_calls.result.tolist() == [
        '{"output":"Welcome to Moria!"}',
        '{"output":"Life before Death"}',
    ]
    assert (
        c.messages.query("interaction == 1 and source == 'response'")
        .content.item()
        .startswith(
            'The secrets have been retrieved. For the password "mellon", the secret is "Welcome to Moria!".'
        )
    )


def test_ruby_vcr() -> None:
    c = real(
        "ruby_llm/spec__fixtures__vcr_cassettes__chat_function_calling_gemini_gemini-2_5-flash_can_handle_multiple_tool_calls_in_a_single_response.yml"
    )
    assert c.container == "ruby-vcr"
    assert c.interactions.method.tolist() == ["POST"] * 4
    assert str(c.interactions.started_at.iloc[0]) == "2026-08-19 14:36:07+00:00"
    assert c.tool_calls.name.tolist() == ["dice_roll"] * 3
    assert c.tool_calls.roundtrip.tolist() == [True, True, True]
    answer = c.messages.query("interaction == 3 and source == 'response'").content.item()
    assert answer == "I rolled the dice 3 times and got a 1, a 2, and a 3."
    assert c.usage.input_tokens.tolist() == [61, 101, 141, 181]


def test_har_with_real_timings() -> None:
    c = real(
        "mirascope/typescript__tests__e2e__output__cassettes__stream__anthropic__accumulates-content-as-stream-progresses.har"
    )
    assert c.container == "har"
    ia = c.interactions.iloc[0]
    assert (ia.api, ia.stream, ia.n_chunks, ia.duration_s) == ("anthropic-messages", True, 7, 0.871)
    assert str(ia.started_at) == "2026-01-26 20:28:42.847000+00:00"
    assert c.messages.query("source == 'response'").content.item() == "hello"
    assert c.usage[["input_tokens", "output_tokens"]].values.tolist() == [[11, 4]]


def test_httprr() -> None:
    c = real("langchaingo/llms__openai__testdata__TestFunctionCall.httprr")
    assert c.container == "httprr"
    ia = c.interactions.iloc[0]
    assert (ia.api, ia.method, ia.url, ia.status) == ("openai-chat", "POST", CHAT, 200)
    assert c.tool_calls[["id", "name", "arguments"]].values.tolist() == [
        ["call_olc8qHf1RDItRqwuEBNjsu3B", "getCurrentWeather", '{"location":"Boston"}']
    ]
    assert c.usage[["input_tokens", "output_tokens"]].values.tolist() == [[81, 14]]
    empty = real("langchaingo/vectorstores__alloydb__testdata__TestAddDocuments.httprr")
    assert (empty.container, len(empty)) == ("httprr", 0)


# Written cassettes, one per quirk ------------------------------------------------------------


def _vcrpy(response_body: object, headers: dict[str, list[str]] | None = None) -> str:
    doc = {
        "version": 1,
        "interactions": [
            {
                "request": {"method": "POST", "uri": CHAT, "body": REQUEST, "headers": {}},
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Type": ["text/event-stream"], **(headers or {})},
                    "body": {"string": response_body},
                },
            }
        ],
    }
    return yaml.safe_dump(doc)


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("br", brotli.compress), ("identity", lambda b: b)],
)
def test_vcrpy_encoded_binary_bodies(encoding: str, compress: object) -> None:
    body = compress(SSE_OK.encode())  # type: ignore[operator]
    c = vizlib.load(_vcrpy(body, {"Content-Encoding": [encoding]}), name="enc.yaml")
    assert c.container == "vcr.py"
    assert c.chunks.text.tolist() == ["ok", ""]


def test_vcrpy_json_serializer() -> None:
    doc = yaml.safe_load(_vcrpy(SSE_OK))
    c = vizlib.load(json.dumps(doc), name="cassette.json")
    assert (c.container, c.chunks.kind.tolist()) == ("vcr.py", ["text", "control"])


def test_python_tags_are_read_as_data_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = _vcrpy(SSE_OK).replace(
        "version: 1",
        f"version: 1\nextra: !!python/object/apply:os.system ['touch {marker}']\n"
        "note: !!python/unicode 'old cassette'",
    )
    c = vizlib.load(text, name="tags.yaml")
    assert c.chunks.text.tolist() == ["ok", ""]
    assert not marker.exists()


def test_parsed_body_is_used_where_no_string_was_kept() -> None:
    doc = yaml.safe_load(_vcrpy(""))
    response = doc["interactions"][0]["response"]
    response["headers"] = {"content-type": ["application/json"]}
    del response["body"]
    response["parsed_body"] = {
        "object": "chat.completion",
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "parsed"},
                "finish_reason": "stop",
            }
        ],
    }
    c = vizlib.load(yaml.safe_dump(doc), name="parsed.yaml")
    assert c.messages.query("source == 'response'").content.item() == "parsed"
    assert c.interactions.finish_reason.tolist() == ["stop"]


def _ruby(body: dict[str, str]) -> dict[str, object]:
    return {
        "http_interactions": [
            {
                "request": {
                    "method": "post",
                    "uri": CHAT,
                    "body": {"encoding": "UTF-8", "string": REQUEST},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Type": ["text/event-stream"]},
                    "body": body,
                },
                "recorded_at": "Mon, 08 Jun 2026 18:48:36 GMT",
            }
        ],
        "recorded_with": "VCR 6.4.0",
    }


def test_ruby_binary_tag_and_base64_string() -> None:
    encoded = base64.b64encode(SSE_OK.encode()).decode()
    tagged = yaml.safe_dump(_ruby({"encoding": "ASCII-8BIT", "string": "PLACEHOLDER"})).replace(
        "PLACEHOLDER", f"!binary |-\n        {encoded}"
    )
    as_base64 = json.dumps(_ruby({"encoding": "ASCII-8BIT", "base64_string": encoded}))
    for text in (tagged, as_base64):
        c = vizlib.load(text, name="ruby.yml")
        assert c.container == "ruby-vcr"
        assert c.chunks.text.tolist() == ["ok", ""]
        assert str(c.interactions.started_at.item()) == "2026-06-08 18:48:36+00:00"


def _har(content: dict[str, object], headers: list[dict[str, str]]) -> str:
    return json.dumps(
        {
            "log": {
                "version": "1.2",
                "entries": [
                    {
                        "startedDateTime": "2026-01-26T20:28:42.847Z",
                        "time": 1234.5,
                        "timings": {"send": 0, "wait": 1200, "receive": 34.5},
                        "request": {
                            "method": "POST",
                            "url": CHAT,
                            "headers": [],
                            "postData": {"mimeType": "application/json", "text": REQUEST},
                        },
                        "response": {"status": 200, "headers": headers, "content": content},
                    }
                ],
            }
        }
    )


def test_har_base64_and_polly_gzip_chunks() -> None:
    sse = [{"name": "content-type", "value": "text/event-stream"}]
    plain = {
        "mimeType": "text/event-stream",
        "encoding": "base64",
        "text": base64.b64encode(SSE_OK.encode()).decode(),
    }
    packed = gzip.compress(SSE_OK.encode())
    polly = {
        "mimeType": "text/event-stream",
        "text": json.dumps(
            [base64.b64encode(packed[:10]).decode(), base64.b64encode(packed[10:]).decode()]
        ),
    }
    for content, headers in (
        (plain, sse),
        (polly, [*sse, {"name": "content-encoding", "value": "gzip"}]),
    ):
        c = vizlib.load(_har(content, headers), name="x.har")
        assert c.container == "har"
        assert c.chunks.text.tolist() == ["ok", ""]
        assert c.interactions.duration_s.tolist() == [1.2345]


def test_httprr_chunked_response() -> None:
    request = (
        f"POST {CHAT} HTTP/1.1\r\nHost: api.openai.com\r\nContent-Type: application/json\r\n\r\n{REQUEST}"
    ).encode()
    payload = SSE_OK.encode()
    chunked = (
        b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in (payload[:20], payload[20:]))
        + b"0\r\n\r\n"
    )
    response = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n"
        + chunked
    )
    trace = b"httprr trace v1\n" + f"{len(request)} {len(response)}\n".encode() + request + response
    c = vizlib.load(trace, name="t.httprr")
    assert (c.container, c.interactions.status.item()) == ("httprr", 200)
    assert c.chunks.text.tolist() == ["ok", ""]


def test_httprr_cut_short_is_a_clear_error() -> None:
    with pytest.raises(vizlib.CassetteError, match=r"t\.httprr, interaction 0: trace ends early"):
        vizlib.load(b"httprr trace v1\n100 100\nPOST / HTTP/1.1\r\n", name="t.httprr")
