"""The notebook view: `show(x)` displays an ipywidgets panel over one cassette or several.

Charts are `Charts` widgets (plotly.js once per page, complete figures in
their state); the tabs are a list of (title, builder) panels, so a new tab
is one entry. Beside the live view, `show` displays a static copy that
notebooks keep for readers without a kernel (see `vizlib.views.static`).
"""

from __future__ import annotations

import html
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Literal

import ipywidgets as widgets
import pandas as pd
from IPython import get_ipython
from IPython.display import display

from vizlib.analysis.assembly import assemble
from vizlib.analysis.dashboard import dashboard, failures_of
from vizlib.analysis.raw import raw_exchange
from vizlib.analysis.transcript import transcript
from vizlib.analysis.turns import request_growth
from vizlib.cassette import Cassette, collect
from vizlib.corpus import Corpus, as_corpus, names_many
from vizlib.views.card import card_html
from vizlib.views.charts import Charts, figure_json
from vizlib.views.corpus import (
    NUMERIC,
    cassettes_dashboard,
    dashboard_html,
    filter_rows,
    turns_html,
)
from vizlib.views.figures import context_figure, timeline_figure, usage_figure
from vizlib.views.hooks import Hooks
from vizlib.views.html import (
    assembly_html,
    error_html,
    overview_html,
    raw_html,
    request_images,
    style,
    transcript_html,
)
from vizlib.views.labels import interaction_label, plural
from vizlib.views.runview import is_linear, run_figure, threads_html
from vizlib.views.static import dashboard_bundle, report_page, static_bundle, summary_text

Panel = tuple[str, Callable[["CassetteView"], widgets.Widget]]
# Seconds a whole stream takes to play at the default speed.
PLAY_SECONDS = 10
PLAY_TICK_MS = 100
SPEEDS = (1, 3, 10, 30, 100, 300, 1000)


def _overview(view: CassetteView) -> widgets.Widget:
    return view.overview


def _timeline(view: CassetteView) -> widgets.Widget:
    return widgets.VBox([view.card, view.timeline])


def _assembly(view: CassetteView) -> widgets.Widget:
    return widgets.VBox([view.controls, view.assembly])


def _usage(view: CassetteView) -> widgets.Widget:
    c = view.cassette
    return Charts(
        specs=_made(
            c, "usage", lambda: [usage_figure(c.usage), context_figure(c.usage, c.messages)]
        )
    )


def _transcript(view: CassetteView) -> widgets.Widget:
    return widgets.VBox([view.search, view.transcript])


def _raw(view: CassetteView) -> widgets.Widget:
    return view.raw


def _run(view: CassetteView) -> widgets.Widget:
    """The run's threads as swimlanes; clicking a request selects it in the other tabs."""
    c = view.cassette
    table = widgets.HTML(f"<style>{style()}</style>{threads_html(c)}")
    if is_linear(c):  # one conversation, each request continuing the one before: no lanes
        note = "<p class='vz vz-muted'>One conversation: each request continues the one before.</p>"
        return widgets.VBox([widgets.HTML(note), table])
    lanes = Charts(specs=_made(c, "run", lambda: [run_figure(c)]))
    lanes.on_click(view._goto)
    return widgets.VBox([lanes, table])


PANELS: list[Panel] = [
    ("Overview", _overview),
    ("Token timeline", _timeline),
    ("Tool-call assembly", _assembly),
    ("Usage and cost", _usage),
    ("Transcript", _transcript),
    ("Raw", _raw),
    ("Run", _run),
]
TABS = tuple(title for title, _ in PANELS)

# What a view builds from a cassette, kept while the cassette lives: showing
# the same cassette again (a re-run cell) costs no figure or page rebuilding.
_BUILT: weakref.WeakKeyDictionary[Cassette, dict[object, Any]] = weakref.WeakKeyDictionary()


def _made(cassette: Cassette, key: object, build: Callable[[], Any]) -> Any:
    built = _BUILT.setdefault(cassette, {})
    if key not in built:
        made = build()
        built[key] = [figure_json(f) for f in made] if isinstance(made, list) else made
    return built[key]


