"""The run view: a lane per thread, in the report (headless Chromium) and in the notebook."""

from __future__ import annotations

from pathlib import Path

import vizlib
from tests.agentrun import agent_run_har
from tests.browser import open_page, screenshot
from vizlib.standalone.sections import section_payload
from vizlib.views.runview import is_linear, lane_order, run_figure_dict
from vizlib.views.widget import TABS, CassetteView


def _run() -> vizlib.Cassette:
    return vizlib.load(agent_run_har(), name="agent-run.har")


def test_the_figure_has_a_lane_per_thread_and_a_node_per_request() -> None:
    c = _run()
    figure = run_figure_dict(c)
    nodes = {t["name"]: t["customdata"] for t in figure["data"] if t["mode"] == "markers"}
    assert nodes == {
        "first": [0],
        "continues": [3, 5, 7],
        "retry": [4],
        "branch": [8],
        "subagent": [1],
        "side": [2, 6],
    }
    assert lane_order(c) == [0, 1, 2]
    # top to bottom: the coordinator, its research sub-agent, then the branch
    assert figure["layout"]["yaxis"]["categoryarray"] == [
        "thread 2: branch of #5",
        "thread 1: sub-agent of #0",
        "thread 0",
    ]
    # HAR records start times: the axis is time, not order
    assert figure["layout"]["xaxis"]["type"] == "date"
    retry = next(t for t in figure["data"] if t.get("name") == "retry")
    assert retry["x"] == ["2026-03-02T09:30:08.500000+00:00"]
    failed = next(t for t in figure["data"] if t.get("name") == "continues")
    # interaction 3 failed with HTTP 500 and 5's book call came back as a plain string
    assert failed["marker"]["line"]["width"] == [3, 3, 0]
    assert "problems: HTTP 500" in failed["text"][0]
    assert "tokens: 300 in, 25 out" in failed["text"][1]


def test_without_recorded_times_the_axis_is_the_order(seed: vizlib.Cassette) -> None:
    figure = run_figure_dict(seed)
    assert figure["layout"]["xaxis"]["title"]["text"] == "order in the file"
    assert is_linear(seed)
    assert not is_linear(_run())


def test_the_notebook_view_has_the_run_tab_and_a_click_selects() -> None:
    view = CassetteView(_run())
    assert TABS[-1] == "Run"
    lanes, table = view.tabs.children[-1].children
    threads = table.value
    assert ">subagent from #0<" in threads
    assert ">branch from #5<" in threads
    (spec,) = lanes.figures
    branch = next(t for t in spec["data"] if t.get("name") == "branch")
    assert list(branch["customdata"]) == [8]
    # the page sends a clicked node's customdata, as it does for a timeline chunk
    lanes._message(lanes, {"type": "click", "seq": 8}, None)
    assert view.selector.value == 8
    assert view.index == 8


def test_the_report_draws_the_run_and_a_click_selects_the_request(
    chromium: object, tmp_path: Path
) -> None:
    path = vizlib.report(_run(), tmp_path / "run.html")
    watched = open_page(chromium, path.as_uri())
    page = watched.page
    page.wait_for_selector(".vz-run svg.main-svg")  # type: ignore[attr-defined]
    drawn = page.evaluate(  # type: ignore[attr-defined]
        """() => {
          const div = document.querySelector('.vz-run');
          return {
            points: div.querySelectorAll('.scatterlayer .point').length,
            lanes: [...div.querySelectorAll('.ytick text')].map(t => t.textContent),
          };
        }"""
    )
    assert drawn["points"] == 9
    assert sorted(drawn["lanes"]) == [
        "thread 0",
        "thread 1: sub-agent of #0",
        "thread 2: branch of #5",
    ]
    page.evaluate(  # type: ignore[attr-defined]
        "() => document.querySelector('.vz-run').emit('plotly_click', {points: [{customdata: 4}]})"
    )
    assert page.locator(".vz-select").input_value() == "4"  # type: ignore[attr-defined]
    shown = page.locator(".vz-interaction:not([hidden])")  # type: ignore[attr-defined]
    assert shown.get_attribute("data-interaction") == "4"
    assert "Lisbon in May is mostly sunny" in shown.inner_text()
    rows = page.locator(".vz-threads tbody tr")  # type: ignore[attr-defined]
    assert rows.count() == 3
    # the coordinator: 0, 5, 7 (and the side request 6); with its sub-agent and branch
    assert rows.nth(0).inner_text().split("\t") == [
        "0",
        "first",
        "3",
        "1",
        "gpt-4o-mini-2024-07-18",
        "780",
        "72",
        "~$0.000160",
        "1,600 in, 145 out, ~$0.000327",
    ]
    screenshot(page, "report-run-view", full_page=False)
    assert watched.errors == []  # type: ignore[attr-defined]
    assert watched.outgoing == []  # type: ignore[attr-defined]


def test_a_linear_report_has_no_run_section(seed: vizlib.Cassette) -> None:
    linear = section_payload(seed, 0, redact=True)
    assert "vz-run" not in linear["html"]
    assert "run-0" not in linear["data"]
    run = section_payload(_run(), 0, redact=True)
    assert "vz-run" in run["html"]
    assert run["data"]["run-0"]["data"]
