"""Reports opened in headless Chromium with the network blocked: charts render, the slider works,
nothing runs that the cassette wrote, and no secret appears."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from click.testing import CliRunner

import vizlib
from tests.browser import open_page, screenshot
from tests.pages import readable
from tests.shared import SEED, SHARED, require_shared
from vizlib.cli import main
from vizlib.standalone import report_html, write_report
from vizlib.synthetic import synthetic_cassette

RENDER_ALL = """async () => {
  const DRAWN = ".scatterlayer .trace, .barlayer .trace, .gl-container canvas, .annotation-text";
  const sections = [...document.querySelectorAll('details.vz-cassette')];
  await Promise.all(sections.map(d => { d.open = true; return window.vizlibReport.activate(d); }));
  const plots = [...document.querySelectorAll('.vz-plot')].filter(p => !p.closest('[hidden]'));
  return {
    sections: sections.length,
    plots: plots.length,
    rendered: plots.filter(p => p.querySelector('svg.main-svg')).length,
    empty: plots.filter(p => !p.querySelector(DRAWN)).length,
  };
}"""


def _check_clean(watched: object) -> None:
    assert watched.errors == []  # type: ignore[attr-defined]
    assert watched.outgoing == []  # type: ignore[attr-defined]


def test_seed_report(chromium: object, tmp_path: Path) -> None:
    require_shared()
    path = vizlib.report(SEED, tmp_path / "seed.html")
    watched = open_page(chromium, path.as_uri())
    page = watched.page
    page.wait_for_selector(".vz-plot svg.main-svg")  # type: ignore[attr-defined]
    counts = page.evaluate(RENDER_ALL)  # type: ignore[attr-defined]
    assert counts == {"sections": 1, "plots": 3, "rendered": 3, "empty": 0}
    text = page.inner_text("body")  # type: ignore[attr-defined]
    for expected in ("197", "53", "$0.000155", "282", "$0.000197", "add, multiply"):
        assert expected in text
    calls = page.locator(".vz-interaction:not([hidden]) .vz-call")  # type: ignore[attr-defined]
    assert calls.count() == 2
    assert calls.nth(0).locator(".vz-args").inner_text() == '{"a": 2, "b": 3}'
    assert "round trip: sent back unchanged" in calls.nth(1).inner_text()
    assert calls.nth(1).locator(".vz-result").inner_text() == "6"
    slider = page.locator(".vz-interaction:not([hidden]) .vz-slider")  # type: ignore[attr-defined]
    slider.evaluate("(s) => { s.value = 16; s.dispatchEvent(new Event('input')); }")
    assert calls.nth(0).locator(".vz-args").inner_text() == '{"a": '
    assert calls.nth(0).locator("mark").inner_text() == " "
    assert calls.nth(1).locator(".vz-args").inner_text() == ""
    assert "round trip" not in calls.nth(0).inner_text()
    page.select_option(".vz-select", "1")  # type: ignore[attr-defined]
    page.wait_for_timeout(200)  # type: ignore[attr-defined]
    shown = page.locator(".vz-interaction:not([hidden])")  # type: ignore[attr-defined]
    assert shown.get_attribute("data-interaction") == "1"
    assert shown.locator(".vz-plot[data-rendered] svg.main-svg").first.is_visible()
    page.fill(".vz-interaction:not([hidden]) .vz-filter", "multiplication")  # type: ignore[attr-defined]
    assert shown.locator(".vz-turn:not(.vz-hidden)").count() == 1
    screenshot(page, "report-seed")
    _check_clean(watched)


def test_sample_report_play_button_steps_through(chromium: object, tmp_path: Path) -> None:
    path = vizlib.report(vizlib.load_sample(), tmp_path / "sample.html")
    watched = open_page(chromium, path.as_uri())
    page = watched.page
    page.click(".vz-interaction:not([hidden]) .vz-play")  # type: ignore[attr-defined]
    page.wait_for_timeout(700)  # type: ignore[attr-defined]
    value = int(page.locator(".vz-interaction:not([hidden]) .vz-slider").input_value())  # type: ignore[attr-defined]
    assert 0 < value < 43
    screenshot(page, "report-sample-playing")
    _check_clean(watched)


def test_whole_shared_folder_as_one_report(chromium: object, tmp_path: Path) -> None:
    require_shared()
    out = tmp_path / "all.html"
    result = CliRunner().invoke(main, ["report", str(SHARED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    watched = open_page(chromium, out.as_uri())
    page = watched.page
    index_rows = page.locator(".vz-index tbody tr").count()  # type: ignore[attr-defined]
    counts = page.evaluate(RENDER_ALL)  # type: ignore[attr-defined]
    files = len([p for p in SHARED.rglob("*") if p.is_file() and p.name != "README.md"])
    assert index_rows == counts["sections"] == files
    assert counts["rendered"] == counts["plots"]
    assert counts["empty"] == 0
    # usage, context and one timeline per cassette; the empty httprr trace has no interaction;
    # a run view for each cassette that is more than one linear conversation
    runs = page.locator(".vz-run").count()  # type: ignore[attr-defined]
    assert runs == 12
    assert counts["plots"] == 3 * files - 1 + runs
    # the dashboard sorts by a column when its header is clicked, and its numbers are the frames'
    corpus = vizlib.load_many(SHARED, cache=False, progress=False)
    page.click(".vz-dashboard th[data-key=output_tokens]")  # type: ignore[attr-defined]
    first = page.locator(".vz-dashboard tbody tr").first  # type: ignore[attr-defined]
    top = corpus.usage.groupby("cassette").output_tokens.sum().sort_values(ascending=False)
    assert first.locator("td").nth(0).inner_text() == top.index[0]
    assert first.locator("td").nth(5).inner_text() == f"{int(top.iloc[0]):,}"
    page.click(".vz-dashboard th[data-key=output_tokens]")  # type: ignore[attr-defined]
    assert page.locator(".vz-dashboard tbody tr").first.locator("td").nth(5).inner_text() == ""  # type: ignore[attr-defined]
    page.evaluate("() => window.scrollTo(0, 0)")  # type: ignore[attr-defined]
    screenshot(page, "report-shared-folder", full_page=False)
    _check_clean(watched)


HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '"><svg onload="window.__pwned = 3">',
    "</script><script>window.__pwned = 4</script>",
]
PAYLOAD = " ".join(HOSTILE)


def _hostile_cassette() -> str:
    delta = {
        "content": PAYLOAD,
        "tool_calls": [
            {
                "index": 0,
                "id": PAYLOAD,
                "function": {"name": PAYLOAD, "arguments": json.dumps({"x": PAYLOAD})},
            }
        ],
    }
    body = (
        f"data: {json.dumps({'model': PAYLOAD, 'choices': [{'index': 0, 'delta': delta}]})}\n\n"
        "data: [DONE]\n\n"
    )
    request = {
        "model": PAYLOAD,
        "stream": True,
        "messages": [{"role": "system", "content": PAYLOAD}, {"role": "user", "content": PAYLOAD}],
    }
    follow = {
        "model": PAYLOAD,
        "messages": [
            {
                "role": "assistant",
                "content": PAYLOAD,
                "tool_calls": [
                    {
                        "id": PAYLOAD,
                        "type": "function",
                        "function": {"name": PAYLOAD, "arguments": "{}"},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": PAYLOAD, "content": PAYLOAD},
        ],
    }
    interaction = {
        "request": {
            "url": f"https://api.example.com/v1/chat/completions?note={PAYLOAD}",
            "method": "POST",
            "body": json.dumps(request),
            "headers": {"X-Note": [PAYLOAD]},
        },
        "response": {
            "code": 200,
            "headers": {"Content-Type": ["text/event-stream"], "X-Echo": [PAYLOAD]},
            "body": body,
        },
    }
    second = {
        "request": {**interaction["request"], "body": json.dumps(follow)},
        "response": {"code": 500, "body": json.dumps({"error": {"message": PAYLOAD}})},
    }
    return yaml.safe_dump({"version": 2, "interactions": [interaction, second]})


def test_cassette_text_never_runs_in_the_report(chromium: object, tmp_path: Path) -> None:
    cassette = vizlib.load(_hostile_cassette(), name=PAYLOAD)
    path = write_report(report_html([cassette, vizlib.load_sample()]), tmp_path / "hostile.html")
    watched = open_page(chromium, path.as_uri())
    page = watched.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    page.evaluate(RENDER_ALL)  # type: ignore[attr-defined]
    for index in ("0", "1"):
        page.select_option("#cassette-0 .vz-select", index)  # type: ignore[attr-defined]
        page.locator("#cassette-0 .vz-interaction:not([hidden]) .vz-plot svg").first.hover()  # type: ignore[attr-defined]
        slider = page.locator("#cassette-0 .vz-interaction:not([hidden]) .vz-slider")  # type: ignore[attr-defined]
        slider.evaluate("(s) => { s.value = 0; s.dispatchEvent(new Event('input')); }")
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert page.evaluate("() => window.__pwned") is None  # type: ignore[attr-defined]
    assert dialogs == []
    assert page.locator("script:not([type]), script[type='text/javascript']").count() == 2  # type: ignore[attr-defined]
    assert page.locator("img, iframe, object, embed").count() == 0  # type: ignore[attr-defined]
    text = page.inner_text("body")  # type: ignore[attr-defined]
    assert HOSTILE[0] in text  # shown as text, not run
    screenshot(page, "report-hostile")
    _check_clean(watched)


SECRETS = {
    "authorization": "Bearer sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789",
    "x-api-key": "sk-ant-api03-SecretSecretSecretSecret0123",
    "cookie": "session=c00kie-value-123456",
    "query": "AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "body": "gsk_bodysecretbodysecretbodysecret123",
    "bearer-in-body": "Bearer tok-9f8e7d6c5b4a39281706",
}


def _secret_cassette() -> str:
    request = {
        "model": "gpt-4o-mini",
        "api_key": SECRETS["body"],
        "messages": [
            {
                "role": "user",
                "content": f"my key is {SECRETS['body']}; auth {SECRETS['bearer-in-body']}",
            }
        ],
    }
    reply = {
        "object": "chat.completion",
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": f"echo {SECRETS['body']}"},
            }
        ],
    }
    return yaml.safe_dump(
        {
            "version": 2,
            "interactions": [
                {
                    "request": {
                        "url": f"https://api.openai.com/v1/chat/completions?key={SECRETS['query']}&alt=sse",
                        "method": "POST",
                        "body": json.dumps(request),
                        "headers": {
                            "Authorization": [SECRETS["authorization"]],
                            "X-Api-Key": [SECRETS["x-api-key"]],
                            "Cookie": [SECRETS["cookie"]],
                        },
                    },
                    "response": {
                        "code": 200,
                        "headers": {
                            "Content-Type": ["application/json"],
                            "Set-Cookie": [SECRETS["cookie"]],
                        },
                        "body": json.dumps(reply),
                    },
                }
            ],
        }
    )


def test_no_secret_reaches_the_report(chromium: object, tmp_path: Path) -> None:
    cassette = vizlib.load(_secret_cassette(), name="secrets.yaml")
    path = vizlib.report(cassette, tmp_path / "secrets.html")
    page_text = readable(path.read_text())
    for name, secret in SECRETS.items():
        token = secret.split()[-1].split("=")[-1]
        assert token not in page_text, name
    assert "[REDACTED]" in page_text
    watched = open_page(chromium, path.as_uri())
    watched.page.evaluate(RENDER_ALL)  # type: ignore[attr-defined]
    shown = watched.page.evaluate("() => document.documentElement.outerHTML")  # type: ignore[attr-defined]
    for secret in SECRETS.values():
        assert secret.split()[-1].split("=")[-1] not in shown
    _check_clean(watched)
    unredacted = readable(vizlib.report(cassette, tmp_path / "mine.html", redact=False).read_text())
    assert SECRETS["x-api-key"] in unredacted


def test_report_is_one_offline_file(tmp_path: Path) -> None:
    html = vizlib.report(vizlib.load_sample(), tmp_path / "r.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("Plotly.newPlot(div") == 1  # the page's own script, once
    assert html.count("<script>") == 2  # plotly.js, then the page's script; the rest is JSON data
    assert "<link " not in html
    assert 'src="http' not in html
    assert "default-src 'none'" in html
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert policy is not None
    # no 'unsafe-eval': the page and its plotly.js never run code built from strings
    assert "script-src 'unsafe-inline';" in policy.group(1)


def test_every_trace_type_draws_with_the_bundle(chromium: object, tmp_path: Path) -> None:
    """Scatter, bar and a WebGL timeline of more than 1,000 chunks, in one report."""
    big = vizlib.load(synthetic_cassette(2_000), name="big.yaml")
    path = vizlib.report([big, vizlib.load_sample()], tmp_path / "traces.html")
    watched = open_page(chromium, path.as_uri())
    page = watched.page
    # closed sections stay compressed until opened
    assert page.locator("#cassette-1 .vz-plot").count() == 0  # type: ignore[attr-defined]
    assert page.locator("#vz-section-1").count() == 1  # type: ignore[attr-defined]
    counts = page.evaluate(RENDER_ALL)  # type: ignore[attr-defined]
    assert counts["rendered"] == counts["plots"] == 6
    assert counts["empty"] == 0
    assert page.locator("#vz-section-1").count() == 0  # type: ignore[attr-defined]
    timeline = page.locator("#cassette-0 .vz-interaction:not([hidden]) .vz-plot").first  # type: ignore[attr-defined]
    assert timeline.locator(".gl-container canvas").count() >= 1
    title = timeline.locator(".gtitle").text_content()
    assert title is not None
    n_chunks = int(big.interactions.n_chunks.iloc[0])
    assert n_chunks > 1000
    assert f"{n_chunks:,} chunks" in title
    drawn = page.evaluate(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('.vz-plot')].flatMap(d => (d.data || []).map(t => t.type))"
    )
    assert set(drawn) == {"scatter", "scattergl", "bar"}
    screenshot(page, "report-webgl-timeline")
    _check_clean(watched)
