"""The corpus dashboard and the turn-by-turn request table: their numbers are the frames' own."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import vizlib
from tests.shared import SHARED, require_shared
from vizlib.analysis.dashboard import dashboard
from vizlib.analysis.problems import problems
from vizlib.analysis.turns import request_growth
from vizlib.views.widget import CorpusView
from vizlib.views.widget import view as build_view


@pytest.fixture(scope="module")
def corpus() -> vizlib.Corpus:
    require_shared()
    return vizlib.load_many(SHARED, cache=False, progress=False)


def test_dashboard_numbers_are_aggregates_of_the_frames(corpus: vizlib.Corpus) -> None:
    table = dashboard(
        corpus.interactions, corpus.chunks, corpus.tool_calls, corpus.usage, corpus.names
    )
    assert table.cassette.tolist() == corpus.names
    for row in table.itertuples():
        ia = corpus.interactions[corpus.interactions.cassette == row.cassette]
        usage = corpus.usage[corpus.usage.cassette == row.cassette]
        calls = corpus.tool_calls[corpus.tool_calls.cassette == row.cassette]
        chunks = corpus.chunks[
            (corpus.chunks.cassette == row.cassette)
            & corpus.chunks.kind.isin(["text", "reasoning"])
        ]
        assert row.interactions == len(ia)
        assert row.input_tokens is pd.NA or row.input_tokens == usage.input_tokens.sum()
        assert row.output_tokens is pd.NA or row.output_tokens == usage.output_tokens.sum()
        assert pd.isna(row.cost_usd) == usage.cost_usd.isna().all()
        if not pd.isna(row.cost_usd):
            assert row.cost_usd == pytest.approx(usage.cost_usd.sum())
        streamed = ia[ia.stream]
        assert pd.isna(row.chunks_per_response) == streamed.empty
        if not streamed.empty:
            assert row.chunks_per_response == pytest.approx(streamed.n_chunks.mean())
        if len(chunks):
            assert row.chars_per_chunk == pytest.approx(chunks.text.str.len().mean())
        assert row.errors == int(((ia.status >= 400) | ia.error.notna()).sum())
        assert row.roundtrip_failures == int((calls.roundtrip == False).sum())  # noqa: E712
        assert row.schema_failures == int((calls.schema_valid == False).sum())  # noqa: E712
        if len(ia):  # each text column: the distinct values, sorted, or counted most first
            for column in ("api", "model", "kind"):
                values = ia[column].dropna().astype(str)
                assert getattr(row, column) == ", ".join(sorted(set(values)))
            reasons = ia.finish_reason.dropna().value_counts()
            listed = [part.rsplit(" ×", 1) for part in row.finish_reasons.split(", ") if part]
            assert {reason: int(n) for reason, n in listed} == reasons.to_dict()
            assert [int(n) for _, n in listed] == sorted(reasons.tolist(), reverse=True)
        if len(usage):
            sources = usage.cost_source.dropna()
            assert row.cost_source == " and ".join(sorted(set(sources)))
    totals = table[["errors", "roundtrip_failures", "schema_failures", "problems"]].sum().to_dict()
    assert totals == {"errors": 2, "roundtrip_failures": 1, "schema_failures": 0, "problems": 4}
    # the frames-only count agrees with the problems the views list from the records
    for row in table[table.problems > 0].itertuples():
        found = problems(corpus.cassette(row.cassette))
        assert row.problems == sum(len(v) for v in found.values())
    seed = table.set_index("cassette").loc["seed/multi_tool_streaming_kimi-k2.yaml"]
    assert (seed.interactions, seed.input_tokens, seed.output_tokens) == (2, 479, 81)
    assert seed.cost_usd == pytest.approx(0.00035242)
    assert seed.chunks_per_response == 22.0
    assert seed.finish_reasons == "tool_calls ×1, stop ×1"


def test_a_cassette_without_interactions_keeps_its_row(corpus: vizlib.Corpus) -> None:
    table = dashboard(
        corpus.interactions, corpus.chunks, corpus.tool_calls, corpus.usage, corpus.names
    )
    empty = set(corpus.names) - set(corpus.interactions.cassette)
    assert empty == {"langchaingo/vectorstores__alloydb__testdata__TestAddDocuments.httprr"}
    row = table.set_index("cassette").loc[next(iter(empty))]
    assert (row.interactions, row.errors, row.problems) == (0, 0, 0)
    assert pd.isna(row.api)
    assert pd.isna(row.finish_reasons)
    assert pd.isna(row.cost_usd)
    assert row.input_tokens is pd.NA
    # without names: the cassettes with interactions, in order, with the same numbers
    alone = dashboard(corpus.interactions, corpus.chunks, corpus.tool_calls, corpus.usage)
    assert alone.cassette.tolist() == [n for n in corpus.names if n not in empty]
    kept = table[table.cassette.isin(alone.cassette)].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept.drop(columns="cassette"), alone.drop(columns="cassette"))


def test_show_a_corpus_opens_each_cassette(corpus: vizlib.Corpus) -> None:
    view = build_view(corpus)
    assert isinstance(view, CorpusView)
    assert view.dashboard.value.count("<tr>") == len(corpus.names) + 1
    view.picker.value = corpus.names.index("seed/multi_tool_streaming_kimi-k2.yaml")
    assert view.holder.children[0].cassette.tool_calls.name.tolist() == ["add", "multiply"]
    view.sort_by("output_tokens")  # numbers sort largest first
    first_row = view.dashboard.value.split("<tbody>")[1].split("</tr>")[0]
    top = corpus.usage.groupby("cassette").output_tokens.sum().idxmax()
    assert top in first_row


def test_turn_by_turn_growth() -> None:
    require_shared()
    c = vizlib.load(
        SHARED / "fantasy/TestOpenAICompatibleCommon/avian-kimi/multi_tool_streaming.yaml"
    )
    growth = request_growth(c)
    assert [(g.messages, g.shared_prefix, g.added, g.diverged) for g in growth] == [
        (2, 0, 2, "first request"),
        (5, 2, 3, "extends the previous request"),
    ]
    assert [(g.input_tokens, g.cached_tokens) for g in growth] == [(154, 128), (308, 224)]


def test_turns_say_where_a_request_diverged(tmp_path: Path) -> None:
    text = vizlib.sample.sample_cassette()
    c = vizlib.load(
        text.replace("Should I pack an umbrella", "Do I need an umbrella", 1), name="edited.yaml"
    )
    growth = request_growth(c)
    assert growth[1].diverged == "message 1 (user) differs"
    assert growth[1].shared_prefix == 1
