"""Plotly figures built from frames: token timeline, usage and cost, context growth.

Every string that comes from a cassette is HTML-escaped before it reaches a
figure, because plotly renders a subset of HTML in hover labels, legends and
titles. Large streams switch to WebGL traces so no chunk becomes a DOM node.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from vizlib.redact import redact_text

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


# A light look set directly: plotly's named templates cost a deep copy per figure.
PLAIN = {
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "font": {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 12},
}
GRID = {"gridcolor": "#e5e7eb", "zerolinecolor": "#cbd5e1"}


def _say(figure: go.Figure, message: str) -> go.Figure:
    """Write `message` across an empty chart, so it says why it is empty."""
    figure.add_annotation(
        text=message,
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        font={"size": 14, "color": "#64748b"},
    )
    return figure


def escape(text: object, limit: int = HOVER_CHARS) -> str:
    """Cassette text made safe for plotly labels: secrets masked, cut to `limit`, HTML-escaped."""
    value = "" if text is None or text is pd.NA else redact_text(str(text))
    if len(value) > limit:
        value = value[:limit] + "…"
    return html.escape(value).replace("\n", "⏎")


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


def timeline_figure(
    chunks: pd.DataFrame, interaction: int, *, max_points: int | None = None
) -> go.Figure:
    """The stream of one interaction, chunk by chunk: one lane per kind and per tool call.

    Marks are sized by their delta's length; a line on the right axis counts
    the characters received so far. The x axis is the chunk sequence, or the
    recorded time where the format carries one per chunk. With `max_points`,
    longer streams are binned (each mark then stands for several chunks, and
    the title says so); without it they are drawn with WebGL.
    """
    rows = chunks[chunks.interaction == interaction]
    names = _tool_names(rows)
    lanes = [
        _lane(kind, index, names.get(index))
        for kind, index in zip(rows.kind.astype(str), rows.tool_index, strict=True)
    ]
    delta = rows.text.fillna("").where(rows.kind != "tool_call", rows.args_delta.fillna(""))
    lengths = delta.str.len().fillna(0).astype(int).to_numpy()
    timed = rows.time_s.notna().all() and len(rows) > 0
    x = rows.time_s.to_numpy() if timed else rows.seq.to_numpy()
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
    total = len(frame)
    cumulative_x, cumulative_y = frame.x, np.cumsum(frame.length)
    binned_by = 1
    if max_points is not None and total > max_points:
        frame, binned_by = _aggregate(frame, max_points)
        step = max(1, total // max_points)
        cumulative_x, cumulative_y = cumulative_x[::step], cumulative_y[::step]
    scatter = go.Scattergl if len(frame) > WEBGL_ABOVE else go.Scatter
    figure = go.Figure()
    for lane in _ordered_lanes(frame):
        part = frame[frame.lane == lane]
        kind = part.kind.iloc[0]
        figure.add_trace(
            scatter(
                x=part.x,
                y=[escape(lane, 60)] * len(part),
                mode="markers",
                name=escape(lane, 60),
                marker={
                    "size": np.clip(6 + 2 * np.sqrt(part.length), 6, 28),
                    "color": COLORS[kind],
                    "opacity": 0.75,
                    "line": {"width": 0},
                },
                customdata=np.column_stack(
                    [
                        part.seq,
                        [escape(e, 80) for e in part.event],
                        [escape(d) for d in part.delta],
                        part.length,
                    ]
                ),
                hovertemplate=(
                    "chunk %{customdata[0]} · %{customdata[1]}<br>"
                    "%{customdata[3]} chars: %{customdata[2]}<extra></extra>"
                ),
            )
        )
    figure.add_trace(
        scatter(
            x=cumulative_x,
            y=cumulative_y,
            mode="lines",
            name="characters so far",
            yaxis="y2",
            line={"color": "#0f172a", "width": 1.5},
            hoverinfo="skip",
        )
    )
    figure.update_layout(
        **PLAIN,
        title=f"Token timeline · interaction {interaction} · {total:,} chunks"
        + (
            f" (aggregated: each mark stands for up to {binned_by} chunks)" if binned_by > 1 else ""
        ),
        xaxis={"title": TIME_AXIS if timed else SEQ_AXIS, **GRID},
        yaxis={
            "title": "",
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [escape(lane, 60) for lane in _ordered_lanes(frame)][::-1],
        },
        yaxis2={
            "title": "characters so far",
            "tickformat": ",d",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        },
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        height=max(320, 90 + 45 * frame.lane.nunique()),
    )
    if frame.empty:
        _say(figure, "the response body is empty: no chunks")
    return figure


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


def usage_figure(usage: pd.DataFrame) -> go.Figure:
    """Per-turn stacked token bars; cost per turn and cumulative on the right axis.

    Estimated costs are drawn with open markers and say so in their hover,
    with the price's source and date.
    """
    # calls that are not chat turns say what they are: `#3 embeddings`, `#9 batch`
    turns = [
        f"#{i}" if kind in ("chat", None) or pd.isna(kind) else f"#{i} {kind}"
        for i, kind in zip(usage.interaction, usage.kind, strict=True)
    ]
    parts = usage_parts(usage)
    figure = go.Figure()
    for name, color in USAGE_PARTS:
        figure.add_trace(
            go.Bar(
                x=turns,
                y=parts[name],
                name=name,
                marker_color=color,
                hovertemplate=f"{name}: %{{y:,}} tokens<extra>%{{x}}</extra>",
            )
        )
    cost = usage.cost_usd.astype(float)
    estimated = (usage.cost_source == "estimated").fillna(False).to_numpy()
    notes = [
        escape(f"estimated from {src}" if est else "reported by the provider", 200)
        for est, src in zip(estimated, usage.price_source.fillna(""), strict=True)
    ]
    if cost.notna().any():
        figure.add_trace(
            go.Scatter(
                x=turns,
                y=cost,
                name="cost per turn (USD)",
                yaxis="y2",
                mode="lines+markers",
                marker={
                    "symbol": ["circle-open" if e else "circle" for e in estimated],
                    "size": 10,
                    "color": "#111827",
                },
                line={"dash": "dot" if estimated.any() else "solid", "color": "#111827"},
                customdata=notes,
                hovertemplate="$%{y:.6f}<br>%{customdata}<extra>%{x}</extra>",
            )
        )
        figure.add_trace(
            go.Scatter(
                x=turns,
                y=cost.fillna(0).cumsum().where(cost.notna()),
                name="cumulative cost (USD)",
                yaxis="y2",
                mode="lines",
                line={"color": "#dc2626"},
                hovertemplate="$%{y:.6f} so far<extra>%{x}</extra>",
            )
        )
    any_estimated = bool(estimated.any())
    figure.update_layout(
        **PLAIN,
        title="Usage and cost per turn"
        + (" (open markers: estimated costs)" if any_estimated else ""),
        barmode="stack",
        xaxis={"title": "interaction", "type": "category", **GRID},
        yaxis={"title": "tokens", **GRID},
        yaxis2={
            "title": "USD",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            "tickformat": "$.5f",
        },
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        height=380,
    )
    if usage.input_tokens.isna().all() and usage.output_tokens.isna().all():
        _say(figure, "no token usage was reported")
    return figure


def context_figure(usage: pd.DataFrame, messages: pd.DataFrame) -> go.Figure:
    """How the context grows across turns: input tokens and messages sent per request."""
    turns = [f"#{i}" for i in usage.interaction]
    sent = messages[messages.source == "request"].groupby("interaction").size()
    counts = [int(sent.get(i, 0)) for i in usage.interaction]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=turns,
            y=usage.input_tokens.astype("Float64").to_numpy(dtype=float, na_value=math.nan),
            name="input tokens",
            mode="lines+markers",
            line={"color": "#2563eb"},
        )
    )
    figure.add_trace(
        go.Bar(
            x=turns, y=counts, name="messages sent", yaxis="y2", marker_color="#cbd5e1", opacity=0.6
        )
    )
    figure.update_layout(
        **PLAIN,
        title="Context growth across turns",
        xaxis={"title": "interaction", "type": "category", **GRID},
        yaxis={"title": "input tokens", "rangemode": "tozero", **GRID},
        yaxis2={
            "title": "messages",
            "tickformat": ",d",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        },
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        height=320,
    )
    if usage.empty:
        _say(figure, "no interactions")
    return figure
