"""The notebook view: figures carry the right data, HTML stays inert, every shared cassette renders."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import yaml
from IPython.core.interactiveshell import InteractiveShell

import vizlib
from tests.shared import SEED, SHARED, need, require_shared, shared_params
from tests.test_import import modules_after
from tests.tool_images import CALL_IDS, REMOTE, screenshot_har
from tests.tool_images import DATA_URL as SCREEN_URL
from vizlib._plotlyjs import plotly_js
from vizlib.analysis.assembly import assemble
from vizlib.analysis.raw import raw_exchange
from vizlib.analysis.transcript import transcript
from vizlib.schema import check_schema
from vizlib.views import loader, static
from vizlib.views.charts import Charts, integer_step
from vizlib.views.figures import SEQ_AXIS, WEBGL_ABOVE, timeline_figure, usage_figure
from vizlib.views.html import assembly_html, request_images, transcript_html
from vizlib.views.labels import interaction_label
from vizlib.views.static import static_html
from vizlib.views.tool_images import tool_result_images
from vizlib.views.widget import CassetteView, CorpusView


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


def test_failed_interactions_are_flagged(sample: vizlib.Cassette) -> None:
    text = vizlib.sample.sample_cassette()
    failed = text.replace("code: 200", "code: 429", 1).replace(
        "status: 200 OK", "status: 429 Too Many Requests", 1
    )
    assert failed != text
    c = vizlib.load(failed, name="limited.yaml")
    assert interaction_label(c, 0).startswith("⚠ HTTP 429 · #0 openai-chat")
    view = CassetteView(c)
    assert "HTTP 429" in view.transcript.value
    assert "the request failed" in view.transcript.value


def test_widget_follows_the_selection(seed: vizlib.Cassette) -> None:
    view = CassetteView(seed)
    assert (view.slider.min, view.slider.max, view.slider.value) == (1, 40, 40)
    assert "chunk 40 of 40 · [DONE]" in view.assembly.value
    assert '<pre class="vz-result">6</pre>' in view.assembly.value
    assert 'data-vz-goto="1"' in view.assembly.value
    view.slider.value = 17  # 17 chunks received: up to seq 16
    assert "{&#34;a&#34;:<mark> </mark>" in view.assembly.value
    assert "chunk 17 of 40" in view.assembly.value
    view.selector.value = 1
    assert view.slider.max == 4
    assert "No tool calls in this interaction." in view.assembly.value
    view.search.value = "multiplication"
    assert view.transcript.value.count('class="vz-turn') == 1
    assert "<mark>multiplication</mark>" in view.transcript.value.lower()
    view.hooks.handlers["goto"]({"type": "goto", "interaction": 0})
    assert view.selector.value == 0


def test_timeline_click_moves_the_assembly(seed: vizlib.Cassette) -> None:
    view = CassetteView(seed)
    view.timeline._message(view.timeline, {"type": "click", "seq": 20}, [])
    assert view.slider.value == 21
    assert view.tabs.titles[view.tabs.selected_index] == "Tool-call assembly"
    assert "chunk 21 of 40" in view.assembly.value


def test_charts_hold_complete_figures(seed: vizlib.Cassette) -> None:
    view = CassetteView(seed)
    [timeline] = view.timeline.figures
    assert [t["name"] for t in timeline["data"]][:3] == ["text", "tool #0 add", "tool #1 multiply"]
    assert "paper_bgcolor" not in timeline["layout"]
    assert timeline["layout"]["xaxis"]["dtick"] == 10
    assert timeline["layout"]["yaxis2"]["tickformat"] == ",d"
    usage, context = view.tabs.children[3].figures
    assert usage["layout"]["yaxis2"]["tickformat"] == "$.2~g"
    assert context["layout"]["yaxis2"]["dtick"] == 1
    view.selector.value = 1
    [again] = view.timeline.figures
    assert again["layout"]["title"]["text"].startswith("Token timeline · interaction 1 · 4 chunks")


def test_plotly_js_is_sent_on_request_only(seed: vizlib.Cassette) -> None:
    view = CassetteView(seed)
    state = json.dumps(view.timeline.get_state(), default=str)
    assert len(state) < 200_000
    assert "plotly.js v" not in state
    sent: list[tuple[object, object]] = []
    view.timeline.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign]
    view.timeline._message(view.timeline, {"type": "plotly"}, [])
    [(content, buffers)] = sent
    assert content == {"type": "plotly"}
    assert bytes(buffers[0]) == plotly_js().encode()  # type: ignore[index]  # the vendored bundle


@pytest.mark.parametrize(
    ("largest", "step"), [(1, 1), (4, 1), (7, 2), (13, 5), (40, 10), (250, 50), (22_000, 5_000)]
)
def test_integer_axes_step_by_whole_numbers(largest: int, step: int) -> None:
    assert integer_step(largest) == step


def test_show_displays_once_and_returns_nothing(
    seed: vizlib.Cassette, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a kernel that has shown nothing yet
    monkeypatch.setattr(static._Sent, "plotly", False)
    monkeypatch.setattr(loader._Loaded, "widget", None)
    shell = InteractiveShell.instance()
    shown: list[dict[str, object]] = []
    shell.display_pub.publish = lambda data, *args, **kwargs: shown.append(data)  # type: ignore[method-assign]
    try:
        assert vizlib.show(seed) is None
        assert vizlib.show(seed) is None
    finally:
        InteractiveShell.clear_instance()
    live, copy, live_again, copy_again = shown
    assert "application/vnd.jupyter.widget-view+json" in live
    assert "application/vnd.jupyter.widget-view+json" in live_again
    assert set(copy) == {"text/html", "text/markdown", "text/plain"}
    assert "| 0 | openai-chat | kimi-k2 | 200 | 40 | 2 | 197 | 53 | $0.000155 |" in str(
        copy["text/markdown"]
    )
    # the live page gets plotly.js once, from the loader widget's state (one binary buffer);
    # the first static copy carries it once, as inert text, for readers without a kernel
    assert loader._Loaded.widget is not None
    assert loader._Loaded.widget.source == plotly_js().encode()
    assert str(copy["text/html"]).count("plotly.js v") == 1
    assert "plotly.js v" not in str(copy_again["text/html"])
    assert "window.__vizlibPlotly = function" in str(copy_again["text/html"])


def test_static_copy_borrows_one_plotly_js(sample: vizlib.Cassette) -> None:
    first = static_html([sample])
    second = static_html([sample])
    assert first.count("plotly.js v") + second.count("plotly.js v") <= 1
    assert "plotly.js v" not in second
    assert len(second) < 400_000
    assert 'class="vz-static-frame" data-page="&lt;!DOCTYPE html&gt;' in second
    assert "parent.__vizlibPlotly()" in second


def test_transcript_results_are_the_last_sent_from_the_interaction_on() -> None:
    # every shared cassette: each call's result, as the last request from its interaction on
    # sent it (one pass per cassette, not one per interaction)
    compared = 0
    for cassette in vizlib.cassette.collect(require_shared()):
        for interaction, record in enumerate(cassette.records):
            sent = {
                m.tool_call_id: m.content
                for later in cassette.records[interaction:]
                for m in later.decoded.messages
                if m.role == "tool" and m.tool_call_id
            }
            for turn in transcript(cassette, interaction):
                for use in turn.tool_uses:
                    assert use.result == sent.get(use.id or ""), (cassette.name, interaction)
                    compared += use.result is not None
            assert len(transcript(cassette, interaction)) == len(record.decoded.messages)
    assert compared == 237  # calls whose result a request sent, across the shared cassettes
    # records replaced after a first transcript: the results are found again
    sample = vizlib.load_sample()
    assert [u.result is not None for t in transcript(sample, 0) for u in t.tool_uses] == [
        True,
        True,
    ]
    sample.records = sample.records[:1]
    assert [u.result for t in transcript(sample, 0) for u in t.tool_uses] == [None, None]


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


def _length(values: object) -> int:
    """How many values a plotly JSON array holds (plain list or typed `bdata`)."""
    if isinstance(values, dict):
        return len(np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]))
    return len(values)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", shared_params())
def test_every_shared_cassette_renders(path: Path | None) -> None:
    c = vizlib.load(need(path))
    view = CassetteView(c)
    for index in range(len(c)):
        view.selector.value = index
        assert view.index == index
        [figure] = view.timeline.figures
        points = sum(_length(t["x"]) for t in figure["data"] if t.get("mode") == "markers")
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


def test_no_slider_for_a_single_chunk() -> None:
    doc = {
        "version": 2,
        "interactions": [
            {
                "request": {"url": "https://a/v1/chat/completions", "method": "POST", "body": "{}"},
                "response": {
                    "code": 200,
                    "headers": {"Content-Type": ["application/json"]},
                    "body": json.dumps({"choices": [{"message": {"content": "hi"}}]}),
                },
            }
        ],
    }
    view = CassetteView(vizlib.load(yaml.safe_dump(doc), name="plain.yaml"))
    assert view.controls.layout.display == "none"


def test_play_speed_scales_with_the_stream(seed: vizlib.Cassette) -> None:
    view = CassetteView(seed)
    assert view.speed.value == 10  # 40 chunks in about ten seconds
    assert (view.play.step, view.play.interval) == (1, 100)
    view.speed.value = 1000
    assert (view.play.step, view.play.interval) == (100, 100)


IMAGE = "data:image/png;base64," + "iVBORw0KGgo" * 4


def test_images_in_text_become_thumbnails_and_remote_ones_do_not() -> None:
    turns = [
        transcript_turn(f"see {IMAGE} and https://example.com/x.png"),
    ]
    page = transcript_html(turns)
    assert f'<img class="vz-thumb" src="{IMAGE}"' in page
    assert page.count("<img") == 1
    assert "data:image/png;base64,…" in page


def transcript_turn(content: str) -> object:
    from vizlib.analysis.transcript import Turn  # noqa: PLC0415

    return Turn(0, "tool", "request", content, "", None, ())


def test_folder_view_filters_sorts_and_opens(
    seed: vizlib.Cassette, sample: vizlib.Cassette
) -> None:
    view = vizlib.views.widget.view([seed, sample])
    assert isinstance(view, CorpusView)
    assert view.holder.children == ()  # nothing is drawn for a cassette until it is picked
    assert view.dashboard.value.count("data-vz-open=") == 2
    view.filter.value = "weather"
    assert list(view.visible().cassette) == ["sample_weather_tools.yaml"]
    assert view.dashboard.value.count("data-vz-open=") == 1
    view.filter.value = ""
    view.hooks.handlers["sort"]({"type": "sort", "key": "input_tokens"})
    first = list(view.visible().cassette)
    view.hooks.handlers["sort"]({"type": "sort", "key": "input_tokens"})
    assert list(view.visible().cassette) == first[::-1]
    assert 'aria-sort="ascending"' in view.dashboard.value
    view.hooks.handlers["open"]({"type": "open", "position": 1})
    [opened] = view.holder.children
    assert opened.cassette.name == "sample_weather_tools.yaml"


def test_images_a_request_sends_show_as_thumbnails() -> None:
    path = (
        SHARED
        / "ruby_llm"
        / (
            "spec__fixtures__vcr_cassettes__chat_multimodal_tool_attachments_anthropic_"
            "claude-haiku-4-5_describes_images_returned_from_tools.yml"
        )
    )
    view = CassetteView(vizlib.load(need(path if path.exists() else None)))
    thumb = '<img class="vz-thumb" src="data:image/png;base64,iVBOR'
    # interaction 0 calls the tool; its result, a PNG, goes back in interaction 1
    assert view.assembly.value.count(thumb) == 1
    assert view.transcript.value.count(thumb) == 1
    view.selector.value = 1
    shown = view.transcript.value
    assert shown.count(thumb) == 3
    for where in ("image sent in the request", "image in the message", "image in the tool result"):
        assert shown.count(f'alt="{where}"') == 1
    body = json.dumps({"messages": [{"content": [{"image_url": {"url": "https://x/y.png"}}]}]})
    assert request_images(body) == []


def test_the_notebook_view_never_imports_plotly_py() -> None:
    require_shared()
    loaded = modules_after(
        f"import vizlib\nfrom vizlib.views.widget import view\nv = view(vizlib.load({str(SEED)!r}))\n"
        "assert [len(f['data']) for f in v.timeline.figures] == [6]"
    )
    assert {"ipywidgets", "anywidget", "pandas"} <= loaded
    assert not {m for m in loaded if m.split(".")[0] in ("plotly", "_plotly_utils")}
    # reading the bundle imports neither the report nor pandas
    light = modules_after("from vizlib._plotlyjs import plotly_js\nassert len(plotly_js()) > 10**6")
    assert light.isdisjoint({"pandas", "numpy", "vizlib.standalone"})


@pytest.mark.parametrize("wire", sorted(CALL_IDS))
def test_images_in_tool_results_are_thumbnails(wire: str) -> None:
    c = vizlib.load(screenshot_har(wire), name=f"{wire}.har")
    view = CassetteView(c)
    in_result = f'<img class="vz-thumb" src="{SCREEN_URL}" alt="image in the tool result">'
    # interaction 0 asks for the screenshot; interaction 1 sends it back
    assert view.assembly.value.count(in_result) == 1
    assert "(sent in <a" in view.assembly.value
    assert view.transcript.value.count(in_result) == 1
    view.selector.value = 1
    turn = f'<img class="vz-thumb" src="{SCREEN_URL}" alt="image in the message">'
    assert view.transcript.value.count(turn) == 1  # the tool's own message
    assert view.transcript.value.count(in_result) == 1  # the call it answers, in the request
    for shown in (view.transcript.value, view.assembly.value):
        assert REMOTE not in shown  # a remote image is never a thumbnail, never fetched
        assert 'src="http' not in shown


def test_tool_result_images_take_inline_data_only() -> None:
    body = {
        "messages": [
            {
                "role": "tool",
                "tool_call_id": "call_1",
                "content": [
                    {"type": "image_url", "image_url": {"url": 'data:image/png;base64,AAAA"><b>x'}},
                    {"type": "image_url", "image_url": {"url": "data:image/svg+xml;base64,AAAA"}},
                    {"type": "image_url", "image_url": {"url": REMOTE}},
                ],
            }
        ]
    }
    assert tool_result_images(json.dumps(body)) == {"call_1": ["data:image/png;base64,AAAA"]}
    assert tool_result_images(json.dumps({"messages": [{"role": "tool", "content": "no"}]})) == {}
    assert tool_result_images("not json data:image/png;base64,AAAA") == {}


def test_figures_reach_the_page_as_one_json_buffer() -> None:
    view = CassetteView(vizlib.load_sample())
    state = view.usage.get_state()
    assert "figures" not in state  # no nested state for ipywidgets to walk value by value
    assert json.loads(state["figures_json"]) == view.usage.figures
    assert len(view.usage.figures) == 2
    view.selector.value = 1
    [timeline] = json.loads(view.timeline.get_state()["figures_json"])
    assert timeline["layout"]["title"]["text"].startswith("Token timeline · interaction 1")
    assert Charts().get_state()["figures_json"] == b"[]"
