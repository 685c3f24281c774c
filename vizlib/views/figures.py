"""Charts of one cassette as plain data: token timeline, usage and cost, context growth.

Each chart is built once, by a `*_spec` function, as a plotly figure in plain
dicts and lists (`{"data": [...], "layout": {...}}`) that orjson serialises
and plotly.js draws. The look they share, `LAYOUT_DEFAULTS` and plotly's
default template, is kept apart: a page writes it once, and the `*_figure`
functions (plotly `go.Figure`s for notebooks) add it to each figure.

Every string that comes from a cassette is HTML-escaped before it reaches a
chart, because plotly renders a subset of HTML in hover labels, legends and
titles. Large streams switch to WebGL traces so no chunk becomes a DOM node.
"""

from __future__ import annotations

import html
import math
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from vizlib.redact import redact_text

if TYPE_CHECKING:
    import plotly.graph_objects as go

Spec = dict[str, Any]

WEBGL_ABOVE = 1000
HOVER_CHARS = 160
LANE_ORDER = ("text", "reasoning", "tool_call", "usage", "control", "error", "other")
COLORS = {
    "text": "#2563eb",
    "reasoning": "#9333ea",
    "tool_call": "#ea580c",
    "usage": "#16a34a",
    "control": "#64748b",
    "error": "#dc2626",
    "other": "#94a3b8",
}
SEQ_AXIS = "chunk sequence (arrival order; the cassette records no per-chunk times)"
TIME_AXIS = "seconds since the first chunk (recorded by the server)"

# The layout every chart shares, written once per page (plotly's default template beside it).
LAYOUT_DEFAULTS: dict[str, Any] = {
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "font": {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 12},
    "legend": {"orientation": "h", "y": -0.25},
    "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
}
GRID = {"gridcolor": "#e5e7eb", "zerolinecolor": "#cbd5e1"}
RIGHT_AXIS = {"overlaying": "y", "side": "right", "rangemode": "tozero", "showgrid": False}


def figure(spec: Spec) -> go.Figure:
    """A plotly figure of a spec, with the shared layout (for notebooks)."""
    import plotly.graph_objects as go  # noqa: PLC0415 - plotly loads only where figures are drawn

    return go.Figure(data=spec["data"], layout={**LAYOUT_DEFAULTS, **spec["layout"]})


def _say(layout: dict[str, Any], message: str) -> None:
    """Write `message` across an empty chart, so it says why it is empty."""
    layout["annotations"] = [
        {
            "text": message,
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "font": {"size": 14, "color": "#64748b"},
        }
    ]


def escape(text: object, limit: int = HOVER_CHARS) -> str:
    """Cassette text made safe for plotly labels: secrets masked, cut to `limit`, HTML-escaped."""
    value = "" if text is None or text is pd.NA else redact_text(str(text))
    if len(value) > limit:
        value = value[:limit] + "…"
    return html.escape(value).replace("\n", "⏎")


def _floats(values: Any) -> list[float | None]:
    """Numbers as a JSON-ready list: NA and NaN become null."""
    array = pd.array(values, dtype="Float64")
    return [None if v is pd.NA or math.isnan(v) else float(v) for v in array]


def _lane(row_kind: str, tool_index: object, tool_name: object) -> str:
    if row_kind == "tool_call" and tool_index is not pd.NA and tool_index is not None:
        name = "" if tool_name is pd.NA or tool_name is None else f" {tool_name}"
        return f"tool #{int(tool_index)}{name}"  # type: ignore[call-overload]
    return row_kind


