"""The built-in sample: generated, realistic, and read back exactly."""

from __future__ import annotations

import yaml

import vizlib
from tests.wire import count_sse_events
from vizlib import sample as generator


def test_sample_reads_back_what_was_generated(sample: vizlib.Cassette) -> None:
    ia = sample.interactions
    assert ia.api.tolist() == ["openai-chat", "openai-chat"]
    assert ia.finish_reason.tolist() == ["tool_calls", "stop"]
    assert ia.n_comments.tolist() == [1, 0]
    chunks = sample.chunks
    turn0 = chunks[chunks.interaction == 0]
    assert turn0[turn0.kind == "reasoning"].text.str.cat() == generator.REASONING
    assert turn0[turn0.kind == "text"].text.str.cat() == generator.PREAMBLE
    answer = sample.messages.query("source == 'response' and interaction == 1").content.item()
    assert answer == generator.ANSWER


def test_interleaved_parallel_tool_calls_assemble(sample: vizlib.Cassette) -> None:
    calls = sample.tool_calls
    assert calls.args.tolist() == [
        {"city": "Paris", "unit": "celsius"},
        {"city": "Tokyo", "unit": "celsius"},
    ]
    assert calls.roundtrip.tolist() == [True, True]
    assert calls.result.tolist() == [
        generator.RESULTS["call_paris_01"],
        generator.RESULTS["call_tokyo_02"],
    ]
    fragments = sample.chunks.dropna(subset=["tool_index"])
    # fragments alternate between the two calls: a real interleaving
    assert fragments.tool_index.tolist()[2:6] == [0, 1, 0, 1]


def test_chunk_count_matches_the_generated_body() -> None:
    text = generator.sample_cassette()
    bodies = [i["response"]["body"] for i in yaml.safe_load(text)["interactions"]]
    c = vizlib.load(text)
    assert c.interactions.n_chunks.tolist() == [count_sse_events(b) for b in bodies]


def test_sample_usage(sample: vizlib.Cassette) -> None:
    u = sample.usage
    assert u.input_tokens.tolist() == [412, 571]
    assert u.cached_tokens.tolist() == [0, 384]
    assert u.reasoning_tokens.tolist() == [24, 0]
    assert u.cost_usd.tolist() == [0.0001194, 0.00006848]
