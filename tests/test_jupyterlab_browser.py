"""The notebook view in JupyterLab 4 and Notebook 7, in headless Chromium: every chart drawn
and never blank, one view per call, small traffic after the first view, keys kept by the slider,
readable in the dark theme. One server of each kind serves the whole module.

How soon a view is drawn is measured by `benchmarks/notebook.py`, against a plain widget in the
same kernel; these tests print their times but assert what is on screen."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

import vizlib
from tests.browser import screenshot
from tests.notebook_server import (
    Server,
    cell,
    charts,
    ensure_shown,
    open_notebook,
    run_cell,
    start,
    wait_done,
    write_notebook,
)
from tests.shared import SEED, SHARED, require_shared
from vizlib.views.charts import Charts
from vizlib.views.widget import CassetteView

CHARTS_PER_VIEW = 3
RERUNS = 10
BYTES_PER_SHOW = 1_000_000


@pytest.fixture(scope="module", params=["lab", "notebook"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    require_shared()
    yield from start(request.param, tmp_path_factory.mktemp(request.param))


@pytest.fixture(scope="module")
def page(chromium: object, server: Server) -> Iterator[object]:
    """The seed notebook open, its first cell run: `import vizlib` and the seed loaded."""
    name = write_notebook(
        server.root,
        "seed.ipynb",
        [
            f"import vizlib\nseed = vizlib.load({str(SEED)!r})",
            "vizlib.show(seed)",
            "for _ in range(2):\n    vizlib.show(seed)",
            "view = vizlib.show(seed)",
        ],
    )
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    received: list[int] = [0]

    def count(ws: object) -> None:
        ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))  # type: ignore[attr-defined]

    tab = open_notebook(context, server, name)
    tab.on("websocket", count)  # type: ignore[attr-defined]
    tab.received = received  # type: ignore[attr-defined]
    run_cell(tab, 0)
    wait_done(tab, 0)
    yield tab
    context.close()


def _run_and_time(
    page: object, index: int, views: int, charts_shown: int | None = None
) -> tuple[float, dict[str, object]]:
    """Run cell `index`; seconds until its `views` views have every chart drawn.

    A view of the seed has `CHARTS_PER_VIEW` charts; `charts_shown` says how
    many the cell's output holds when that differs.
    """
    want = views * CHARTS_PER_VIEW if charts_shown is None else charts_shown
    started = time.monotonic()
    run_cell(page, index)
    output = cell(page, index).locator(".jp-Cell-outputArea")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        """([el, views, want]) => {
          const charts = [...el.querySelectorAll('.vz-chart')];
          return el.querySelectorAll('.vz-view').length === views && charts.length === want
            && charts.every(c => c.querySelector('.scatterlayer .trace, .barlayer .trace'));
        }""",
        arg=[output.element_handle(), views, want],
        timeout=60_000,
    )
    elapsed = time.monotonic() - started
    wait_done(page, index)
    return elapsed, charts(page, index)


def test_views_are_drawn_at_once_and_never_blank(page: object, server: Server) -> None:
    first, shown = _run_and_time(page, 1, 1)
    assert shown["views"] == 1
    assert all(n > 0 for n in shown["traces"])  # type: ignore[attr-defined]
    timings, blank, sizes = [], 0, []
    for _ in range(RERUNS):
        page.received[0] = 0  # type: ignore[attr-defined]
        elapsed, shown = _run_and_time(page, 1, 1)
        sizes.append(page.received[0])  # type: ignore[attr-defined]
        timings.append(elapsed)
        for title in ("Usage and cost", "Token timeline", "Overview"):
            page.locator(".lm-TabBar-tab:visible", has_text=title).first.click()  # type: ignore[attr-defined]
        shown = charts(page, 1)
        assert shown["views"] == 1
        blank += shown["charts"] - shown["drawn"]  # type: ignore[operator]
    print(
        f"{server.kind}: first view {first:.2f}s; re-runs {[round(t, 2) for t in timings]}s; bytes {sizes}"
    )
    assert blank == 0
    assert max(sizes) < BYTES_PER_SHOW


# One cassette per wire format family, and the views that differ: a call that is not streamed
# (a compact card beside a one-point timeline, and swimlanes in the Run tab) and a failed call.
GALLERY = {
    "openai-chat stream": "fantasy/TestOpenAICommon/openai-gpt-4o/multi_tool_streaming.yaml",
    "anthropic stream": "fantasy/TestAnthropicCommon/claude-sonnet-4/tool_streaming.yaml",
    "gemini stream": "fantasy/TestGoogleCommon/gemini-2.5-flash/multi_tool_streaming.yaml",
    "responses stream": "fantasy/TestOpenAIResponsesCommon/openai-gpt-4o/tool_streaming.yaml",
    "bedrock event stream": (
        "fantasy/TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/tool_streaming.yaml"
    ),
    "embeddings, not streamed": (
        "openllmetry/packages__opentelemetry-instrumentation-openai__tests__traces__cassettes__"
        "test_embeddings__test_async_embeddings_context_propagation.yaml"
    ),
    "HTTP 400": (
        "mirascope/typescript__tests__e2e__input__cassettes__empty-call__anthropic__"
        "handles-empty-string-content.har"
    ),
}


def _charts_in_view(path: str) -> int:
    """How many charts the view of the cassette at `path` (under the shared folder) holds."""
    shown = CassetteView(vizlib.load(SHARED / path))
    lanes = [w for w in shown.run.children if isinstance(w, Charts)]
    return (
        len(shown.timeline.figures) + len(shown.usage.figures) + sum(len(w.figures) for w in lanes)
    )


@pytest.fixture(scope="module")
def gallery(chromium: object, server: Server) -> Iterator[object]:
    """A notebook in a kernel of its own: one cell loads the GALLERY, then one cell shows each."""
    loads = "\n".join(
        f"c{i} = vizlib.load({str(SHARED / p)!r})" for i, p in enumerate(GALLERY.values())
    )
    name = write_notebook(
        server.root,
        "gallery.ipynb",
        [f"import vizlib\n{loads}", *(f"vizlib.show(c{i})" for i in range(len(GALLERY)))],
    )
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    tab = open_notebook(context, server, name)
    run_cell(tab, 0)
    wait_done(tab, 0)
    yield tab
    context.close()


def test_every_cassette_is_drawn_at_once(gallery: object, server: Server) -> None:
    timings: dict[str, float] = {}
    for position, (kind, path) in enumerate(GALLERY.items(), start=1):
        want = _charts_in_view(path)
        timings[kind], shown = _run_and_time(gallery, position, 1, want)
        assert shown["views"] == 1
        assert shown["charts"] == shown["drawn"] == want, kind
        assert all(n > 0 for n in shown["traces"]), kind  # type: ignore[attr-defined]
    print(f"{server.kind}: " + ", ".join(f"{k} {t:.2f}s" for k, t in timings.items()))


def test_one_view_per_call(page: object) -> None:
    _, looped = _run_and_time(page, 2, 2)
    assert looped["views"] == 2
    _, assigned = _run_and_time(page, 3, 1)
    assert assigned["views"] == 1


def test_slider_keeps_its_keys(page: object, server: Server) -> None:
    ensure_shown(page, 1)
    output = cell(page, 1)
    output.locator(".lm-TabBar-tab", has_text="Tool-call assembly").first.click()  # type: ignore[attr-defined]
    panel = output.locator(".vz-assembly:visible").first  # type: ignore[attr-defined]
    assert "chunk 40 of 40" in panel.inner_text()
    cells_before = page.locator(".jp-Notebook:visible .jp-Cell").count()  # type: ignore[attr-defined]
    handle = output.locator(
        ".widget-slider:visible .noUi-handle, .widget-hslider:visible [role=slider]"
    ).first  # type: ignore[attr-defined]
    handle.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")  # type: ignore[attr-defined]
    # the panel's HTML is replaced on each step: look it up afresh
    page.wait_for_function(  # type: ignore[attr-defined]
        "(el) => el.querySelector('.vz-view .vz-assembly').innerText.includes('chunk 30 of 40')",
        arg=output.element_handle(),  # type: ignore[attr-defined]
        timeout=15_000,
    )
    text = output.locator(".vz-view .vz-assembly").first.inner_text()  # type: ignore[attr-defined]
    assert '{"a": 2, "b": 3}' in text  # add is complete by chunk 30
    assert '{"a": 2, "b": 3}' not in text.split("#1 multiply")[1]  # multiply is not
    assert page.locator(".jp-Notebook:visible .jp-Cell").count() == cells_before  # type: ignore[attr-defined]
    active = page.evaluate("() => document.activeElement.closest('.vz-keys') !== null")  # type: ignore[attr-defined]
    assert active
    screenshot(page, f"{server.kind}-assembly", full_page=False)


def test_folder_view(chromium: object, server: Server) -> None:
    name = write_notebook(
        server.root,
        "folder.ipynb",
        [
            f"import vizlib\ncorpus = vizlib.load_many({str(SHARED / 'fantasy')!r})",
            "vizlib.show(corpus)",
        ],
    )
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})  # type: ignore[attr-defined]
    tab = open_notebook(context, server, name)
    run_cell(tab, 0)
    wait_done(tab, 0)
    run_cell(tab, 1)
    wait_done(tab, 1)
    output = cell(tab, 1).locator(".jp-Cell-outputArea")  # type: ignore[attr-defined]
    output.locator(".vz-view .vz-dashboard tbody tr").first.wait_for()
    box = output.evaluate(
        """(el) => {
          const view = el.querySelector('.vz-view');
          const rows = view.querySelectorAll('.vz-dashboard tbody tr');
          const scroll = view.querySelector('.vz-dashboard-panel .vz-scroll');
          const r = scroll.getBoundingClientRect(), v = view.getBoundingClientRect();
          const picker = view.querySelector('.widget-dropdown select').getBoundingClientRect();
          return {height: r.height, width: r.width, viewWidth: v.width,
                  viewScrolls: view.scrollWidth > view.clientWidth + 1,
                  pickerAbove: picker.bottom <= r.top,
                  rows: rows.length,
                  wrapped: [...rows].slice(0, 20)
                    .filter(tr => tr.getBoundingClientRect().height > 40).length};
        }"""
    )
    assert box["rows"] == 136
    assert box["height"] <= 430
    assert box["width"] <= box["viewWidth"] + 1
    assert not box["viewScrolls"]
    assert box["pickerAbove"]
    assert box["wrapped"] == 0
    output.locator("input[placeholder^='filter: name']").fill("gemini")
    tab.wait_for_function(  # type: ignore[attr-defined]
        "(el) => el.querySelectorAll('.vz-view .vz-dashboard tbody tr').length < 136",
        arg=output.element_handle(),
        timeout=30_000,
    )
    names = output.locator(".vz-view .vz-dashboard tbody tr td:first-child").all_inner_texts()
    assert 0 < len(names) < 136
    assert all(
        "gemini" in " ".join(row.lower().split())
        for row in output.locator(".vz-view .vz-dashboard tbody tr").all_inner_texts()
    )
    chosen = names[-1]
    output.locator(".vz-view .vz-dashboard a[data-vz-open]").last.click()
    tab.wait_for_function(  # type: ignore[attr-defined]
        "([el, name]) => [...el.querySelectorAll('.vz-view .vz-view b')].some(b => b.textContent === name)",
        arg=[output.element_handle(), chosen],
        timeout=60_000,
    )
    screenshot(tab, f"{server.kind}-folder", full_page=False)
    context.close()


CONTRAST = """(root) => {
  const parse = (c) => { const p = c.match(/[\\d.]+/g).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return parse(getComputedStyle(document.body).backgroundColor);
  };
  const picked = [...root.querySelectorAll('.vz td, .vz th, .vz pre, .vz .vz-head, .vz .vz-muted, .vz .vz-badge')]
    .filter((el) => el.offsetParent && el.textContent.trim());
  return picked.map((el) => {
    const a = lum(parse(getComputedStyle(el).color)), b = lum(behind(el));
    return [el.className || el.tagName, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""


def test_dark_theme_is_readable(page: object, server: Server) -> None:
    ensure_shown(page, 1)
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").click()  # type: ignore[attr-defined]
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()  # type: ignore[attr-defined]
    page.locator(".lm-Menu-itemLabel").get_by_text("JupyterLab Dark", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(1_000)  # type: ignore[attr-defined]
    output = cell(page, 1).locator(".jp-Cell-outputArea")  # type: ignore[attr-defined]
    ratios = []
    for title in ("Overview", "Transcript", "Tool-call assembly", "Usage and cost"):
        output.locator(".lm-TabBar-tab", has_text=title).first.click()
        page.wait_for_timeout(300)  # type: ignore[attr-defined]
        ratios += output.evaluate(CONTRAST)
        screenshot(page, f"{server.kind}-dark-{title.split()[0].lower()}", full_page=False)
    assert len(ratios) > 20
    low = [(name, round(ratio, 2)) for name, ratio in ratios if ratio < 4.5]
    print(
        f"{server.kind} dark: {len(ratios)} text elements, lowest contrast {min(r for _, r in ratios):.2f}"
    )
    assert low == []
