"""The notebook view: `show(x)` builds an ipywidgets panel over one cassette or several."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go
from IPython.display import display

from vizlib.analysis.assembly import assemble
from vizlib.analysis.raw import raw_exchange
from vizlib.analysis.transcript import transcript
from vizlib.cassette import Cassette, collect
from vizlib.views.figures import context_figure, timeline_figure, usage_figure
from vizlib.views.html import assembly_html, overview_html, raw_html, style, transcript_html
from vizlib.views.labels import interaction_label

TABS = ("Overview", "Token timeline", "Tool-call assembly", "Usage and cost", "Transcript", "Raw")


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
        self.overview = widgets.HTML(overview_html(cassette))
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
        self.tabs = widgets.Tab(
            children=[
                self.overview,
                self.timeline,
                widgets.VBox([widgets.HBox([self.play, self.slider]), self.assembly]),
                self.usage,
                widgets.VBox([self.search, self.transcript]),
                self.raw,
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
        self.timeline.children = [_figure_widget(timeline_figure(chunks, index))]
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

    def _show_assembly(self, seq: int) -> None:
        event = self._events[seq] if seq < len(self._events) else ""
        self.assembly.value = assembly_html(self._calls, seq, self.slider.max, event)

    def _show_transcript(self, query: str) -> None:
        self.transcript.value = transcript_html(
            transcript(self.cassette, self.index, redact=self.redact), query
        )


def show(x: Any, *, redact: bool = True) -> widgets.Widget:
    """Display and return the view of a cassette (a path, a `Cassette`, or several of them)."""
    cassettes = collect(x)
    if len(cassettes) == 1:
        view: widgets.Widget = CassetteView(cassettes[0], redact=redact)
    else:
        picker = widgets.Dropdown(
            options=[(c.name, i) for i, c in enumerate(cassettes)],
            description="cassette",
            layout={"width": "640px"},
        )
        holder = widgets.VBox([CassetteView(cassettes[0], redact=redact)] if cassettes else [])
        picker.observe(
            lambda change: setattr(
                holder, "children", [CassetteView(cassettes[change["new"]], redact=redact)]
            ),
            names="value",
        )
        view = widgets.VBox([picker, holder])
    display(view)  # type: ignore[no-untyped-call]
    return view
