"""Usage normalised across providers, and costs estimated only from a known, dated price."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import vizlib
from tests.shared import require_shared
from vizlib.decoders import anthropic, gemini, openai_chat
from vizlib.pricing import PriceTable, normalise_model
from vizlib.records import Usage


def test_anthropic_input_includes_cache_reads_and_writes() -> None:
    u = anthropic.read_usage(
        {
            "input_tokens": 12,
            "cache_read_input_tokens": 3000,
            "cache_creation_input_tokens": 500,
            "output_tokens": 40,
        }
    )
    assert (u.input_tokens, u.cached_tokens, u.cache_write_tokens, u.output_tokens) == (
        3512,
        3000,
        500,
        40,
    )
    assert (u.reported_input_tokens, u.total_tokens) == (12, 3552)


def test_gemini_output_includes_thoughts() -> None:
    u = gemini.read_usage(
        {
            "promptTokenCount": 54,
            "candidatesTokenCount": 14,
            "thoughtsTokenCount": 62,
            "cachedContentTokenCount": 20,
            "totalTokenCount": 130,
        }
    )
    assert (u.input_tokens, u.cached_tokens, u.output_tokens, u.reasoning_tokens) == (
        54,
        20,
        76,
        62,
    )
    assert (u.reported_output_tokens, u.total_tokens) == (14, 130)


def test_openai_usage_is_already_normalised() -> None:
    u = openai_chat.read_usage(
        {
            "prompt_tokens": 100,
            "completion_tokens": 50,
            "prompt_tokens_details": {"cached_tokens": 80},
            "completion_tokens_details": {"reasoning_tokens": 30},
        }
    )
    assert (
        u.input_tokens,
        u.cached_tokens,
        u.output_tokens,
        u.reasoning_tokens,
        u.total_tokens,
    ) == (100, 80, 50, 30, 150)
    assert (u.reported_input_tokens, u.reported_output_tokens) == (100, 50)


@pytest.mark.parametrize(
    ("model", "normalised"),
    [
        ("anthropic/claude-sonnet-4", "claude-sonnet-4"),
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5-20251001-v1:0"),
        ("claude-3-7-sonnet@20250219", "claude-3-7-sonnet"),
        ("gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),
        ("openai/gpt-4o-mini", "gpt-4o-mini"),
    ],
)
def test_model_names(model: str, normalised: str) -> None:
    assert normalise_model(model) == normalised


def test_longest_prefix_wins() -> None:
    table = PriceTable.default()
    assert table.find("gpt-4o-mini-2024-07-18").model == "gpt-4o-mini"  # type: ignore[union-attr]
    assert table.find("gpt-4o-2024-08-06").model == "gpt-4o"  # type: ignore[union-attr]
    assert table.find("gpt-5-mini-2025-08-07").model == "gpt-5-mini"  # type: ignore[union-attr]
    assert table.find("moonshotai/kimi-k2-0905") is None


def test_estimate_uses_cache_prices() -> None:
    table = PriceTable.default()
    usage = Usage(input_tokens=3512, cached_tokens=3000, cache_write_tokens=500, output_tokens=40)
    cost, label = table.estimate("claude-sonnet-4-20250514", usage)
    assert cost == pytest.approx((12 * 3.00 + 3000 * 0.30 + 500 * 3.75 + 40 * 15.00) / 1e6)
    assert label == "https://platform.claude.com/docs/en/about-claude/pricing (as of 2025-10-15)"


def test_unknown_model_or_missing_counts_cost_nan() -> None:
    table = PriceTable.default()
    assert math.isnan(table.estimate("some-new-model", Usage(input_tokens=1, output_tokens=1))[0])
    assert math.isnan(table.estimate("gpt-4o", Usage())[0])


def test_reported_costs_are_never_replaced(seed: vizlib.Cassette) -> None:
    assert seed.usage.cost_source.tolist() == ["reported", "reported"]
    assert seed.usage.price_source.isna().all()


def test_a_user_price_table_replaces_the_shipped_one(tmp_path: Path) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text(
        "model,input_per_mtok,cached_input_per_mtok,cache_write_per_mtok,output_per_mtok,source,as_of\n"
        "gpt-4o-mini,1.00,,,2.00,our contract,2026-01-01\n"
    )
    text = vizlib.sample.sample_cassette().replace('"cost":', '"not_cost":')
    c = vizlib.load(text, prices=PriceTable.from_csv(prices))
    assert c.usage.cost_source.tolist() == ["estimated", "estimated"]
    assert c.usage.cost_usd.tolist() == pytest.approx([(412 + 96 * 2) / 1e6, (571 + 38 * 2) / 1e6])
    assert set(c.usage.price_source) == {"our contract (as of 2026-01-01)"}


def test_every_shipped_price_names_its_source_and_date() -> None:
    for price in PriceTable.default().prices:
        assert price.source.startswith("https://")
        assert len(price.as_of) == 10
        assert price.input > 0
        # embeddings generate nothing: their only price is the input's
        assert price.output > 0 or "embed" in price.model


# (file, interaction, model, input, cached, output, USD per million: input, cached, output, source)
PRICED = [
    (
        "cassettes/fantasy/TestOpenAICompatObjectGeneration/xai-grok-4-fast/simple_object.yaml",
        0,
        "grok-4-fast-reasoning",
        (401, 305, 44),
        (0.20, 0.05, 0.50),
        "https://docs.x.ai/docs/models (as of 2025-09-19)",
    ),
    (
        "incoming/pydantic-ai/tests__models__cassettes__test_xai__"
        "test_xai_builtin_mcp_server_tool_stream.xai.yaml",
        0,
        "grok-4-fast-reasoning",
        (1783, 853, 403),
        (0.20, 0.05, 0.50),
        "https://docs.x.ai/docs/models (as of 2025-09-19)",
    ),
    (
        "cassettes/pydantic-ai/tests__models__cassettes__test_multimodal_tool_returns__"
        "test_multimodal_tool_return_matrix[direct-url_force_download-audio-xai].xai.yaml",
        0,
        "grok-4-1-fast-non-reasoning",
        (359, 314, 15),
        (0.20, 0.05, 0.50),
        "https://docs.x.ai/developers/pricing (as of 2026-11-26)",
    ),
    (
        "incoming/pydantic-ai/tests__models__xai__cassettes__test_search_tools__"
        "test_xai_builtin_file_search_tool.xai.yaml",
        2,
        "grok-4.3",
        (2417, 1152, 120),
        (1.25, 0.20, 2.50),
        "https://docs.x.ai/developers/pricing (as of 2026-11-26)",
    ),
    (
        "incoming/openllmetry/packages__opentelemetry-instrumentation-cohere__tests__cassettes__"
        "test_chat__test_cohere_chat_legacy_with_streaming.yaml",
        0,
        "command",
        (69, 0, 116),
        (1.00, 1.00, 2.00),
        "https://cohere.com/pricing (legacy models) (as of 2026-05-04)",
    ),
    (
        "cassettes/openllmetry/packages__opentelemetry-instrumentation-langchain__tests__"
        "cassettes__test_chains__test_stream_with_events_with_content.yaml",
        0,
        "command-r-08-2024",
        (212, 208, 36),
        # Cohere publishes no cache-read price: cached tokens cost the input price
        (0.15, 0.15, 0.60),
        "https://cohere.com/pricing (as of 2026-11-11)",
    ),
    (
        "cassettes/ruby_llm/spec__fixtures__vcr_cassettes__chat_streaming_responses_cohere_"
        "command-a-03-2025_supports_streaming_responses.yml",
        0,
        "command-a-03-2025",
        (502, 448, 24),
        (2.50, 2.50, 10.00),
        "https://cohere.com/pricing (as of 2025-03-13)",
    ),
    (
        "cassettes/ruby_llm/spec__fixtures__vcr_cassettes__chat_with_extended_thinking_vertexai_"
        "gemini-3-flash-preview_streams_thinking_content_when_available.yml",
        1,
        "gemini-3-flash-preview",
        (43, 0, 1375),
        (0.50, 0.05, 3.00),
        "https://ai.google.dev/gemini-api/docs/pricing (text/image/video input) (as of 2026-07-04)",
    ),
]


@pytest.mark.parametrize(
    ("name", "interaction", "model", "tokens", "rates", "source"),
    PRICED,
    ids=[f"{p[2]}-{p[0][-40:]}" for p in PRICED],
)
def test_more_families_are_priced_from_their_providers_pages(
    name: str,
    interaction: int,
    model: str,
    tokens: tuple[int, int, int],
    rates: tuple[float, float, float],
    source: str,
) -> None:
    path = require_shared().parent / name
    u = vizlib.load(path).usage.iloc[interaction]
    assert u.model == model
    cached_tokens = 0 if pd.isna(u.cached_tokens) else u.cached_tokens
    assert (u.input_tokens, cached_tokens, u.output_tokens) == tokens
    fresh, cached, out = tokens
    expected = ((fresh - cached) * rates[0] + cached * rates[1] + out * rates[2]) / 1e6
    assert u.cost_usd == pytest.approx(expected)
    assert (u.cost_source, u.price_source) == ("estimated", source)


def test_a_row_ending_in_dollar_prices_that_model_only() -> None:
    table = PriceTable.default()
    assert table.find("command").model == "command$"  # type: ignore[union-attr]
    for other in ("command-light", "command-r-plus-08-2024", "command-a-vision-07-2025"):
        assert table.find(other) is None, other
    assert table.find("command-r-08-2024").model == "command-r-08-2024"  # type: ignore[union-attr]


def test_a_batch_result_costs_the_providers_batch_share_or_nothing() -> None:
    table = PriceTable.default()
    usage = Usage(input_tokens=1000, output_tokens=100)
    listed, _ = table.estimate("gpt-4o-mini", usage)
    batched, label = table.estimate("gpt-4o-mini", usage, batch=True)
    assert batched == pytest.approx(listed * 0.5)
    assert label == (
        "https://openai.com/api/pricing (as of 2025-08-07); batch results at 50% of the list price"
    )
    # Cohere's row says nothing of batches: a batch result of it is not priced
    assert table.estimate("embed-v4.0", usage)[1] is not None
    assert table.estimate("embed-v4.0", usage, batch=True) == (
        pytest.approx(math.nan, nan_ok=True),
        None,
    )
