"""The plotly.js every vizlib page embeds: a partial bundle vendored with vizlib.

`vizlib/standalone/vendor/plotly-partial.min.js` holds plotly.js's core with
the trace types vizlib draws (scatter, bar, and the strict scattergl whose
WebGL programs are precompiled, so pages need no `unsafe-eval`). It is built
from the official npm package by `scripts/build-plotly-bundle`; its version is
in `plotly-partial.json` beside it, its license in `plotly.js-LICENSE`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

TRACE_TYPES = frozenset({"scatter", "bar", "scattergl"})


def _vendor(name: str) -> str:
    # through `vizlib`, not `vizlib.standalone`: reading the bundle must not import the report
    vendor = resources.files("vizlib").joinpath(f"standalone/vendor/{name}")
    return vendor.read_text(encoding="utf-8")


@cache
def plotly_js() -> str:
    """The bundle's source, to inline in a `<script>` element inside `<body>`.

    Its WebGL text module measures the page's font as it loads, so it needs
    a `document.body`: not in `<head>`.
    """
    return _vendor("plotly-partial.min.js")


@cache
def plotly_js_version() -> str:
    """The plotly.js release the bundle was built from."""
    return str(json.loads(_vendor("plotly-partial.json"))["plotly_js"])
