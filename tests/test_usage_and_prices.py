"""Usage normalised across providers, and costs estimated only from a known, dated price."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import vizlib
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
