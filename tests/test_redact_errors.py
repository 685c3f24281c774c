"""Secrets in error messages and in text streamed across chunks are masked in every output."""

from __future__ import annotations

import itertools
import json
import random
import string
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import vizlib
from tests.pages import payloads, readable
from vizlib.analysis.assembly import assemble
from vizlib.analysis.raw import raw_exchange
from vizlib.check import run_check
from vizlib.cli import main
from vizlib.standalone.build import report_html
from vizlib.views.card import card_rows
from vizlib.views.figures import timeline_spec
from vizlib.views.html import error_html
from vizlib.views.widget import view as build_view

MASK = "[REDACTED]"


def openai_key(seed: int) -> str:
    """A key of OpenAI's project-key shape, random enough to be a credential."""
    rng = random.Random(seed)
    return "sk-proj-" + "".join(rng.choices(string.ascii_letters + string.digits, k=64))


def _vcrpy(exchanges: list[tuple[int, str, str]]) -> str:
    """A VCR.py cassette of chat requests: `(status, content type, response body)` each."""
    request = {
        "model": "gpt-4o-mini",
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
    return yaml.safe_dump(
        {
            "version": 1,
            "interactions": [
                {
                    "request": {
                        "uri": "https://api.openai.com/v1/chat/completions",
                        "method": "POST",
                        "body": json.dumps(request),
                        "headers": {"content-type": ["application/json"]},
                    },
                    "response": {
                        "status": {"code": status, "message": "Unauthorized" if status else ""},
                        "headers": {"Content-Type": [content_type]},
                        "body": {"string": body},
                    },
                }
                for status, content_type, body in exchanges
            ],
        }
    )


def rejected_key_cassette(key: str) -> str:
    """A 401 whose error body echoes the key the request sent, as some providers' errors do."""
    message = (
        f"Incorrect API key provided: {key}. You can find your API key at "
        "https://platform.openai.com/account/api-keys."
    )
    body = {
        "error": {
            "message": message,
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
    }
    return _vcrpy([(401, "application/json", json.dumps(body))])


def split_key_stream(key: str, cuts: list[int]) -> tuple[str, list[str]]:
    """A chat stream whose answer spells out `key` over several text chunks, cut at `cuts`."""
    text = f"Your key is {key} - keep it safe."
    bounds = [0, *cuts, len(text)]
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds)]
    events = [
        {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
        }
        for piece in pieces
    ]
    events.append(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
    )
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return _vcrpy([(200, "text/event-stream", body)]), pieces


def test_an_error_that_echoes_the_key_is_masked_everywhere(tmp_path: Path) -> None:
    key = openai_key(1)
    path = tmp_path / "rejected.yaml"
    path.write_text(rejected_key_cassette(key), encoding="utf-8")
    c = vizlib.load(path)
    # the frames of the cassette hold what was recorded
    assert key in c.interactions.error[0]
    redacted = c.redacted().interactions.error[0]
    assert key not in redacted
    assert redacted.startswith(f"Incorrect API key provided: {MASK}. You can find")
    row = c.interactions.iloc[0]
    assert key not in error_html(row)
    assert MASK in error_html(row)
    assert key in error_html(row, redact=False)
    assert dict(card_rows(c, 0))["error"] == redacted
    assert key in dict(card_rows(c, 0, redact=False))["error"]
    view = build_view(c)
    view.tabs.selected_index = 4  # the transcript, with the error above it
    shown = [view.overview.value, view.transcript.value]
    assert "HTTP 401" in shown[1]
    assert not any(key in text for text in shown)
    assert key not in readable(report_html([c]))
    messages = [f.message for f in run_check([path], cache=False).findings]
    assert any(m.startswith(f"HTTP 401: Incorrect API key provided: {MASK}") for m in messages)
    assert not any(key in m for m in messages)
    for command in (["check", str(path)], ["summary", str(path)]):
        out = CliRunner().invoke(main, command).output
        assert key not in out
    assert key[:12] in path.read_text(encoding="utf-8")  # the input is untouched


def test_a_key_streamed_across_text_chunks_is_masked_in_every_hover_label() -> None:
    key = openai_key(2)
    start = len("Your key is ")
    cassette, pieces = split_key_stream(key, [start + 10, start + 30, start + 50])
    c = vizlib.load(cassette, name="split.yaml")
    text = c.chunks[c.chunks.kind == "text"]
    # the wire: the key is in no single chunk, each piece is one chunk row
    assert text.text.tolist() == pieces
    assert not any(key in piece for piece in pieces)
    (trace,) = [t for t in timeline_spec(c.chunks, 0)["data"] if t.get("name") == "text"]
    labels = [row[2] for row in trace["customdata"]]
    assert len(labels) == len(pieces)
    # marks keep the wire's sizes; their labels show no piece of the key
    assert [row[3] for row in trace["customdata"]] == [len(p) for p in pieces]
    for label in labels:
        for piece in (key[i : i + 8] for i in range(len(key) - 8)):
            assert piece not in label
    assert labels[0] == f"Your key is {MASK}"
    assert labels[-1] == " - keep it safe."
    assert labels[1:3] == ["", ""]
    # without the cross-chunk pass each piece alone does not look like a key
    assert vizlib.redact.redact_text(pieces[2]) == pieces[2]


def _chat_chunk(delta: dict[str, object], finish: str | None = None) -> str:
    event = {
        "id": "chatcmpl-2",
        "object": "chat.completion.chunk",
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(event)}\n\n"


