"""Every file in the shared folder, grouped by folder: it loads, and its chunks match the wire."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pandas as pd
import pytest

import vizlib
from tests.shared import SHARED, need, shared_files, shared_params
from tests.wire import count_frames, count_lines, count_sse_events
from vizlib.kinds import SIDE_KINDS

ALL = shared_params()
# Requests that are not LLM calls name what they are in `endpoint`.
NOT_LLM = set(SIDE_KINDS)
# The one tool call in the corpus that the client changed before sending it
# back: langchaingo's functions agent sends the tool's input, not the JSON.
ALTERED = {
    ("langchaingo/agents__testdata__TestOpenAIFunctionsAgentWithHTTPRR.httprr", 0, "calculator")
}


def _events_on_the_wire(cassette: vizlib.Cassette, index: int) -> int:
    row = cassette.interactions.iloc[index]
    body = cassette.records[index].exchange.response.body
    text = body if isinstance(body, str) else body.decode("utf-8", "replace")
    if row.api == "bedrock" and row.stream:
        return count_frames(
            body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
        )
    if row.api == "ollama":
        return count_lines(text)
    if row.stream and row.api == "gemini" and text.lstrip().startswith("["):
        return len(orjson.loads(text))
    if row.stream:
        return count_sse_events(text)
    return 1 if text.strip() else 0


@pytest.mark.parametrize("path", ALL)
def test_loads_with_every_llm_call_recognised(path: Path | None) -> None:
    cassette = vizlib.load(need(path))
    unknown = cassette.interactions[cassette.interactions.api == "unknown"]
    assert set(unknown.endpoint) <= NOT_LLM, unknown[["url", "endpoint"]].to_string()


@pytest.mark.parametrize("path", ALL)
def test_chunks_equal_the_events_on_the_wire(path: Path | None) -> None:
    cassette = vizlib.load(need(path))
    for index, row in cassette.interactions.iterrows():
        assert row.n_chunks == _events_on_the_wire(cassette, index), f"interaction {index}"
        seqs = cassette.chunks.loc[cassette.chunks.interaction == row.interaction, "seq"]
        assert seqs.tolist() == list(range(row.n_chunks))


@pytest.mark.parametrize("path", ALL)
def test_tool_calls_sent_back_round_trip(path: Path | None) -> None:
    path = need(path)
    key = str(path.relative_to(SHARED))
    calls = vizlib.load(path).tool_calls
    for call in calls[calls.roundtrip.notna()].itertuples():
        expected = (key, call.interaction, call.name) not in ALTERED
        assert bool(call.roundtrip) is expected, (call.interaction, call.name, call.arguments)


def test_round_trips_per_provider() -> None:
    """Every provider with tool calls sent back has them all round-trip, counted across the corpus."""
    files = shared_files()
    if not files:
        need(None)
    trips: Counter[tuple[str, bool]] = Counter()
    for path in files:
        c = vizlib.load(path)
        joined = c.tool_calls.merge(c.interactions[["interaction", "api"]], on="interaction")
        for row in joined[joined.roundtrip.notna()].itertuples():
            trips[(str(row.api), bool(row.roundtrip))] += 1
    assert trips == {
        ("openai-chat", True): trips[("openai-chat", True)],
        ("openai-chat", False): 1,
        ("openai-responses", True): trips[("openai-responses", True)],
        ("anthropic-messages", True): trips[("anthropic-messages", True)],
        ("gemini", True): trips[("gemini", True)],
        ("bedrock", True): trips[("bedrock", True)],
    }
    for api in ("openai-chat", "openai-responses", "anthropic-messages", "gemini", "bedrock"):
        assert trips[(api, True)] >= 2, api


def test_the_altered_call_is_reported_as_such() -> None:
    path = SHARED / "langchaingo/agents__testdata__TestOpenAIFunctionsAgentWithHTTPRR.httprr"
    if not path.exists():
        need(None)
    c = vizlib.load(path)
    call = c.tool_calls.iloc[0]
    assert (call["name"], call["arguments"], call["roundtrip"]) == (
        "calculator",
        '{"__arg1":"15 * 4"}',
        False,
    )
    sent = c.records[1].decoded.messages[2].tool_calls[0]
    assert (sent.name, sent.arguments) == ("calculator", "15 * 4")
    assert call["result"] == "60"


def test_every_folder_is_covered() -> None:
    files = shared_files()
    if not files:
        need(None)
    folders = {p.relative_to(SHARED).parts[0] for p in files}
    assert folders == {
        "fantasy",
        "langchaingo",
        "mirascope",
        "openllmetry",
        "pydantic-ai",
        "ruby_llm",
        "seed",
    }
    containers = Counter(vizlib.load(p).container for p in files)
    assert set(containers) == {"go-vcr", "vcr.py", "ruby-vcr", "har", "httprr", "xai-sdk"}
    assert pd.Series(containers).sum() == len(files)
