"""The notebook view: figures carry the right data, HTML stays inert, every shared cassette renders."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import pytest
import yaml

import vizlib
from tests.shared import need, shared_params
from vizlib.analysis.assembly import assemble
from vizlib.analysis.raw import raw_exchange
from vizlib.analysis.transcript import transcript
from vizlib.schema import check_schema
from vizlib.views.figures import SEQ_AXIS, WEBGL_ABOVE, timeline_figure, usage_figure
from vizlib.views.html import assembly_html, transcript_html
from vizlib.views.labels import interaction_label
from vizlib.views.widget import CassetteView


def marker_traces(figure: go.Figure) -> list[go.Scatter]:
    return [t for t in figure.data if t.mode == "markers"]


def test_seed_timeline(seed: vizlib.Cassette) -> None:
    figure = timeline_figure(seed.chunks, 0)
    lanes = {t.name: len(t.x) for t in marker_traces(figure)}
    assert lanes == {
        "text": 12,
        "tool #0 add": 12,
        "tool #1 multiply": 12,
        "usage": 1,
        "control": 3,
    }
    assert sum(lanes.values()) == 40
    assert figure.layout.xaxis.title.text == SEQ_AXIS
    add = next(t for t in figure.data if t.name == "tool #0 add")
    assert list(add.x) == list(range(13, 25))
    assert [row[2] for row in add.customdata][1:3] == ["{&quot;a", "&quot;:"]
    line = next(t for t in figure.data if t.name == "characters so far")
    assert line.y[-1] == len("I'll add and multiply 2 and 3 for you.") + 2 * len('{"a": 2, "b": 3}')


def test_seed_assembly(seed: vizlib.Cassette) -> None:
    calls = assemble(seed, 0)
    assert [c.name for c in calls] == ["add", "multiply"]
    assert [c.at(39)[0] for c in calls] == ['{"a": 2, "b": 3}'] * 2
    assert [c.args for c in calls] == [{"a": 2, "b": 3}] * 2
    assert [c.schema.valid for c in calls] == [True, True]
    assert [c.roundtrip for c in calls] == [True, True]
    assert [(c.result, c.result_interaction) for c in calls] == [("5", 1), ("6", 1)]
    assert calls[0].at(16) == ('{"a": ', " ")
    assert calls[1].at(16) == ("", "")
    end = assembly_html(calls, 39, 39)
    assert end.count("round trip: sent back unchanged") == 2
    assert "schema: matches the declared schema" in end
    assert '<pre class="vz-result">5</pre>' in end
    assert '<pre class="vz-result">6</pre>' in end
    middle = assembly_html(calls, 16, 39)
    assert "{&#34;a&#34;:<mark> </mark>" in middle
    assert "round trip" not in middle


def test_seed_usage_figure(seed: vizlib.Cassette) -> None:
    figure = usage_figure(seed.usage)
    by_name = {t.name: list(t.y) for t in figure.data}
    assert by_name["uncached input"] == [197, 282]
    assert by_name["output"] == [53, 28]
    assert by_name["cost per turn (USD)"] == [0.00015542, 0.000197]
    assert by_name["cumulative cost (USD)"] == pytest.approx([0.00015542, 0.00035242])
    assert "estimated" not in figure.layout.title.text


def test_estimated_costs_are_marked() -> None:
    c = vizlib.load(vizlib.sample.sample_cassette().replace('"cost":', '"not_cost":'))
    figure = usage_figure(c.usage)
    cost = next(t for t in figure.data if t.name == "cost per turn (USD)")
    assert list(cost.marker.symbol) == ["circle-open", "circle-open"]
    assert cost.customdata[0].startswith(
        "estimated from https://openai.com/api/pricing (as of 2025-08-07)"
    )
    assert "estimated" in figure.layout.title.text


def test_schema_check_reports_the_first_error() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a", "b"]}
    assert check_schema({"a": 1, "b": 2}, schema).valid is True
    failed = check_schema({"a": "x"}, schema)
    assert failed.valid is False
    assert failed.message == "arguments: 'b' is a required property (+1 more)"
    assert check_schema({}, None).valid is None


def test_selector_labels(seed: vizlib.Cassette) -> None:
    assert interaction_label(seed, 0) == "#0 openai-chat kimi-k2 · 40 chunks · 2 tool calls"
    assert interaction_label(seed, 1) == "#1 openai-chat kimi-k2 · 4 chunks"


def test_widget_follows_the_selection(seed: vizlib.Cassette) -> None:
    view = CassetteView(seed)
    assert view.slider.max == 39
    assert '<pre class="vz-result">6</pre>' in view.assembly.value
    view.slider.value = 16
    assert "{&#34;a&#34;:<mark> </mark>" in view.assembly.value
    view.selector.value = 1
    assert view.slider.max == 3
    assert "No tool calls in this interaction." in view.assembly.value
    view.search.value = "multiplication"
    assert view.transcript.value.count('class="vz-turn') == 1


def test_transcript_and_raw(sample: vizlib.Cassette) -> None:
    turns = transcript(sample, 1)
    assert [t.role for t in turns] == ["system", "user", "assistant", "tool", "tool", "assistant"]
    assert [u.result for u in turns[2].tool_uses] == [
        vizlib.sample.RESULTS["call_paris_01"],
        vizlib.sample.RESULTS["call_tokyo_02"],
    ]
    assert transcript_html(turns, "tokyo").count('class="vz-turn') == 4
    raw = raw_exchange(sample, 0)
    assert "Authorization: [REDACTED]" in raw.request_headers
    assert "sk-or-v1" not in raw.request_headers + raw.request_body
    assert "sk-or-v1" in raw_exchange(sample, 0, redact=False).request_headers


HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def hostile_cassette() -> vizlib.Cassette:
    chunk = {
        "choices": [
            {
                "index": 0,
                "delta": {
                    "content": HOSTILE,
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": HOSTILE,
                            "function": {"name": HOSTILE, "arguments": json.dumps({"x": HOSTILE})},
                        }
                    ],
                },
            }
        ]
    }
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"
    request = {"model": HOSTILE, "messages": [{"role": "user", "content": HOSTILE}], "stream": True}
    doc = {
        "version": 2,
        "interactions": [
            {
                "request": {
                    "url": f"https://api.example.com/v1/chat/completions?q={HOSTILE}",
                    "method": "POST",
                    "body": json.dumps(request),
                    "headers": {"X-Note": [HOSTILE]},
                },
                "response": {
                    "code": 200,
                    "headers": {"Content-Type": ["text/event-stream"]},
                    "body": body,
                },
            }
        ],
    }
    return vizlib.load(yaml.safe_dump(doc), name=f"{HOSTILE}.yaml")


def test_cassette_text_never_becomes_markup() -> None:
    c = hostile_cassette()
    view = CassetteView(c)
    for fragment in (
        view.overview.value,
        view.assembly.value,
        view.transcript.value,
        view.raw.value,
        c._repr_html_(),
    ):
        assert "<script>" not in fragment
        assert "<img" not in fragment
    figure = timeline_figure(c.chunks, 0)
    texts = json.dumps(figure.to_plotly_json(), default=str)
    assert "<script>" not in texts
    assert "<img" not in texts


def test_large_streams_use_webgl() -> None:
    n = WEBGL_ABOVE + 500
    chunk = 'data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n'
    doc = {
        "version": 2,
        "interactions": [
            {
                "request": {"url": "https://a/v1/chat/completions", "method": "POST", "body": "{}"},
                "response": {"code": 200, "body": chunk * n + "data: [DONE]\n\n"},
            }
        ],
    }
    c = vizlib.load(yaml.safe_dump(doc), name="big.yaml")
    figure = timeline_figure(c.chunks, 0)
    assert {t.type for t in figure.data} == {"scattergl"}


@pytest.mark.parametrize("path", shared_params())
def test_every_shared_cassette_renders(path: Path | None) -> None:
    c = vizlib.load(need(path))
    view = CassetteView(c)
    for index in range(len(c)):
        view.selector.value = index
        assert view.index == index
        figure = view.timeline.children[0]
        points = sum(len(t.x) for t in figure.data if t.mode == "markers")
        assert points == c.interactions.n_chunks.iloc[index]
        calls = assemble(c, index)
        assert len(calls) == c.interactions.n_tool_calls.iloc[index]
        for call in calls:
            assert call.at(10**9)[0] == call.arguments


def test_report_timelines_aggregate_large_streams_and_say_so() -> None:
    n = 12_000
    chunk = 'data: {"choices":[{"index":0,"delta":{"content":"xy"}}]}\n\n'
    doc = {
        "version": 2,
        "interactions": [
            {
                "request": {"url": "https://a/v1/chat/completions", "method": "POST", "body": "{}"},
                "response": {"code": 200, "body": chunk * n + "data: [DONE]\n\n"},
            }
        ],
    }
    c = vizlib.load(yaml.safe_dump(doc), name="big.yaml")
    figure = timeline_figure(c.chunks, 0, max_points=1000)
    marks = sum(len(t.x) for t in marker_traces(figure))
    assert marks <= 1100
    assert "aggregated: each mark stands for up to 13 chunks" in figure.layout.title.text
    assert "12,001 chunks" in figure.layout.title.text
    assert len(c.chunks) == n + 1  # the table keeps every value
