"""Bad input: only CassetteError ever escapes, nothing hangs, and what was intact survives.

Property-based: arbitrary bytes, and real cassettes from the shared folder
mutated (truncated, lines dropped or duplicated, invalid UTF-8, bad JSON in an
event, wrong value types, corrupted AWS frames).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vizlib
from tests.shared import SHARED, require_shared
from vizlib.analysis.problems import problems
from vizlib.decoders.eventstream import parse_frames
from vizlib.schema import check_schema


@pytest.fixture(autouse=True, scope="module")
def _schema_checks_loaded() -> None:
    """Schema checks import jsonschema on first use: before hypothesis times its examples."""
    check_schema({}, {"type": "object"})


FAST = settings(max_examples=30, deadline=5000, suppress_health_check=[HealthCheck.too_slow])

# One real file per container and per streamed wire format.
SAMPLES = [
    "seed/multi_tool_streaming_kimi-k2.yaml",
    "fantasy/TestAnthropicCommon/claude-sonnet-4/tool_streaming.yaml",
    "fantasy/TestOpenAIResponsesCommon/openai-gpt-4o/tool_streaming.yaml",
    "fantasy/TestGoogleThinking/gemini-2.5-flash/thinking-streaming.yaml",
    "fantasy/TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/tool_streaming.yaml",
    "ruby_llm/spec__fixtures__vcr_cassettes__chat_streaming_responses_cohere_command-a-03-2025_supports_streaming_responses.yml",
    "mirascope/typescript__tests__e2e__output__cassettes__stream__anthropic__accumulates-content-as-stream-progresses.har",
    "pydantic-ai/tests__models__cassettes__test_bedrock__test_bedrock_model_thinking_part_stream.yaml",
    "langchaingo/llms__ollama__testdata__TestWithFormat.httprr",
]
SSE_SAMPLES = SAMPLES[:4]


@cache
def original(relative: str) -> bytes:
    require_shared()
    return (SHARED / relative).read_bytes()


def load_or_error(content: bytes | str, name: str = "mutated.yaml") -> vizlib.Cassette | None:
    """The cassette with its frames built, or None where it raised CassetteError (naming the file)."""
    error: vizlib.CassetteError | None = None
    try:
        cassette = vizlib.load(content, name=name)
        for frame in ("interactions", "chunks", "messages", "tool_calls", "usage"):
            getattr(cassette, frame)
    except vizlib.CassetteError as exc:
        error = exc
    if error is not None:
        assert str(error).startswith(name)
        return None
    return cassette


@FAST
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(data: bytes) -> None:
    load_or_error(data)


@FAST
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    load_or_error(text + "\n")


@FAST
@given(st.sampled_from(SAMPLES), st.floats(0, 1))
def test_truncated_files(relative: str, fraction: float) -> None:
    data = original(relative)
    load_or_error(data[: int(len(data) * fraction)], name=Path(relative).name)


@FAST
@given(st.sampled_from(SAMPLES), st.integers(0, 10**6), st.sampled_from(["drop", "duplicate"]))
def test_lines_dropped_or_duplicated(relative: str, where: int, how: str) -> None:
    lines = original(relative).split(b"\n")
    index = where % len(lines)
    lines[index : index + 1] = [] if how == "drop" else [lines[index], lines[index]]
    load_or_error(b"\n".join(lines), name=Path(relative).name)


@FAST
@given(
    st.sampled_from(SAMPLES),
    st.integers(0, 10**7),
    st.binary(min_size=1, max_size=4).map(lambda b: b"\xff" + b),
)
def test_invalid_utf8(relative: str, where: int, junk: bytes) -> None:
    data = original(relative)
    at = where % len(data)
    load_or_error(data[:at] + junk + data[at:], name=Path(relative).name)


# Event-level mutations of SSE streams: every event left intact must survive as a chunk.

BLOCK = re.compile(r"\r?\n\r?\n")


def _events(body: str) -> list[str]:
    return [b.replace("\r\n", "\n") for b in BLOCK.split(body) if b.strip()]


def _data(block: str) -> str:
    return "\n".join(
        line[5:].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")
    )


def _wrong_type(data: str, pick: int) -> str:
    """The event's JSON with one value replaced by a value of another type."""
    value = json.loads(data)
    if not isinstance(value, dict) or not value:
        return '"not an object"'
    key = sorted(value)[pick % len(value)]
    replacements: list[object] = [None, 7, "text", [1, 2], {"x": 1}, True]
    choices = [r for r in replacements if type(r) is not type(value[key])]
    value[key] = choices[pick % len(choices)]
    return json.dumps(value)


MUTATIONS = ["bad-json", "wrong-type", "drop", "duplicate", "truncate"]