def spread_secrets_stream(key: str, password: str, size: int) -> str:
    """A chat stream whose text spells out `key` and whose tool call sends `password`, each
    over events of `size` characters, as a model streams what it repeats."""
    text = f"Sure. Your key is {key} - keep it safe."
    arguments = json.dumps({"user": "ada", "password": password})
    call = {"index": 0, "id": "call_1", "type": "function"}
    body = [_chat_chunk({"role": "assistant", "content": ""})]
    body += [_chat_chunk({"content": text[i : i + size]}) for i in range(0, len(text), size)]
    body.append(_chat_chunk({"tool_calls": [{**call, "function": {"name": "login"}}]}))
    body += [
        _chat_chunk(
            {"tool_calls": [{"index": 0, "function": {"arguments": arguments[i : i + size]}}]}
        )
        for i in range(0, len(arguments), size)
    ]
    body += [_chat_chunk({}, "tool_calls"), "data: [DONE]\n\n"]
    return _vcrpy([(200, "text/event-stream", "".join(body))])


def _deltas(events: str) -> tuple[str, str]:
    """The text and the tool-call arguments a stream's `data:` events carry, each joined."""
    text, arguments = [], []
    for line in events.splitlines():
        try:
            value = json.loads(line.removeprefix("data: "))
        except ValueError:
            continue
        delta = value["choices"][0]["delta"] if isinstance(value, dict) else {}
        text.append(delta.get("content") or "")
        for call in delta.get("tool_calls", []):
            arguments.append(call.get("function", {}).get("arguments") or "")
    return "".join(text), "".join(arguments)


@pytest.mark.parametrize("size", [3, 7, 16])
def test_secrets_spread_over_events_are_masked_in_raw_events_and_bodies(size: int) -> None:
    key, password = openai_key(3), "Pw8fT2xQ7vLm4NzK"
    c = vizlib.load(spread_secrets_stream(key, password, size), name="spread.yaml")
    # the wire: neither secret is in any one event
    assert not any(key in raw or password in raw for raw in c.chunks.raw)
    assert _deltas("\n".join(c.chunks.raw)) == (
        f"Sure. Your key is {key} - keep it safe.",
        json.dumps({"user": "ada", "password": password}),
    )
    masked_text = f"Sure. Your key is {MASK} - keep it safe."
    masked_arguments = json.dumps({"user": "ada", "password": MASK})
    redacted = c.redacted()
    assert "".join(redacted.chunks[redacted.chunks.kind == "text"].text) == masked_text
    # every event stays one row, each still JSON, and their deltas join to the masked texts
    assert len(redacted.chunks) == len(c.chunks)
    body = redacted.records[0].exchange.response.body
    assert _deltas("\n".join(redacted.chunks.raw)) == (masked_text, masked_arguments)
    assert _deltas(body) == (masked_text, masked_arguments)
    raw = raw_exchange(c, 0)
    assert _deltas(raw.response_body) == (masked_text, masked_arguments)
    assert _deltas(raw_exchange(c, 0, redact=False).response_body)[0] == masked_text.replace(
        MASK, key
    )
    page = readable(report_html([c]))
    (download,) = [
        value
        for payload in payloads(report_html([c]))
        for name, value in payload["data"].items()  # type: ignore[attr-defined]
        if name.startswith("body-response")
    ]
    assert _deltas(download) == (masked_text, masked_arguments)
    for piece in (key[i : i + 8] for i in range(len(key) - 8)):
        assert piece not in page


def test_a_secret_an_error_quotes_from_the_file_is_masked(tmp_path: Path) -> None:
    # an httprr trace whose response length is short: the error quotes what follows it
    token = "ghp_" + "".join(random.Random(4).choices(string.ascii_letters + string.digits, k=36))
    request = b"GET /user HTTP/1.1\r\nHost: api.example.com\r\n\r\n"
    response = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"token": "%s"}' % (
        token.encode()
    )
    short = len(token) + 3
    trace = b"httprr trace v1\n%d %d\n" % (len(request), len(response) - short)
    path = tmp_path / "token.httprr"
    path.write_bytes(trace + request + response)
    with pytest.raises(vizlib.CassetteError) as raised:
        vizlib.load(path)
    assert "expected" in str(raised.value)
    assert MASK in str(raised.value)
    assert token not in str(raised.value)
    assert token not in vizlib.load_many(tmp_path, cache=False, progress=False).errors.to_csv()
    for command in (["summary", str(path)], ["check", "--no-cache", str(path)]):
        result = CliRunner().invoke(main, command)
        assert "token.httprr" in result.output
        assert token not in result.output
    assert token in path.read_text()  # the input is untouched


def test_a_schema_check_that_quotes_a_password_shows_it_masked() -> None:
    password = "Pw8fT2xQ7vLm4NzK"
    document = yaml.safe_load(spread_secrets_stream(openai_key(5), password, 7))
    request = document["interactions"][0]["request"]
    body = json.loads(request["body"])
    schema = {"type": "object", "properties": {"password": {"type": "string", "minLength": 40}}}
    body["tools"] = [{"type": "function", "function": {"name": "login", "parameters": schema}}]
    request["body"] = json.dumps(body)
    c = vizlib.load(yaml.safe_dump(document), name="schema.yaml")
    (recorded,) = assemble(c, 0)
    assert recorded.schema.valid is False
    assert recorded.schema.message == f"password: '{password}' is too short"
    (shown,) = assemble(c, 0, redact=True)
    assert shown.schema.message == f"password: '{MASK}' is too short"
    assert password not in readable(report_html([c]))
