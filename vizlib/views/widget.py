"""The notebook view: `show(x)` builds an ipywidgets panel over one cassette or several."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from IPython import get_ipython
from IPython.display import display

from vizlib.analysis.assembly import assemble
from vizlib.analysis.dashboard import dashboard, failures_of
from vizlib.analysis.raw import raw_exchange
from vizlib.analysis.transcript import transcript
from vizlib.analysis.turns import request_growth
from vizlib.cassette import Cassette, collect
from vizlib.corpus import Corpus
from vizlib.views.card import card_html
from vizlib.views.corpus import TITLES, cassettes_dashboard, dashboard_html, turns_html
from vizlib.views.figures import context_figure, timeline_figure, usage_figure
from vizlib.views.html import assembly_html, overview_html, raw_html, style, transcript_html
from vizlib.views.labels import interaction_label
from vizlib.views.runview import run_figure, threads_html

TABS = (
    "Overview",
    "Token timeline",
    "Tool-call assembly",
    "Usage and cost",
    "Transcript",
    "Raw",
    "Run",
)


def _figure_widget(figure: go.Figure) -> widgets.Widget:
    return go.FigureWidget(figure)


class CassetteView(widgets.VBox):  # type: ignore[misc]
    """Tabs over one cassette; a selector chooses the interaction the per-interaction tabs show."""

    def __init__(self, cassette: Cassette, *, redact: bool = True) -> None:
        self.cassette = cassette
        self.redact = redact
        self.selector = widgets.Dropdown(
            options=[(interaction_label(cassette, i), i) for i in range(len(cassette))],
            description="interaction",
            layout={"width": "640px"},
            style={"description_width": "initial"},
        )
        turns = turns_html(request_growth(cassette)) if len(cassette) > 1 else ""
        self.overview = widgets.HTML(overview_html(cassette) + turns)
        self.timeline = widgets.Box()
        self.slider = widgets.IntSlider(
            description="chunk", min=0, max=0, continuous_update=True, layout={"width": "640px"}
        )
        self.play = widgets.Play(interval=120, min=0, max=0)
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.assembly = widgets.HTML()
        self.usage = widgets.VBox(
            [
                _figure_widget(usage_figure(cassette.usage)),
                _figure_widget(context_figure(cassette.usage, cassette.messages)),
            ]
        )
        self.search = widgets.Text(placeholder="filter the transcript", layout={"width": "400px"})
        self.transcript = widgets.HTML()
        self.raw = widgets.HTML()
        self.run = _figure_widget(run_figure(cassette))
        for trace in self.run.data:
            if trace.customdata is not None:
                trace.on_click(self._select_node)
        self.tabs = widgets.Tab(
            children=[
                self.overview,
                self.timeline,
                widgets.VBox([widgets.HBox([self.play, self.slider]), self.assembly]),
                self.usage,
                widgets.VBox([self.search, self.transcript]),
                self.raw,
                widgets.VBox([self.run, widgets.HTML(threads_html(cassette))]),
            ]
        )
        for position, title in enumerate(TABS):
            self.tabs.set_title(position, title)
        self._calls: list[Any] = []
        self._events: list[str] = []
        super().__init__(
            [
                widgets.HTML(
                    f"<style>{style()}</style><b>{html.escape(cassette.name)}</b> "
                    f"<span class='vz-muted'>{cassette.container}, "
                    f"{len(cassette)} interactions</span>"
                ),
                self.selector,
                self.tabs,
            ]
        )
        self.selector.observe(lambda change: self.select(change["new"]), names="value")
        self.slider.observe(lambda change: self._show_assembly(change["new"]), names="value")
        self.search.observe(lambda change: self._show_transcript(change["new"]), names="value")
        if len(cassette):
            self.select(0)

    def select(self, index: int) -> None:
        """Show interaction `index` in the per-interaction tabs."""
        self.index = index
        chunks = self.cassette.chunks
        rows = chunks[chunks.interaction == index]
        figure = _figure_widget(timeline_figure(chunks, index))
        if bool(self.cassette.interactions.stream.iloc[index]):
            self.timeline.children = [figure]
        else:  # one response: its timeline is one point, so a card of the call comes with it
            card = card_html(self.cassette, index, redact=self.redact)
            self.timeline.children = [figure, widgets.HTML(f"<style>{style()}</style>{card}")]
        self._calls = assemble(self.cassette, index, redact=self.redact)
        self._events = rows.event.fillna("").tolist()
        last = max(len(rows) - 1, 0)
        self.play.max = self.slider.max = last
        if self.slider.value == last:
            self._show_assembly(last)
        self.slider.value = last
        self._show_transcript(self.search.value)
        self.raw.value = raw_html(
            raw_exchange(self.cassette, index, redact=self.redact), redacted=self.redact
        )

    def _select_node(self, trace: Any, points: Any, _state: Any) -> None:
        """A click on the run view selects that interaction in the other tabs."""
        if points.point_inds:
            self.selector.value = int(trace.customdata[points.point_inds[0]])

    def _show_assembly(self, seq: int) -> None:
        event = self._events[seq] if seq < len(self._events) else ""
        self.assembly.value = assembly_html(self._calls, seq, self.slider.max, event)

    def _show_transcript(self, query: str) -> None:
        self.transcript.value = transcript_html(
            transcript(self.cassette, self.index, redact=self.redact), query
        )


class CorpusView(widgets.VBox):  # type: ignore[misc]
    """The comparison dashboard over many cassettes, and the view of the one chosen below it."""

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
        self.sort = widgets.Dropdown(
            options=[(TITLES[key], key) for key in table.columns],
            value="cassette",
            description="sort by",
            style={"description_width": "initial"},
        )
        self.table = table
        self.dashboard = widgets.HTML()
        self.picker = widgets.Dropdown(
            options=[(n, i) for i, n in enumerate(names)],
            description="cassette",
            layout={"width": "640px"},
        )
        self.holder = widgets.VBox()
        super().__init__(
            [
                widgets.HTML(f"<style>{style()}</style>"),
                self.sort,
                self.dashboard,
                self.picker,
                self.holder,
            ]
        )
        self.sort.observe(lambda change: self._show_dashboard(change["new"]), names="value")
        self.picker.observe(lambda change: self.open_cassette(change["new"]), names="value")
        self._show_dashboard("cassette")
        if names:
            self.open_cassette(0)

    def _show_dashboard(self, key: str) -> None:
        ascending = key in ("cassette", "api", "model", "finish_reasons")
        self.dashboard.value = dashboard_html(
            self.table.sort_values(key, ascending=ascending, na_position="last"),
            errors=self.errors,
        )

    def open_cassette(self, index: int) -> None:
        """Show the full view of cassette `index` below the dashboard."""
        self.holder.children = [CassetteView(self._open(self.names[index]), redact=self.redact)]


def show(x: Any, *, redact: bool = True) -> widgets.Widget:
    """Display and return the view of a cassette or a corpus (paths, a `Cassette`, a `Corpus`)."""
    if isinstance(x, Corpus):
        table = dashboard(x.interactions, x.chunks, x.tool_calls, x.usage, x.names)
        view: widgets.Widget = CorpusView(
            x.names, table, x.cassette, redact=redact, errors=failures_of(x.errors)
        )
    else:
        cassettes = collect(x)
        if len(cassettes) == 1:
            view = CassetteView(cassettes[0], redact=redact)
        else:
            by_name = {c.name: c for c in cassettes}
            view = CorpusView(
                list(by_name), cassettes_dashboard(cassettes), by_name.__getitem__, redact=redact
            )
    if get_ipython() is not None:
        display(view)  # type: ignore[no-untyped-call]
    return view
