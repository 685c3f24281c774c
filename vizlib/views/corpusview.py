"""The notebook view of many cassettes: a dashboard to filter, sort and open one from.

Opening a cassette shows its `CassetteView` below the dashboard. Nothing is
drawn for a cassette until it is picked, so the view of a folder costs its
dashboard, not its cassettes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import ipywidgets as widgets
import pandas as pd

from vizlib.analysis.dashboard import dashboard, failures_of
from vizlib.cassette import Cassette, collect
from vizlib.corpus import Corpus, as_corpus, names_many
from vizlib.redact import shown_name
from vizlib.views.corpus import NUMERIC, cassettes_dashboard, dashboard_html, filter_rows
from vizlib.views.hooks import Hooks
from vizlib.views.html import style
from vizlib.views.labels import plural
from vizlib.views.widget import CassetteView


class CorpusView(widgets.VBox):  # type: ignore[misc]
    """The dashboard of many cassettes (filter, sort, click a name) above the chosen one's view."""

    def __init__(
        self,
        names: list[str],
        table: pd.DataFrame,
        opener: Any,
        *,
        redact: bool = True,
        errors: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.names = names
        self.errors = errors
        self._open = opener
        self.redact = redact
        self.table = table.reset_index(drop=True)
        self.key, self.ascending = "cassette", True
        self.filter = widgets.Text(
            placeholder="filter: name, api, model…",
            description="cassettes",
            continuous_update=True,
            layout={"width": "min(360px, 100%)"},
        )
        self.picker = widgets.Dropdown(
            options=[
                ("pick one, or click a name below", None),
                *((shown_name(n, redact=redact), i) for i, n in enumerate(names)),
            ],
            value=None,
            description="open",
            layout={"width": "min(640px, 100%)"},
        )
        self.dashboard = widgets.HTML(layout={"width": "100%"})
        self.holder = widgets.VBox()
        self.hooks = Hooks(
            {
                "open": lambda m: self._open_position(m.get("position")),
                "sort": lambda m: self.sort_by(str(m.get("key"))),
            }
        )
        super().__init__(
            [
                widgets.HTML(
                    f"<style>{style()}</style><div class='vz'><b>{plural(len(names), 'cassette')}"
                    "</b> <span class='vz-muted'>· click a name to open it, a header to sort</span>"
                    "</div>"
                ),
                widgets.HBox([self.filter, self.picker], layout={"flex_flow": "row wrap"}),
                self.dashboard,
                self.holder,
                self.hooks,
            ]
        )
        self.add_class("vz-view")
        self.filter.observe(lambda _: self._show_dashboard(), names="value")
        self.picker.observe(lambda change: self.open_cassette(change["new"]), names="value")
        self._show_dashboard()

    def __repr__(self) -> str:
        return f"<CorpusView of {plural(len(self.names), 'cassette')}>"

    def sort_by(self, key: str) -> None:
        """Sort the dashboard by column `key`; sorting by it again reverses the order."""
        if key not in self.table.columns:
            return
        if key == self.key:
            self.ascending = not self.ascending
        else:
            self.key, self.ascending = key, key not in NUMERIC
        self._show_dashboard()

    def visible(self) -> pd.DataFrame:
        """The dashboard's rows as shown: filtered, then sorted."""
        rows = filter_rows(self.table, self.filter.value)
        return rows.sort_values(self.key, ascending=self.ascending, na_position="last")

    def _show_dashboard(self) -> None:
        self.dashboard.value = dashboard_html(
            self.visible(),
            opens=True,
            sorted_by=(self.key, self.ascending),
            errors=self.errors,
            redact=self.redact,
        )

    def _open_position(self, position: object) -> None:
        if isinstance(position, int) and 0 <= position < len(self.names):
            self.picker.value = position

    def open_cassette(self, index: int | None) -> None:
        """Show the full view of cassette `index` below the dashboard (None: none)."""
        for old in self.holder.children:
            old.close()
        if index is None:
            self.holder.children = []
            return
        self.holder.children = [CassetteView(self._open(self.names[index]), redact=self.redact)]


def corpus_view(
    x: Any, *, redact: bool = True, errors: Literal["show", "raise"] = "show"
) -> CorpusView | list[Cassette]:
    """The dashboard view of `x` (files, a folder, a glob, a `Corpus`, cassettes).

    Where `x` is one cassette after all (one file, or a list of one), that cassette.
    """
    if names_many(x):
        x = as_corpus(x, errors)
    if isinstance(x, Corpus):
        table = dashboard(x.interactions, x.chunks, x.tool_calls, x.usage, x.names)
        return CorpusView(x.names, table, x.cassette, redact=redact, errors=failures_of(x.errors))
    cassettes = collect(x)
    if len(cassettes) == 1:
        return cassettes
    by_name = {c.name: c for c in cassettes}
    return CorpusView(
        list(by_name), cassettes_dashboard(cassettes), by_name.__getitem__, redact=redact
    )