def _aggregate(frame: pd.DataFrame, max_points: int) -> tuple[pd.DataFrame, int]:
    """Bin consecutive chunks of each lane so at most about `max_points` marks remain."""
    size = math.ceil(len(frame) / max_points)
    binned = frame.assign(bin=frame.seq // size)
    grouped = (
        binned.groupby(["lane", "bin"], sort=False)
        .agg(
            x=("x", "first"),
            seq=("seq", "first"),
            length=("length", "sum"),
            kind=("kind", "first"),
            event=("event", "first"),
            delta=("delta", lambda d: "".join(d)[:HOVER_CHARS]),
        )
        .reset_index()
    )
    return grouped.sort_values("seq"), size


def _timeline_frame(chunks: pd.DataFrame, interaction: int) -> tuple[pd.DataFrame, bool]:
    """One row per chunk of the interaction: its lane, x, length, text; and whether x is time."""
    rows = chunks[chunks.interaction == interaction]
    names = _tool_names(rows)
    lanes = [
        _lane(kind, index, names.get(index))
        for kind, index in zip(rows.kind.astype(str), rows.tool_index, strict=True)
    ]
    delta = rows.text.fillna("").where(rows.kind != "tool_call", rows.args_delta.fillna(""))
    lengths = delta.str.len().fillna(0).astype(int).to_numpy()
    timed = bool(rows.time_s.notna().all()) and len(rows) > 0
    x = rows.time_s.to_numpy(dtype=float) if timed else rows.seq.to_numpy()
    frame = pd.DataFrame(
        {
            "lane": lanes,
            "x": x,
            "seq": rows.seq.to_numpy(),
            "length": lengths,
            "delta": delta.to_numpy(),
            "event": rows.event.fillna("").to_numpy(),
            "kind": rows.kind.astype(str).to_numpy(),
        }
    )
    return frame, timed


def timeline_spec(chunks: pd.DataFrame, interaction: int, *, max_points: int | None = None) -> Spec:
    """The stream of one interaction, chunk by chunk: one lane per kind and per tool call.

    Marks are sized by their delta's length; a line on the right axis counts
    the characters received so far. The x axis is the chunk sequence, or the
    recorded time where the format carries one per chunk. With `max_points`,
    longer streams are binned (each mark then stands for several chunks, and
    the title says so); without it they are drawn with WebGL.
    """
    frame, timed = _timeline_frame(chunks, interaction)
    total = len(frame)
    cumulative_x, cumulative_y = frame.x.to_numpy(), np.cumsum(frame.length.to_numpy())
    binned_by = 1
    if max_points is not None and total > max_points:
        frame, binned_by = _aggregate(frame, max_points)
        step = max(1, total // max_points)
        cumulative_x, cumulative_y = cumulative_x[::step], cumulative_y[::step]
    kind_of_trace = "scattergl" if len(frame) > WEBGL_ABOVE else "scatter"
    lanes = _ordered_lanes(frame)
    data: list[dict[str, Any]] = []
    for lane in lanes:
        part = frame[frame.lane == lane]
        lengths = part.length.to_numpy()
        label = escape(lane, 60)
        data.append(
            {
                "type": kind_of_trace,
                "x": part.x.tolist(),
                "y": [label] * len(part),
                "mode": "markers",
                "name": label,
                "marker": {
                    "size": np.clip(6 + 2 * np.sqrt(lengths), 6, 28).round(2).tolist(),
                    "color": COLORS[part.kind.iloc[0]],
                    "opacity": 0.75,
                    "line": {"width": 0},
                },
                "customdata": [
                    [seq, escape(event, 80), escape(delta), length]
                    for seq, event, delta, length in zip(
                        part.seq.tolist(),
                        part.event.tolist(),
                        part.delta.tolist(),
                        lengths.tolist(),
                        strict=True,
                    )
                ],
                "hovertemplate": (
                    "chunk %{customdata[0]} · %{customdata[1]}<br>"
                    "%{customdata[3]} chars: %{customdata[2]}<extra></extra>"
                ),
            }
        )
    data.append(
        {
            "type": kind_of_trace,
            "x": cumulative_x.tolist(),
            "y": cumulative_y.tolist(),
            "mode": "lines",
            "name": "characters so far",
            "yaxis": "y2",
            "line": {"color": "#0f172a", "width": 1.5},
            "hoverinfo": "skip",
        }
    )
    aggregated = f" (aggregated: each mark stands for up to {binned_by} chunks)"
    layout: dict[str, Any] = {
        "title": {
            "text": f"Token timeline · interaction {interaction} · {total:,} chunks"
            + (aggregated if binned_by > 1 else "")
        },
        "xaxis": {"title": {"text": TIME_AXIS if timed else SEQ_AXIS}, **GRID},
        "yaxis": {
            "title": {"text": ""},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [escape(lane, 60) for lane in lanes][::-1],
        },
        "yaxis2": {"title": {"text": "characters so far"}, "tickformat": ",d", **RIGHT_AXIS},
        "height": max(320, 90 + 45 * len(lanes)),
    }
    if frame.empty:
        _say(layout, "the response body is empty: no chunks")
    return {"data": data, "layout": layout}


def timeline_figure(
    chunks: pd.DataFrame, interaction: int, *, max_points: int | None = None
) -> go.Figure:
    """`timeline_spec` as a plotly figure."""
    return figure(timeline_spec(chunks, interaction, max_points=max_points))


def _tool_names(rows: pd.DataFrame) -> dict[object, str]:
    named = rows.dropna(subset=["tool_index", "tool_name"])
    return dict(zip(named.tool_index, named.tool_name, strict=True))


def _ordered_lanes(frame: pd.DataFrame) -> list[str]:
    present = set(frame.lane)
    ordered: list[str] = []
    for kind in LANE_ORDER:
        if kind == "tool_call":
            ordered += sorted(
                (lane for lane in present if lane.startswith("tool #")),
                key=lambda lane: int(lane.split()[1][1:]),
            )
        elif kind in present:
            ordered.append(kind)
    return ordered


USAGE_PARTS = (
    ("uncached input", "#93c5fd"),
    ("cached input", "#2563eb"),
    ("cache writes", "#0891b2"),
    ("output", "#f97316"),
    ("reasoning", "#9333ea"),
)


def usage_parts(usage: pd.DataFrame) -> pd.DataFrame:
    """Per turn, the token counts that stack to input plus output (NA counts as 0)."""
    filled = (
        usage[
            [
                "input_tokens",
                "output_tokens",
                "cached_tokens",
                "cache_write_tokens",
                "reasoning_tokens",
            ]
        ]
        .fillna(0)
        .astype("int64")
    )
    return pd.DataFrame(
        {
            "uncached input": (
                filled.input_tokens - filled.cached_tokens - filled.cache_write_tokens
            ).clip(0),
            "cached input": filled.cached_tokens,
            "cache writes": filled.cache_write_tokens,
            "output": (filled.output_tokens - filled.reasoning_tokens).clip(0),
            "reasoning": filled.reasoning_tokens,
        }
    )


def usage_spec(usage: pd.DataFrame) -> Spec:
    """Per-turn stacked token bars; cost per turn and cumulative on the right axis.

    Estimated costs are drawn with open markers and say so in their hover,
    with the price's source and date.
    """
    turns = [f"#{i}" for i in usage.interaction]
    parts = usage_parts(usage)
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "x": turns,
            "y": parts[name].tolist(),
            "name": name,
            "marker": {"color": color},
            "hovertemplate": f"{name}: %{{y:,}} tokens<extra>%{{x}}</extra>",
        }
        for name, color in USAGE_PARTS
    ]
    cost = usage.cost_usd.astype(float)
    estimated = (usage.cost_source == "estimated").fillna(False).to_numpy(dtype=bool)
    notes = [
        escape(f"estimated from {src}" if est else "reported by the provider", 200)
        for est, src in zip(estimated, usage.price_source.fillna(""), strict=True)
    ]
    if cost.notna().any():
        data.append(
            {
                "type": "scatter",
                "x": turns,
                "y": _floats(cost),
                "name": "cost per turn (USD)",
                "yaxis": "y2",
                "mode": "lines+markers",
                "marker": {
                    "symbol": ["circle-open" if e else "circle" for e in estimated],
                    "size": 10,
                    "color": "#111827",
                },
                "line": {"dash": "dot" if estimated.any() else "solid", "color": "#111827"},
                "customdata": notes,
                "hovertemplate": "$%{y:.6f}<br>%{customdata}<extra>%{x}</extra>",
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": turns,
                "y": _floats(cost.fillna(0).cumsum().where(cost.notna())),
                "name": "cumulative cost (USD)",
                "yaxis": "y2",
                "mode": "lines",
                "line": {"color": "#dc2626"},
                "hovertemplate": "$%{y:.6f} so far<extra>%{x}</extra>",
            }
        )
    layout: dict[str, Any] = {
        "title": {
            "text": "Usage and cost per turn"
            + (" (open markers: estimated costs)" if estimated.any() else "")
        },
        "barmode": "stack",
        "xaxis": {"title": {"text": "interaction"}, "type": "category", **GRID},
        "yaxis": {"title": {"text": "tokens"}, **GRID},
        "yaxis2": {"title": {"text": "USD"}, "tickformat": "$.5f", **RIGHT_AXIS},
        "height": 380,
    }
    if usage.input_tokens.isna().all() and usage.output_tokens.isna().all():
        _say(layout, "no token usage was reported")
    return {"data": data, "layout": layout}


