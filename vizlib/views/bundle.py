"""plotly.js for a notebook page, sent once per kernel ahead of its first view.

The first `vizlib.show` of a kernel displays, before it builds anything, an
output holding the bundle as inert text and a small loader that evaluates
it at once. The page then evaluates plotly.js while the kernel is still
building the view, so the view's charts draw as soon as they arrive. The
static copies of later views and their report frames borrow the same
bundle (`window.__vizlibPlotly()`), and an exported notebook carries it
once. A page without it (reloaded, or the output cleared) asks the kernel
for the bundle instead (see `vizlib.views.charts`).

This module imports neither pandas nor the widget stack, so the bundle
leaves the kernel before they load.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources

from vizlib._plotlyjs import plotly_js

CARRIER = "vz-plotly-carrier"
# The carrier evaluates the bundle as soon as the page is free, not when a chart first asks.
EAGER = "setTimeout(function () { try { window.__vizlibPlotly(); } catch (e) {} }, 0);"


class _Sent:
    """Whether this kernel has already put plotly.js into an output."""

    plotly = False


def take_plotly() -> bool:
    """True the first time it is called in a kernel: the caller then carries the bundle."""
    first = not _Sent.plotly
    _Sent.plotly = True
    return first


@cache
def loader() -> str:
    """The script that defines `window.__vizlibPlotly`, which evaluates the inert bundle once."""
    script = resources.files("vizlib.views").joinpath("templates/plotly-loader.js")
    return script.read_text(encoding="utf-8")


def inert_plotly() -> str:
    """The bundle as an inert `<script type="text/plain">` element (never executed as is)."""
    source = plotly_js().replace("</", "<\\/")
    return f'<script type="text/plain" class="vz-plotly-js">{source}</script>'


def carrier_html() -> str:
    """The output that brings plotly.js to the page and starts evaluating it."""
    return (
        f'<div class="{CARRIER}" hidden>{inert_plotly()}<script>{loader()}\n{EAGER}</script></div>'
    )


def send_plotly() -> None:
    """In IPython, display the carrier of plotly.js unless this kernel already has."""
    ipython = sys.modules.get("IPython")
    if ipython is None or ipython.get_ipython() is None or _Sent.plotly:
        return
    from IPython.display import display  # noqa: PLC0415 - IPython is loaded: we run inside it

    take_plotly()
    display({"text/html": carrier_html(), "text/plain": ""}, raw=True)  # type: ignore[no-untyped-call]
