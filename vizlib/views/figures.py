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
import importlib.util
import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from vizlib.frames.summary import per_interaction
from vizlib.redact import mask_fragments, redact_parts, redact_text

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
    return _label("" if text is None or text is pd.NA else redact_text(str(text)), limit)


def _label(value: str, limit: int = HOVER_CHARS) -> str:
    """Text already masked, cut to `limit` and HTML-escaped for a plotly label."""
    if len(value) > limit:
        value = value[:limit] + "…"
    return html.escape(value).replace("\n", "⏎")


def _floats(values: Any) -> list[float | None]:
    """Numbers as a JSON-ready list: NA and NaN become null."""
    array = values.to_numpy(dtype=float, na_value=np.nan) if hasattr(values, "to_numpy") else values
    return [None if math.isnan(v) else v for v in np.asarray(array, dtype=float).tolist()]


TOKEN_COLUMNS = (
    "input_tokens",
    "output_tokens",
    "cached_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
)


UsageArrays = dict[str, np.ndarray]


def _sent(interactions: np.ndarray, messages: pd.DataFrame) -> np.ndarray:
    """Per interaction in `interactions`, how many messages its request sent."""
    requested = messages.interaction.to_numpy(dtype=np.int64)[
        messages.source.to_numpy(dtype=object, na_value="") == "request"
    ]
    sent = dict(zip(*np.unique(requested, return_counts=True), strict=True))
    return np.array([int(sent.get(i, 0)) for i in interactions.tolist()], dtype=np.int64)


def usage_arrays(usage: pd.DataFrame, messages: pd.DataFrame | None = None) -> UsageArrays:
    """The usage columns the usage and context charts read, as numpy arrays (NA as NaN or "").

    With `messages` (of the same cassette), `messages_sent` counts each request's messages.
    """
    usage = per_interaction(usage)
    arrays = {
        "interaction": usage.interaction.to_numpy(dtype=np.int64),
        **{c: usage[c].to_numpy(dtype=float, na_value=np.nan) for c in TOKEN_COLUMNS},
        "cost_usd": usage.cost_usd.to_numpy(dtype=float, na_value=np.nan),
        "cost_source": usage.cost_source.to_numpy(dtype=object, na_value=""),
        "price_source": usage.price_source.to_numpy(dtype=object, na_value=""),
        "kind": usage.kind.astype(object).to_numpy(dtype=object, na_value=""),
    }
    if messages is not None:
        arrays["messages_sent"] = _sent(arrays["interaction"], messages)
    return arrays


def _usage_parts(u: UsageArrays) -> dict[str, list[int]]:
    """`usage_parts` as lists, from numpy."""
    t = {c: np.nan_to_num(u[c]).astype(np.int64) for c in TOKEN_COLUMNS}
    return {
        "uncached input": np.clip(
            t["input_tokens"] - t["cached_tokens"] - t["cache_write_tokens"], 0, None
        ).tolist(),
        "cached input": t["cached_tokens"].tolist(),
        "cache writes": t["cache_write_tokens"].tolist(),
        "output": np.clip(t["output_tokens"] - t["reasoning_tokens"], 0, None).tolist(),
        "reasoning": t["reasoning_tokens"].tolist(),
    }


ChunkArrays = dict[str, np.ndarray]


def chunk_arrays(chunks: pd.DataFrame) -> ChunkArrays:
    """The chunk columns a timeline reads, as numpy arrays (NA text as "", NA numbers as NaN).

    Convert once and pass the result to `timeline_spec` for each interaction of a cassette.
    """
    return {
        "interaction": chunks.interaction.to_numpy(dtype=np.int64),
        "seq": chunks.seq.to_numpy(dtype=np.int64),
        "kind": chunks.kind.astype(str).to_numpy(dtype=object),
        "text": chunks.text.to_numpy(dtype=object, na_value=""),
        "args_delta": chunks.args_delta.to_numpy(dtype=object, na_value=""),
        "tool_index": chunks.tool_index.to_numpy(dtype=float, na_value=np.nan),
        "tool_name": chunks.tool_name.to_numpy(dtype=object, na_value=None),  # type: ignore[call-overload]
        "event": chunks.event.to_numpy(dtype=object, na_value=""),
        "time_s": chunks.time_s.to_numpy(dtype=float, na_value=np.nan),
    }


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