def usage_figure(usage: pd.DataFrame) -> go.Figure:
    """`usage_spec` as a plotly figure."""
    return figure(usage_spec(usage))


def context_spec(usage: pd.DataFrame, messages: pd.DataFrame) -> Spec:
    """How the context grows across turns: input tokens and messages sent per request."""
    turns = [f"#{i}" for i in usage.interaction]
    sent = messages[messages.source == "request"].groupby("interaction").size()
    counts = [int(sent.get(i, 0)) for i in usage.interaction]
    data = [
        {
            "type": "scatter",
            "x": turns,
            "y": _floats(usage.input_tokens),
            "name": "input tokens",
            "mode": "lines+markers",
            "line": {"color": "#2563eb"},
        },
        {
            "type": "bar",
            "x": turns,
            "y": counts,
            "name": "messages sent",
            "yaxis": "y2",
            "marker": {"color": "#cbd5e1"},
            "opacity": 0.6,
        },
    ]
    layout: dict[str, Any] = {
        "title": {"text": "Context growth across turns"},
        "xaxis": {"title": {"text": "interaction"}, "type": "category", **GRID},
        "yaxis": {"title": {"text": "input tokens"}, "rangemode": "tozero", **GRID},
        "yaxis2": {"title": {"text": "messages"}, "tickformat": ",d", **RIGHT_AXIS},
        "height": 320,
    }
    if usage.empty:
        _say(layout, "no interactions")
    return {"data": data, "layout": layout}


def context_figure(usage: pd.DataFrame, messages: pd.DataFrame) -> go.Figure:
    """`context_spec` as a plotly figure."""
    return figure(context_spec(usage, messages))


@cache
def template() -> str:
    """Plotly's default template (colours, axis and hover styles) as JSON, for a page to write once.

    The `*_figure` functions get the same template from plotly itself.
    """
    package = resources.files("plotly").joinpath("package_data/templates/plotly.json")
    return package.read_text(encoding="utf-8")
