"""One widget that draws a list of plotly figures, with plotly.js loaded once per page.

The widget's state holds every figure's complete JSON (one JSON text in a
binary buffer), so a chart is never drawn before its traces arrive;
replacing `figures` redraws the charts in place. Figures are plain plotly
JSON (the `*_spec` functions of `vizlib.views.figures`): neither plotly's
Python package nor pandas is imported here.
The bundle itself is not part of the state: the page has it from the
kernel's loader widget (see `vizlib.views.loader`) or asks the kernel for
it once (a custom message answered with one binary buffer), and every later
chart on the page reuses it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any, Literal, TypedDict

import anywidget
import orjson
import traitlets

from vizlib._plotlyjs import plotly_js

Figure = dict[str, Any]


class PlotlyRequest(TypedDict):
    """The front end asks for the plotly.js bundle."""

    type: Literal["plotly"]


class ChunkClick(TypedDict):
    """A point of a timeline was clicked: its chunk's sequence number."""

    type: Literal["click"]
    seq: int


def _esm() -> str:
    return resources.files("vizlib.views").joinpath("charts.js").read_text(encoding="utf-8")


# Dark text colours the figures use for lines and labels; the front end swaps
# them for the theme's text colour.
INK = ("#0f172a", "#111827")
LEGEND_ON_TOP = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"}


def _plain(value: object) -> object:
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _titled(part: dict[str, Any]) -> None:
    """A title given as `title: "text"` in the long form `title: {"text": ...}`."""
    if isinstance(part.get("title"), str):
        part["title"] = {"text": part["title"]}


def figure_json(spec: Figure) -> Figure:
    """A figure (plain plotly JSON) for the page, fitted to its box and to the theme.

    The fixed white background goes (the page's theme picks one), the width
    follows the container, the legend sits above the plot where it cannot
    cover an axis title, and integer and money axes get readable ticks. The
    spec is copied, never changed.
    """
    copied: Figure = orjson.loads(
        orjson.dumps(spec, default=_plain, option=orjson.OPT_SERIALIZE_NUMPY)
    )
    layout = copied.setdefault("layout", {})
    copied.setdefault("data", [])
    for key in ("paper_bgcolor", "plot_bgcolor", "template", "width"):
        layout.pop(key, None)
    layout["autosize"] = True
    _titled(layout)
    title = layout.get("title")
    if isinstance(title, dict):
        title.update({"x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top"})
    layout["legend"] = dict(LEGEND_ON_TOP)
    margin = layout.setdefault("margin", {})
    margin.update({"t": 90, "b": 50, "l": 60, "r": 70})
    layout["height"] = int(layout.get("height", 360)) + 40
    for name, axis in list(layout.items()):
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            _titled(axis)
            _tidy_axis(name, axis, copied["data"])
    return copied


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _axis_values(name: str, traces: list[dict[str, Any]]) -> list[float]:
    """The numbers the traces put on axis `name` (`xaxis`, `yaxis2`, ...)."""
    letter, ref = name[0], name[0] + name[5:]
    values: list[float] = []
    for trace in traces:
        if (trace.get(f"{letter}axis") or letter) != ref:
            continue
        column = trace.get(letter)
        if isinstance(column, list):
            values += [n for n in map(_number, column) if n is not None]
    return values


def integer_step(largest: float, ticks: int = 6) -> int:
    """A 1-2-5 tick step of at least 1 that puts about `ticks` ticks up to `largest`."""
    for power in range(16):
        for factor in (1, 2, 5):
            step = int(factor * 10**power)
            if step * ticks >= largest:
                return step
    return 10**16


def _tidy_axis(name: str, axis: dict[str, Any], traces: list[dict[str, Any]]) -> None:
    tickformat = axis.get("tickformat", "")
    title = axis.get("title")
    text = title.get("text", "") if isinstance(title, dict) else ""
    if tickformat.endswith("d") or text.startswith("chunk sequence"):
        # counts: ticks only on whole numbers (",d" printed 2.5 as 2, beside a real 2)
        values = _axis_values(name, traces)
        axis.update({"tickformat": ",d", "tick0": 0, "dtick": integer_step(max(values, default=1))})
    elif tickformat.startswith("$"):
        axis["tickformat"] = "$.2~g"
    if isinstance(title, dict):
        title["standoff"] = 8


class Charts(anywidget.AnyWidget):
    """Plotly charts drawn from `figures` (made by `figure_json`); timeline clicks call back.

    The page receives the figures as one JSON text in a binary buffer
    (`figures_json`), not as nested state: ipywidgets walks nested state value
    by value, and a timeline of 100,000 chunks holds hundreds of thousands.
    """

    _esm = traitlets.Unicode(_esm()).tag(sync=True)
    figures = traitlets.List(traitlets.Dict())
    figures_json = traitlets.Bytes(b"[]").tag(sync=True)

    def __init__(self, figures: Sequence[Figure] = (), **kwargs: Any) -> None:
        """Charts of `figures`, each already made by `figure_json`."""
        super().__init__(figures=list(figures), **kwargs)
        self._on_click: list[Callable[[int], None]] = []
        self.on_msg(self._message)

    @traitlets.observe("figures")
    def _send_figures(self, change: dict[str, Any]) -> None:
        self.figures_json = orjson.dumps(change["new"], default=_plain)

    def on_click(self, callback: Callable[[int], None]) -> None:
        """Call `callback(seq)` when a timeline chunk is clicked."""
        self._on_click.append(callback)

    def _message(self, _widget: object, content: dict[str, Any], _buffers: object) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "plotly":
            self.send({"type": "plotly"}, buffers=[plotly_js().encode()])
        elif kind == "click" and isinstance(content.get("seq"), int):
            for callback in self._on_click:
                callback(content["seq"])