class CassetteView(widgets.VBox):  # type: ignore[misc]
    """Tabs over one cassette; a selector chooses the interaction the per-interaction tabs show."""

    def __init__(
        self, cassette: Cassette, *, redact: bool = True, panels: list[Panel] | None = None
    ) -> None:
        self.cassette = cassette
        self.redact = redact
        self.index = 0
        turns = turns_html(request_growth(cassette)) if len(cassette) > 1 else ""
        self.overview = widgets.HTML(overview_html(cassette) + turns)
        self.selector = widgets.Dropdown(
            options=[(interaction_label(cassette, i), i) for i in range(len(cassette))],
            description="interaction",
            layout={"width": "min(640px, 100%)"},
            style={"description_width": "initial"},
        )
        self.timeline = Charts()
        self.timeline.on_click(self._clicked)
        self.slider = widgets.IntSlider(
            description="chunks received",
            min=0,
            max=0,
            continuous_update=True,
            layout={"width": "min(560px, 100%)"},
            style={"description_width": "initial"},
        )
        self.play = widgets.Play(interval=PLAY_TICK_MS, min=0, max=0, show_repeat=False)
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.speed = widgets.Dropdown(
            options=[(f"{s:,} chunks/s", s) for s in SPEEDS],
            value=SPEEDS[0],
            description="speed",
            layout={"width": "190px"},
            style={"description_width": "initial"},
        )
        self.end = widgets.Button(description="end", tooltip="jump to the last chunk")
        self.controls = widgets.HBox([self.play, self.slider, self.speed, self.end])
        self.controls.add_class("vz-keys")
        self.assembly = widgets.HTML()
        self.search = widgets.Text(
            placeholder="filter the transcript", layout={"width": "min(400px, 100%)"}
        )
        self.transcript = widgets.HTML()
        self.raw = widgets.HTML()
        self.hooks = Hooks({"goto": lambda m: self._goto(m.get("interaction"))})
        self.card = widgets.HTML()
        chosen = PANELS if panels is None else panels
        self.tabs = widgets.Tab(children=[build(self) for _, build in chosen])
        self.tabs.titles = tuple(title for title, _ in chosen)
        self._calls: list[Any] = []
        self._events: list[str] = []
        self._sent_images: list[str] = []
        super().__init__(
            [
                widgets.HTML(
                    f"<style>{style()}</style><div class='vz'><b>{html.escape(cassette.name)}</b> "
                    f"<span class='vz-muted'>{html.escape(cassette.container)}, "
                    f"{plural(len(cassette), 'interaction')}</span></div>"
                ),
                self.selector,
                self.tabs,
                self.hooks,
            ]
        )
        self.add_class("vz-view")
        self.selector.observe(lambda change: self.select(change["new"]), names="value")
        self.slider.observe(lambda change: self._show_assembly(change["new"]), names="value")
        self.speed.observe(lambda change: self._set_speed(change["new"]), names="value")
        self.end.on_click(lambda _: setattr(self.slider, "value", self.slider.max))
        self.search.observe(lambda change: self._show_transcript(change["new"]), names="value")
        if len(cassette):
            self.select(0)

    def __repr__(self) -> str:
        return f"<CassetteView of {summary_text(self.cassette)}>"

    def select(self, index: int) -> None:
        """Show interaction `index` in the per-interaction tabs."""
        self.index = index
        chunks = self.cassette.chunks
        rows = chunks[chunks.interaction == index]
        row = self.cassette.interactions.iloc[index]
        self.timeline.figures = _made(
            self.cassette, ("timeline", index), lambda: [timeline_figure(chunks, index)]
        )
        # one response: its timeline is one point, so a card of the call comes with it
        card = "" if bool(row.stream) else card_html(self.cassette, index, redact=self.redact)
        self.card.value = f"<style>{style()}</style>{card}" if card else ""
        self._calls = assemble(self.cassette, index, redact=self.redact)
        self._events = rows.event.fillna("").tolist()
        total = len(rows)
        streamed = bool(row.stream) and total > 1
        self.controls.layout.display = None if streamed else "none"
        self.play.playing = False
        self.play.min = self.slider.min = 0  # lowered first: max may never go below min
        self.play.max = self.slider.max = total
        self.play.min = self.slider.min = min(1, total)
        self.play.value = total  # the page's link copies the player's value to the slider
        self.speed.value = next((s for s in SPEEDS if s * PLAY_SECONDS >= total), SPEEDS[-1])
        self._set_speed(self.speed.value)
        if self.slider.value == total:
            self._show_assembly(total)
        self.slider.value = total
        raw = raw_exchange(self.cassette, index, redact=self.redact)
        self._sent_images = request_images(raw.request_body)
        self._show_transcript(self.search.value)
        self.raw.value = raw_html(raw, redacted=self.redact, copy=True)

    def _set_speed(self, per_second: int) -> None:
        per_tick = per_second * PLAY_TICK_MS / 1000
        self.play.step = max(1, round(per_tick))
        self.play.interval = max(PLAY_TICK_MS, round(1000 / per_second))

    def _show_assembly(self, received: int) -> None:
        seq = received - 1
        event = self._events[seq] if 0 <= seq < len(self._events) else ""
        self.assembly.value = assembly_html(self._calls, seq, self.slider.max - 1, event)

    def _show_transcript(self, query: str) -> None:
        row = self.cassette.interactions.iloc[self.index]
        self.transcript.value = error_html(row, redact=self.redact) + transcript_html(
            transcript(self.cassette, self.index, redact=self.redact),
            query,
            copy=True,
            sent_images=self._sent_images,
        )

    def _clicked(self, seq: int) -> None:
        """A timeline chunk was clicked: the assembly shows the stream up to it."""
        self.slider.value = min(max(seq + 1, self.slider.min), self.slider.max)
        self.tabs.selected_index = TABS.index("Tool-call assembly")

    def _goto(self, interaction: object) -> None:
        if isinstance(interaction, int) and 0 <= interaction < len(self.cassette):
            self.selector.value = interaction


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
            options=[(n, i) for i, n in enumerate(names)],
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
        if names:
            self.open_cassette(0)

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
        )

    def _open_position(self, position: object) -> None:
        if isinstance(position, int) and 0 <= position < len(self.names):
            self.picker.value = position

    def open_cassette(self, index: int) -> None:
        """Show the full view of cassette `index` below the dashboard."""
        for old in self.holder.children:
            old.close()
        self.holder.children = [CassetteView(self._open(self.names[index]), redact=self.redact)]


