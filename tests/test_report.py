"""The report as a file: bounded whatever the cassette, each text once, folders through the corpus
path with their unreadable files listed, figures as data that plotly draws the same."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

import vizlib
from tests.pages import payloads
from tests.shared import SEED, require_shared, shared_files
from vizlib._plotlyjs import TRACE_TYPES, plotly_js, plotly_js_version
from vizlib.errors import CassetteError
from vizlib.sample import sample_cassette
from vizlib.standalone.save import OutputIsInput
from vizlib.views.figures import context_spec, figure, timeline_spec, usage_spec
from vizlib.views.widget import CorpusView
from vizlib.views.widget import view as widget_view


def long_stream(chunks: int, chunk_text: str, prompt: str) -> str:
    """An OpenAI chat cassette: one streamed answer of `chunks` deltas after a long prompt."""
    event = json.dumps({"choices": [{"index": 0, "delta": {"content": chunk_text}}]})
    body = f"data: {event}\n\n" * chunks + "data: [DONE]\n\n"
    request = {"model": "m", "stream": True, "messages": [{"role": "user", "content": prompt}]}
    return json.dumps(
        {
            "version": 2,
            "interactions": [
                {
                    "request": {
                        "url": "https://api.openai.com/v1/chat/completions",
                        "method": "POST",
                        "body": json.dumps(request),
                    },
                    "response": {
                        "code": 200,
                        "headers": {"Content-Type": ["text/event-stream"]},
                        "body": body,
                    },
                }
            ],
        }
    )


def test_a_report_is_bounded_whatever_the_stream(tmp_path: Path) -> None:
    sizes = {}
    for chunks in (2_000, 20_000):
        text = long_stream(chunks, "word " * 20, "tell me " * (chunks * 10))
        cassette = vizlib.load(text, name=f"stream-{chunks}.json")
        path = vizlib.report(cassette, tmp_path / f"{chunks}.html")
        sizes[chunks] = (len(text), path.stat().st_size)
    (small_in, small_out), (big_in, big_out) = sizes[2_000], sizes[20_000]
    assert big_in > 9 * small_in  # ten times the cassette ...
    assert big_out - small_out < 60_000  # ... and the report hardly grows
    assert big_out < 1_800_000
    page = (tmp_path / "20000.html").read_text()
    (payload,) = payloads(page)
    assert "more characters not shown" in str(payload["html"])


def test_each_text_is_written_once(tmp_path: Path) -> None:
    marker = "unique-marker-" + "z" * 1_500
    cassette = vizlib.load(long_stream(10, "hi ", marker), name="once.json")
    html = vizlib.report(cassette, tmp_path / "once.html").read_text()
    (payload,) = payloads(html)
    section = str(payload["html"])
    transcript = section.split('class="vz vz-transcript"')[1].split(
        'class="vz vz-raw"', maxsplit=1
    )[0]
    assert transcript.count("unique-marker") == 1  # folded, not repeated
    assert f'<details class="vz-more"><summary>{len(marker) - 600:,} more characters' in transcript


def test_seed_report_is_small_and_writes_the_layout_once(tmp_path: Path) -> None:
    require_shared()
    html = vizlib.report(SEED, tmp_path / "s.html")
    text = html.read_text()
    assert html.stat().st_size < 1_800_000
    page = text.replace(plotly_js(), "")
    assert page.count('"paper_bgcolor"') == 2  # the shared layout and plotly's template, once each
    assert page.count('"colorway"') == 1
    (payload,) = payloads(text)
    assert "paper_bgcolor" not in json.dumps(payload)  # never per figure
    data = payload["data"]
    assert isinstance(data, dict)
    usage = data["usage-0"]
    assert [t["y"] for t in usage["data"] if t["name"] == "uncached input"] == [[197, 282]]
    assert "template" not in usage["layout"]


def _bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "suite"
    folder.mkdir(parents=True)
    (folder / "good.yaml").write_text(vizlib.sample.sample_cassette())
    (folder / "also-good.yaml").write_text(vizlib.sample.sample_cassette())
    (folder / "broken.yaml").write_text("interactions: [oops")
    return folder


def test_a_folder_report_goes_on_past_a_bad_file(tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    html = vizlib.report(folder, tmp_path / "r.html").read_text()
    assert html.count('class="vz-cassette"') == 2
    assert 'class="vz-error-row"' in html
    row = html.split('class="vz-error-row"')[1].split("</tr>")[0]
    assert "broken.yaml" in row
    assert "could not be read: not valid YAML or JSON" in row
    with pytest.raises(CassetteError, match=r"broken\.yaml"):
        vizlib.report(folder, tmp_path / "r2.html", errors="raise")
    globbed = vizlib.report(str(folder / "*good.yaml"), tmp_path / "g.html").read_text()
    assert globbed.count('class="vz-cassette"') == 2
    assert 'class="vz-error-row"' not in globbed


def test_show_a_folder_lists_its_bad_file(tmp_path: Path) -> None:
    assert vizlib.show(_bad_folder(tmp_path)) is None  # shows, like IPython's display
    view = widget_view(_bad_folder(tmp_path / "seen"))
    assert isinstance(view, CorpusView)
    assert view.names == ["also-good.yaml", "good.yaml"]
    assert "could not be read: not valid YAML or JSON" in view.dashboard.value
    with pytest.raises(CassetteError, match=r"broken\.yaml"):
        vizlib.show(_bad_folder(tmp_path / "again"), errors="raise")


def test_specs_are_json_and_draw_the_same_figure() -> None:
    cassette = vizlib.load_sample()
    for spec in (
        timeline_spec(cassette.chunks, 0),
        usage_spec(cassette.usage),
        context_spec(cassette.usage, cassette.messages),
    ):
        assert orjson.loads(orjson.dumps(spec)) == spec  # plain data
        drawn = figure(spec).to_plotly_json()
        assert [t["type"] for t in drawn["data"]] == [t["type"] for t in spec["data"]]
        for trace, built in zip(drawn["data"], spec["data"], strict=True):
            assert list(trace.get("x", [])) == list(built.get("x", []))
        assert drawn["layout"]["paper_bgcolor"] == "white"


@pytest.mark.parametrize("path", shared_files("seed/*") + shared_files("fantasy/*/*/*"))
def test_every_trace_type_is_in_the_bundle(path: Path) -> None:
    cassette = vizlib.load(path)
    specs = [usage_spec(cassette.usage), context_spec(cassette.usage, cassette.messages)]
    specs += [timeline_spec(cassette.chunks, i, max_points=3000) for i in range(len(cassette))]
    assert {t["type"] for s in specs for t in s["data"]} <= TRACE_TYPES


def test_the_bundle_is_the_pinned_partial_build() -> None:
    source = plotly_js()
    assert source.startswith(f"/*! plotly.js v{plotly_js_version()} ")
    assert "</script" not in source.lower()
    assert len(source) < 1_700_000  # the full plotly.js is 4.8 MB
    root = Path(__file__).resolve().parent.parent
    package = json.loads((root / "scripts" / "plotly-bundle" / "package.json").read_text())
    assert package["dependencies"]["plotly.js"] == plotly_js_version()


def test_python_report_never_writes_over_its_input(tmp_path: Path) -> None:
    cassette = tmp_path / "seed.yaml"
    cassette.write_text(sample_cassette(), encoding="utf-8")
    before = cassette.read_bytes()
    for target in (cassette, str(cassette), vizlib.load(cassette)):
        with pytest.raises(OutputIsInput):
            vizlib.report(target, cassette)
    with pytest.raises(OutputIsInput):
        vizlib.report([cassette], tmp_path / "." / "seed.yaml")
    assert cassette.read_bytes() == before
