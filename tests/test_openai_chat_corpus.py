"""Every OpenAI Chat Completions cassette in the shared folder, checked against the wire."""

from __future__ import annotations

from pathlib import Path

import orjson
import pandas as pd
import pytest

import vizlib
from tests.shared import need, shared_files, shared_params
from tests.wire import count_sse_events, raw_govcr

GOVCR = shared_params("fantasy/**/*.yaml") + shared_params("seed/*.yaml")


def _chat_interactions(path: Path) -> list[tuple[int, dict]]:  # type: ignore[type-arg]
    raw = raw_govcr(path)
    return [
        (i, item)
        for i, item in enumerate(raw["interactions"])
        if item["request"]["url"].split("?")[0].endswith("/chat/completions")
    ]


@pytest.mark.parametrize("path", GOVCR)
def test_loads_and_chunks_match_the_wire(path: Path | None) -> None:
    path = need(path)
    cassette = vizlib.load(path)
    chat = _chat_interactions(path)
    ia = cassette.interactions.set_index("interaction")
    for index, item in chat:
        assert ia.loc[index, "api"] == "openai-chat"
        body = item["response"]["body"]
        n_chunks = ia.loc[index, "n_chunks"]
        if ia.loc[index, "stream"]:
            assert n_chunks == count_sse_events(body)
            assert body.count("data: [DONE]") == 1
            assert ia.loc[index, "complete"]
        else:
            assert n_chunks == 1
        chunks = cassette.chunks[cassette.chunks.interaction == index]
        assert chunks.seq.tolist() == list(range(n_chunks))
        assert (chunks.kind != "error").all()


@pytest.mark.parametrize("path", GOVCR)
def test_tool_calls_equal_what_the_client_sent_back(path: Path | None) -> None:
    path = need(path)
    cassette = vizlib.load(path)
    raw = raw_govcr(path)["interactions"]
    for call in cassette.tool_calls.itertuples():
        if call.interaction + 1 >= len(raw):
            assert call.roundtrip is pd.NA
            continue
        body = orjson.loads(raw[call.interaction + 1]["request"]["body"])
        sent = {
            c["id"]: c["function"]
            for m in body.get("messages", [])
            for c in m.get("tool_calls") or []
        }
        if not sent:
            continue
        assert call.id in sent, f"{call.id} not sent back"
        assert sent[call.id]["name"] == call.name
        assert orjson.loads(sent[call.id]["arguments"] or "{}") == call.args
        assert call.roundtrip is not pd.NA
        assert bool(call.roundtrip)


def test_every_chat_tool_call_in_the_corpus_round_trips() -> None:
    files = [p for p in shared_files("fantasy/**/*.yaml") if _chat_interactions(p)]
    if not files:
        need(None)
    trips = []
    for path in files:
        calls = vizlib.load(path).tool_calls
        trips += calls.roundtrip.dropna().tolist()
    assert len(trips) >= 50
    assert all(trips)