def view(
    x: Any, *, redact: bool = True, errors: Literal["show", "raise"] = "show"
) -> CassetteView | CorpusView:
    """The view of a cassette or a corpus (paths, a `Cassette`, a `Corpus`), not yet displayed.

    Folders, globs and lists of paths load through `load_many` (see `vizlib.show`).
    """
    if names_many(x):
        x = as_corpus(x, errors)
    if isinstance(x, Corpus):
        table = dashboard(x.interactions, x.chunks, x.tool_calls, x.usage, x.names)
        return CorpusView(x.names, table, x.cassette, redact=redact, errors=failures_of(x.errors))
    cassettes = collect(x)
    if len(cassettes) == 1:
        return CassetteView(cassettes[0], redact=redact)
    by_name = {c.name: c for c in cassettes}
    return CorpusView(
        list(by_name), cassettes_dashboard(cassettes), by_name.__getitem__, redact=redact
    )


def static_of(shown: CassetteView | CorpusView) -> dict[str, str]:
    """The static copy of a view, shown beside it."""
    if isinstance(shown, CassetteView):
        c, redact = shown.cassette, shown.redact
        page = _made(c, ("page", redact), lambda: report_page(c, redact=redact))
        return static_bundle([c], redact=redact, page=page)
    return dashboard_bundle(shown.table)


def show(x: Any, *, redact: bool = True, errors: Literal["show", "raise"] = "show") -> None:
    """Display the view of a cassette or a corpus (paths, a `Cassette`, a `Corpus`).

    Like IPython's `display`, it returns nothing, so each call shows exactly
    one view: as a cell's last line, in a loop, or assigned. Outside IPython
    it does nothing; `view(x)` builds the widget without displaying it.
    """
    shown = view(x, redact=redact, errors=errors)
    if get_ipython() is None:
        return
    display(shown)  # type: ignore[no-untyped-call]
    display(static_of(shown), raw=True)  # type: ignore[no-untyped-call]