@settings(max_examples=80, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SSE_SAMPLES),
    st.sampled_from(MUTATIONS),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
)
def test_intact_events_survive_mutations(
    relative: str, mutation: str, where: int, pick: int
) -> None:
    document = yaml.safe_load(original(relative))
    streamed = [
        i
        for i, item in enumerate(document["interactions"])
        if str(item["response"].get("body", "")).lstrip().startswith(("data:", "event:"))
    ]
    target = streamed[where % len(streamed)]
    body = document["interactions"][target]["response"]["body"]
    events = _events(body)
    k = pick % len(events)
    intact = [e for i, e in enumerate(events) if i != k]
    if mutation == "bad-json":
        events[k] = re.sub(
            r"^data: ?(.*)$",
            lambda m: "data: " + m.group(1)[: len(m.group(1)) // 2],
            events[k],
            count=1,
            flags=re.M,
        )
    elif mutation == "wrong-type" and _data(events[k]).startswith("{"):
        events[k] = "\n".join(
            [line for line in events[k].split("\n") if not line.startswith("data:")]
            + ["data: " + _wrong_type(_data(events[k]), pick)]
        )
    elif mutation == "drop":
        events.pop(k)
    elif mutation == "duplicate":
        events.insert(k, events[k])
        intact = events[:]
    mutated = "\n\n".join(events) + "\n\n"
    if mutation == "truncate":
        cut = len("\n\n".join(events[:k])) + (pick % 40)
        mutated = mutated[:cut]
        intact = list(events[:k])
    document["interactions"][target]["response"]["body"] = mutated
    cassette = load_or_error(yaml.safe_dump(document), name=Path(relative).name)
    assert cassette is not None, "a mutated event must not cost the whole cassette"
    chunks = cassette.chunks[cassette.chunks.interaction == target]
    survived = Counter(chunks.raw)
    needed = Counter(_data(e) for e in intact if _data(e))
    missing = needed - survived
    assert not missing, f"{mutation}: lost {list(missing)[:2]}"
    if mutation in ("bad-json", "wrong-type"):
        assert len(chunks) == len(events)


@FAST
@given(st.integers(0, 10**7), st.integers(1, 255))
def test_corrupted_bedrock_frames(where: int, flip: int) -> None:
    document = yaml.safe_load(original(SAMPLES[4]))
    item = next(i for i in document["interactions"] if "stream" in i["request"]["url"])
    body = bytearray(
        item["response"]["body"]
        if isinstance(item["response"]["body"], bytes)
        else item["response"]["body"].encode("utf-8", "surrogateescape")
    )
    at = where % len(body)
    frames = parse_frames(bytes(body))
    before = [f for f in frames if f.offset + 12 <= at and not f.error]
    ends = {f.offset: f.offset for f in frames}
    body[at] ^= flip
    item["response"]["body"] = bytes(body)
    cassette = load_or_error(yaml.safe_dump(document), name="bedrock.yaml")
    assert cassette is not None
    index = document["interactions"].index(item)
    chunks = cassette.chunks[cassette.chunks.interaction == index]
    assert (chunks.kind == "error").sum() >= 1
    # every frame wholly before the flipped byte is still decoded
    intact = [f for f in before if f.offset + len(f.payload) + 16 <= at] if ends else []
    assert len(chunks[chunks.kind != "error"]) >= len(intact) - 1


def test_alias_bomb_is_refused_quickly() -> None:
    levels = ["a: &a ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    text = "\n".join([*levels, "interactions: [*i]", ""])
    with pytest.raises(vizlib.CassetteError, match="alias bomb"):
        vizlib.load(text, name="bomb.yaml")


def test_deep_nesting_is_refused() -> None:
    text = "version: 2\ninteractions: " + "[" * 100 + "]" * 100 + "\n"
    with pytest.raises(vizlib.CassetteError, match=r"^deep\.yaml: nesting deeper than 64 levels"):
        vizlib.load(text, name="deep.yaml")
    flow = "version: 2\ninteractions: " + "[" * 100_000 + "]" * 100_000 + "\n"
    with pytest.raises(vizlib.CassetteError, match=r"^deeper\.yaml: not valid YAML or JSON"):
        vizlib.load(flow, name="deeper.yaml")
    as_json = '{"interactions": ' + "[" * 2000 + "]" * 2000 + "}"
    with pytest.raises(vizlib.CassetteError, match=r"^deep\.json:"):
        vizlib.load(as_json, name="deep.json")


def test_a_truncated_stream_loads_and_is_flagged() -> None:
    body = (
        'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n'
        'data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":'
        '{"name":"f","arguments":"{\\"a\\": 1"}}]}}]}\n\n'
    )
    text = yaml.safe_dump(
        {
            "version": 2,
            "interactions": [
                {
                    "request": {
                        "url": "https://a/v1/chat/completions",
                        "method": "POST",
                        "body": "{}",
                    },
                    "response": {"code": 200, "body": body},
                }
            ],
        }
    )
    c = vizlib.load(text, name="cut.yaml")
    assert c.interactions.complete.tolist() == [False]
    assert c.tool_calls[["arguments", "valid_json"]].values.tolist() == [['{"a": 1', False]]
    assert problems(c)[0] == ["stream ended early", "f: arguments not JSON"]


def test_structures_of_the_wrong_type_are_read_as_far_as_they_go() -> None:
    text = yaml.safe_dump(
        {
            "version": 2,
            "interactions": [
                {"request": "not a mapping", "response": ["nor", "this"]},
                {
                    "request": {
                        "url": "https://a/v1/chat/completions",
                        "headers": "x",
                        "body": {"a": [1, {2: 3}]},
                    },
                    "response": {"code": "abc", "headers": [1, 2], "body": 12, "duration": ["x"]},
                },
            ],
        }
    )
    c = vizlib.load(text, name="odd.yaml")
    assert c.interactions.api.tolist() == ["unknown", "openai-chat"]
    assert c.interactions.status.tolist() == [0, 0]
