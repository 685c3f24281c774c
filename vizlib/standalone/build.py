"""The report's page: figures as script-safe JSON, fragments from autoescaped templates.

Cassette text reaches the page only as template-escaped HTML or as JSON that
the page's own script reads with `JSON.parse` and writes with `textContent`.
A Content-Security-Policy forbids every request the page could make.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import orjson
import plotly.graph_objects as go
import plotly.io
from plotly.offline import get_plotlyjs

import vizlib
from vizlib.analysis.assembly import CallAssembly, assemble
from vizlib.analysis.diff import CassetteDiff
from vizlib.analysis.raw import raw_exchange
from vizlib.analysis.transcript import transcript
from vizlib.analysis.turns import request_growth
from vizlib.cassette import Cassette
from vizlib.redact import redact_url
from vizlib.views.corpus import cassettes_dashboard, dashboard_html, turns_html
from vizlib.views.diffview import diff_html
from vizlib.views.figures import context_figure, timeline_figure, usage_figure
from vizlib.views.html import overview_html, raw_html, style, transcript_html
from vizlib.views.labels import interaction_label

MAX_TIMELINE_POINTS = 3000
Progress = Callable[[Cassette], None]


def script_json(value: Any) -> str:
    """JSON that is inert inside a `<script>` element: `<`, `>` and `&` as unicode escapes."""
    text = (
        value
        if isinstance(value, str)
        else orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _figure_json(figure: go.Figure) -> str:
    return script_json(plotly.io.to_json(figure, validate=False, engine="orjson"))


def _assembly_data(calls: list[CallAssembly], last_seq: int) -> dict[str, Any]:
    return {
        "last": last_seq,
        "calls": [
            {
                "index": c.tool_index,
                "name": c.name,
                "id": c.id or "",
                "seqs": [s for s, _ in c.fragments],
                "deltas": [d for _, d in c.fragments],
                "arguments": c.arguments,
                "valid": c.valid_json,
                "pretty": c.pretty,
                "schema": c.schema.valid,
                "schemaMessage": c.schema.message,
                "roundtrip": c.roundtrip,
                "result": c.result,
                "resultInteraction": c.result_interaction,
            }
            for c in calls
        ],
    }


def _cassette_context(position: int, cassette: Cassette, *, redact: bool) -> dict[str, Any]:
    chunks = cassette.chunks
    data: dict[str, str] = {
        f"usage-{position}": _figure_json(usage_figure(cassette.usage)),
        f"context-{position}": _figure_json(context_figure(cassette.usage, cassette.messages)),
    }
    interactions = []
    for index in range(len(cassette)):
        n_chunks = int((chunks.interaction == index).sum())
        key = f"{position}-{index}"
        data[f"timeline-{key}"] = _figure_json(
            timeline_figure(chunks, index, max_points=MAX_TIMELINE_POINTS)
        )
        data[f"assembly-{key}"] = script_json(
            _assembly_data(assemble(cassette, index, redact=redact), max(n_chunks - 1, 0))
        )
        interactions.append(
            {
                "index": index,
                "key": key,
                "label": interaction_label(cassette, index),
                "transcript": transcript_html(transcript(cassette, index, redact=redact)),
                "raw": raw_html(raw_exchange(cassette, index, redact=redact), redacted=redact),
            }
        )
    return {
        "position": position,
        "name": cassette.name,
        "container": cassette.container,
        "overview": overview_html(cassette),
        "turns": turns_html(request_growth(cassette)) if len(cassette) > 1 else "",
        "interactions": interactions,
        "data": data,
    }


@cache
def _asset(name: str) -> str:
    return (
        resources.files("vizlib.standalone")
        .joinpath(f"templates/{name}")
        .read_text(encoding="utf-8")
    )


def report_html(
    cassettes: Sequence[Cassette],
    *,
    redact: bool = True,
    failures: Sequence[tuple[str, str]] = (),
    progress: Progress | None = None,
    title: str | None = None,
) -> str:
    """The report of one or more cassettes as one self-contained HTML page.

    `failures` lists inputs that could not be read (name, reason); they are
    shown at the top. `progress` is called once per cassette as it is built.
    """
    sections = []
    for position, cassette in enumerate(cassettes):
        sections.append(_cassette_context(position, cassette, redact=redact))
        if progress:
            progress(cassette)
    template = _report_environment().get_template("report.html.j2")
    return template.render(
        title=title
        or (cassettes[0].name if len(cassettes) == 1 else f"{len(cassettes)} cassettes"),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=vizlib.__version__,
        redact=redact,
        dashboard=dashboard_html(cassettes_dashboard(cassettes), links=True)
        if len(cassettes) > 1
        else "",
        sections=sections,
        failures=failures,
        style=style() + _asset("report.css"),
        plotly_js=get_plotlyjs(),
        report_js=_asset("report.js"),
    )


@cache
def _report_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("vizlib.standalone", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def diff_page(
    diffs: Sequence[CassetteDiff],
    old_label: str,
    new_label: str,
    *,
    failures: Sequence[tuple[str, str]] = (),
    redact: bool = True,
) -> str:
    """A standalone page of a diff: no script at all, only escaped text and styles."""
    body = diff_html(diffs, old_label, new_label, redact=redact)
    return (
        _report_environment()
        .get_template("diff_page.html.j2")
        .render(
            old_label=redact_url(old_label) if redact else old_label,
            new_label=redact_url(new_label) if redact else new_label,
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            version=vizlib.__version__,
            redact=redact,
            failures=failures,
            style=style() + _asset("report.css"),
            body=body,
        )
    )