def _timeline_columns(arrays: ChunkArrays, interaction: int) -> tuple[dict[str, np.ndarray], bool]:
    """One entry per chunk of the interaction: lane, x, seq, length, delta, event, kind."""
    picked = np.flatnonzero(arrays["interaction"] == interaction)
    kind = arrays["kind"][picked]
    tool_index = arrays["tool_index"][picked]
    tool_name = arrays["tool_name"][picked]
    is_tool = kind == "tool_call"
    delta = np.where(is_tool, arrays["args_delta"][picked], arrays["text"][picked])
    names = {
        int(i): str(n)
        for i, n in zip(tool_index.tolist(), tool_name.tolist(), strict=True)
        if n is not None and not math.isnan(i)
    }
    lanes = [
        f"tool #{int(i)}" + (f" {names[int(i)]}" if int(i) in names else "")
        if tool and not math.isnan(i)
        else k
        for k, tool, i in zip(kind.tolist(), is_tool.tolist(), tool_index.tolist(), strict=True)
    ]
    time_s, seq = arrays["time_s"][picked], arrays["seq"][picked]
    timed = len(picked) > 0 and not np.isnan(time_s).any()
    return {
        "lane": np.array(lanes, dtype=object),
        "x": time_s if timed else seq,
        "seq": seq,
        "length": np.fromiter((len(d) for d in delta), dtype=np.int64, count=len(delta)),
        "delta": _masked_lanes(lanes, delta),  # lengths are the wire's, text is masked
        "event": arrays["event"][picked],
        "kind": kind,
    }, bool(timed)


def _masked_lanes(lanes: list[str], delta: np.ndarray) -> np.ndarray:
    """Each lane's deltas masked as their assembly is: a secret split across chunks shows in none.

    The lane's text is scanned once, joined; each chunk loses the characters
    that fall in a secret (see `mask_fragments`).
    """
    rows: dict[str, list[int]] = {}
    for i, lane in enumerate(lanes):
        rows.setdefault(lane, []).append(i)
    out = delta.copy()
    for picked in rows.values():
        if len(picked) > 1:
            for i, text in mask_fragments([(i, str(delta[i])) for i in picked]):
                out[i] = text
    return out


def _lane_trace(part: dict[str, np.ndarray], lane: str, trace_type: str) -> dict[str, Any]:
    lengths = part["length"]
    label = escape(lane, 60)
    return {
        "type": trace_type,
        "x": part["x"].tolist(),
        "y": [label] * len(lengths),
        "mode": "markers",
        "name": label,
        "marker": {
            "size": np.clip(6 + 2 * np.sqrt(lengths), 6, 28).round(2).tolist(),
            "color": COLORS.get(str(part["kind"][0]), COLORS["other"]),
            "opacity": 0.75,
            "line": {"width": 0},
        },
        "customdata": _hover_data(part),
        "hovertemplate": (
            "chunk %{customdata[0]} · %{customdata[1]}<br>"
            "%{customdata[3]} chars: %{customdata[2]}<extra></extra>"
        ),
    }


def _hover_data(part: dict[str, np.ndarray]) -> list[list[Any]]:
    """Each chunk's sequence number, event name, delta and length, as the hover shows them."""
    events = part["event"].tolist()
    names = {event: escape(event, 80) for event in set(events)}  # a stream repeats a few
    deltas = redact_parts([str(delta) for delta in part["delta"].tolist()])
    return [
        [seq, names[event], _label(delta), length]
        for seq, event, delta, length in zip(
            part["seq"].tolist(), events, deltas, part["length"].tolist(), strict=True
        )
    ]


