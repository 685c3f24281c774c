"""The run view: a swimlane of the run's interactions, one lane per thread.

Sub-agent and branch threads sit under the thread that spawned them; lines
join each request to its parent. Side requests, retries and polls have their
own markers, and a red ring marks an interaction with problems. The x axis is
the recorded start time where every interaction has one (HAR, Ruby VCR),
otherwise the order in the file. Each marker's `customdata` is its
interaction index, which the notebook and the report use to select it.

The figure is built as a plain plotly JSON dict (`run_figure_dict`);
`run_figure` wraps it in a `go.Figure` for the notebook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from vizlib.analysis.problems import problems, secrets
from vizlib.analysis.threads import records, thread_rows
from vizlib.cassette import Cassette
from vizlib.frames.summary import per_interaction
from vizlib.views.figures import escape
from vizlib.views.format import cost, count, missing
from vizlib.views.html import render
from vizlib.views.labels import row_label

if TYPE_CHECKING:
    import plotly.graph_objects as go

MARKERS = {  # relation: (symbol, colour, size)
    "first": ("square", "#2563eb", 14),
    "continues": ("circle", "#2563eb", 12),
    "retry": ("x", "#d97706", 13),
    "branch": ("triangle-right", "#7c3aed", 13),
    "subagent": ("star", "#059669", 16),
    "poll": ("circle-open", "#0891b2", 12),
    "side": ("diamond", "#9ca3af", 9),
}
PROBLEM = "#dc2626"


def lane_order(cassette: Cassette) -> list[int]:
    """Threads top to bottom: each followed by the threads that started from it, depth first."""
    links = cassette.links
    starts: dict[int, int | None] = {}  # thread -> the thread it started from
    for link in links:
        if link.thread in starts:
            continue
        spawned = link.relation in ("subagent", "branch") and link.parent is not None
        starts[link.thread] = (
            links[link.parent].thread if spawned and link.parent is not None else None
        )
    children: dict[int | None, list[int]] = {}
    for thread, parent in starts.items():
        children.setdefault(parent, []).append(thread)
    order: list[int] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        thread = stack.pop()
        order.append(thread)
        stack.extend(reversed(children.get(thread, [])))
    return order


def _lane_names(cassette: Cassette, order: list[int]) -> dict[int, str]:
    names = {}
    for thread in order:
        first = next(link for link in cassette.links if link.thread == thread)
        if first.relation == "subagent":
            names[thread] = f"thread {thread}: sub-agent of #{first.parent}"
        elif first.relation == "branch":
            names[thread] = f"thread {thread}: branch of #{first.parent}"
        else:
            names[thread] = f"thread {thread}"
    return names


def _axis(interactions: Sequence[Mapping[str, Any]]) -> tuple[list[Any], dict[str, Any]]:
    started = [row["started_at"] for row in interactions]
    if started and not any(pd.isna(t) for t in started):
        values = [t.isoformat() for t in started]
        return values, {"title": {"text": "start time (recorded)"}, "type": "date"}
    return list(range(len(interactions))), {"title": {"text": "order in the file"}, "dtick": 1}


def _hover(
    cassette: Cassette,
    found: dict[int, list[str]],
    interactions: Sequence[Mapping[str, Any]],
    usage: Sequence[Mapping[str, Any]],
) -> list[str]:
    links = cassette.links
    out = []
    for index in range(len(cassette)):
        link = links[index]
        row = usage[index]
        parts = [
            escape(row_label(interactions[index]), 160),
            link.relation + ("" if link.parent is None else f" of #{link.parent}"),
        ]
        if not missing(row["input_tokens"]) or not missing(row["output_tokens"]):
            parts.append(
                f"tokens: {count(row['input_tokens'])} in, {count(row['output_tokens'])} out"
            )
        shown_cost = cost(row["cost_usd"], row["cost_source"])
        if shown_cost:
            estimated = " (estimated)" if row["cost_source"] == "estimated" else ""
            parts.append(f"cost: {shown_cost}{estimated}")
        if found.get(index):
            parts.append("problems: " + escape("; ".join(found[index]), 300))
        out.append("<br>".join(parts))
    return out


def is_linear(cassette: Cassette) -> bool:
    """True for one conversation with nothing beside it: one thread, first then continues."""
    return all(
        link.thread == 0 and link.relation in ("first", "continues") for link in cassette.links
    )


def run_figure_dict(
    cassette: Cassette,
    found: dict[int, list[str]] | None = None,
    interactions: Sequence[Mapping[str, Any]] | None = None,
    usage: Sequence[Mapping[str, Any]] | None = None,
    leaks: dict[int, list[str]] | None = None,
) -> dict[str, Any]:
    """The run view as a plotly figure in plain JSON form.

    `found` (its `problems`), `interactions` and `usage` (its rows of those
    frames, as mappings) and `leaks` (its `secrets`) may be given where the
    caller has them.
    """
    order = lane_order(cassette)
    lanes = _lane_names(cassette, order)
    y_of = {thread: lanes[thread] for thread in order}
    rows = records(cassette.interactions) if interactions is None else interactions
    x, xaxis = _axis(rows)
    leaks = secrets(cassette) if leaks is None else leaks
    found = problems(cassette) if found is None else found
    found = {index: labels + leaks[index] for index, labels in found.items()}
    usage = records(per_interaction(cassette.usage)) if usage is None else usage
    hover = _hover(cassette, found, rows, usage)
    links = cassette.links
    data: list[dict[str, Any]] = []
    edges: dict[str, tuple[list[Any], list[Any]]] = {"same": ([], []), "spawn": ([], [])}
    for index, link in enumerate(links):
        if link.parent is None:
            continue
        kind = "spawn" if link.relation in ("subagent", "branch") else "same"
        xs, ys = edges[kind]
        xs += [x[link.parent], x[index], None]
        ys += [y_of[links[link.parent].thread], y_of[link.thread], None]
    for kind, (xs, ys) in edges.items():
        if xs:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": ys,
                    "name": "to parent" if kind == "same" else "spawned by",
                    "line": {
                        "color": "#cbd5e1",
                        "width": 1.5,
                        "dash": "dot" if kind == "spawn" else "solid",
                    },
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
    for relation, (symbol, colour, size) in MARKERS.items():
        members = [i for i, link in enumerate(links) if link.relation == relation]
        if not members:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": relation,
                "x": [x[i] for i in members],
                "y": [y_of[links[i].thread] for i in members],
                "customdata": members,
                "text": [hover[i] for i in members],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {
                    "symbol": symbol,
                    "size": size,
                    "color": colour,
                    "line": {
                        "width": [3 if found.get(i) else 0 for i in members],
                        "color": [PROBLEM if found.get(i) else colour for i in members],
                    },
                },
            }
        )
    layout = {
        "title": {"text": "Run: one lane per thread", "x": 0, "xanchor": "left"},
        "height": 140 + 46 * max(len(order), 1),
        "margin": {"l": 200, "r": 20, "t": 60, "b": 50},
        "xaxis": xaxis,
        "yaxis": {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [lanes[t] for t in reversed(order)],
            "automargin": True,
        },
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
        "clickmode": "event",
        "hovermode": "closest",
        "meta": {"vizlib": "run", "interactions": len(cassette)},
    }
    return {"data": data, "layout": layout}


def run_figure(cassette: Cassette) -> go.Figure:
    """The run view as a `plotly.graph_objects.Figure`."""
    import plotly.graph_objects as go  # noqa: PLC0415 - plotly loads on first use

    return go.Figure(run_figure_dict(cassette))


def threads_html(cassette: Cassette, usage: Sequence[Mapping[str, Any]] | None = None) -> str:
    """Tokens and cost per thread, own and with the threads it spawned, as an HTML table.

    `usage` holds the cassette's `usage` rows as mappings where the caller has them.
    """
    rows_of_usage = records(cassette.usage) if usage is None else usage
    table = thread_rows(cassette, rows_of_usage)
    estimated = {
        int(u["interaction"]) for u in rows_of_usage if str(u["cost_source"]) == "estimated"
    }
    threads_estimated = {
        link.thread
        for item, link in zip(cassette.records, cassette.links, strict=True)
        if item.index in estimated
    }
    rows = []
    for row in table:
        thread = int(row["thread"])
        source = "estimated" if thread in threads_estimated else "reported"
        started = row["relation"]
        if not missing(row["parent"]):
            started += f" from #{row['parent']}"
        total_cost = cost(row["total_cost_usd"], source)
        rows.append(
            {
                "thread": thread,
                "started": started,
                "requests": row["requests"],
                "side": row["side_requests"],
                "models": row["models"],
                "input": count(row["input_tokens"]),
                "output": count(row["output_tokens"]),
                "cost": cost(row["cost_usd"], source),
                "total": f"{count(row['total_input_tokens'])} in, "
                f"{count(row['total_output_tokens'])} out"
                + (f", {total_cost}" if total_cost else ""),
            }
        )
    return render("threads.html.j2", threads=rows)
