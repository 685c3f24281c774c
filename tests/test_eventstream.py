"""AWS event-stream frames: both CRCs checked, bad frames reported, never guessed at."""

from __future__ import annotations

import base64
import json

import yaml
from hypothesis import given
from hypothesis import strategies as st

import vizlib
from vizlib.decoders.eventstream import encode_frame, parse_frames

URL = "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream"
EVENTS = [
    {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "model": "claude-haiku-4-5-20251001",
            "usage": {"input_tokens": 10, "output_tokens": 1},
        },
    },
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " there"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 3}},
    {"type": "message_stop"},
]
HEADERS = {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}


def _frames() -> list[bytes]:
    return [
        encode_frame(
            HEADERS,
            json.dumps({"bytes": base64.b64encode(json.dumps(e).encode()).decode()}).encode(),
        )
        for e in EVENTS
    ]


def _cassette(body: bytes) -> str:
    return yaml.safe_dump(
        {
            "version": 2,
            "interactions": [
                {
                    "request": {
                        "url": URL,
                        "method": "POST",
                        "body": '{"anthropic_version":"bedrock-2023-05-31","messages":[]}',
                    },
                    "response": {
                        "code": 200,
                        "headers": {"Content-Type": ["application/vnd.amazon.eventstream"]},
                        "body": body,
                    },
                }
            ],
        }
    )


def test_good_stream() -> None:
    c = vizlib.load(_cassette(b"".join(_frames())), name="b.yaml")
    assert c.interactions[["api", "n_chunks", "finish_reason", "complete"]].values.tolist() == [
        ["bedrock", 7, "end_turn", True]
    ]
    assert c.chunks.event.tolist()[0] == "message_start"
    assert c.messages.query("source == 'response'").content.item() == "Hi there"
    assert c.usage[["input_tokens", "output_tokens"]].values.tolist() == [[10, 3]]


def test_corrupt_message_crc_is_an_error_chunk_and_the_rest_is_kept() -> None:
    frames = _frames()
    bad = bytearray(frames[2])
    bad[-6] ^= 0xFF  # inside the payload: the message CRC no longer matches
    c = vizlib.load(_cassette(b"".join([*frames[:2], bytes(bad), *frames[3:]])), name="b.yaml")
    assert c.chunks.kind.tolist() == [
        "control",
        "text",
        "error",
        "text",
        "control",
        "usage",
        "control",
    ]
    assert (
        c.chunks.error.iloc[2]
        == f"message CRC mismatch in frame at byte {len(frames[0]) + len(frames[1])}"
    )
    assert c.messages.query("source == 'response'").content.item() == " there"


def test_corrupt_prelude_stops_with_an_error_and_keeps_what_came_before() -> None:
    frames = _frames()
    bad = bytearray(frames[3])
    bad[9] ^= 0x01  # the prelude CRC
    c = vizlib.load(_cassette(b"".join([*frames[:3], bytes(bad), *frames[4:]])), name="b.yaml")
    assert c.chunks.kind.tolist() == ["control", "text", "text", "error"]
    assert "prelude CRC mismatch" in c.chunks.error.iloc[3]
    assert not c.interactions.complete.item()


def test_truncated_stream() -> None:
    body = b"".join(_frames())[:-10]
    c = vizlib.load(_cassette(body), name="b.yaml")
    assert c.chunks.kind.tolist()[-1] == "error"
    assert c.interactions.n_chunks.item() == 7
    assert not c.interactions.complete.item()


@given(st.lists(st.tuples(st.text(max_size=20), st.binary(max_size=200)), max_size=8))
def test_frames_round_trip(items: list[tuple[str, bytes]]) -> None:
    data = b"".join(encode_frame({":event-type": name}, payload) for name, payload in items)
    frames = parse_frames(data)
    assert [(f.headers[":event-type"], f.payload, f.error) for f in frames] == [
        (name, payload, None) for name, payload in items
    ]


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    frames = parse_frames(data)
    assert all(f.error or f.headers is not None for f in frames)