def timeline_spec(
    chunks: pd.DataFrame | ChunkArrays, interaction: int, *, max_points: int | None = None
) -> Spec:
    """The stream of one interaction, chunk by chunk: one lane per kind and per tool call.

    Marks are sized by their delta's length; a line on the right axis counts
    the characters received so far. The x axis is the chunk sequence, or the
    recorded time where the format carries one per chunk. With `max_points`,
    longer streams are binned (each mark then stands for several chunks, and
    the title says so); without it they are drawn with WebGL. `chunks` is the
    chunks frame, or `chunk_arrays` of it.
    """
    arrays = chunk_arrays(chunks) if isinstance(chunks, pd.DataFrame) else chunks
    columns, timed = _timeline_columns(arrays, interaction)
    total = len(columns["seq"])
    cumulative_x, cumulative_y = columns["x"], np.cumsum(columns["length"])
    binned_by = 1
    if max_points is not None and total > max_points:
        binned, binned_by = _aggregate(pd.DataFrame(columns), max_points)
        columns = {name: binned[name].to_numpy() for name in columns}
        step = max(1, total // max_points)
        cumulative_x, cumulative_y = cumulative_x[::step], cumulative_y[::step]
    trace_type = "scattergl" if len(columns["seq"]) > WEBGL_ABOVE else "scatter"
    lanes = _ordered_lanes(set(columns["lane"].tolist()))
    data: list[dict[str, Any]] = []
    for lane in lanes:
        where = np.flatnonzero(columns["lane"] == lane)
        data.append(_lane_trace({k: v[where] for k, v in columns.items()}, lane, trace_type))
    data.append(
        {
            "type": trace_type,
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
    if total == 0:
        _say(layout, "the response body is empty: no chunks")
    return {"data": data, "layout": layout}


def timeline_figure(
    chunks: pd.DataFrame, interaction: int, *, max_points: int | None = None
) -> go.Figure:
    """`timeline_spec` as a plotly figure."""
    return figure(timeline_spec(chunks, interaction, max_points=max_points))


def _ordered_lanes(present: set[str]) -> list[str]:
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
    return pd.DataFrame(_usage_parts(usage_arrays(usage)), dtype="int64")


def usage_spec(usage: pd.DataFrame | UsageArrays) -> Spec:
    """Per-turn stacked token bars; cost per turn and cumulative on the right axis.

    Estimated costs are drawn with open markers and say so in their hover,
    with the price's source and date. `usage` is the usage frame, or `usage_arrays` of it.
    """
    u = usage_arrays(usage) if isinstance(usage, pd.DataFrame) else usage
    # calls that are not chat turns say what they are: `#3 embeddings`, `#9 batch`
    turns = [
        f"#{i}" if kind in ("chat", "") else f"#{i} {kind}"
        for i, kind in zip(u["interaction"].tolist(), u["kind"].tolist(), strict=True)
    ]
    parts = _usage_parts(u)
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "x": turns,
            "y": parts[name],
            "name": name,
            "marker": {"color": color},
            "hovertemplate": f"{name}: %{{y:,}} tokens<extra>%{{x}}</extra>",
        }
        for name, color in USAGE_PARTS
    ]
    cost = u["cost_usd"]
    estimated = u["cost_source"] == "estimated"
    sources = u["price_source"].tolist()
    notes = [
        escape(f"estimated from {src}" if est else "reported by the provider", 200)
        for est, src in zip(estimated.tolist(), sources, strict=True)
    ]
    priced = ~np.isnan(cost)
    if priced.any():
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
                "y": _floats(np.where(priced, np.cumsum(np.nan_to_num(cost)), np.nan)),
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
    if np.isnan(u["input_tokens"]).all() and np.isnan(u["output_tokens"]).all():
        _say(layout, "no token usage was reported")
    return {"data": data, "layout": layout}


def usage_figure(usage: pd.DataFrame) -> go.Figure:
    """`usage_spec` as a plotly figure."""
    return figure(usage_spec(usage))


def context_spec(usage: pd.DataFrame | UsageArrays, messages: pd.DataFrame | None = None) -> Spec:
    """How the context grows across turns: input tokens and messages sent per request.

    `usage` is the usage frame (with `messages`), or `usage_arrays(usage, messages)`.
    """
    u = usage_arrays(usage, messages) if isinstance(usage, pd.DataFrame) else usage
    turns = [f"#{i}" for i in u["interaction"].tolist()]
    counts = u["messages_sent"].tolist()
    data = [
        {
            "type": "scatter",
            "x": turns,
            "y": _floats(u["input_tokens"]),
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
    if len(turns) == 0:
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
    spec = importlib.util.find_spec("plotly")  # found, not imported: a report needs only the file
    if spec is None or not spec.submodule_search_locations:
        package = resources.files("plotly")
    else:
        package = Path(next(iter(spec.submodule_search_locations)))
    return package.joinpath("package_data/templates/plotly.json").read_text(encoding="utf-8")
