"""Each wire format, streamed and not, read exactly from real cassettes in the shared folder."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

import vizlib
from tests.shared import SHARED, require_shared


def load(relative: str) -> vizlib.Cassette:
    require_shared()
    return vizlib.load(SHARED / relative)


def response_text(c: vizlib.Cassette, interaction: int) -> str:
    rows = c.messages[(c.messages.interaction == interaction) & (c.messages.source == "response")]
    return str(rows.content.item())


def usage(c: vizlib.Cassette, interaction: int) -> tuple[object, ...]:
    u = c.usage.iloc[interaction]
    return (u.input_tokens, u.output_tokens, u.cached_tokens, u.reasoning_tokens, u.total_tokens)


FLORENCE = '{"location":"Florence, Italy"}'


@pytest.mark.parametrize(
    ("path", "stream", "n_chunks", "answer", "usage0", "arguments", "call_id"),
    [
        (
            "fantasy/TestOpenAICommon/openai-gpt-4o/tool.yaml",
            False,
            [1, 1],
            "The weather in Florence, Italy is currently 40°C.",
            (61, 16, 0, 0, 77),
            FLORENCE,
            "call_IUonKM9GCNis5eMRHuusMqoy",
        ),
        (
            "fantasy/TestOpenAICommon/openai-gpt-4o/tool_streaming.yaml",
            True,
            [12, 16],
            "The current temperature in Florence, Italy is 40°C.",
            (61, 16, 0, 0, 77),
            FLORENCE,
            "call_7kE4IjtnwXcGbX6hDM7xFu8T",
        ),
    ],
)
def test_openai_chat(
    path: str,
    stream: bool,
    n_chunks: list[int],
    answer: str,
    usage0: tuple[int, ...],
    arguments: str,
    call_id: str,
) -> None:
    c = load(path)
    ia = c.interactions
    assert ia.api.tolist() == ["openai-chat"] * 2
    assert ia.stream.tolist() == [stream] * 2
    assert ia.n_chunks.tolist() == n_chunks
    assert ia.finish_reason.tolist() == ["tool_calls", "stop"]
    assert ia.model.tolist() == ["gpt-4o-2024-08-06"] * 2
    assert response_text(c, 1) == answer
    assert usage(c, 0) == usage0
    assert c.tool_calls[["id", "name", "arguments"]].values.tolist() == [
        [call_id, "weather", arguments]
    ]
    assert c.tool_calls.result.tolist() == ["40 C"]


@pytest.mark.parametrize(
    ("path", "stream", "n_chunks", "call_id"),
    [
        (
            "fantasy/TestOpenAIResponsesCommon/openai-gpt-4o/tool.yaml",
            False,
            [1, 1],
            "call_6Y7U4KSBYYYDJIEL0QdvBtzW",
        ),
        (
            "fantasy/TestOpenAIResponsesCommon/openai-gpt-4o/tool_streaming.yaml",
            True,
            [14, 20],
            "call_PRiJm2RVAvt7IoRvjxIXxFVF",
        ),
    ],
)
def test_openai_responses(path: str, stream: bool, n_chunks: list[int], call_id: str) -> None:
    c = load(path)
    assert c.interactions.api.tolist() == ["openai-responses"] * 2
    assert c.interactions.stream.tolist() == [stream] * 2
    assert c.interactions.n_chunks.tolist() == n_chunks
    assert c.interactions.finish_reason.tolist() == ["completed", "completed"]
    assert response_text(c, 1) == "The current temperature in Florence, Italy is 40°C."
    assert usage(c, 0) == (58, 17, 0, 0, 75)
    assert usage(c, 1) == (81, 14, 0, 0, 95)
    assert c.tool_calls[["id", "name", "arguments", "roundtrip"]].values.tolist() == [
        [call_id, "weather", FLORENCE, True]
    ]


def test_openai_responses_reasoning_summary_streamed() -> None:
    c = load("fantasy/TestOpenAIResponsesWithSummaryThinking/openai-gpt-5/thinking-streaming.yaml")
    chunks = c.chunks[c.chunks.interaction == 0]
    summary = chunks[chunks.event == "response.reasoning_summary_text.delta"]
    assert len(summary) > 10
    assert (summary.kind == "reasoning").all()
    reasoning = c.messages.query("interaction == 0 and source == 'response'").reasoning.item()
    assert reasoning == summary.text.str.cat()
    assert c.usage.reasoning_tokens.tolist() == [64, 384]


def test_openai_responses_web_search_is_a_tool_call() -> None:
    c = load("fantasy/TestOpenAIWebSearch/stream.yaml")
    call = c.tool_calls.iloc[0]
    assert (call["name"], call["id"]) == (
        "web_search",
        "ws_0200025d411b0585016a3c13b4825c81a391999cec332e6f02",
    )
    assert call["args"]["query"] == "current population of Tokyo 2024"


@pytest.mark.parametrize(
    ("path", "stream", "n_chunks", "preamble", "usage1", "arguments"),
    [
        (
            "fantasy/TestAnthropicCommon/claude-sonnet-4/tool.yaml",
            False,
            [1, 1],
            "I'll check the weather in Florence, Italy for you.",
            (475, 50, 0, None, 525),
            '{"location":"Florence,Italy"}',
        ),
        (
            "fantasy/TestAnthropicCommon/claude-sonnet-4/tool_streaming.yaml",
            True,
            [16, 19],
            "I'll get the weather information for Florence, Italy for you.",
            (476, 46, 0, None, 522),
            '{"location": "Florence,Italy"}',
        ),
    ],
)
def test_anthropic(
    path: str,
    stream: bool,
    n_chunks: list[int],
    preamble: str,
    usage1: tuple[object, ...],
    arguments: str,
) -> None:
    c = load(path)
    assert c.interactions.api.tolist() == ["anthropic-messages"] * 2
    assert c.interactions.stream.tolist() == [stream] * 2
    assert c.interactions.n_chunks.tolist() == n_chunks
    assert c.interactions.finish_reason.tolist() == ["tool_use", "end_turn"]
    assert response_text(c, 0) == preamble
    got = usage(c, 1)
    assert got[:3] == usage1[:3]
    assert pd.isna(got[3])  # Anthropic does not count thinking tokens apart
    assert got[4] == usage1[4]
    assert c.tool_calls[["name", "arguments", "roundtrip", "result"]].values.tolist() == [
        ["weather", arguments, True, "40 C"]
    ]


def test_anthropic_stream_events() -> None:
    c = load("fantasy/TestAnthropicThinking/claude-sonnet-4/thinking-streaming.yaml")
    first = c.chunks[c.chunks.interaction == 0]
    assert first.event.iloc[0] == "message_start"
    assert first.event.iloc[-1] == "message_stop"
    thinking = first[first.raw.str.contains('"thinking_delta"')]
    assert len(thinking) > 0
    assert (thinking.kind == "reasoning").all()
    signature = first[first.raw.str.contains('"signature_delta"')]
    assert (signature.kind == "reasoning").all()
    assert (signature.text == "").all()
    reasoning = c.messages.query("interaction == 0 and source == 'response'").reasoning.item()
    assert reasoning == thinking.text.str.cat()
    assert reasoning.startswith("The user is asking for weather information for Florence, Italy.")


def test_anthropic_server_tool_use() -> None:
    c = load("fantasy/TestAnthropicWebSearch/stream.yaml")
    calls = c.tool_calls
    assert calls.name.tolist() == ["web_search", "web_search"]
    assert calls.args.tolist() == [
        {"query": "Tokyo population 2026 current"},
        {"query": "Osaka population 2026 current"},
    ]
    assert calls.roundtrip.tolist()[0] is True
    assert usage(c, 0)[0] == 13520


def test_anthropic_vertex_raw_predict() -> None:
    c = load("fantasy/TestGoogleVertexObjectGeneration/vertex-claude-3-7-sonnet/simple_object.yaml")
    assert c.interactions.api.tolist() == ["anthropic-messages"]
    assert c.interactions.endpoint.tolist() == ["rawPredict"]
    assert c.tool_calls.name.tolist() == ["Person"]
    assert c.usage.input_tokens.tolist() == [453]


@pytest.mark.parametrize(
    ("path", "stream", "n_chunks", "usage0"),
    [
        (
            "fantasy/TestGoogleCommon/gemini-2.5-flash/tool.yaml",
            False,
            [1, 1],
            (54, 63, None, 48, 117),
        ),
        (
            "fantasy/TestGoogleThinking/gemini-2.5-flash/thinking-streaming.yaml",
            True,
            [2, 2],
            (54, 76, None, 62, 130),
        ),
    ],
)
def test_gemini(path: str, stream: bool, n_chunks: list[int], usage0: tuple[object, ...]) -> None:
    c = load(path)
    assert c.interactions.api.tolist() == ["gemini"] * 2
    assert c.interactions.stream.tolist() == [stream] * 2
    assert c.interactions.n_chunks.tolist() == n_chunks
    assert c.interactions.finish_reason.tolist() == ["STOP", "STOP"]
    u = c.usage.iloc[0]
    input_, output, _, reasoning, total = usage0
    assert (u.input_tokens, u.output_tokens, u.reasoning_tokens, u.total_tokens) == (
        input_,
        output,
        reasoning,
        total,
    )
    # Gemini reports candidates without thoughts: the provider's own count is kept
    assert u.reported_output_tokens == output - reasoning  # type: ignore[operator]
    assert response_text(c, 1).startswith("The weather in Florence, Italy is 40 C.")
    call = c.tool_calls.iloc[0]
    assert (call["name"], call["args"], call["roundtrip"], call["result"]) == (
        "weather",
        {"location": "Florence, Italy"} if stream else {"location": "Florence,Italy"},
        True,
        '{"result":"40 C"}',
    )


def test_gemini_thoughts_stream_as_reasoning() -> None:
    c = load("fantasy/TestGoogleThinking/gemini-2.5-flash/thinking-streaming.yaml")
    assert c.chunks[c.chunks.interaction == 0].kind.tolist() == ["reasoning", "tool_call"]
    reasoning = c.messages.query("interaction == 0 and source == 'response'").reasoning.item()
    assert reasoning.startswith("**Determining the Weather Inquiry**")


@pytest.mark.parametrize(
    ("path", "stream", "n_chunks", "output1"),
    [
        (
            "fantasy/TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/tool.yaml",
            False,
            [1, 1],
            56,
        ),
        (
            "fantasy/TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/tool_streaming.yaml",
            True,
            [10, 22],
            54,
        ),
    ],
)
def test_bedrock_invoke(path: str, stream: bool, n_chunks: list[int], output1: int) -> None:
    c = load(path)
    assert c.interactions.api.tolist() == ["bedrock"] * 2
    assert c.interactions.stream.tolist() == [stream] * 2
    assert c.interactions.n_chunks.tolist() == n_chunks
    assert c.interactions.model.tolist() == ["claude-haiku-4-5-20251001"] * 2
    assert (
        c.interactions.request_model.tolist() == ["us.anthropic.claude-haiku-4-5-20251001-v1:0"] * 2
    )
    assert c.interactions.finish_reason.tolist() == ["tool_use", "end_turn"]
    assert c.usage.input_tokens.tolist() == [577, 646]
    assert c.usage.output_tokens.tolist()[1] == output1
    assert c.tool_calls[["name", "args", "roundtrip", "result"]].values.tolist() == [
        ["weather", {"location": "Florence, Italy"}, True, "40 C"]
    ]
    assert response_text(c, 1).startswith("The ")


def test_bedrock_stream_frames_carry_anthropic_events() -> None:
    c = load("fantasy/TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple_streaming.yaml")
    assert c.chunks.event.tolist()[0] == "message_start"
    assert c.chunks.raw.iloc[0].startswith('{"type":"message_start"')
    assert c.interactions.complete.tolist() == [True]


def test_bedrock_converse_stream_and_converse() -> None:
    streamed = load(
        "pydantic-ai/tests__models__cassettes__test_bedrock__test_bedrock_model_thinking_part_stream.yaml"
    )
    assert streamed.interactions.endpoint.tolist() == ["converse-stream"]
    assert streamed.interactions.n_chunks.tolist() == [25]
    assert response_text(streamed, 0) == "Hello! It's nice to meet you. How can I help you today?"
    assert streamed.usage.input_tokens.tolist() == [36]
    assert streamed.usage.output_tokens.tolist() == [73]
    kinds = streamed.chunks.kind.astype(str).value_counts().to_dict()
    assert kinds == {"reasoning": 15, "text": 5, "control": 4, "usage": 1}
    whole = load(
        "pydantic-ai/tests__models__cassettes__test_bedrock__test_bedrock_llama_tool_result_followed_by_text_accepted.yaml"
    )
    assert whole.interactions.endpoint.tolist() == ["converse"]
    assert response_text(whole, 0) == "DONE"
    assert whole.usage[["input_tokens", "output_tokens"]].values.tolist() == [[186, 2]]


def test_ollama_streamed_has_real_times() -> None:
    c = load("langchaingo/llms__ollama__testdata__TestWithFormat.httprr")
    assert c.interactions[["api", "stream", "n_chunks", "finish_reason"]].values.tolist() == [
        ["ollama", True, 9, "stop"]
    ]
    assert response_text(c, 0) == '{"answer": "600"}'
    assert c.usage[["input_tokens", "output_tokens"]].values.tolist() == [[25, 9]]
    times = c.chunks.time_s.tolist()
    assert times[0] == 0.0
    assert times == sorted(times)
    assert times[-1] == pytest.approx(0.075006)


def test_ollama_non_streamed() -> None:
    c = load(
        "openllmetry/packages__opentelemetry-instrumentation-ollama__tests__cassettes__test_chat__test_ollama_chat_with_events_with_content.yaml"
    )
    assert c.interactions[["api", "stream", "n_chunks", "model"]].values.tolist() == [
        ["ollama", False, 1, "llama3"]
    ]
    assert response_text(c, 0).startswith("A joke about OpenTelemetry!")
    assert c.usage[["input_tokens", "output_tokens"]].values.tolist() == [[17, 66]]


def test_cohere_streamed() -> None:
    c = load(
        "ruby_llm/spec__fixtures__vcr_cassettes__chat_streaming_responses_cohere_command-a-03-2025_supports_streaming_responses.yml"
    )
    assert c.interactions[["api", "stream", "n_chunks", "finish_reason"]].values.tolist() == [
        ["cohere", True, 21, "COMPLETE"]
    ]
    assert response_text(c, 0) == "Sure! Here's counting from 1 to 3:\n\n1, 2, 3."
    assert usage(c, 0)[:3] == (502, 24, 448)


def test_legacy_completions() -> None:
    c = load(
        "openllmetry/es__opentelemetry-instrumentation-langchain__tests__cassettes__test_llms__test_trace_propagation_stream_async_with_events_with_no_content[VLLMOpenAI].yaml"
    )
    assert c.interactions[["api", "stream", "n_chunks", "finish_reason"]].values.tolist() == [
        ["openai-completions", True, 21, "length"]
    ]
    assert (
        response_text(c, 0)
        == ".\n\nSystem: You are a helpful assistant\n\nSystem: You are a helpful assistant\n"
    )


def test_xai_sdk_recording() -> None:
    c = load(
        "pydantic-ai/tests__models__cassettes__test_multimodal_tool_returns__test_multimodal_tool_return_matrix[direct-url_force_download-audio-xai].xai.yaml"
    )
    assert c.container == "xai-sdk"
    assert c.interactions[["api", "model", "finish_reason"]].values.tolist() == [
        ["xai", "grok-4-1-fast-non-reasoning", "REASON_TOOL_CALLS"]
    ]
    assert c.tool_calls[["id", "name", "arguments"]].values.tolist() == [
        ["call_95410122", "get_file", "{}"]
    ]
    assert usage(c, 0)[:3] == (359, 15, 314)


def test_errors_are_visible() -> None:
    c = load(
        "mirascope/typescript__tests__e2e__input__cassettes__empty-call__anthropic__handles-empty-string-content.har"
    )
    assert c.interactions.status.tolist() == [400]
    assert c.interactions.error.item().startswith(
        "invalid_request_error: messages.0: all messages must have non-empty content"
    )
    assert c.chunks.kind.tolist() == ["error"]
    limited = load("langchaingo/llms__openai__testdata__TestOpenRouterStreaming.httprr")
    assert limited.interactions.error.str.startswith("Rate limit exceeded").any()


def test_embeddings_from_a_local_server_are_read() -> None:
    c = load(
        "openllmetry/packages__opentelemetry-instrumentation-openai__tests__traces__cassettes__test_embeddings__test_async_embeddings_context_propagation.yaml"
    )
    assert c.interactions[
        ["api", "kind", "endpoint", "status", "n_inputs", "n_outputs"]
    ].values.tolist() == [["embeddings", "embeddings", "embeddings", 200, 1, 1]]
    # base64 vectors: their length is not guessed
    assert c.interactions.dimensions.isna().all()
    assert c.chunks.kind.tolist() == ["other"]
    assert c.usage[["model", "input_tokens", "output_tokens"]].values.tolist() == [
        ["intfloat/e5-mistral-7b-instruct", 11, 0]
    ]


def test_mistral_through_the_chat_decoder() -> None:
    c = load(
        "pydantic-ai/tests__models__cassettes__test_multimodal_tool_returns__test_mixed_content_ordering[mistral].yaml"
    )
    assert c.interactions[["api", "model", "finish_reason"]].values.tolist() == [
        ["openai-chat", "mistral-medium-latest", "tool_calls"],
        ["openai-chat", "mistral-medium-latest", "stop"],
    ]
    assert c.tool_calls[["id", "name", "arguments", "roundtrip"]].values.tolist() == [
        ["ot1MIoEMA", "get_mixed_content", "{}", True]
    ]
    assert response_text(c, 1).startswith("The image shows a cross-section of a kiwi fruit.")
    assert c.usage[["input_tokens", "output_tokens"]].values.tolist() == [[61, 8], [598, 75]]


def _exchange(
    url: str, request: object, response: object, content_type: str = "application/json"
) -> str:
    body = response if isinstance(response, str) else json.dumps(response)
    return yaml.safe_dump(
        {
            "version": 2,
            "interactions": [
                {
                    "request": {"url": url, "method": "POST", "body": json.dumps(request)},
                    "response": {
                        "code": 200,
                        "headers": {"Content-Type": [content_type]},
                        "body": body,
                    },
                }
            ],
        }
    )


def test_cohere_non_streamed() -> None:
    response = {
        "id": "c-1",
        "finish_reason": "TOOL_CALL",
        "message": {
            "role": "assistant",
            "tool_plan": "I will look it up.",
            "tool_calls": [
                {
                    "id": "get_weather_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'},
                }
            ],
        },
        "usage": {
            "billed_units": {"input_tokens": 5, "output_tokens": 9},
            "tokens": {"input_tokens": 120, "output_tokens": 30},
        },
    }
    c = vizlib.load(
        _exchange(
            "https://api.cohere.com/v2/chat",
            {"model": "command-a-03-2025", "messages": []},
            response,
        ),
        name="cohere.yaml",
    )
    assert c.interactions[["api", "stream", "finish_reason", "n_chunks"]].values.tolist() == [
        ["cohere", False, "TOOL_CALL", 1]
    ]
    assert c.tool_calls[["id", "name", "args"]].values.tolist() == [
        ["get_weather_1", "get_weather", {"city": "Oslo"}]
    ]
    assert c.messages.query("source == 'response'").reasoning.item() == "I will look it up."
    assert c.usage[["input_tokens", "output_tokens"]].values.tolist() == [[120, 30]]


def test_legacy_completions_non_streamed() -> None:
    response = {
        "id": "cmpl-1",
        "object": "text_completion",
        "model": "gpt-3.5-turbo-instruct",
        "choices": [{"index": 0, "text": " world", "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    c = vizlib.load(
        _exchange(
            "https://api.openai.com/v1/completions",
            {"model": "gpt-3.5-turbo-instruct", "prompt": "hello"},
            response,
        ),
        name="c.yaml",
    )
    assert c.interactions[["api", "stream", "finish_reason"]].values.tolist() == [
        ["openai-completions", False, "stop"]
    ]
    assert c.messages[["role", "content", "source"]].values.tolist() == [
        ["user", "hello", "request"],
        ["assistant", " world", "response"],
    ]


def test_ollama_tool_calls_round_trip_without_ids() -> None:
    call = {"function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}
    first = [
        {
            "model": "llama3.2",
            "created_at": "2026-01-01T00:00:00.000000Z",
            "message": {"role": "assistant", "content": "", "tool_calls": [call]},
            "done": False,
        },
        {
            "model": "llama3.2",
            "created_at": "2026-01-01T00:00:00.250000Z",
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "prompt_eval_count": 50,
            "eval_count": 12,
        },
    ]
    ask = {"role": "user", "content": "Weather in Oslo?"}
    follow = {
        "model": "llama3.2",
        "messages": [
            ask,
            {"role": "assistant", "content": "", "tool_calls": [call]},
            {"role": "tool", "content": "-3 C", "tool_name": "get_weather"},
        ],
    }
    doc = {
        "version": 2,
        "interactions": [
            {
                "request": {
                    "url": "http://localhost:11434/api/chat",
                    "method": "POST",
                    "body": json.dumps({"model": "llama3.2", "messages": [ask]}),
                },
                "response": {
                    "code": 200,
                    "body": "\n".join(json.dumps(line) for line in first) + "\n",
                },
            },
            {
                "request": {
                    "url": "http://localhost:11434/api/chat",
                    "method": "POST",
                    "body": json.dumps(follow),
                },
                "response": {
                    "code": 200,
                    "body": json.dumps(
                        {
                            "model": "llama3.2",
                            "message": {"role": "assistant", "content": "It is -3 C."},
                            "done": True,
                            "done_reason": "stop",
                        }
                    )
                    + "\n",
                },
            },
        ],
    }
    c = vizlib.load(yaml.safe_dump(doc), name="ollama.yaml")
    assert c.chunks.query("interaction == 0").time_s.tolist() == [0.0, 0.25]
    assert c.tool_calls[["name", "args", "roundtrip", "result"]].values.tolist() == [
        ["get_weather", {"city": "Oslo"}, True, "-3 C"]
    ]
