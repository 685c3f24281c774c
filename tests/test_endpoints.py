"""Every LLM endpoint, not only chat: exact values read from the raw recordings.

Expected values come from the files themselves (parsed here with PyYAML and
json, independently of vizlib's readers), so each assertion ties a decoded
frame to the wire.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vizlib
from tests.pages import payloads, readable
from tests.shared import SHARED, require_shared, shared_files
from tests.wire import count_lines, count_sse_events
from vizlib.analysis.dashboard import dashboard
from vizlib.analysis.problems import problems
from vizlib.decoders import decode_exchange
from vizlib.kinds import SIDE_KINDS
from vizlib.records import Exchange, HttpRequest, HttpResponse

INCOMING = SHARED.parent / "incoming"


def incoming(pattern: str) -> Path:
    """The one incoming file matching a glob."""
    require_shared()
    found = sorted(INCOMING.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def raw(path: Path) -> Any:
    """A YAML cassette as plain data (files without custom tags)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def response_text(c: vizlib.Cassette, interaction: int) -> list[str]:
    rows = c.messages[(c.messages.interaction == interaction) & (c.messages.source == "response")]
    return rows.content.tolist()


def every_file() -> list[Path]:
    extra = sorted(p for p in INCOMING.rglob("*") if p.is_file() and p.name != "README.md")
    return shared_files() + extra


def test_cohere_v1_stream_is_one_chunk_per_line() -> None:
    path = incoming("openllmetry/*cohere_chat_legacy_with_streaming.yaml")
    body = raw(path)["interactions"][0]["response"]["body"]["string"]
    events = [json.loads(line) for line in body.splitlines() if line.strip()]
    end = events[-1]["response"]
    c = vizlib.load(path)
    row = c.interactions.iloc[0]
    assert (row.api, row.kind, row.stream, row.complete) == ("cohere-v1", "chat", True, True)
    assert row.n_chunks == count_lines(body) == len(events) == 109
    assert row.finish_reason == "COMPLETE"
    assert row.response_id == events[0]["generation_id"]
    counts = c.chunks.kind.astype(str).value_counts().to_dict()
    assert counts == {"text": 107, "control": 1, "usage": 1}
    assert response_text(c, 0) == [end["text"]]
    tokens = end["meta"]["tokens"]
    u = c.usage.iloc[0]
    assert (u.input_tokens, u.output_tokens) == (tokens["input_tokens"], tokens["output_tokens"])
    assert json.loads(u.raw_usage)["billed_units"] == {"input_tokens": 7, "output_tokens": 115}


def test_writer_chat_is_chat_completions_shaped() -> None:
    path = incoming("openllmetry/*writer*")
    answer = json.loads(raw(path)["interactions"][0]["response"]["body"]["string"])
    c = vizlib.load(path)
    assert c.interactions[
        ["api", "kind", "model", "n_chunks", "finish_reason"]
    ].values.tolist() == [["writer", "chat", "palmyra-x4", 1, "stop"]]
    assert response_text(c, 0) == [answer["choices"][0]["message"]["content"]]
    usage = answer["usage"]
    assert c.usage[["input_tokens", "output_tokens", "total_tokens"]].values.tolist() == [
        [usage["prompt_tokens"], usage["completion_tokens"], usage["total_tokens"]]
    ]


