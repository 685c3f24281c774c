"""The seed cassette, value by value, as the loader's contract promises."""

from __future__ import annotations

import math

import pandas as pd

import vizlib

MODEL = "moonshotai/kimi-k2-0905"


def test_interactions(seed: vizlib.Cassette) -> None:
    ia = seed.interactions
    assert len(ia) == 2
    assert ia.api.tolist() == ["openai-chat", "openai-chat"]
    assert ia.stream.tolist() == [True, True]
    assert ia.model.tolist() == [MODEL, MODEL]
    assert ia.status.tolist() == [200, 200]
    assert ia.duration_s.tolist() == [1.1381205, 0.721622792]
    assert ia.n_chunks.tolist() == [40, 4]
    assert ia.finish_reason.tolist() == ["tool_calls", "stop"]
    assert ia.provider.tolist() == ["Chutes", "DeepInfra"]
    assert ia.url.tolist() == ["https://openrouter.ai/api/v1/chat/completions"] * 2
    assert ia.complete.all()


def test_chunks(seed: vizlib.Cassette) -> None:
    chunks = seed.chunks
    first = chunks[chunks.interaction == 0]
    assert len(first) == 40
    assert first.seq.tolist() == list(range(40))
    assert first[first.kind == "text"].text.str.cat() == "I'll add and multiply 2 and 3 for you."
    assert first.kind.astype(str).value_counts().to_dict() == {
        "tool_call": 24,
        "text": 12,
        "control": 3,
        "usage": 1,
    }
    assert first.iloc[-1].raw == "[DONE]"
    assert first.iloc[-1].event == "[DONE]"
    assert first.iloc[1].event == "chat.completion.chunk"
    add = first[first.tool_index == 0]
    assert add.args_delta.str.cat() == '{"a": 2, "b": 3}'
    assert set(add.tool_name) == {"add"}
    assert set(add.tool_call_id) == {"functions.add:0"}
    assert len(chunks[chunks.interaction == 1]) == 4


def test_raw_is_the_recorded_event(seed: vizlib.Cassette) -> None:
    text = seed.path.read_text()  # type: ignore[union-attr]
    for raw in seed.chunks.raw:
        assert f"data: {raw}\n" in text


def test_tool_calls(seed: vizlib.Cassette) -> None:
    calls = seed.tool_calls
    assert calls.name.tolist() == ["add", "multiply"]
    assert calls.id.tolist() == ["functions.add:0", "functions.multiply:1"]
    assert calls.args.tolist() == [{"a": 2, "b": 3}, {"a": 2, "b": 3}]
    assert calls.arguments.tolist() == ['{"a": 2, "b": 3}'] * 2
    assert calls.valid_json.tolist() == [True, True]
    assert calls.roundtrip.tolist() == [True, True]
    assert calls.n_fragments.tolist() == [12, 12]
    assert calls.interaction.tolist() == [0, 0]
    assert calls.result.tolist() == ["5", "6"]
    assert calls.result_interaction.tolist() == [1, 1]


def test_usage(seed: vizlib.Cassette) -> None:
    usage = seed.usage
    assert usage.input_tokens.tolist() == [197, 282]
    assert usage.output_tokens.tolist() == [53, 28]
    assert usage.total_tokens.tolist() == [250, 310]
    assert usage.cached_tokens.tolist() == [0, 0]
    assert usage.reasoning_tokens.tolist() == [0, 0]
    assert usage.cost_usd.tolist() == [0.00015542, 0.000197]
    assert usage.cost_source.tolist() == ["reported", "reported"]
    assert usage.model.tolist() == [MODEL, MODEL]


def test_messages(seed: vizlib.Cassette) -> None:
    msgs = seed.messages
    first = msgs[msgs.interaction == 0]
    assert first.role.tolist() == ["system", "user", "assistant"]
    assert first.source.tolist() == ["request", "request", "response"]
    assert first.position.tolist() == [0, 1, 2]
    assert first.content.iloc[2] == "I'll add and multiply 2 and 3 for you."
    assert first.n_tool_calls.tolist() == [0, 0, 2]
    second = msgs[msgs.interaction == 1]
    assert second.role.tolist() == ["system", "user", "assistant", "tool", "tool", "assistant"]
    assert second.tool_call_id.iloc[3:5].tolist() == ["functions.add:0", "functions.multiply:1"]
    answer = second[second.source == "response"].content.item()
    assert answer == "The results are:\n- Addition: 2 + 3 = 5\n- Multiplication: 2 × 3 = 6"


def test_every_frame_has_the_key_columns(seed: vizlib.Cassette) -> None:
    for frame in (seed.interactions, seed.chunks, seed.messages, seed.tool_calls, seed.usage):
        assert frame.columns[:2].tolist() == ["cassette", "interaction"]
        assert set(frame.cassette) == {"multi_tool_streaming_kimi-k2.yaml"}
        assert pd.api.types.is_integer_dtype(frame.interaction)


def test_load_from_text_and_bytes_gives_the_same_frames(seed: vizlib.Cassette) -> None:
    data = seed.path.read_bytes()  # type: ignore[union-attr]
    for source in (data, data.decode()):
        other = vizlib.load(source, name=seed.name)
        pd.testing.assert_frame_equal(other.chunks, seed.chunks)
        pd.testing.assert_frame_equal(other.tool_calls, seed.tool_calls)
        pd.testing.assert_frame_equal(other.usage, seed.usage)
    assert not math.isnan(seed.interactions.duration_s.iloc[0])
