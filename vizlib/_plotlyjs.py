"""The plotly.js source every page of vizlib draws its charts with, from one place."""

from __future__ import annotations

from functools import cache


@cache
def plotly_js() -> str:
    """The plotly.js bundle as JavaScript source (read once per process)."""
    from plotly.offline import get_plotlyjs  # noqa: PLC0415 - plotly loads on first use

    return str(get_plotlyjs())
