"""What a notebook view builds from a cassette, kept while the cassette lives, and its charts.

Showing the same cassette again (a re-run cell) rebuilds no figure and no
report page. The charts' figures are here, apart from the other panels, so
a view's first charts need only pandas and `vizlib.views.figures`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from vizlib.cassette import Cassette
from vizlib.collector import collector_paused
from vizlib.views.charts import Figure, figure_json
from vizlib.views.figures import LAYOUT_DEFAULTS, context_spec, timeline_spec, usage_spec

_BUILT: weakref.WeakKeyDictionary[Cassette, dict[object, Any]] = weakref.WeakKeyDictionary()


def made(cassette: Cassette, key: object, build: Callable[[], Any]) -> Any:
    """What `build()` returns, built once per cassette and `key`."""
    built = _BUILT.setdefault(cassette, {})
    if key not in built:
        with collector_paused():
            built[key] = build()
    return built[key]


def styled(spec: Figure) -> Figure:
    """A `*_spec` figure with the look every vizlib chart shares (`LAYOUT_DEFAULTS`)."""
    return {"data": spec["data"], "layout": {**LAYOUT_DEFAULTS, **spec["layout"]}}


def usage_figures(cassette: Cassette) -> list[Figure]:
    """The Usage and cost tab's charts: tokens and cost per turn, context growth."""
    c = cassette
    return made(  # type: ignore[no-any-return]
        c,
        "usage",
        lambda: [
            figure_json(styled(usage_spec(c.usage))),
            figure_json(styled(context_spec(c.usage, c.messages))),
        ],
    )


def timeline_figures(cassette: Cassette, index: int) -> list[Figure]:
    """The Token timeline tab's chart of interaction `index`."""
    chunks = cassette.chunks
    return made(  # type: ignore[no-any-return]
        cassette,
        ("timeline", index),
        lambda: [figure_json(styled(timeline_spec(chunks, index)))],
    )
