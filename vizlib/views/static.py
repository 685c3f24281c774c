"""What a notebook keeps of a view when no widget can run: HTML with charts, and a plain summary.

`static_bundle` is a display bundle shown beside the live view. Its HTML
holds the report's page for the cassette in a frame that is built only when
it scrolls into sight (so a live session, where the view hides it, pays
nothing), and it borrows the page's one copy of plotly.js: the first static
output of a kernel carries the bundle as inert text, later ones only point
to it (the live view gets its own from `vizlib.views.loader`). Its markdown
and plain text are what GitHub and terminals show.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any

import pandas as pd

from vizlib._plotlyjs import plotly_js
from vizlib.cassette import Cassette
from vizlib.frames.summary import per_interaction
from vizlib.redact import redact_text, shown_name
from vizlib.views.format import cost, count, missing
from vizlib.views.html import render
from vizlib.views.labels import short_model

# The report's page reads plotly.js from the notebook page that holds its frame.
BORROW = (
    "window.Plotly = (function () {"
    " try { return parent.__vizlibPlotly(); } catch (e) { return undefined; } })();"
)


class _Sent:
    """Whether this kernel has already put plotly.js into a static output."""

    plotly = False


def _take_plotly() -> bool:
    """True the first time it is called in a kernel: that static copy carries the bundle."""
    first = not _Sent.plotly
    _Sent.plotly = True
    return first


def _inert_plotly() -> str:
    """The bundle as an inert `<script type="text/plain">` element (never executed as is)."""
    source = plotly_js().replace("</", "<\\/")
    return f'<script type="text/plain" class="vz-plotly-js">{source}</script>'


def _plotly_loader() -> str:
    """The script that defines `window.__vizlibPlotly`, which evaluates the inert bundle once."""
    script = resources.files("vizlib.views").joinpath("templates/plotly-loader.js")
    return script.read_text(encoding="utf-8")


def _loader() -> str:
    script = resources.files("vizlib.views").joinpath("templates/static.js")
    return script.read_text(encoding="utf-8")


def summary_rows(cassette: Cassette) -> list[dict[str, Any]]:
    """One short row per interaction: what GitHub and a terminal show of a view."""
    rows = []
    records = per_interaction(cassette.usage).to_dict(orient="records")
    usage = {int(u["interaction"]): u for u in records}
    for row in cassette.interactions.to_dict(orient="records"):
        used = usage.get(int(row["interaction"]), {})
        rows.append(
            {
                "interaction": row["interaction"],
                "api": row["api"],
                "model": short_model(row["model"]),
                "status": "" if missing(row["status"]) else str(row["status"]),
                "chunks": int(row["n_chunks"]),
                "tool_calls": int(row["n_tool_calls"]),
                "input": count(used.get("input_tokens")),
                "output": count(used.get("output_tokens")),
                "cost": cost(used.get("cost_usd"), used.get("cost_source")),
            }
        )
    return rows


COLUMNS = (
    "interaction",
    "api",
    "model",
    "status",
    "chunks",
    "tool_calls",
    "input",
    "output",
    "cost",
)


def summary_markdown(cassette: Cassette, *, redact: bool = True) -> str:
    """A markdown table of the cassette's interactions under its name."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    name = shown_name(cassette.name, redact=redact)
    lines = [
        f"**{cell(name)}** · {cassette.container} · {len(cassette)} interactions",
        "",
        "| " + " | ".join(c.replace("_", " ") for c in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(cell(r[c]) for c in COLUMNS) + " |" for r in summary_rows(cassette)]
    return "\n".join(lines)


def summary_text(cassette: Cassette, *, redact: bool = True) -> str:
    """One line per interaction, for terminals and plain-text renderers."""
    name = shown_name(cassette.name, redact=redact)
    head = f"{name} · {cassette.container} · {len(cassette)} interactions"
    body = [
        f"  #{r['interaction']} {r['api']} {r['model']} status {r['status'] or '?'} · "
        f"{r['chunks']} chunk{'s' if r['chunks'] != 1 else ''} · "
        f"{r['tool_calls']} tool call{'s' if r['tool_calls'] != 1 else ''}"
        for r in summary_rows(cassette)
    ]
    return "\n".join([head, *body])


def report_page(cassette: Cassette, *, redact: bool = True) -> str:
    """The report's page of `cassette`, reading plotly.js from the notebook page around it."""
    from vizlib.standalone import report_html  # noqa: PLC0415 - the report's builder, on demand

    page = report_html([cassette], redact=redact)
    return page.replace(plotly_js(), BORROW, 1)


def static_html(
    cassettes: Sequence[Cassette],
    *,
    redact: bool = True,
    charts: bool = True,
    page: str | None = None,
) -> str:
    """The static copy: a summary per cassette and, with `charts`, the report page of the first.

    `page` is that report page where the caller already has it.
    """
    carry = charts and _take_plotly()
    if charts and cassettes and page is None:
        page = report_page(cassettes[0], redact=redact)
    return render(
        "static.html.j2",
        summaries=[(shown_name(c.name, redact=redact), c, summary_rows(c)) for c in cassettes],
        columns=COLUMNS,
        page=page if charts else "",
        plotly=_inert_plotly() if carry else "",
        plotly_loader=_plotly_loader(),
        loader=_loader(),
    )


def static_bundle(
    cassettes: Sequence[Cassette],
    *,
    redact: bool = True,
    charts: bool = True,
    page: str | None = None,
) -> dict[str, str]:
    """The display bundle of the static copy: HTML, markdown and plain text."""
    return {
        "text/html": static_html(cassettes, redact=redact, charts=charts, page=page),
        "text/markdown": "\n\n".join(summary_markdown(c, redact=redact) for c in cassettes),
        "text/plain": "\n".join(summary_text(c, redact=redact) for c in cassettes),
    }


DASHBOARD_SUMMARY = ("cassette", "api", "model", "interactions", "cost_usd", "problems")


def dashboard_bundle(table: pd.DataFrame, *, redact: bool = True) -> dict[str, str]:
    """The static copy of a folder view: its dashboard table, as HTML and as markdown."""
    from vizlib.views.corpus import dashboard_html  # noqa: PLC0415 - corpus imports this module's peers

    def cell(value: object) -> str:
        return "" if missing(value) else str(value).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(DASHBOARD_SUMMARY) + " |",
        "|" + "---|" * len(DASHBOARD_SUMMARY),
    ]
    lines += [
        "| " + " | ".join(cell(r[k]) for k in DASHBOARD_SUMMARY) + " |"
        for r in table.to_dict(orient="records")
    ]
    if redact:
        lines = [lines[0], lines[1], *map(redact_text, lines[2:])]
    return {
        "text/html": f"<div class='vz-static'>{dashboard_html(table, redact=redact)}</div>",
        "text/markdown": "\n".join(lines),
        "text/plain": f"{len(table)} cassettes",
    }
