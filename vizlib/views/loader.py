"""plotly.js for a live notebook page: one widget per kernel whose state is the bundle.

The first view of a kernel creates it before anything else, so the page
receives the bundle (one binary buffer, kept out of the notebook's outputs)
and evaluates it while the kernel builds the view. A reloaded page gets it
again with the kernel's other widgets.
"""

from __future__ import annotations

from importlib import resources

import anywidget
import traitlets

from vizlib._plotlyjs import plotly_js


class PlotlyLoader(anywidget.AnyWidget):
    """Holds plotly.js; the page evaluates it as soon as the model exists."""

    _esm = traitlets.Unicode(
        resources.files("vizlib.views").joinpath("loader.js").read_text(encoding="utf-8")
    ).tag(sync=True)
    source = traitlets.Bytes().tag(sync=True)


class _Loaded:
    widget: PlotlyLoader | None = None


def load_plotly() -> PlotlyLoader:
    """The kernel's loader, created (and sent to the page) on first call."""
    if _Loaded.widget is None:
        _Loaded.widget = PlotlyLoader(source=plotly_js().encode())
    return _Loaded.widget