def test_assistants_streamed_run() -> None:
    path = incoming("openllmetry/*test_streaming_existing_assistant.yaml")
    body = raw(path)["interactions"][3]["response"]["body"]["string"]
    data = [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: {")]
    run = next(d for d in data if d.get("object") == "thread.run" and d["status"] == "completed")
    step = next(
        d
        for d in data
        if d.get("object") == "thread.run.step"
        and d["status"] == "completed"
        and d["type"] == "tool_calls"
    )
    message = next(
        d for d in data if d.get("object") == "thread.message" and d["status"] == "completed"
    )
    c = vizlib.load(path)
    assert c.interactions.api.unique().tolist() == ["openai-assistants"]
    row = c.interactions.iloc[3]
    assert (row.stream, row.complete, row.finish_reason, row.model) == (
        True,
        True,
        "completed",
        "gpt-4o-mini",
    )
    assert row.n_chunks == count_sse_events(body) == 96
    text_chunks = c.chunks[(c.chunks.interaction == 3) & (c.chunks.kind == "text")]
    assert len(text_chunks) == sum(1 for d in data if d.get("object") == "thread.message.delta")
    assert response_text(c, 3) == [message["content"][0]["text"]["value"]]
    call = c.tool_calls.iloc[0]
    code = step["step_details"]["tool_calls"][0]
    assert (call["id"], call["name"], call["arguments"]) == (
        code["id"],
        "code_interpreter",
        code["code_interpreter"]["input"],
    )
    assert call.n_fragments == 57
    u = c.usage.iloc[3]
    assert (u.input_tokens, u.output_tokens) == (
        run["usage"]["prompt_tokens"],
        run["usage"]["completion_tokens"],
    )
    assert u.cost_source == "estimated"


def test_assistants_run_polled_counts_its_usage_once() -> None:
    require_shared()
    path = SHARED / (
        "openllmetry/packages__opentelemetry-instrumentation-openai__tests__traces__cassettes"
        "__test_assistant__test_existing_assistant_with_events_with_no_content.yaml"
    )
    c = vizlib.load(path)
    polls = c.interactions[
        (c.interactions.method == "GET") & (c.interactions.endpoint == "threads/runs")
    ]
    assert len(polls) == 13
    assert polls.finish_reason.tolist() == ["in_progress"] * 12 + ["completed"]
    counted = c.usage.dropna(subset=["input_tokens"])
    assert counted.interaction.tolist() == [15]
    assert counted[["input_tokens", "output_tokens"]].values.tolist() == [[381, 89]]


def test_xai_stream_one_chunk_per_recorded_chunk() -> None:
    path = incoming("pydantic-ai/*test_xai_builtin_mcp_server_tool_stream.xai.yaml")
    recorded = raw(path)["interactions"][0]["response_stream"]["chunks_json"]
    outputs = [o for chunk in recorded for o in chunk["chunk"]["outputs"]]
    text = "".join(
        o["delta"].get("content", "") for o in outputs if o["delta"].get("role") != "ROLE_TOOL"
    )
    usage = recorded[-1]["chunk"]["usage"]
    c = vizlib.load(path)
    row = c.interactions.iloc[0]
    assert (row.api, row.stream, row.complete, row.finish_reason) == (
        "xai",
        True,
        True,
        "REASON_STOP",
    )
    assert row.n_chunks == len(recorded) == 88
    assert response_text(c, 0) == [text]
    assert c.tool_calls[["name", "arguments"]].values.tolist() == [
        [
            "deepwiki.ask_question",
            outputs[0]["delta"]["tool_calls"][0]["function"]["arguments"],
        ]
    ]
    u = c.usage.iloc[0]
    assert (u.input_tokens, u.output_tokens, u.cached_tokens, u.reasoning_tokens) == (
        usage["prompt_tokens"],
        usage["completion_tokens"] + usage["reasoning_tokens"],
        usage["cached_prompt_text_tokens"],
        usage["reasoning_tokens"],
    )


def test_xai_collections_calls_beside_a_chat_call() -> None:
    path = incoming("pydantic-ai/*test_xai_builtin_file_search_tool.xai.yaml")
    items = raw(path)["interactions"]
    sample = items[2]["response_sample"]["json"]
    final = sample["outputs"][-1]["message"]["content"]
    c = vizlib.load(path)
    assert c.interactions[["api", "kind", "endpoint"]].values.tolist() == [
        ["unknown", "files", "files"],
        ["unknown", "files", "files"],
        ["xai", "chat", "xai_api.Chat/GetCompletion"],
        ["unknown", "files", "files"],
    ]
    assert c.interactions.url.tolist()[:2] == [
        "grpc://api.x.ai/xai_api.Collections/create",
        "grpc://api.x.ai/xai_api.Collections/upload_document",
    ]
    assert response_text(c, 2) == [final]
    assert c.tool_calls.name.tolist() == ["collections_search"]
    assert c.usage.iloc[2].input_tokens == sample["usage"]["prompt_tokens"]


def test_responses_background_polls() -> None:
    path = incoming("pydantic-ai/*test_background_mode_with_tool_vcr.yaml")
    items = raw(path)["interactions"]
    bodies = [it["response"]["parsed_body"] for it in items]
    c = vizlib.load(path)
    ia = c.interactions
    assert ia.api.unique().tolist() == ["openai-responses"]
    assert ia.method.tolist() == ["POST", "GET", "POST", "GET", "GET"]
    assert ia.finish_reason.tolist() == [b["status"] for b in bodies]
    assert ia.call_status.tolist()[1:2] + ia.call_status.tolist()[3:] == [
        "completed",
        "in_progress",
        "completed",
    ]
    assert c.tool_calls[["interaction", "name", "arguments"]].values.tolist() == [
        [1, "get_weather", '{"city":"Paris"}']
    ]
    assert response_text(c, 4)[-1] == bodies[4]["output"][0]["content"][0]["text"]
    counted = c.usage.dropna(subset=["input_tokens"])
    assert counted.interaction.tolist() == [1, 4]
    assert counted.input_tokens.tolist() == [bodies[1]["usage"]["input_tokens"], 78]


def test_token_counting_is_counted_not_consumed() -> None:
    c = vizlib.load(incoming("ruby_llm/*count_tokens*"))
    row = c.interactions.iloc[0]
    assert (row.api, row.kind, row.endpoint, row.counted_tokens) == (
        "token-count",
        "token-count",
        "messages/count_tokens",
        14,
    )
    assert c.usage.input_tokens.isna().all()


def test_embeddings_cohere_and_gemini() -> None:
    cohere = vizlib.load(incoming("ruby_llm/*embedding*cohere*"))
    body = json.loads(
        raw(incoming("ruby_llm/*embedding*cohere*"))["http_interactions"][0]["response"]["body"][
            "string"
        ]
    )
    row = cohere.interactions.iloc[0]
    assert (row.api, row.kind, row.model, row.n_inputs, row.n_outputs, row.dimensions) == (
        "embeddings",
        "embeddings",
        "embed-v4.0",
        1,
        1,
        len(body["embeddings"]["float"][0]),
    )
    tokens = body["meta"]["billed_units"]["input_tokens"]
    u = cohere.usage.iloc[0]
    assert (u.input_tokens, u.output_tokens) == (tokens, 0)
    assert u.cost_usd == pytest.approx(tokens * 0.12 / 1e6)
    assert u.cost_source == "estimated"
    assert "cohere.com/pricing" in u.price_source

    gemini_path = incoming("ruby_llm/*embedding*gemini*")
    request = json.loads(raw(gemini_path)["http_interactions"][0]["request"]["body"]["string"])
    gemini = vizlib.load(gemini_path)
    row = gemini.interactions.iloc[0]
    assert (row.model, row.endpoint, row.n_inputs, row.n_outputs, row.dimensions) == (
        "gemini-embedding-001",
        "batchEmbedContents",
        len(request["requests"]),
        3,
        request["requests"][0]["outputDimensionality"],
    )
    # Gemini reports no usage for embeddings: no cost is guessed
    assert gemini.usage.input_tokens.isna().all()
    assert gemini.usage.cost_usd.isna().all()


def test_transcription_and_a_failed_image_edit() -> None:
    audio = vizlib.load(incoming("ruby_llm/*transcription*"))
    answer = json.loads(audio.records[0].exchange.response.body)
    row = audio.interactions.iloc[0]
    assert (row.api, row.kind, row.model, row.audio_s) == (
        "audio",
        "audio",
        "gpt-4o-transcribe-diarize",
        answer["duration"],
    )
    assert response_text(audio, 0) == [answer["text"]]
    u = audio.usage.iloc[0]
    assert (u.input_tokens, u.output_tokens) == (
        answer["usage"]["input_tokens"],
        answer["usage"]["output_tokens"],
    )
    assert u.cost_usd == pytest.approx((37 * 6.00 + 144 * 10.00) / 1e6)

    image = vizlib.load(incoming("ruby_llm/*image_edit*"))
    row = image.interactions.iloc[0]
    assert (row.api, row.kind, row.status, row.error, row.model, row.n_inputs) == (
        "images",
        "images",
        400,
        "Invalid image data.",
        "gpt-image-1.5",
        1,
    )
    assert problems(image) == {0: ["HTTP 400"]}


def test_openai_batch_lifecycle_and_results() -> None:
    path = incoming("ruby_llm/*batch_with_openai*")
    items = raw(path)["http_interactions"]
    lines = [
        json.loads(line)
        for line in items[-1]["response"]["body"]["string"].splitlines()
        if line.strip()
    ]
    c = vizlib.load(path)
    ia = c.interactions
    statuses = [json.loads(it["response"]["body"]["string"])["status"] for it in items[1:-1]]
    assert ia.kind.tolist() == ["files"] + ["batch"] * 9
    assert ia.call_status.tolist()[1:-1] == statuses
    results = ia.iloc[-1]
    assert (results.api, results.endpoint, results.n_chunks, results.n_outputs) == (
        "batch",
        "files/content",
        len(lines),
        2,
    )
    assert c.chunks[c.chunks.interaction == 9].event.tolist() == [r["custom_id"] for r in lines]
    # one usage row per result line, with its custom_id, model, tokens and batch price
    rows = c.usage[c.usage.interaction == 9]
    assert rows.batch.all()
    assert not c.usage[c.usage.interaction < 9].batch.any()
    assert rows.custom_id.tolist() == [r["custom_id"] for r in lines]
    assert rows.model.tolist() == [r["response"]["body"]["model"] for r in lines]
    tokens = [r["response"]["body"]["usage"]["prompt_tokens"] for r in lines]
    assert rows.input_tokens.tolist() == tokens
    assert rows.output_tokens.tolist() == [0, 0]
    assert rows.cost_usd.tolist() == pytest.approx([t * 0.02 / 1e6 * 0.5 for t in tokens])
    assert set(rows.price_source) == {
        "https://openai.com/api/pricing (as of 2026-11-26); batch results at 50% of the list price"
    }
    # the lifecycle objects repeat the batch's usage: only the results count, each once
    assert c.usage.input_tokens.sum() == sum(tokens)
    assert len(c.usage) == len(ia) + len(lines) - 1


def test_anthropic_batch_results() -> None:
    path = incoming("ruby_llm/*batch_with_anthropic*")
    items = raw(path)["http_interactions"]
    lines = [
        json.loads(line)
        for line in items[-1]["response"]["body"]["string"].splitlines()
        if line.strip()
    ]
    c = vizlib.load(path)
    assert c.interactions.call_status.tolist() == ["in_progress"] * 10 + ["ended", "results"]
    assert c.interactions.iloc[0].n_inputs == 2
    assert response_text(c, 11) == ["4", "Jupiter"]
    usages = [r["result"]["message"]["usage"] for r in lines]
    rows = c.usage[c.usage.interaction == 11]
    assert rows.custom_id.tolist() == [r["custom_id"] for r in lines]
    assert rows.model.tolist() == [r["result"]["message"]["model"] for r in lines]
    assert rows.input_tokens.tolist() == [x["input_tokens"] for x in usages]
    assert rows.output_tokens.tolist() == [x["output_tokens"] for x in usages]
    assert [(x["input_tokens"], x["output_tokens"]) for x in usages] == [(20, 5), (19, 4)]
    # claude-haiku-4-5 lists at $1 in / $5 out per million tokens; batches at half
    assert rows.cost_usd.tolist() == pytest.approx(
        [(20 * 1.00 + 5 * 5.00) / 1e6 * 0.5, (19 * 1.00 + 4 * 5.00) / 1e6 * 0.5]
    )
    assert rows.batch.all()
    assert rows.price_source.str.contains("50% of the list price").all()


def test_batch_results_are_summed_once_in_every_view() -> None:
    from vizlib.analysis.threads import thread_table  # noqa: PLC0415
    from vizlib.frames.summary import interaction_summary, per_interaction  # noqa: PLC0415
    from vizlib.views.card import card_rows  # noqa: PLC0415
    from vizlib.views.figures import usage_arrays  # noqa: PLC0415

    path = incoming("ruby_llm/*batch_with_anthropic*")
    lines = [
        json.loads(line)
        for line in raw(path)["http_interactions"][-1]["response"]["body"]["string"].splitlines()
        if line.strip()
    ]
    tokens_in = sum(r["result"]["message"]["usage"]["input_tokens"] for r in lines)
    tokens_out = sum(r["result"]["message"]["usage"]["output_tokens"] for r in lines)
    c = vizlib.load(path)
    usage = c.usage
    assert len(usage) == len(c.interactions) + len(lines) - 1
    whole = per_interaction(usage)
    assert whole.interaction.tolist() == c.interactions.interaction.tolist()
    assert (whole.input_tokens.iloc[11], whole.output_tokens.iloc[11]) == (tokens_in, tokens_out)
    assert whole.cost_usd.iloc[11] == pytest.approx(usage.cost_usd.sum())
    summary = interaction_summary(c.interactions, usage, c.tool_calls)
    assert len(summary) == len(c.interactions)
    assert summary.input_tokens.iloc[11] == tokens_in
    assert dict(card_rows(c, 11))["input tokens"] == str(tokens_in)
    assert usage_arrays(usage)["input_tokens"].tolist()[11] == tokens_in
    threads = thread_table(c)
    assert threads.input_tokens.sum() == tokens_in
    assert threads.requests.sum() + threads.side_requests.sum() == len(c.interactions)
    table = dashboard(c.interactions, c.chunks, c.tool_calls, usage, [c.name])
    assert table.input_tokens.tolist() == [tokens_in]
    assert table.cost_usd.tolist() == pytest.approx([usage.cost_usd.sum()])


@pytest.mark.parametrize("path", every_file(), ids=lambda p: p.name[-60:])
def test_no_model_call_is_unknown(path: Path) -> None:
    c = vizlib.load(path)
    unknown = c.interactions[c.interactions.api == "unknown"]
    assert set(unknown.endpoint) <= set(SIDE_KINDS), unknown[["url", "endpoint"]].to_string()
    assert (unknown.kind == unknown.endpoint).all()


OVERVIEW = re.compile(r'<table class="vz-table vz-overview">.*?</table>', re.S)
CELL = re.compile(r'<td class="vz-(problems|secrets)">(.*?)</td>', re.S)
BADGE = '<span class="vz-badge vz-bad">'


def listed(html: str) -> tuple[int, int, int]:
    """Rows, problem badges and secret badges of the one overview table in `html`."""
    (table,) = OVERVIEW.findall(html)
    counts = {"problems": 0, "secrets": 0}
    for heading, cell in CELL.findall(table):
        counts[heading] += cell.count(BADGE)
    assert table.count(BADGE) == sum(counts.values())
    return table.count("<tr data-interaction="), counts["problems"], counts["secrets"]


def test_dashboard_problems_equal_the_listed_problems_everywhere() -> None:
    """The dashboard's count is what the report's and the notebook's problems panels list.

    Secrets are listed too, under their own heading: exactly what `vizlib check` finds.
    """
    from vizlib.analysis.problems import secrets  # noqa: PLC0415
    from vizlib.check import run_check  # noqa: PLC0415
    from vizlib.standalone.build import corpus_report_html  # noqa: PLC0415
    from vizlib.views.html import overview_html  # noqa: PLC0415
    from vizlib.views.widget import view as build_view  # noqa: PLC0415

    require_shared()
    files = every_file()
    corpus = vizlib.load_many(files, cache=False, progress=False)
    assert corpus.errors.empty
    table = dashboard(
        corpus.interactions, corpus.chunks, corpus.tool_calls, corpus.usage, corpus.names
    ).set_index("cassette")
    sections = payloads(corpus_report_html(corpus))
    assert len(sections) == len(corpus.names) == len(files)
    leaked = 0
    for name, section in zip(corpus.names, sections, strict=True):
        c = corpus.cassette(name)
        expected = (
            len(c),
            int(table.loc[name, "problems"]),
            sum(len(v) for v in secrets(c).values()),
        )
        assert expected[1] == sum(len(v) for v in problems(c).values()), name
        assert listed(str(section["html"])) == expected, name
        # the notebook's overview panel renders `overview_html`; the widget itself is built
        # for those with something listed (building every widget would take a minute)
        assert listed(overview_html(c)) == expected, name
        if expected[1] or expected[2]:
            assert listed(build_view(c).overview.value) == expected, name
        leaked += expected[2]
    # the corpus holds both: the invariants are not met by listing nothing
    assert table.problems.sum() > 0
    found = run_check(files, cache=False).findings
    assert leaked == sum(1 for f in found if f.rule.startswith("secret/")) > 0
    kinds = table.kind.to_dict()
    assert kinds[next(n for n in kinds if "batch_with_openai" in n)] == "batch, files"


def _cassette(exchanges: list[tuple[str, object, object, str]]) -> str:
    """A VCR.py cassette of POST exchanges `(url, request, response, content type)`."""
    return yaml.safe_dump(
        {
            "version": 1,
            "interactions": [
                {
                    "request": {
                        "uri": url,
                        "method": "POST",
                        "body": json.dumps(request),
                        "headers": {"content-type": ["application/json"]},
                    },
                    "response": {
                        "status": {"code": 200, "message": "OK"},
                        "headers": {"Content-Type": [content_type]},
                        "body": {
                            "string": response
                            if isinstance(response, str)
                            else json.dumps(response)
                        },
                    },
                }
                for url, request, response, content_type in exchanges
            ],
        }
    )


def test_other_families_from_generated_exchanges() -> None:
    pull = "".join(
        json.dumps(line) + "\n"
        for line in ({"status": "pulling manifest"}, {"status": "verifying"}, {"status": "success"})
    )
    text = _cassette(
        [
            (
                "https://api.openai.com/v1/moderations",
                {"model": "omni-moderation-latest", "input": ["a", "b"]},
                {
                    "id": "modr-1",
                    "model": "omni-moderation-latest",
                    "results": [{"flagged": False}, {"flagged": True}],
                },
                "application/json",
            ),
            (
                "https://api.cohere.com/v2/rerank",
                {"model": "rerank-v3.5", "query": "q", "documents": ["x", "y", "z"]},
                {
                    "id": "r1",
                    "results": [{"index": 2, "relevance_score": 0.9}],
                    "meta": {"billed_units": {"search_units": 1}},
                },
                "application/json",
            ),
            (
                "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/google/models/text-embedding-005:predict",
                {"instances": [{"content": "a"}, {"content": "b"}]},
                {
                    "predictions": [
                        {"embeddings": {"values": [0.1, 0.2], "statistics": {"token_count": 3}}},
                        {"embeddings": {"values": [0.3, 0.4], "statistics": {"token_count": 4}}},
                    ]
                },
                "application/json",
            ),
            (
                "https://api.openai.com/v1/audio/speech",
                {"model": "gpt-4o-mini-tts", "input": "Hello there", "voice": "alloy"},
                "ID3 audio bytes",
                "audio/mpeg",
            ),
            (
                "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:countTokens",
                {"contents": []},
                {"totalTokens": 31},
                "application/json",
            ),
            (
                "http://localhost:11434/api/pull",
                {"model": "llama3.2"},
                pull,
                "application/x-ndjson",
            ),
            (
                "https://api.cohere.com/v1/generate",
                {"model": "command", "prompt": "Say hi"},
                {
                    "id": "g1",
                    "generations": [{"text": "Hi!", "finish_reason": "COMPLETE"}],
                    "meta": {"billed_units": {"input_tokens": 2, "output_tokens": 2}},
                },
                "application/json",
            ),
        ]
    )
    c = vizlib.load(text, name="families.yaml")
    ia = c.interactions
    assert ia[["api", "kind", "n_inputs", "n_outputs"]].astype(object).where(
        ia[["api", "kind", "n_inputs", "n_outputs"]].notna(), None
    ).values.tolist() == [
        ["moderation", "moderation", 2, 2],
        ["rerank", "rerank", 3, 1],
        ["embeddings", "embeddings", 2, 2],
        ["audio", "audio", 1, None],
        ["token-count", "token-count", None, None],
        ["unknown", "download", None, None],
        ["cohere-v1", "chat", None, None],
    ]
    assert ia.finish_reason.tolist()[0] == "flagged"
    assert ia.dimensions.tolist()[2] == 2
    assert ia.characters.tolist()[3] == len("Hello there")
    assert ia.counted_tokens.tolist()[4] == 31
    assert (ia.model.tolist()[4], ia.n_chunks.tolist()[5]) == ("gemini-2.5-flash", 3)
    assert c.usage.input_tokens.tolist()[2] == 7
    assert response_text(c, 6) == ["Hi!"]
    assert c.usage.iloc[6][["input_tokens", "output_tokens"]].tolist() == [2, 2]


def test_a_call_that_is_not_a_stream_shows_a_card() -> None:
    from vizlib.standalone import report_html  # noqa: PLC0415 - plotly loads on demand
    from vizlib.views.card import card_html, card_rows  # noqa: PLC0415

    c = vizlib.load(incoming("ruby_llm/*embedding*cohere*"))
    rows = dict(card_rows(c, 0))
    assert rows["kind"] == "embeddings"
    assert rows["endpoint"] == "POST embed"
    assert (rows["inputs"], rows["outputs"], rows["dimensions"]) == ("1", "1", "1,024")
    assert rows["input tokens"] == "7"
    assert rows["cost"] == "~$0.000001"
    page = readable(report_html([c], redact=True))
    assert page.count("vz-card") == 1
    # a streamed call has its timeline alone
    stream = vizlib.load(incoming("openllmetry/*cohere_chat_legacy_with_streaming.yaml"))
    assert "vz-card" not in readable(report_html([stream], redact=True))
    # cassette text is escaped in the card
    hostile = _cassette(
        [
            (
                "https://api.openai.com/v1/embeddings",
                {"model": "<b>m</b>", "input": "x"},
                {"error": {"message": "<script>alert(1)</script>"}},
                "application/json",
            )
        ]
    )
    card = card_html(vizlib.load(hostile, name="hostile.yaml"), 0)
    assert "<script>" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card


def test_the_notebook_view_shows_the_card_where_there_is_no_stream() -> None:
    from vizlib.views.widget import CassetteView  # noqa: PLC0415 - widgets load on demand

    view = CassetteView(vizlib.load(incoming("ruby_llm/*transcription*")))
    assert "vz-card" in view.card.value
    assert "gpt-4o-transcribe-diarize" in view.card.value
    assert view.timeline.figures  # the one-point timeline is drawn beside the card
    streamed = CassetteView(
        vizlib.load(incoming("openllmetry/*cohere_chat_legacy_with_streaming.yaml"))
    )
    assert streamed.card.value == ""


_PATHS = (
    "https://api.openai.com/v1/embeddings",
    "https://generativelanguage.googleapis.com/v1beta/models/m:batchEmbedContents",
    "https://api.anthropic.com/v1/messages/count_tokens",
    "https://api.openai.com/v1/images/edits",
    "https://api.openai.com/v1/audio/transcriptions",
    "https://api.openai.com/v1/moderations",
    "https://api.cohere.com/v2/rerank",
    "https://api.anthropic.com/v1/messages/batches/b/results",
    "https://api.openai.com/v1/files/f/content",
    "https://api.openai.com/v1/threads/t/runs",
    "https://api.openai.com/v1/responses/resp_1",
    "https://api.cohere.com/v1/chat",
    "https://api.writer.com/v1/chat",
    "grpc://api.x.ai/xai_api.Chat/GetCompletionChunk",
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "data",
                    "embeddings",
                    "usage",
                    "results",
                    "custom_id",
                    "result",
                    "response",
                    "body",
                    "message",
                    "chunk",
                    "outputs",
                    "delta",
                    "object",
                    "event_type",
                    "text",
                    "meta",
                    "error",
                    "model",
                    "status",
                    "input_tokens",
                    "predictions",
                    "tool_calls",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_PATHS),
    _JSON,
    st.lists(_JSON, min_size=1, max_size=3),
    st.sampled_from([200, 400]),
)
def test_new_decoders_never_raise(
    url: str, request: object, lines: list[object], status: int
) -> None:
    body = "\n".join(json.dumps(v) for v in lines)
    exchange = Exchange(
        0,
        HttpRequest("POST", url, {"Content-Type": ["application/json"]}, json.dumps(request)),
        HttpResponse(status, {"Content-Type": ["application/x-ndjson"]}, body),
    )
    decoded = decode_exchange(exchange)
    if not any(part in url for part in ("/threads/", "/responses/", "writer")):  # JSON, not lines
        assert len(decoded.chunks) == sum(1 for line in body.split("\n") if line.strip())
    assert [c.seq for c in decoded.chunks] == list(range(len(decoded.chunks)))


def tgi_stream(tokens: list[str]) -> str:
    """A text-generation-inference SSE body: one `token` event each, details on the last."""
    events = []
    for i, text in enumerate(tokens):
        last = i == len(tokens) - 1
        event = {
            "index": i + 1,
            "token": {"id": 100 + i, "text": text, "logprob": -0.1, "special": False},
            "generated_text": "".join(tokens) if last else None,
            "details": (
                {"finish_reason": "length", "generated_tokens": len(tokens), "seed": None}
                if last
                else None
            ),
        }
        events.append(f"data:{json.dumps(event)}\n\n")
    return "".join(events)


def test_text_generation_inference_stream() -> None:
    tokens = ["Deep", " learning", " is", " a"]
    text = _cassette(
        [
            (
                "https://api-inference.huggingface.co/models/gpt2/generate_stream",
                {"inputs": "What is deep learning?", "parameters": {"max_new_tokens": 4}},
                tgi_stream(tokens),
                "text/event-stream",
            )
        ]
    )
    c = vizlib.load(text, name="tgi.yaml")
    row = c.interactions.iloc[0]
    assert (row.api, row.kind, row.stream, row.complete, row.finish_reason) == (
        "tgi",
        "chat",
        True,
        True,
        "length",
    )
    assert row.n_chunks == count_sse_events(tgi_stream(tokens)) == 4
    assert c.chunks.text.tolist() == tokens
    assert response_text(c, 0) == ["".join(tokens)]
    assert c.usage.iloc[0].output_tokens == 4
    assert pd.isna(c.usage.iloc[0].input_tokens)


def test_several_unreadable_lines_are_one_problem_in_both_counts() -> None:
    body = '{"status": "pulling"}\n{"status": \n{"status": "success"}\nnot json\n'
    c = vizlib.load(
        _cassette([("http://localhost:11434/api/pull", {}, body, "application/x-ndjson")]),
        name="pull.yaml",
    )
    assert c.chunks.kind.astype(str).tolist() == ["other", "error", "other", "error"]
    listed = problems(c)
    assert listed == {0: ["2 unreadable events"]}
    table = dashboard(c.interactions, c.chunks, c.tool_calls, c.usage, [c.name])
    assert table.problems.tolist() == [1]


def test_an_embeddings_cassette_shows_its_spend_in_the_dashboard() -> None:
    c = vizlib.load(incoming("ruby_llm/*embedding*cohere*"))
    table = dashboard(c.interactions, c.chunks, c.tool_calls, c.usage, [c.name])
    row = table.iloc[0]
    assert (row.kind, row.api, row.input_tokens, row.cost_source) == (
        "embeddings",
        "embeddings",
        7,
        "estimated",
    )
    assert row.cost_usd == pytest.approx(7 * 0.12 / 1e6)
    assert row.problems == 0
